"""Every query template of docs/centra-api-reference.md §A11 runs unchanged against the sandbox, through gql as the
extractor sends it, validated client-side against the introspected schema."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from gql import Client
from gql.graphql_request import GraphQLRequest

from sandbox.server import RunningSandbox
from tests.sandbox.graphql_support import gql_client

# Copied verbatim from docs/centra-api-reference.md §A11.
ORDERS_WINDOW = """
query OrdersWindow($from: DateTimeTz!, $to: DateTimeTz!, $page: Int!, $limit: Int!) {
  orders(where: { createdAt: { from: $from, to: $to } }, sort: [id_ASC], limit: $limit, page: $page) {
    __typename id number status isOnHold createdAt orderDate
    store { id type } market { id name } pricelist { id name }
    grandTotal { value currency { code } conversionRate }
    totals { shipping { value } handling { value } taxAdded { value } taxDeducted { value } taxIncluded { value } }
    discountsApplied { value { value } date }
    paymentMethod { uri plugin }
    shippingAddress { ...addr } billingAddress { ...addr }
    lines(includeFullyCancelled: true) {
      id quantity cancelledQuantity taxPercent discountPercent hasAnyDiscount comment
      productName productVariantName
      product { id } productVariant { id } productSize { id SKU GTIN description } brand { id name }
      unitPrice { value } unitOriginalPrice { value } lineValue { value }
    }
    ... on DirectToConsumerOrder { customer { id email } }
    ... on WholesaleOrder { purchaseOrderNumber account { id name } buyer { id email } }
  }
  counters { orders(where: { createdAt: { from: $from, to: $to } }) }
}
fragment addr on Address { firstName lastName companyName address1 address2 city zipCode stateOrProvince
  country { code } email phoneNumber cellPhoneNumber vatNumber }
