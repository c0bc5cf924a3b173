"""Response shapes: interfaces, IDs, money, dates, nulls, deprecations, introspection (docs/centra-api-reference.md §A3, §A4,
§A8, §C7–§C10, §C12)."""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime

import pytest

from sandbox.money import formatted, json_number, order_totals
from sandbox.server import RunningSandbox
from tests.sandbox.graphql_support import GraphQL

SandboxFactory = Callable[..., AbstractContextManager[RunningSandbox]]


@pytest.fixture(scope="module")
def client(shared_sandbox: RunningSandbox) -> GraphQL:
    return GraphQL(shared_sandbox)


def test_order_shipment_and_return_are_interfaces_with_typenames(client: GraphQL) -> None:
    data = client.data(
        """{ orders(limit: 200) { __typename shipments { __typename } returns { __typename }
             ... on DirectToConsumerOrder { customer { id } }
             ... on WholesaleOrder { purchaseOrderNumber account { name } } } }"""
    )
    kinds = {
        (order["__typename"], shipment["__typename"])
        for order in data["orders"]
        for shipment in order["shipments"]
    }
    assert kinds == {
        ("DirectToConsumerOrder", "DirectToConsumerShipment"),
        ("WholesaleOrder", "WholesaleShipment"),
    }
    returns = {ret["__typename"] for order in data["orders"] for ret in order["returns"]}
    assert returns <= {"DirectToConsumerReturn", "WholesaleReturn"}
    assert returns
    assert all("account" in order for order in data["orders"] if order["__typename"] == "WholesaleOrder")


def test_type_specific_fields_need_a_fragment(client: GraphQL) -> None:
    body = client.body("{ orders(limit: 1) { customer { id } } }")
    assert "data" not in body
    assert "Cannot query field 'customer' on type 'Order'" in body["errors"][0]["message"]


def test_ids_hash_for_orders_ints_elsewhere_and_shipment_numbers(client: GraphQL) -> None:
    (order,) = client.data(
        "{ orders(where: {status: SHIPPED}, limit: 1) { id number lines { id } shipments { id number } } }"
    )["orders"]
    assert re.fullmatch(r"[0-9a-f]{32}", order["id"])
    assert isinstance(order["number"], int)
    assert all(isinstance(line["id"], int) for line in order["lines"])
    assert [s["number"] for s in order["shipments"]] == [
        f"{order['number']}-{n + 1}" for n in range(len(order["shipments"]))
    ]
    assert all(isinstance(s["id"], int) for s in order["shipments"])


def test_money_matches_the_shared_rules_and_formats_like_centra(
    client: GraphQL, shared_sandbox: RunningSandbox
) -> None:
    data = client.data(
        """{ orders(limit: 200) { number grandTotal { value formattedValue conversionRate currency { id code name } }
             lines { unitPrice { value } } } }"""
    )
    store = shared_sandbox.state.store
    rows = {row["order_number"]: row for row in store.rows("SELECT * FROM orders")}
    lines = store.rows("SELECT * FROM order_lines")
    whole_seen = fraction_seen = thousands_seen = False
    for order in data["orders"]:
        row = rows[order["number"]]
        expected = order_totals(row, [line for line in lines if line["order_number"] == order["number"]])[
            "grand_total"
        ]
        money = order["grandTotal"]
        assert money["value"] == json_number(expected)
        assert type(money["value"]) is (int if expected == int(expected) else float)
        assert money["formattedValue"] == formatted(expected, row["currency_code"])
        assert money["currency"]["code"] == row["currency_code"]
        assert (money["conversionRate"] == 1) == (row["currency_code"] == "SEK")
        whole_seen |= type(money["value"]) is int
        fraction_seen |= type(money["value"]) is float
        thousands_seen |= " " in money["formattedValue"].rsplit(" ", 1)[0]
    assert whole_seen
    assert fraction_seen
    assert thousands_seen


def test_timestamps_carry_the_winter_or_summer_offset(client: GraphQL) -> None:
    def created(month_from: str, month_to: str) -> str:
        query = f'{{ orders(where: {{createdAt: {{from: "{month_from}", to: "{month_to}"}}}}, limit: 1) {{ createdAt }} }}'
        value: str = client.data(query)["orders"][0]["createdAt"]
        return value

    winter = created("2025-01-01 00:00:00", "2025-01-31 23:59:59")
    summer = created("2025-07-01 00:00:00", "2025-07-31 23:59:59")
    assert winter.endswith("+01:00")
    assert winter.startswith("2025-01")
    assert summer.endswith("+02:00")
    assert summer.startswith("2025-07")


def test_date_fields_honour_a_php_format(client: GraphQL) -> None:
    (order,) = client.data(
        '{ orders(limit: 1) { createdAt orderDate(format: "Y-m-d") short: createdAt(format: "d/m/Y H:i") } }'
    )["orders"]
    moment = datetime.fromisoformat(order["createdAt"])
    assert order["orderDate"] == moment.strftime("%Y-%m-%d")
    assert order["short"] == moment.strftime("%d/%m/%Y %H:%M")


