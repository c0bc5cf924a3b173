"""What the Order API served while GraphQL was out is read again through GraphQL once it is back.

An Order API row lacks what GraphQL gives (`warehouse/order_api_gaps.py`: the order's own conversion rate,
store, handling, `updatedAt`, a product's status and brand, ...), and a merge keeps the row as last loaded.
So when the Order API serves a family while GraphQL is configured, it leaves a note in the source state,
committed with its load, and the family's next GraphQL load reads those rows again:
- orders: the earliest creation time the Order API re-read (`ORDERS_SINCE`); the GraphQL orders resource
  reads every order created since then, besides its own strategy, and drops the note with that load;
- catalog and customers: their GraphQL watermarks are dropped, so the next GraphQL load reads them whole.
A failed load commits no state: the note stays until a GraphQL load of the family has committed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

ORDERS_SINCE = "orders_served_by_order_api_since"


def order_api_served_orders(state: dict[str, Any], since: datetime) -> None:
    """The Order API (re-)read the orders created since `since`."""
    noted = state.get(ORDERS_SINCE)
    if noted is None or since < datetime.fromisoformat(noted):
        state[ORDERS_SINCE] = since.isoformat()


def order_api_served(state: dict[str, Any], graphql_marks: tuple[str, ...]) -> None:
    """The Order API served a family read whole (catalog, customers): dropping its GraphQL watermarks
    `graphql_marks` makes its next GraphQL load read it whole."""
    for mark in graphql_marks:
        state.pop(mark, None)


def orders_to_read_again(state: dict[str, Any]) -> datetime | None:
    """The creation time from which GraphQL reads the orders the Order API served; None when it served none.
    The note leaves the state the caller commits."""
    noted = state.pop(ORDERS_SINCE, None)
    return datetime.fromisoformat(noted) if noted is not None else None