"""

WAREHOUSE_STOCK = """
query WarehouseStock($page: Int!) {
  warehouses { id name status
    stock(limit: 200, page: $page) { freeToAllocateQuantity productSize { id SKU } }
  }
}
"""

PRODUCTS = """
query Products($page: Int!) {
  products(where: { status: [INACTIVE, ACTIVE] }, sort: [updatedAt_DESC], limit: 50, page: $page) {
    id name status productNumber isBundle createdAt updatedAt
    variants { id name status variantNumber updatedAt
      productSizes { id description sizeNumber GTIN SKU } }
  }
  counters { products(where: { status: [INACTIVE, ACTIVE] }) }
}
"""

ORDER_SHIPMENTS = """
query OrderShipments($number: [Int!]) {
  orders(where: { number: $number }) {
    number
    shipments { id number createdAt updatedAt isGoodToGo isPaid isShipped shippedAt trackingNumber carrierInformation { carrierName serviceName } lines { id quantity } }
  }
}
"""

RETURNS_WINDOW = """
query Returns($from: DateTimeTz!, $to: DateTimeTz!, $limit: Int!, $page: Int!) {
  returns(where: {createdAt: {from: $from, to: $to}}, limit: $limit, page: $page) { id status lines { shipmentLine { id } } }
}
"""

CUSTOMER_BY_EMAIL = """
query CustomerByEmail($email: String!) {
  customers(where: { email: { equals: $email } }, limit: 1) { id email firstName lastName }
}
"""

REFERENCE_DATA = [
    "{ stores { id name type } }",
    "{ markets { id name store { id } assignedToCountries { code } } }",
    "{ pricelists { id name status currency { code } store { id } } }",
    "{ warehouses { id name status } }",
    "{ currencies { id code } }",
    "{ countries { code name isEU } }",
    "{ brands { id name } }",
    "{ collections { id name status } }",
    "{ sizeCharts { id name sizes { id name } } }",
]

HEALTH_PROBE = "{ rateLimits { type intervalSeconds quota usedQuota remainingQuota } }"


@pytest.fixture(scope="module")
def client(shared_sandbox: RunningSandbox) -> Client:
    """Introspects the schema first, so every template is also validated by gql against it."""
    return gql_client(shared_sandbox, fetch_schema=True)


def run(client: Client, query: str, **variables: Any) -> dict[str, Any]:
    result: dict[str, Any] = client.execute(GraphQLRequest(query, variable_values=variables))
    return result


def test_orders_window_pages_to_the_counter_total(client: Client, shared_sandbox: RunningSandbox) -> None:
    window = {"from": "2025-01-01 00:00:00", "to": "2025-12-31T23:59:59+01:00"}
    numbers: list[int] = []
    for page in range(1, 100):
        result = run(client, ORDERS_WINDOW, page=page, limit=40, **window)
        numbers += [order["number"] for order in result["orders"]]
        if len(result["orders"]) < 40:
            break
    expected = shared_sandbox.state.store.scalar(
        "SELECT count(*) FROM orders WHERE created_at BETWEEN ? AND ?",
        [datetime(2024, 12, 31, 23, 0), datetime(2025, 12, 31, 22, 59, 59)],
    )
    assert numbers == sorted(set(numbers))
    assert len(numbers) == result["counters"]["orders"] == expected > 40


def test_orders_window_rows_carry_both_order_kinds(client: Client) -> None:
    result = run(client, ORDERS_WINDOW, page=1, limit=200, **{"from": "2024-01-01", "to": "2026-12-31"})
    kinds = {order["__typename"] for order in result["orders"]}
    assert kinds == {"DirectToConsumerOrder", "WholesaleOrder"}
    wholesale = next(order for order in result["orders"] if order["__typename"] == "WholesaleOrder")
    assert wholesale["account"]["id"] > 0
    assert "customer" not in wholesale


def test_order_lookup_by_number_and_by_hash(client: Client) -> None:
    by_number = run(client, "{ orders(where: { number: 1001 }) { id number } }")["orders"]
    assert [order["number"] for order in by_number] == [1001]
    by_hash = run(client, "query($id: String!) { order(id: $id) { id number } }", id=by_number[0]["id"])
    assert by_hash["order"] == by_number[0]


def test_shipments_and_returns_templates(client: Client, shared_sandbox: RunningSandbox) -> None:
    number = shared_sandbox.state.store.scalar("SELECT min(order_number) FROM shipments")
    shipments = run(client, ORDER_SHIPMENTS, number=number)["orders"][0]["shipments"]
    assert shipments
    assert shipments[0]["number"] == f"{number}-1"
    assert shipments[0]["lines"]
    returns = run(client, RETURNS_WINDOW, limit=200, page=1, **{"from": "2020-01-01", "to": "2030-01-01"})
    assert len(returns["returns"]) == shared_sandbox.state.store.scalar("SELECT count(*) FROM returns") > 0
    assert all(line["shipmentLine"]["id"] > 0 for ret in returns["returns"] for line in ret["lines"])


def test_customer_by_email_template(client: Client, shared_sandbox: RunningSandbox) -> None:
    email = shared_sandbox.state.store.scalar("SELECT email FROM customers WHERE customer_id = 1")
    customers = run(client, CUSTOMER_BY_EMAIL, email=email.upper())["customers"]
    assert [customer["id"] for customer in customers] == [1]


def test_warehouse_stock_template_pages_per_warehouse(client: Client, shared_sandbox: RunningSandbox) -> None:
    store = shared_sandbox.state.store
    rows_per_warehouse = store.scalar(
        "SELECT max(n) FROM (SELECT count(*) n FROM stock GROUP BY warehouse_id)"
    )
    seen = 0
    for page in range(1, 100):
        warehouses = run(client, WAREHOUSE_STOCK, page=page)["warehouses"]
        seen += sum(len(warehouse["stock"]) for warehouse in warehouses)
        if all(not warehouse["stock"] for warehouse in warehouses):
            break
    assert rows_per_warehouse > 200
    assert seen == store.scalar("SELECT count(*) FROM stock")


def test_products_template_sorts_by_update_time(client: Client, shared_sandbox: RunningSandbox) -> None:
    result = run(client, PRODUCTS, page=1)
    stamps = [
        datetime.strptime(product["updatedAt"], "%Y-%m-%dT%H:%M:%S%z").astimezone(UTC)
        for product in result["products"]
    ]
    assert stamps == sorted(stamps, reverse=True)
    assert result["counters"]["products"] == shared_sandbox.state.store.scalar(
        "SELECT count(*) FROM products"
    )
    assert result["products"][0]["variants"][0]["productSizes"][0]["SKU"]


@pytest.mark.parametrize("query", REFERENCE_DATA)
def test_reference_data_templates(client: Client, query: str) -> None:
    (rows,) = run(client, query).values()
    assert rows
    assert all(isinstance(row, dict) for row in rows)


def test_health_probe_template(client: Client) -> None:
    limits = run(client, HEALTH_PROBE)["rateLimits"]
    assert len(limits) == 6
    assert all(row["quota"] == row["usedQuota"] + row["remainingQuota"] for row in limits)
