"""The events strategy for orders: Centra's queue tells which orders changed; we re-fetch those.

Confirming is the delicate part. Centra hands out the oldest unconfirmed events again and again until they
are confirmed, and an event confirmed before its data is committed is lost for good. So a run records the
ids it processed in dlt state, which is committed with the load, and the *next* run confirms them before
reading more: a crash before the commit leaves them unconfirmed (they are read and merged again), a crash
after it leaves them recorded (they are confirmed next time). A full batch means more are queued:
`orders_events_more` asks the runner for another round.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

import dlt

from pipelines.centra.graphql_client import CentraGraphQLClient
from pipelines.centra.reconcile.warehouse_side import WarehouseSide

log = logging.getLogger(__name__)
BATCH = 200
TO_CONFIRM, MORE = "orders_events_to_confirm", "orders_events_more"
_DELETED_CHILD_LOOKUP = {
    "Return": ("orders__returns", "return_id"),
    "Shipment": ("orders__shipments", "shipment_id"),
}


def subscribe(client: CentraGraphQLClient, query: str) -> str | None:
    """Ask Centra for order, shipment and return events; None when it agreed, else what it answered (an
    instance without the events system answers with a userError)."""
    result = client.execute(query, name="set_order_listeners", mutation=True)
    errors = result.data["setEventListeners"]["userErrors"]
    if errors:
        refusal = "; ".join(e["message"] for e in errors)
        log.warning("Centra refused the event listeners: %s", refusal)
        return refusal
    return None


def confirm_committed(client: CentraGraphQLClient, query: str, state: dict[str, Any]) -> int:
    """Confirm the events whose orders the previous, committed load carried."""
    ids = [int(i) for i in state.get(TO_CONFIRM) or []]
    if ids:
        result = client.execute(query, {"ids": ids}, name="confirm_events", mutation=True)
        for problem in result.data["confirmEvents"]["userErrors"]:
            log.warning("confirming events: %s", problem["message"])
    state[TO_CONFIRM] = []
    return len(ids)


def read_batch(client: CentraGraphQLClient, query: str) -> list[dict[str, Any]]:
    result = client.execute(query, {"limit": BATCH}, name="order_events")
    events: list[dict[str, Any]] = result.data["events"]
    return events


def deleted_order_numbers(events: Iterable[dict[str, Any]]) -> set[int]:
    """Orders Centra deleted: an Order DELETED event has no object, its reference names the order."""
    return {
        int(event["objectReference"])
        for event in events
        if event["objectType"] == "Order" and event.get("changeType") == "DELETED" and not event.get("object")
    }


def remove_deleted_orders(numbers: set[int]) -> int:
    """Remove deleted orders (and their lines, shipments and returns) from the warehouse at once; the rows
    removed. Idempotent: an event read again after a crash removes nothing more."""
    if not numbers:
        return 0
    with dlt.current.pipeline().sql_client() as client:
        removed = WarehouseSide(client).remove("orders", numbers)
    log.info("orders: %d order(s) deleted in Centra removed from the warehouse", removed)
    return removed


def changed_order_numbers(events: Iterable[dict[str, Any]]) -> set[int]:
    """Orders to re-fetch: the events' objects name them; deleted children are looked up in the warehouse.
    Deleted orders are not among them (`deleted_order_numbers`)."""
    numbers: set[int] = set()
    deleted: dict[str, list[int]] = {}
    gone = deleted_order_numbers(events)
    for event in events:
        if event["objectType"] == "Order" and int(event.get("objectReference") or -1) in gone:
            continue
        found = event.get("object") or {}
        if "number" in found:
            numbers.add(int(found["number"]))
        elif (found.get("order") or {}).get("number") is not None:
            numbers.add(int(found["order"]["number"]))
        elif event["objectType"] == "Order":
            numbers.add(int(event["objectReference"]))
        elif event["objectType"] in _DELETED_CHILD_LOOKUP:
            deleted.setdefault(event["objectType"], []).append(int(event["objectReference"]))
    return numbers | _orders_of_deleted_children(deleted)


def _orders_of_deleted_children(deleted: dict[str, list[int]]) -> set[int]:
    """A deleted return or shipment has no object any more: find its order in what we loaded before."""
    if not deleted:
        return set()
    numbers: set[int] = set()
    try:
        with dlt.current.pipeline().sql_client() as client:
            for object_type, ids in deleted.items():
                table, key = _DELETED_CHILD_LOOKUP[object_type]
                placeholders = ", ".join(str(int(i)) for i in ids)
                rows = client.execute_sql(
                    f"SELECT DISTINCT order_number FROM {client.make_qualified_table_name(table)} "
                    f"WHERE {key} IN ({placeholders})"
                )
                numbers.update(int(row[0]) for row in rows or [])
    except Exception as error:  # the table may not exist yet; the order's own event usually follows
        log.warning("could not look up the orders of deleted %s: %s", sorted(deleted), error)
    return numbers
