"""Offset pages, counters and the Relay connection (docs/centra-api-reference.md §A5, §C4, §C5)."""

from __future__ import annotations

import base64

import pytest

from sandbox.server import RunningSandbox
from tests.sandbox.graphql_support import GraphQL


@pytest.fixture(scope="module")
def client(shared_sandbox: RunningSandbox) -> GraphQL:
    return GraphQL(shared_sandbox)


@pytest.mark.parametrize("limit", [0, 201])
def test_limit_outside_1_to_200_is_an_error_not_clamped(client: GraphQL, limit: int) -> None:
    body = client.body(f"{{ orders(limit: {limit}) {{ number }} }}")
    assert "data" not in body
    assert body["errors"][0]["message"] == "Limit must be in range 1 - 200."
    assert body["errors"][0]["path"] == ["orders"]


def test_nested_stock_limit_is_checked_too(client: GraphQL) -> None:
    errors = client.errors("{ warehouses { stock(limit: 201) { freeToAllocateQuantity } } }")
    assert errors[0]["message"] == "Limit must be in range 1 - 200."


def test_default_limit_is_20_and_pages_are_disjoint_and_stable(client: GraphQL) -> None:
    first = client.data("{ orders { number } }")["orders"]
    second = client.data("{ orders(page: 2) { number } }")["orders"]
    again = client.data("{ orders(page: 2, limit: 20) { number } }")["orders"]
    assert len(first) == len(second) == 20
    assert second == again
    assert {o["number"] for o in first}.isdisjoint({o["number"] for o in second})


def test_last_page_is_short_and_a_page_past_the_end_is_empty(client: GraphQL) -> None:
    total = client.data("{ counters { orders } }")["counters"]["orders"]
    last_page = total // 150 + 1
    short = client.data(f"{{ orders(limit: 150, page: {last_page}) {{ number }} }}")["orders"]
    past = client.data(f"{{ orders(limit: 150, page: {last_page + 1}) {{ number }} }}")["orders"]
    assert len(short) == total % 150 > 0
    assert past == []


def test_lists_carry_no_total_counters_do(client: GraphQL, shared_sandbox: RunningSandbox) -> None:
    counters = client.data("{ counters { orders customers products returns } }")["counters"]
    truth = shared_sandbox.control.truth()
    assert counters == {key: truth[key] for key in ("orders", "customers", "products", "returns")}
    type_fields = client.data('{ __type(name: "Query") { fields { name type { kind } } } }')["__type"][
        "fields"
    ]
    assert {field["type"]["kind"] for field in type_fields if field["name"] == "orders"} == {"NON_NULL"}


def _connection(client: GraphQL, arguments: str) -> dict:
    query = (
        f"{{ orderConnection({arguments}) {{ totalCount pageInfo {{ hasPreviousPage hasNextPage startCursor "
        "endCursor } edges { cursor node { number } } } }"
    )
    return client.data(query)["orderConnection"]


def test_connection_walks_forward_with_cursors_of_number(client: GraphQL) -> None:
    numbers: list[int] = []
    after = ""
    while True:
        page = _connection(client, f"first: 70{after}, sort: [number_ASC]")
        numbers += [edge["node"]["number"] for edge in page["edges"]]
        for edge in page["edges"]:
            assert base64.b64decode(edge["cursor"]).decode() == f"number:{edge['node']['number']}"
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = f', after: "{page["pageInfo"]["endCursor"]}"'
    assert numbers == sorted(numbers)
    assert len(numbers) == len(set(numbers)) == page["totalCount"]


def test_connection_walks_backward_with_last_and_before(client: GraphQL) -> None:
    last = _connection(client, "last: 3, sort: [orderDate_ASC]")
    assert last["pageInfo"] == {
        "hasPreviousPage": True,
        "hasNextPage": False,
        "startCursor": last["edges"][0]["cursor"],
        "endCursor": last["edges"][-1]["cursor"],
    }
    before = _connection(
        client, f'last: 3, before: "{last["pageInfo"]["startCursor"]}", sort: [orderDate_ASC]'
    )
    newest = client.data("{ orders(sort: [orderDate_DESC], limit: 6) { number } }")["orders"]
    tail = [order["number"] for order in reversed(newest)]
    assert [edge["node"]["number"] for edge in before["edges"] + last["edges"]] == tail


def test_connection_rejects_a_cursor_it_did_not_mint(client: GraphQL) -> None:
    errors = client.errors('{ orderConnection(first: 2, after: "not-a-cursor") { totalCount } }')
    assert "Invalid cursor" in errors[0]["message"]


def test_children_are_fetched_once_per_page_not_once_per_order(shared_sandbox: RunningSandbox) -> None:
    statements: list[str] = []
    store = shared_sandbox.state.store
    original = store.rows

    def counting_rows(sql: str, params: object = None) -> list[dict]:
        statements.append(sql)
        return original(sql, params)  # type: ignore[arg-type]

    query = """{{ orders(limit: {limit}) {{ number lines {{ product {{ id }} productSize {{ id }} }}
        shipments {{ lines {{ orderLine {{ id }} }} }} returns {{ id }}
        ... on DirectToConsumerOrder {{ customer {{ lastOrder {{ number }} }} }} }} }}"""
    counts = []
    store.rows = counting_rows  # type: ignore[method-assign]
    try:
        for limit in (5, 150):
            statements.clear()
            GraphQL(shared_sandbox).data(query.format(limit=limit))
            counts.append(len(statements))
    finally:
        del store.rows
    assert counts[0] == counts[1] < 15
