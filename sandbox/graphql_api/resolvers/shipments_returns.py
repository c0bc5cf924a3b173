"""`Shipment` and `Return` (interfaces with DTC and wholesale implementations) and their lines."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from ariadne import InterfaceType, ObjectType, QueryType
from graphql import GraphQLResolveInfo

from sandbox.graphql_api import views
from sandbox.graphql_api.batching import as_siblings, related_many, related_one
from sandbox.graphql_api.context import RequestContext, context_of
from sandbox.graphql_api.fields import order_money
from sandbox.graphql_api.resolvers.reference import by_key
from sandbox.graphql_api.sql import Where, order_by, paged_sql
from sandbox.money import cents, line_value

Row = dict[str, Any]
Fetch = Callable[[Sequence[Any]], list[Row]]


def _fetch(ctx: RequestContext, view: str, column: str, order_sql: str = "") -> Fetch:
    return lambda keys: views.select_in(ctx, view, column, keys, order_sql)


def _one(
    view: str, relation: str, column: str, target: str = "id"
) -> Callable[[Row, GraphQLResolveInfo], Row | None]:
    """The row of `view` whose `target` equals the row's `column`."""

    def resolve(row: Row, info: GraphQLResolveInfo) -> Row | None:
        return related_one(row, relation, column, target, _fetch(context_of(info), view, target))

    return resolve


def _shipment_lines(row: Row, info: GraphQLResolveInfo) -> list[Row]:
    fetch = _fetch(context_of(info), views.SHIPMENT_LINES, "shipment_id", " ORDER BY shipment_line_id")
    return related_many(row, "lines", "id", "shipment_id", fetch)


def _shipment_line_values(row: Row, info: GraphQLResolveInfo) -> Decimal:
    return sum((line_value(line) for line in _shipment_lines(row, info)), Decimal("0.00"))


def resolve_shipment_grand_total(row: Row, info: GraphQLResolveInfo, includingTax: bool = True) -> Row:  # noqa: N803
    total = _shipment_line_values(row, info) + Decimal(row["shipping_amount"])
    if not includingTax:
        lines = _shipment_lines(row, info)
        tax = sum(
            (cents(line_value(line) * Decimal(line["tax_percent"]) / (100 + Decimal(line["tax_percent"])))
             for line in lines),
            Decimal("0.00"),
        )  # fmt: skip
        total -= tax + cents(Decimal(row["shipping_amount"]) * 25 / 125)
    return order_money(context_of(info), row, total)


def resolve_shipment_totals(row: Row, info: GraphQLResolveInfo) -> Row:
    ctx = context_of(info)
    return {
        "line_values": order_money(ctx, row, _shipment_line_values(row, info)),
        "shipping": order_money(ctx, row, row["shipping_amount"]),
        "quantity": sum(int(line["quantity"]) for line in _shipment_lines(row, info)),
    }


def resolve_carrier(row: Row, info: GraphQLResolveInfo) -> Row | None:
    """Null until the shipment is completed with carrier details, as in Centra."""
    if row.get("carrier_name") is None and row.get("service_name") is None:
        return None
    return {"carrier_name": row.get("carrier_name"), "service_name": row.get("service_name")}


shipment = InterfaceType("Shipment", lambda row, *_: row["__typename"])
shipment.set_field("carrierInformation", resolve_carrier)
shipment.set_field("grandTotal", resolve_shipment_grand_total)
shipment.set_field("totals", resolve_shipment_totals)
shipment.set_field("lines", _shipment_lines)
shipment.set_field("order", _one(views.ORDERS, "order", "order_number", "number"))
shipment.set_field("adminUser", lambda row, info: None)

shipment_line = ObjectType("ShipmentLine")
shipment_line.set_field("lineValue", lambda line, info: order_money(context_of(info), line, line_value(line)))
shipment_line.set_field("orderLine", _one(views.ORDER_LINES, "order_line", "order_line_id"))


def _return_lines(row: Row, info: GraphQLResolveInfo) -> list[Row]:
    fetch = _fetch(context_of(info), views.RETURN_LINES, "return_id", " ORDER BY return_line_id")
    return related_many(row, "lines", "id", "return_id", fetch)


def _return_line_values(row: Row, info: GraphQLResolveInfo) -> Decimal:
    return sum((Decimal(line["amount"]) for line in _return_lines(row, info)), Decimal("0.00"))


def resolve_return_grand_total(row: Row, info: GraphQLResolveInfo) -> Row:
    total = _return_line_values(row, info) + Decimal(row["shipping_refund"]) - Decimal(row["return_cost"])
    return order_money(context_of(info), row, total)


def resolve_return_totals(row: Row, info: GraphQLResolveInfo) -> Row:
    ctx = context_of(info)
    return {
        "line_values": order_money(ctx, row, _return_line_values(row, info)),
        "shipping": order_money(ctx, row, row["shipping_refund"]),
        "return_cost": order_money(ctx, row, row["return_cost"]),
    }


return_ = InterfaceType("Return", lambda row, *_: row["__typename"])
return_.set_field("store", by_key("stores", "store_id"))
return_.set_field("order", _one(views.ORDERS, "order", "order_number", "number"))
return_.set_field("shipment", _one(views.SHIPMENTS, "shipment", "shipment_id"))
return_.set_field("grandTotal", resolve_return_grand_total)
return_.set_field("totals", resolve_return_totals)
return_.set_field("lines", _return_lines)

direct_to_consumer_return = ObjectType("DirectToConsumerReturn")
direct_to_consumer_return.set_field("customer", _one(views.CUSTOMERS, "customer", "customer_id"))
wholesale_return = ObjectType("WholesaleReturn")
wholesale_return.set_field("account", _one(views.ACCOUNTS, "account", "account_id"))

return_line = ObjectType("ReturnLine")
return_line.set_field("lineValue", lambda line, info: order_money(context_of(info), line, line["amount"]))
return_line.set_field("orderLine", _one(views.ORDER_LINES, "order_line", "order_line_id"))
return_line.set_field("shipmentLine", _one(views.SHIPMENT_LINES, "shipment_line", "shipment_line_id"))

RETURN_SORT_COLUMNS = {"id": "id", "createdAt": "created_at"}


def return_where(ctx: RequestContext, where: dict[str, Any] | None) -> Where:
    where = where or {}
    condition = views.visible_stores(ctx, Where()).any_of("id", where.get("id"))
    condition.any_of("customer_id", where.get("customerId")).equals("store_type", where.get("storeType"))
    condition.any_of("order_number", where.get("orderNumber")).equals("status", where.get("status"))
    return condition.time_range("created_at", where.get("createdAt"), ctx.timezone)


query = QueryType()


@query.field("returns")
def resolve_returns(
    _: Any,
    info: GraphQLResolveInfo,
    where: dict[str, Any] | None = None,
    sort: list[str] | None = None,
    limit: int = 20,
    page: int = 1,
) -> list[Row]:
    ctx = context_of(info)
    paging = paged_sql(limit, page)
    sort_sql = order_by(sort, RETURN_SORT_COLUMNS, "id ASC")
    return as_siblings(views.select(ctx, views.RETURNS, return_where(ctx, where), sort_sql, paging))


def count_returns(ctx: RequestContext, where: dict[str, Any] | None) -> int:
    return views.count(ctx, views.RETURNS, return_where(ctx, where))


BINDABLES = [
    query, shipment, shipment_line, return_, direct_to_consumer_return, wholesale_return, return_line,
]  # fmt: skip