def test_nulls_where_centra_sends_null(client: GraphQL) -> None:
    data = client.data(
        """{ orders(sort: [number_DESC], limit: 200) { shippingAddress { stateOrProvince companyName state { name } }
             shipments { shippedAt paidAt carrierInformation { carrierName } }
             lines { productSize { EAN } } } }"""
    )
    orders = data["orders"]
    shipments = [s for order in orders for s in order["shipments"]]
    assert any(s["carrierInformation"] is None and s["shippedAt"] is None for s in shipments)
    assert any(s["paidAt"] is None for s in shipments)
    assert any(order["shippingAddress"]["stateOrProvince"] is None for order in orders)
    assert all(order["shippingAddress"]["state"] is None for order in orders)
    assert any(line["productSize"]["EAN"] is None for order in orders for line in order["lines"])


def test_customer_is_null_on_an_order_without_one(sandbox_factory: SandboxFactory) -> None:
    with sandbox_factory(orders=10, rate_limits_enabled=False) as running:
        running.state.store.execute("UPDATE orders SET customer_id = NULL WHERE order_number = 1001")
        data = GraphQL(running).data(
            "{ orders(where: {number: 1001}) { ... on DirectToConsumerOrder { customer { id } } } }"
        )
    assert data == {"orders": [{"customer": None}]}


def test_deprecated_fields_are_reported(client: GraphQL) -> None:
    with_gtin = client.body("{ products(limit: 1) { variants { productSizes { GTIN EAN } } } }")["extensions"]
    without = client.body("{ products(limit: 1) { variants { productSizes { EAN } } } }")["extensions"]
    assert with_gtin["deprecatedFieldsUsed"][0].startswith("Field: ProductSize.GTIN, reason: Use EAN.")
    assert "deprecatedFieldsUsed" not in without


def test_introspection_describes_the_interfaces(client: GraphQL) -> None:
    data = client.data('{ __type(name: "Order") { kind possibleTypes { name } } }')
    assert data["__type"]["kind"] == "INTERFACE"
    assert {t["name"] for t in data["__type"]["possibleTypes"]} == {"DirectToConsumerOrder", "WholesaleOrder"}


def test_a_voucher_shows_as_an_applied_voucher(client: GraphQL, shared_sandbox: RunningSandbox) -> None:
    row = shared_sandbox.state.store.rows(
        "SELECT order_number, voucher_code, voucher_amount, currency_code FROM orders "
        "WHERE voucher_code IS NOT NULL ORDER BY order_number LIMIT 1"
    )[0]
    query = f"""{{ orders(where: {{number: {row["order_number"]}}}) {{ createdAt totals {{ discounts {{ value }} }}
        discountsApplied {{ value {{ value formattedValue }} date ... on AppliedVoucher {{ voucher {{ code type }} }} }} }} }}"""
    (order,) = client.data(query)["orders"]
    (applied,) = order["discountsApplied"]
    assert applied["voucher"] == {"code": row["voucher_code"], "type": "CODE"}
    assert applied["value"]["value"] == json_number(row["voucher_amount"])
    assert applied["value"]["formattedValue"] == formatted(row["voucher_amount"], row["currency_code"])
    assert applied["date"] == order["createdAt"]
    assert order["totals"]["discounts"]["value"] == applied["value"]["value"]


ROOT_QUERIES = [
    "{ customers(limit: 3) { id email billingAddress { country { code } } lastOrder { number } } }",
    "{ customer(id: 1) { id createdAt } }",
    "{ productVariants(where: {status: [ACTIVE]}, limit: 3) { id product { id } unitCost { value } } }",
    "{ productVariant(id: 1) { productSizes(where: {id: [1]}) { id size { name } } } }",
    "{ productVariant(id: 1) { stock(limit: 3) { warehouse { id } productSize { id } freeToAllocateQuantity } } }",
    "{ productVariant(id: 1) { stockTotals { freeToAllocateQuantity physicalQuantity } } }",
    "{ product(id: 1) { weight { value unit formattedValue } brand { name } sizeChart { sizes { name } } } }",
    '{ warehouses(where: {name: {contains: "stock"}}) { id stock(where: {productId: [1]}) { product { id } } } }',
    "{ market(id: 1) { name store { type } assignedToCountries { code } } }",
    "{ currencies(where: {isBase: true}) { code } }",
    "{ countries(where: {isEU: true}) { code isEU } }",
    "{ accounts(limit: 2) { name status market { id } pricelist { currency { code } } buyers { email account { id } } } }",
    "{ returns(where: {orderNumber: []}) { id } stores(where: {type: WHOLESALE}) { name } }",
    "{ returns(limit: 3) { id status createdAt store { id } shipment { number } totals { returnCost { value } } } }",
]


@pytest.mark.parametrize("query", ROOT_QUERIES)
def test_root_queries_answer_without_errors(client: GraphQL, query: str) -> None:
    data = client.data(query)
    assert any(value not in (None, []) for value in data.values())


def test_a_body_that_is_not_a_graphql_request_is_a_400(shared_sandbox: RunningSandbox) -> None:
    response = GraphQL(shared_sandbox).http.post(
        shared_sandbox.graphql_url, content=b"{not json", headers={"Authorization": "Bearer sandbox-token"}
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["category"] == "request"
