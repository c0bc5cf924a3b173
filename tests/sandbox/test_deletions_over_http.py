"""Deletions and late imports as a client sees them (issue 15): gone from, or new in, every GraphQL root list,
`counters`, `orderConnection.totalCount` and the Order API (both read the same store), with DELETED events
whose `object` is null; counters by local day (aliased, ~100 in one request) agree with the truth by key.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date
from typing import Any
from urllib.parse import parse_qsl
from zoneinfo import ZoneInfo

import httpx
import pytest

from sandbox.generator.orders import order_hash
from sandbox.graphql_api.analysis import COUNTER_COST
from sandbox.server import RunningSandbox, serve_in_thread
from sandbox.settings import NON_BINDING_QUOTAS, SandboxSettings
from sandbox.truth import SandboxTruth
from tests.sandbox.graphql_support import GraphQL
from tests.sandbox.order_api_support import OrderApi

LISTEN = """mutation Listen($input: [EventListenerInput!]!) {
  setEventListeners(input: $input) { userErrors { message } } }"""
LISTENED = ("Order", "Customer", "Product", "ProductVariant", "ProductSize", "Account")
CHANGES = {
    "seed": 21, "late_imports": 4, "late_import_age_days": 200, "deleted_orders": 6, "deleted_variants": 2,
    "deleted_products": 2, "deleted_customers": 3, "deleted_accounts": 2,
}  # fmt: skip


@pytest.fixture(scope="module")
def sandbox() -> Iterator[RunningSandbox]:
    settings = SandboxSettings(orders=400, quotas=NON_BINDING_QUOTAS, events_enabled=True)
    with serve_in_thread(settings) as running:
        yield running


@pytest.fixture(scope="module")
def client(sandbox: RunningSandbox) -> GraphQL:
    return GraphQL(sandbox)


@pytest.fixture(scope="module")
def api(sandbox: RunningSandbox) -> Iterator[OrderApi]:
    order_api = OrderApi(sandbox)
    yield order_api
    order_api.close()


@pytest.fixture(scope="module")
def changed(sandbox: RunningSandbox, client: GraphQL) -> dict[str, Any]:
    """The change set applied over the control API, after listening for every type it queues."""
    answer = client.data(LISTEN, {"input": [{"objectType": t} for t in LISTENED]})
    assert answer["setEventListeners"]["userErrors"] == []
    response = httpx.post(f"{sandbox.url}/__sandbox__/change-set", json=CHANGES, timeout=60)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    for key in ("late_import_order_numbers", "deleted_order_numbers", "deleted_variant_ids", "deleted_size_ids",
                "deleted_product_ids", "deleted_customer_ids", "deleted_account_ids", "deleted_buyer_ids"):  # fmt: skip
        assert result[key], key
    return result


@pytest.fixture(scope="module")
def truth(sandbox: RunningSandbox, changed: dict[str, Any]) -> SandboxTruth:
    return sandbox.control.key_truth()


def graphql_ids(client: GraphQL, root: str, key: str = "id", fields: str = "") -> list[Any]:
    """Every row of an offset-paged root list, by key."""
    rows: list[Any] = []
    page = 1
    while True:
        answer = client.data(f"{{ {root}(limit: 200, page: {page}) {{ {key} {fields} }} }}")[root]
        rows.extend(answer)
        if len(answer) < 200:
            return rows
        page += 1


def test_graphql_root_lists_hold_exactly_the_truth(
    client: GraphQL, changed: dict[str, Any], truth: SandboxTruth
) -> None:
    orders = {row["number"] for row in graphql_ids(client, "orders", "number")}
    assert orders == truth.order_numbers
    assert set(changed["late_import_order_numbers"]) <= orders
    assert not set(changed["deleted_order_numbers"]) & orders
    assert {row["id"] for row in graphql_ids(client, "customers")} == truth.customer_ids
    assert {row["id"] for row in graphql_ids(client, "products")} == truth.product_ids
    assert {row["id"] for row in graphql_ids(client, "productVariants")} == truth.variant_ids
    accounts = graphql_ids(client, "accounts", fields="buyers { id }")
    assert {row["id"] for row in accounts} == truth.account_ids
    assert {buyer["id"] for row in accounts for buyer in row["buyers"]} == truth.buyer_ids
    returns = graphql_ids(client, "returns", fields="order { number }")
    assert {row["id"]: row["order"]["number"] for row in returns} == truth.return_order_numbers
    sizes = client.data("{ productVariants(limit: 200) { productSizes { id } } }")["productVariants"]
    assert {size["id"] for variant in sizes for size in variant["productSizes"]} == truth.product_size_ids
    assert not set(changed["deleted_size_ids"]) & truth.product_size_ids


def test_a_deleted_order_is_not_found_by_its_id(
    client: GraphQL, sandbox: RunningSandbox, changed: dict[str, Any]
) -> None:
    gone = order_hash(sandbox.state.settings.seed, changed["deleted_order_numbers"][0])
    (error,) = client.errors(f'{{ order(id: "{gone}") {{ number }} }}')
    assert gone in error["message"]
    numbers = client.data(f"{{ orders(where: {{number: {changed['deleted_order_numbers']}}}) {{ number }} }}")
    assert numbers["orders"] == []


def test_counters_and_total_count_count_what_is_left(client: GraphQL, truth: SandboxTruth) -> None:
    answer = client.data(
        "{ counters { orders customers products returns } orderConnection(first: 1) { totalCount } }"
    )
    assert answer["counters"] == {
        "orders": len(truth.order_numbers), "customers": len(truth.customer_ids),
        "products": len(truth.product_ids), "returns": len(truth.return_ids),
    }  # fmt: skip
    assert answer["orderConnection"]["totalCount"] == len(truth.order_numbers)


def _day_bounds(day: date) -> dict[str, str]:
    return {"from": f"{day} 00:00:00", "to": f"{day} 23:59:59"}


def test_a_hundred_aliased_day_counts_in_one_request_match_the_truth_and_cost_little(
    client: GraphQL, changed: dict[str, Any], truth: SandboxTruth, sandbox: RunningSandbox
) -> None:
    zone = ZoneInfo(sandbox.state.settings.timezone)
    late_days = {
        created.replace(tzinfo=UTC).astimezone(zone).date()
        for (created,) in sandbox.state.store.connection.execute(
            "SELECT created_at FROM orders WHERE order_number IN "
            f"({', '.join(map(str, changed['late_import_order_numbers']))})"
        ).fetchall()
    }
    days = sorted(late_days | set(sorted(truth.order_numbers_by_day)[-100 + len(late_days) :]))
    assert len(days) == 100
    aliases = " ".join(
        f'd{i}: orders(where: {{createdAt: {{from: "{b["from"]}", to: "{b["to"]}"}}}})'
        for i, b in enumerate(map(_day_bounds, days))
    )
    body = client.body(f"{{ counters {{ {aliases} }} }}")
    assert "errors" not in body, body["errors"]
    counts = body["data"]["counters"]
    assert {day: counts[f"d{i}"] for i, day in enumerate(days)} == {
        day: len(truth.order_numbers_by_day.get(day, set())) for day in days
    }
    assert all(counts[f"d{i}"] >= 1 for i, day in enumerate(days) if day in late_days)
    assert body["extensions"]["complexity"] == 1 + 100 * COUNTER_COST
    # orderConnection's totalCount under the same where counts the same set.
    day = min(late_days)
    connection = client.data(
        "query($w: OrderFilter) { orderConnection(where: $w, first: 1) { totalCount } }",
        {"w": {"createdAt": _day_bounds(day)}},
    )
    assert connection["orderConnection"]["totalCount"] == len(truth.order_numbers_by_day[day])


def test_bounds_are_inclusive_local_times(client: GraphQL, sandbox: RunningSandbox) -> None:
    zone = ZoneInfo(sandbox.state.settings.timezone)
    created = sandbox.state.store.scalar(
        "SELECT created_at FROM orders ORDER BY order_number LIMIT 1 OFFSET 50"
    )
    local = created.replace(tzinfo=UTC).astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")
    at = sandbox.state.store.scalar("SELECT count(*) FROM orders WHERE created_at = ?", [created])
    answer = client.data(
        f'{{ counters {{ exact: orders(where: {{createdAt: {{from: "{local}", to: "{local}"}}}}) }} }}'
    )
    assert answer["counters"]["exact"] == at >= 1


def _local_day_counts(sandbox: RunningSandbox, table: str) -> dict[date, int]:
    zone = ZoneInfo(sandbox.state.settings.timezone)
    counts: dict[date, int] = {}
    for (created,) in sandbox.state.store.connection.execute(f"SELECT created_at FROM {table}").fetchall():
        day = created.replace(tzinfo=UTC).astimezone(zone).date()
        counts[day] = counts.get(day, 0) + 1
    return counts


@pytest.mark.parametrize("root", ["products", "returns"])
def test_product_and_return_counters_take_created_at_windows(
    client: GraphQL, sandbox: RunningSandbox, changed: dict[str, Any], root: str
) -> None:
    by_day = _local_day_counts(sandbox, root)
    days = sorted(by_day)[-30:]
    aliases = " ".join(
        f'd{i}: {root}(where: {{createdAt: {{from: "{b["from"]}", to: "{b["to"]}"}}}})'
        for i, b in enumerate(map(_day_bounds, days))
    )
    counts = client.data(f"{{ counters {{ {aliases} }} }}")["counters"]
    assert [counts[f"d{i}"] for i in range(len(days))] == [by_day[day] for day in days]
    assert sum(counts.values()) > len(days) / 2  # not hollow


def test_the_order_api_no_longer_has_what_was_deleted(
    api: OrderApi, changed: dict[str, Any], truth: SandboxTruth
) -> None:
    visible = {int(row["orderId"]) for row in api.drain_offset("/orders", "orders", limit=100)}
    assert visible <= truth.order_numbers
    assert set(changed["late_import_order_numbers"]) <= visible
    assert not set(changed["deleted_order_numbers"]) & visible
    gone = api.get("/orders", order=changed["deleted_order_numbers"][0]).json()
    assert gone["status"] == "no"
    customers = {int(row["customerId"]) for row in api.drain_offset("/customers", "customers", limit=100)}
    assert customers == truth.customer_ids
    assert api.get(f"/customers/{changed['deleted_customer_ids'][0]}").json()["status"] == "no"
    products = _follow_links(api, "/products", 200)
    assert {row["variantId"] for row in products} <= truth.variant_ids
    assert {row["stockItemId"] for row in products} == truth.product_size_ids
    assert not {row["productId"] for row in products} & set(changed["deleted_product_ids"])
    stock = _follow_links(api, "/stock", 200)
    assert not {row["stockItemId"] for row in stock} & set(changed["deleted_size_ids"])
    returns = api.drain_pages("/returns", "returns", limit=100)
    assert {int(row["orderId"]) for row in returns} <= truth.order_numbers


def _follow_links(api: OrderApi, path: str, limit: int) -> list[dict[str, Any]]:
    pages = [api.ok(path, limit=limit)]
    while "next" in pages[-1]:
        pages.append(api.ok(path, **dict(parse_qsl(pages[-1]["next"][1:]))))
    return [row for page in pages for row in page["products"]]


def test_deleted_events_carry_the_key_and_a_null_object(client: GraphQL, changed: dict[str, Any]) -> None:
    events = client.data(
        "{ events(where: {changeType: [DELETED]}, limit: 200) "
        "{ objectType objectReference object { __typename } } }"
    )["events"]
    assert {event["object"] is None for event in events} == {True}
    by_type: dict[str, set[int]] = {}
    for event in events:
        by_type.setdefault(event["objectType"], set()).add(int(event["objectReference"]))
    assert by_type["Order"] == set(changed["deleted_order_numbers"])
    assert by_type["Customer"] == set(changed["deleted_customer_ids"])
    assert by_type["Account"] == set(changed["deleted_account_ids"])
    assert by_type["Product"] == set(changed["deleted_product_ids"])
    assert by_type["ProductSize"] == set(changed["deleted_size_ids"])
    assert set(changed["deleted_variant_ids"]) <= by_type["ProductVariant"]
    created = client.data(
        "{ events(where: {objectType: [Order], changeType: [CREATED]}, limit: 200) "
        "{ objectReference object { ... on Order { number createdAt } } } }"
    )["events"]
    assert {int(e["objectReference"]) for e in created} == set(changed["late_import_order_numbers"])
    assert all(e["object"]["number"] == int(e["objectReference"]) for e in created)


def test_the_truth_by_key_is_served_as_json(sandbox: RunningSandbox, truth: SandboxTruth) -> None:
    response = httpx.get(f"{sandbox.url}/__sandbox__/truth/keys", timeout=30)
    assert response.status_code == 200
    assert response.json() == truth.to_json()
    assert sum(map(len, response.json()["order_numbers_by_day"].values())) == len(truth.order_numbers)


def test_without_counters_where_the_counters_take_no_argument(
    client: GraphQL, sandbox: RunningSandbox
) -> None:
    window = '(where: {createdAt: {from: "2026-01-01 00:00:00"}})'
    sandbox.control.update_settings(counters_where=False)
    try:
        (refused,) = client.errors(f"{{ counters {{ orders{window} }} }}")
        assert "where" in refused["message"]
        plain = client.data("{ counters { orders customers products returns } }")["counters"]
    finally:
        sandbox.control.update_settings(counters_where=True)
    assert plain == client.data("{ counters { orders customers products returns } }")["counters"]
    assert client.data(f"{{ counters {{ orders{window} }} }}")["counters"]["orders"] < plain["orders"]


def test_the_minimal_schema_keeps_the_documented_counters(client: GraphQL, sandbox: RunningSandbox) -> None:
    sandbox.control.update_settings(minimal_schema=True)
    try:
        kept = client.data(
            "{ counters { orders(where: {storeId: [1]}) customers products(where: {status: [ACTIVE]}) } }"
        )["counters"]
        (refused,) = client.errors("{ counters { returns } }")
    finally:
        sandbox.control.update_settings(minimal_schema=False)
    assert "returns" in refused["message"]
    active = sandbox.state.store.scalar("SELECT count(*) FROM products WHERE status = 'ACTIVE'")
    assert kept["products"] == active > 0
