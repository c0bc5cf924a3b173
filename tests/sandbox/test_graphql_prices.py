"""`ProductVariant.prices`: one price per pricelist in its currency, optional paging, permission and store
restriction (docs/centra-api-reference.md §A5, §A7, §A8.7)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from sandbox.money import formatted
from sandbox.server import RunningSandbox, serve_in_thread
from sandbox.settings import READ_PERMISSIONS, SandboxSettings, TokenSpec
from tests.sandbox.graphql_support import GraphQL

NO_PRICELISTS = TokenSpec("no-pricelists", permissions=READ_PERMISSIONS - {"Pricelist:read"})
WHOLESALE_ONLY = TokenSpec("wholesale-only", store_id=2)
PRICES = "prices { pricelist { id name } price { value formattedValue currency { code } } }"


@pytest.fixture(scope="module")
def sandbox() -> Iterator[RunningSandbox]:
    settings = SandboxSettings(
        orders=50, rate_limits_enabled=False, extra_tokens=(NO_PRICELISTS, WHOLESALE_ONLY)
    )
    with serve_in_thread(settings) as running:
        yield running


def test_every_variant_has_its_store_prices_in_the_pricelist_currency(sandbox: RunningSandbox) -> None:
    variants = GraphQL(sandbox).data(f"{{ productVariants(limit: 200) {{ id {PRICES} }} }}")[
        "productVariants"
    ]
    store = sandbox.state.store
    expected = {
        (row["variant_id"], row["pricelist_id"]): row
        for row in store.rows(
            "SELECT pr.*, pl.name, pl.currency_code FROM prices pr JOIN pricelists pl USING (pricelist_id)"
        )
    }
    served = {(v["id"], p["pricelist"]["id"]): p for v in variants for p in v["prices"]}
    assert served.keys() == expected.keys()
    for key, price in served.items():
        row = expected[key]
        assert price["pricelist"]["name"] == row["name"]
        assert price["price"]["currency"]["code"] == row["currency_code"]
        assert Decimal(str(price["price"]["value"])) == row["price"]
        assert price["price"]["formattedValue"] == formatted(row["price"], row["currency_code"])
    assert {price["price"]["currency"]["code"] for price in served.values()} >= {"SEK", "EUR", "USD"}
    assert all(
        [p["pricelist"]["id"] for p in v["prices"]] == sorted(p["pricelist"]["id"] for p in v["prices"])
        for v in variants
    )


def test_a_limit_pages_each_variants_prices_and_sort_and_where_apply(sandbox: RunningSandbox) -> None:
    client = GraphQL(sandbox)

    def pricelists(arguments: str) -> list[int]:
        query = f"{{ productVariant(id: 1) {{ prices{arguments} {{ pricelist {{ id }} }} }} }}"
        prices = client.data(query)["productVariant"]["prices"]
        return [price["pricelist"]["id"] for price in prices]

    every = pricelists("")
    assert len(every) > 4
    assert pricelists("(limit: 3, page: 1)") + pricelists("(limit: 3, page: 2)") == every[:6]
    assert pricelists(f"(limit: 3, page: {len(every)})") == []
    assert pricelists("(sort: [pricelistId_DESC], limit: 2)") == sorted(every, reverse=True)[:2]
    assert pricelists("(where: {pricelistId: [2, 4]})") == [2, 4]
    error = client.errors("{ productVariant(id: 1) { prices(limit: 201) { pricelist { id } } } }")[0]
    assert error["message"] == "Limit must be in range 1 - 200."


def test_without_a_limit_prices_are_priced_as_an_all_elements_list(sandbox: RunningSandbox) -> None:
    client = GraphQL(sandbox)

    def complexity(arguments: str) -> int:
        query = f"{{ productVariants(limit: 10) {{ prices{arguments} {{ price {{ value }} }} }} }}"
        value: int = client.body(query)["extensions"]["complexity"]
        return value

    assert complexity("") == complexity("(limit: 5)")
    assert complexity("(limit: 100)") > complexity("")


def test_prices_need_pricelist_read(sandbox: RunningSandbox) -> None:
    body = GraphQL(sandbox, token=NO_PRICELISTS.token).body(
        f"{{ productVariants(limit: 2) {{ id name {PRICES} }} }}"
    )
    assert [variant["prices"] for variant in body["data"]["productVariants"]] == [None, None]
    assert all(variant["name"] for variant in body["data"]["productVariants"])
    error = body["errors"][0]
    assert error["extensions"]["category"] == "authorization"
    assert error["path"] == ["productVariants", 0, "prices"]
    assert "Pricelist:read" in error["message"]


def test_a_store_restricted_token_sees_only_its_store_pricelists(sandbox: RunningSandbox) -> None:
    (variant,) = GraphQL(sandbox, token=WHOLESALE_ONLY.token).data(
        f"{{ productVariants(limit: 1) {{ {PRICES} }} }}"
    )["productVariants"]
    wholesale = {
        row["pricelist_id"]
        for row in sandbox.state.store.rows("SELECT pricelist_id FROM pricelists WHERE store_id = 2")
    }
    assert {price["pricelist"]["id"] for price in variant["prices"]} == wholesale
