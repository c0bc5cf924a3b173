"""`orderConnection`: Relay paging (first/after, last/before) over the same filter and sorts as `orders`.

Cursors are base64 of `number:<order number>` like Centra's (`bnVtYmVyOjE2Ng==`); paging is keyset on the
requested sort plus the number, so rows inserted between requests neither shift nor repeat a page.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from ariadne import QueryType
from graphql import GraphQLResolveInfo

from sandbox.graphql_api import views
from sandbox.graphql_api.batching import as_siblings
from sandbox.graphql_api.context import RequestContext, context_of
from sandbox.graphql_api.errors import ApiError
from sandbox.graphql_api.resolvers.orders import ORDER_SORT_COLUMNS, order_where
from sandbox.graphql_api.sql import MAX_LIMIT, Where

Row = dict[str, Any]
DEFAULT_SIZE = 20
Terms = list[tuple[str, bool]]  # (column, ascending)


def encode_cursor(number: int) -> str:
    return base64.b64encode(f"number:{number}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    try:
        kind, _, value = base64.b64decode(cursor, validate=True).decode().partition(":")
        if kind == "number":
            return int(value)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise ApiError(f'Invalid cursor "{cursor}".')


def _terms(sort: list[str] | None) -> Terms:
    terms = []
    for value in sort or []:
        name, _, direction = value.rpartition("_")
        terms.append((ORDER_SORT_COLUMNS[name], direction == "ASC"))
    return [*terms, ("number", True)]


def only_beyond(ctx: RequestContext, condition: Where, terms: Terms, number: int, forward: bool) -> Where:
    """Keep rows strictly after (forward) or before the row of order `number` in the `terms` order."""
    columns = ", ".join(column for column, _ in terms)
    rows = ctx.store.rows(f"SELECT {columns} FROM ({views.ORDERS}) WHERE number = ?", [number])
    if not rows:
        raise ApiError(f"Invalid cursor: order {number} does not exist.")
    values = rows[0]
    alternatives, params = [], []
    for index, (column, ascending) in enumerate(terms):
        equal = [f"{previous} = ?" for previous, _ in terms[:index]]
        operator = ">" if ascending == forward else "<"
        alternatives.append("(" + " AND ".join([*equal, f"{column} {operator} ?"]) + ")")
        params += [values[previous] for previous, _ in terms[:index]] + [values[column]]
    return condition.add("(" + " OR ".join(alternatives) + ")", *params)


def _order_sql(terms: Terms, forward: bool) -> str:
    parts = [f"{column} {'ASC' if ascending == forward else 'DESC'}" for column, ascending in terms]
    return " ORDER BY " + ", ".join(parts)


def _size(value: int | None, name: str) -> int | None:
    if value is not None and not 0 <= value <= MAX_LIMIT:
        raise ApiError(f"{name} must be in range 0 - {MAX_LIMIT}.")
    return value


def _exists_beyond(
    ctx: RequestContext, where: dict[str, Any] | None, terms: Terms, number: int, forward: bool
) -> bool:
    condition = only_beyond(ctx, order_where(ctx, where), terms, number, forward)
    return views.count(ctx, views.ORDERS, condition) > 0


query = QueryType()


@query.field("orderConnection")
def resolve_order_connection(
    _: Any,
    info: GraphQLResolveInfo,
    where: dict[str, Any] | None = None,
    sort: list[str] | None = None,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> Row:
    ctx = context_of(info)
    first, last = _size(first, "first"), _size(last, "last")
    if first is None and last is None:
        first = DEFAULT_SIZE
    forward = first is not None  # `first` wins when both are given
    size = first if first is not None else last
    terms = _terms(sort)
    condition: Where = order_where(ctx, where)
    for cursor, direction in ((after, True), (before, False)):
        if cursor is not None:
            only_beyond(ctx, condition, terms, decode_cursor(cursor), direction)
    rows = views.select_page(
        ctx, views.ORDERS, "number", condition, _order_sql(terms, forward), f" LIMIT {size}"
    )
    if not forward:
        rows.reverse()
    ctx.state.stats.add("orders_served", len(rows))
    as_siblings(rows)
    if rows:
        has_previous = _exists_beyond(ctx, where, terms, rows[0]["number"], forward=False)
        has_next = _exists_beyond(ctx, where, terms, rows[-1]["number"], forward=True)
    else:
        has_previous, has_next = after is not None, before is not None
    edges = [{"node": row, "cursor": encode_cursor(row["number"])} for row in rows]
    return {
        "totalCount": views.count(ctx, views.ORDERS, order_where(ctx, where)),
        "pageInfo": {
            "hasPreviousPage": has_previous,
            "hasNextPage": has_next,
            "startCursor": edges[0]["cursor"] if edges else None,
            "endCursor": edges[-1]["cursor"] if edges else None,
        },
        "edges": edges,
    }


BINDABLES = [query]
