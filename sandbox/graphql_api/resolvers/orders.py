"""Root order queries: `orders` (offset pages), `order(id)`, and the `OrderFilter`/`OrderSort` rules
shared with `orderConnection` and `counters.orders`."""

from __future__ import annotations

from typing import Any

from ariadne import QueryType
from graphql import GraphQLResolveInfo

from sandbox.graphql_api import views
from sandbox.graphql_api.batching import as_siblings
from sandbox.graphql_api.context import RequestContext, context_of
from sandbox.graphql_api.errors import ApiError
from sandbox.graphql_api.sql import Where, order_by, paged_sql

Row = dict[str, Any]

# `id_*` sorts by Centra's internal order id, which follows the order number, not by the hash.
ORDER_SORT_COLUMNS = {
    "id": "number",
    "number": "number",
    "createdAt": "created_at",
    "orderDate": "order_date",
    "updatedAt": "updated_at",
}
ORDER_TIEBREAK = "number ASC"

NOT_NULL_COLUMNS = {
    "accountId": "account_id",
    "buyerId": "buyer_id",
    "customerId": "customer_id",
    "purchaseOrderNumber": "purchase_order_number",
    "voucherCode": "voucher_code",
    "internalComment": "internal_comment",
    "otherComment": "other_comment",
}


def order_where(ctx: RequestContext, where: dict[str, Any] | None) -> Where:
    """`OrderFilter` plus the token's store restriction. `updatedAt` only reaches here when the schema
    variant has it (settings.order_updated_at); without it the filter fails validation, as in Centra."""
    where = where or {}
    condition = views.visible_stores(ctx, Where())
    condition.any_of("id", where.get("id")).any_of("number", where.get("number"))
    condition.any_of("status", where.get("status")).equals("store_type", where.get("storeType"))
    condition.any_of("store_id", where.get("storeId")).any_of("market_id", where.get("marketId"))
    condition.any_of("customer_id", where.get("customerId")).any_of("account_id", where.get("accountId"))
    condition.time_range("created_at", where.get("createdAt"), ctx.timezone)
    condition.time_range("order_date", where.get("orderDate"), ctx.timezone)
    condition.time_range("updated_at", where.get("updatedAt"), ctx.timezone)
    for name in where.get("notNull") or []:
        if name not in NOT_NULL_COLUMNS:
            raise ApiError(f'Unknown field "{name}" in notNull; use one of {", ".join(NOT_NULL_COLUMNS)}.')
        condition.add(f"{NOT_NULL_COLUMNS[name]} IS NOT NULL")
    return condition


def order_sort_sql(sort: list[str] | None) -> str:
    return order_by(sort, ORDER_SORT_COLUMNS, ORDER_TIEBREAK)


query = QueryType()


@query.field("orders")
def resolve_orders(
    _: Any,
    info: GraphQLResolveInfo,
    where: dict[str, Any] | None = None,
    sort: list[str] | None = None,
    limit: int = 20,
    page: int = 1,
) -> list[Row]:
    ctx = context_of(info)
    paging = paged_sql(limit, page)
    rows = views.select_page(
        ctx, views.ORDERS, "number", order_where(ctx, where), order_sort_sql(sort), paging
    )
    ctx.state.stats.add("orders_served", len(rows))
    return as_siblings(rows)


@query.field("order")
def resolve_order(_: Any, info: GraphQLResolveInfo, id: str) -> Row:
    ctx = context_of(info)
    rows = views.select(ctx, views.ORDERS, views.visible_stores(ctx, Where()).equals("id", id))
    if not rows:
        raise ApiError(f"Could not find Order with ID {id}.")
    return as_siblings(rows)[0]


def count_orders(ctx: RequestContext, where: dict[str, Any] | None) -> int:
    return views.count(ctx, views.ORDERS, order_where(ctx, where))


BINDABLES = [query]
