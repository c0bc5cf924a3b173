"""`where` filters, lenient date inputs, cancelled lines, and the schema variants that settings switch
(docs/centra-api-reference.md §A4, §A7, §C10, §C11, §E4)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager

import pytest

from sandbox.server import RunningSandbox
from sandbox.timefmt import to_local
from tests.sandbox.graphql_support import GraphQL

SandboxFactory = Callable[..., AbstractContextManager[RunningSandbox]]


@pytest.fixture(scope="module")
def client(shared_sandbox: RunningSandbox) -> GraphQL:
    return GraphQL(shared_sandbox)


def _numbers(client: GraphQL, where: str) -> list[int]:
    return [
        order["number"]
        for order in client.data(f"{{ orders(where: {where}, limit: 200) {{ number }} }}")["orders"]
    ]


def test_created_at_bounds_accept_shop_time_iso_and_z_alike(client: GraphQL) -> None:
    shop_time = _numbers(client, '{createdAt: {from: "2025-06-01 00:00:00", to: "2025-08-31 23:59:59"}}')
    with_offset = _numbers(
        client, '{createdAt: {from: "2025-06-01T00:00:00+02:00", to: "2025-08-31T23:59:59+0200"}}'
    )
    in_utc = _numbers(client, '{createdAt: {from: "2025-05-31T22:00:00Z", to: "2025-08-31T21:59:59Z"}}')
    assert shop_time == with_offset == in_utc
    assert len(shop_time) > 5


def test_both_bounds_are_inclusive(client: GraphQL, shared_sandbox: RunningSandbox) -> None:
    row = shared_sandbox.state.store.rows(
        "SELECT order_number, created_at FROM orders WHERE order_number = 1100"
    )[0]
    moment = to_local(row["created_at"], "Europe/Stockholm").strftime("%Y-%m-%d %H:%M:%S")
    assert 1100 in _numbers(client, f'{{createdAt: {{from: "{moment}", to: "{moment}"}}}}')


def test_string_typed_variables_are_accepted_for_date_time_tz(client: GraphQL) -> None:
    query = """query($from: String!, $to: String!) {
      orders(where: {createdAt: {from: $from, to: $to}}, limit: 200) { number } }"""
    data = client.data(query, {"from": "2025-06-01 00:00:00", "to": "2025-08-31 23:59:59"})
    assert [order["number"] for order in data["orders"]] == _numbers(
        client, '{createdAt: {from: "2025-06-01 00:00:00", to: "2025-08-31 23:59:59"}}'
    )


def test_an_unreadable_date_is_an_error(client: GraphQL) -> None:
    errors = client.errors('{ orders(where: {createdAt: {from: "last tuesday"}}) { number } }')
    assert "Invalid date" in errors[0]["message"]


def test_status_and_number_take_a_single_value_or_a_list(client: GraphQL) -> None:
    single = client.data("{ orders(where: {status: CANCELLED}, limit: 200) { status } }")["orders"]
    listed = client.data("{ orders(where: {status: [CANCELLED, ARCHIVED]}, limit: 200) { status } }")[
        "orders"
    ]
    assert single
    assert {order["status"] for order in single} == {"CANCELLED"}
    assert {order["status"] for order in listed} == {"CANCELLED", "ARCHIVED"}
    assert _numbers(client, "{number: 1005}") == [1005]
    assert _numbers(client, "{number: [1007, 1005]}") == [1005, 1007]


def test_not_null_account_id_keeps_only_wholesale_orders(client: GraphQL) -> None:
    orders = client.data('{ orders(where: {notNull: ["accountId"]}, limit: 200) { __typename } }')["orders"]
    assert orders
    assert {order["__typename"] for order in orders} == {"WholesaleOrder"}
    assert "notNull" in client.errors('{ orders(where: {notNull: ["shoeSize"]}) { number } }')[0]["message"]


def test_fully_cancelled_lines_are_hidden_unless_asked_for(
    client: GraphQL, shared_sandbox: RunningSandbox
) -> None:
    number = shared_sandbox.state.store.scalar(
        "SELECT min(order_number) FROM order_lines WHERE quantity = 0 AND cancelled_quantity > 0"
    )
    query = f"""{{ orders(where: {{number: {number}}}) {{
        default: lines {{ id quantity }}
        everything: lines(includeFullyCancelled: true) {{ id quantity cancelledQuantity }} }} }}"""
    (order,) = client.data(query)["orders"]
    hidden = {line["id"] for line in order["everything"]} - {line["id"] for line in order["default"]}
    assert hidden
    assert all(
        line["quantity"] == 0 and line["cancelledQuantity"] > 0
        for line in order["everything"]
        if line["id"] in hidden
    )


def test_updated_at_on_orders_and_customers_exists_only_in_its_variant(
    sandbox_factory: SandboxFactory,
) -> None:
    orders_query = (
        '{ orders(where: {updatedAt: {from: "2020-01-01"}}, sort: [updatedAt_DESC], limit: 5) { updatedAt } }'
    )
    customers_query = '{ customers(where: {updatedAt: {from: "2020-01-01"}}, sort: [updatedAt_ASC], limit: 5) { updatedAt } }'
    with sandbox_factory(orders=30, rate_limits_enabled=False) as running:
        client = GraphQL(running)
        assert "data" not in client.body(orders_query)
        assert "data" not in client.body(customers_query)
        running.control.update_settings(order_updated_at=True, customer_updated_at=True)
        orders = client.data(orders_query)["orders"]
        customers = client.data(customers_query)["customers"]
        running.control.update_settings(order_updated_at=False)
        assert "data" not in client.body(orders_query)
    assert len(orders) == len(customers) == 5
    assert [o["updatedAt"] for o in orders] == sorted((o["updatedAt"] for o in orders), reverse=True)


def test_catalog_offsets_switch_between_legacy_and_colon(sandbox_factory: SandboxFactory) -> None:
    query = "{ product(id: 1) { createdAt variants { updatedAt } } orders(limit: 1) { createdAt } }"
    with sandbox_factory(orders=10, rate_limits_enabled=False) as running:
        client = GraphQL(running)
        legacy = client.data(query)
        running.control.update_settings(legacy_catalog_offsets=False)
        modern = client.data(query)
    assert legacy["product"]["createdAt"][-5:] in ("+0100", "+0200")
    assert legacy["product"]["variants"][0]["updatedAt"][-5] in "+-"
    assert ":" not in legacy["product"]["createdAt"][-5:]
    assert modern["product"]["createdAt"][-6:] in ("+01:00", "+02:00")
    assert legacy["orders"][0]["createdAt"][-6:] in ("+01:00", "+02:00")
