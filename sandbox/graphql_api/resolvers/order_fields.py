"""Fields of `Order` (both implementations) and `OrderLine`: money, addresses, lines and the order's
people, each relation fetched once for the whole page of orders."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from ariadne import InterfaceType, ObjectType
from graphql import GraphQLResolveInfo

from sandbox.graphql_api import views
from sandbox.graphql_api.batching import related_many, related_one
from sandbox.graphql_api.context import RequestContext, context_of
from sandbox.graphql_api.fields import order_money
from sandbox.graphql_api.resolvers.reference import by_key, lookup
from sandbox.money import cents, line_tax, line_value, order_totals

Row = dict[str, Any]

SHIPPING_ADDRESS = ("shipping_", ("cell_phone_number",))
BILLING_ADDRESS = ("billing_", ("vat_number",))
ADDRESS_PARTS = (
    "first_name", "last_name", "company_name", "address1", "address2", "city", "zip_code",
    "state_or_province", "email", "phone_number",
)  # fmt: skip


def _fetch(ctx: RequestContext, view: str, column: str, order_sql: str = "") -> Any:
    return lambda keys: views.select_in(ctx, view, column, keys, order_sql)


def all_lines(row: Row, info: GraphQLResolveInfo) -> list[Row]:
    """Every line of the order, fully cancelled ones included (they count for nothing in totals)."""
    fetch = _fetch(context_of(info), views.ORDER_LINES, "order_number", " ORDER BY order_line_id")
    return related_many(row, "lines", "number", "order_number", fetch)


def is_fully_cancelled(line: Row) -> bool:
    return int(line["quantity"]) == 0 and int(line["cancelled_quantity"]) > 0


def resolve_lines(row: Row, info: GraphQLResolveInfo, includeFullyCancelled: bool = False) -> list[Row]:  # noqa: N803
    lines = all_lines(row, info)
    return lines if includeFullyCancelled else [line for line in lines if not is_fully_cancelled(line)]


def _totals(row: Row, info: GraphQLResolveInfo) -> dict[str, Any]:
    return order_totals(row, all_lines(row, info))


def resolve_grand_total(row: Row, info: GraphQLResolveInfo) -> Row:
    return order_money(context_of(info), row, _totals(row, info)["grand_total"])


def resolve_totals(row: Row, info: GraphQLResolveInfo) -> Row:
    ctx, totals = context_of(info), _totals(row, info)
    shipping_tax = cents(Decimal(totals["shipping"]) * 25 / 125)  # as money.order_totals taxes shipping
    money = {
        "items_value": totals["items"],
        "line_values": totals["items"],
        "discounts": totals["voucher"],
        "shipping": totals["shipping"],
        "shipping_tax_included": shipping_tax,
        "handling": totals["handling"],
        "tax_added": 0,
        "tax_deducted": 0,
        "tax_included": totals["tax_included"],
    }
    result: Row = {name: order_money(ctx, row, amount) for name, amount in money.items()}
    result["quantity"] = totals["quantity"]
    return result


def resolve_discounts_applied(row: Row, info: GraphQLResolveInfo) -> list[Row]:
    if row.get("voucher_amount") is None:
        return []
    voucher = {
        "name": row.get("voucher_name") or row.get("voucher_code") or "",
        "code": row.get("voucher_code"),
        "type": "CODE" if row.get("voucher_code") else "AUTOMATIC",
    }
    value = order_money(context_of(info), row, row["voucher_amount"])
    return [{"__typename": "AppliedVoucher", "value": value, "date": row["created_at"], "voucher": voucher}]


def _address(row: Row, info: GraphQLResolveInfo, prefix: str, extra: Sequence[str]) -> Row:
    address: Row = {part: row.get(prefix + part) for part in (*ADDRESS_PARTS, *extra)}
    address["country"] = lookup(context_of(info), "countries").get(row.get(prefix + "country_code"))
    return address


def resolve_customer(row: Row, info: GraphQLResolveInfo) -> Row | None:
    fetch = _fetch(context_of(info), views.CUSTOMERS, "id")
    return related_one(row, "customer", "customer_id", "id", fetch)


def resolve_account(row: Row, info: GraphQLResolveInfo) -> Row | None:
    return related_one(row, "account", "account_id", "id", _fetch(context_of(info), views.ACCOUNTS, "id"))


def resolve_buyer(row: Row, info: GraphQLResolveInfo) -> Row | None:
    return related_one(row, "buyer", "buyer_id", "id", _fetch(context_of(info), views.BUYERS, "id"))


def resolve_shipments(row: Row, info: GraphQLResolveInfo) -> list[Row]:
    fetch = _fetch(context_of(info), views.SHIPMENTS, "order_number", " ORDER BY shipment_id")
    return related_many(row, "shipments", "number", "order_number", fetch)


def resolve_returns(row: Row, info: GraphQLResolveInfo) -> list[Row]:
    fetch = _fetch(context_of(info), views.RETURNS, "order_number", " ORDER BY return_id")
    return related_many(row, "returns", "number", "order_number", fetch)


order = InterfaceType("Order", lambda row, *_: row["__typename"])
order.set_field("store", by_key("stores", "store_id"))
order.set_field("market", by_key("markets", "market_id"))
order.set_field("pricelist", by_key("pricelists", "pricelist_id"))
order.set_field("currencyBaseRate", lambda row, info: row["conversion_rate"])
order.set_field("grandTotal", resolve_grand_total)
order.set_field("totals", resolve_totals)
order.set_field("discountsApplied", resolve_discounts_applied)
order.set_field(
    "paymentMethod",
    lambda row, info: {"uri": row["payment_method_uri"], "plugin": row["payment_plugin"]},
)
order.set_field("shippingAddress", lambda row, info: _address(row, info, *SHIPPING_ADDRESS))
order.set_field("billingAddress", lambda row, info: _address(row, info, *BILLING_ADDRESS))
order.set_field("lines", resolve_lines)
order.set_field("shipments", resolve_shipments)
order.set_field("returns", resolve_returns)

direct_to_consumer_order = ObjectType("DirectToConsumerOrder")
direct_to_consumer_order.set_field("customer", resolve_customer)

wholesale_order = ObjectType("WholesaleOrder")
wholesale_order.set_field("account", resolve_account)
wholesale_order.set_field("buyer", resolve_buyer)

applied_promotion = InterfaceType("AppliedPromotion", lambda row, *_: row["__typename"])


def resolve_line_value(line: Row, info: GraphQLResolveInfo, includingTax: bool = True) -> Row:  # noqa: N803
    value = line_value(line) if includingTax else line_value(line) - line_tax(line)
    return order_money(context_of(info), line, value)


def _catalog(view: str, relation: str, column: str) -> Any:
    def resolve(line: Row, info: GraphQLResolveInfo) -> Row | None:
        return related_one(line, relation, column, "id", _fetch(context_of(info), view, "id"))

    return resolve


order_line = ObjectType("OrderLine")
order_line.set_field("unitPrice", lambda line, info: order_money(context_of(info), line, line["unit_price"]))
order_line.set_field(
    "unitOriginalPrice", lambda line, info: order_money(context_of(info), line, line["unit_original_price"])
)
order_line.set_field("lineValue", resolve_line_value)
order_line.set_field("product", _catalog(views.PRODUCTS, "product", "product_id"))
order_line.set_field("productVariant", _catalog(views.VARIANTS, "variant", "variant_id"))
order_line.set_field("productSize", _catalog(views.PRODUCT_SIZES, "size", "product_size_id"))
order_line.set_field("brand", by_key("brands", "brand_id"))

BINDABLES = [order, direct_to_consumer_order, wholesale_order, applied_promotion, order_line]
