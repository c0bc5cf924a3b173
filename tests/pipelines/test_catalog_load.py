"""Products, variants, product sizes and prices per pricelist from the sandbox's GraphQL API into DuckDB,
incrementally by updatedAt."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest

from sandbox.changes import ChangeSet
from sandbox.server import RunningSandbox
from sandbox.settings import READ_PERMISSIONS, TokenSpec
from tests.pipelines.loading_support import GENEROUS_QUOTAS, count, rows, run_load, table

SandboxFactory = Callable[..., AbstractContextManager[RunningSandbox]]
NO_PRICELISTS = TokenSpec("no-pricelists", permissions=READ_PERMISSIONS - {"Pricelist:read"})
CATALOG_TABLES = ("products", "variants", "product_sizes", "prices")

# Each loaded table as the sandbox holds it: (query on the warehouse, query on the sandbox store).
CONTENT = {
    "products": (
        "SELECT product_id, name, status, product_number, brand_id, collection_id, size_chart_id, is_bundle, "
        "harmonized_commodity_code, created_at AT TIME ZONE 'UTC', updated_at AT TIME ZONE 'UTC' "
        "FROM centra_raw.products",
        "SELECT product_id, name, status, product_number, brand_id, collection_id, size_chart_id, is_bundle, "
        "harmonized_commodity_code, created_at, updated_at FROM products",
    ),
    "variants": (
        "SELECT variant_id, product_id, name, status, variant_number, unit_cost_amount, "
        "unit_cost_currency_code, created_at AT TIME ZONE 'UTC', updated_at AT TIME ZONE 'UTC' "
        "FROM centra_raw.variants",
        "SELECT variant_id, product_id, name, status, variant_number, unit_cost, unit_cost_currency, "
        "created_at, updated_at FROM variants",
    ),
    "product_sizes": (
        "SELECT size_id, variant_id, product_id, size_chart_size_id, size_name, size_number, sku, ean, upc, "
        "is_preorder FROM centra_raw.product_sizes",
        "SELECT ps.product_size_id, ps.variant_id, v.product_id, ps.size_id, ps.description, ps.size_number, "
        "ps.sku, ps.ean, ps.upc, ps.is_preorder FROM product_sizes ps JOIN variants v USING (variant_id)",
    ),
    "prices": (
        "SELECT variant_id, pricelist_id, price_amount, currency_code FROM centra_raw.prices",
        "SELECT pr.variant_id, pr.pricelist_id, pr.price, pl.currency_code "
        "FROM prices pr JOIN pricelists pl USING (pricelist_id)",
    ),
}


@pytest.fixture
def sandbox(sandbox_factory: SandboxFactory) -> Iterator[RunningSandbox]:
    with sandbox_factory(orders=50, quotas=GENEROUS_QUOTAS, extra_tokens=(NO_PRICELISTS,)) as running:
        yield running


def truth(sandbox: RunningSandbox, sql: str) -> set[tuple[Any, ...]]:
    return {tuple(row.values()) for row in sandbox.state.store.rows(sql)}


def assert_catalog_equals_the_sandbox(sandbox: RunningSandbox, warehouse: Path) -> None:
    for name, (loaded_sql, sandbox_sql) in CONTENT.items():
        loaded = set(rows(warehouse, loaded_sql))
        assert loaded == truth(sandbox, sandbox_sql), name
        assert count(warehouse, name) == len(loaded), f"{name} holds a key twice"


def test_first_load_equals_the_sandbox_and_a_second_run_changes_nothing(
    sandbox: RunningSandbox, tmp_path: Path
) -> None:
    warehouse = tmp_path / "centra.duckdb"
    assert run_load(sandbox, warehouse, resources=["catalog"])["catalog_strategy"] == "full"
    sandbox_counts = sandbox.control.truth()
    for name in CATALOG_TABLES:
        assert count(warehouse, name) == sandbox_counts[name], name
    assert_catalog_equals_the_sandbox(sandbox, warehouse)
    store = sandbox.state.store
    assert (
        rows(warehouse, "SELECT count(*) FROM centra_raw.product_sizes WHERE ean IS NULL")[0][0]
        == (store.scalar("SELECT count(*) FROM product_sizes WHERE ean IS NULL"))
        > 0
    )
    assert rows(warehouse, "SELECT sku FROM centra_raw.product_sizes WHERE size_id = 1") == [
        (store.scalar("SELECT sku FROM product_sizes WHERE product_size_id = 1"),)
    ]
    assert set(
        rows(warehouse, "SELECT DISTINCT pricelist_id, currency_code FROM centra_raw.prices")
    ) == truth(sandbox, "SELECT pricelist_id, currency_code FROM pricelists")
    assert {name for (name,) in rows(warehouse, "SELECT name FROM centra_raw.products")} >= {
        "Tröja Åre",
        "Jacke Größe",
    }

    before = {name: table(warehouse, name) for name in CATALOG_TABLES}
    assert run_load(sandbox, warehouse, resources=["catalog"])["catalog_strategy"] == "updated_at"
    assert {name: table(warehouse, name) for name in CATALOG_TABLES} == before


def _quiet_variant(sandbox: RunningSandbox, exclude_products: list[int]) -> int:
    """A variant whose product and own updatedAt are both days older than the newest: no window holds it."""
    excluded = ", ".join(str(i) for i in exclude_products) or "-1"
    variant_id: int = sandbox.state.store.scalar(
        "SELECT v.variant_id FROM variants v JOIN products p USING (product_id) "
        "WHERE p.updated_at < (SELECT max(updated_at) FROM products) - INTERVAL 3 DAY "
        "AND v.updated_at < (SELECT max(updated_at) FROM variants) - INTERVAL 3 DAY "
        f"AND v.product_id NOT IN ({excluded}) ORDER BY v.variant_id LIMIT 1"
    )
    return variant_id


def test_renamed_products_and_a_variant_changed_alone_arrive_on_the_next_run(
    sandbox: RunningSandbox, tmp_path: Path
) -> None:
    warehouse = tmp_path / "centra.duckdb"
    run_load(sandbox, warehouse, resources=["catalog"])
    renamed = sandbox.control.apply_change_set(ChangeSet(seed=3, renamed_products=3)).renamed_product_ids
    assert len(renamed) == 3
    # Centra can change a variant (and its prices) without touching its product's updatedAt.
    variant_id = _quiet_variant(sandbox, renamed)
    now = sandbox.state.clock.now_naive_utc()
    store = sandbox.state.store
    store.execute(
        "UPDATE variants SET name = 'Midnattsblå', updated_at = ? WHERE variant_id = ?", [now, variant_id]
    )
    store.execute("UPDATE prices SET price = price + 10 WHERE variant_id = ?", [variant_id])

    assert run_load(sandbox, warehouse, resources=["catalog"])["catalog_strategy"] == "updated_at"
    new_names = truth(sandbox, f"SELECT product_id, name FROM products WHERE product_id IN {tuple(renamed)}")
    assert (
        set(
            rows(
                warehouse,
                f"SELECT product_id, name FROM centra_raw.products WHERE product_id IN {tuple(renamed)}",
            )
        )
        == new_names
    )
    assert rows(warehouse, f"SELECT name FROM centra_raw.variants WHERE variant_id = {variant_id}") == [
        ("Midnattsblå",)
    ]
    assert_catalog_equals_the_sandbox(sandbox, warehouse)

    # A price changed without any updatedAt moving arrives on a reconcile run, which reads everything.
    store.execute("UPDATE prices SET price = price + 1 WHERE variant_id = 1 AND pricelist_id = 1")
    assert run_load(sandbox, warehouse, resources=["catalog"], reconcile=True)["catalog_strategy"] == "full"
    assert_catalog_equals_the_sandbox(sandbox, warehouse)


def test_a_token_without_pricelist_read_loads_the_catalog_without_prices(
    sandbox: RunningSandbox, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    warehouse = tmp_path / "centra.duckdb"
    with caplog.at_level(logging.WARNING):
        run_load(sandbox, warehouse, api_token=NO_PRICELISTS.token, resources=["catalog"])
    sandbox_counts = sandbox.control.truth()
    for name in ("products", "variants", "product_sizes"):
        assert count(warehouse, name) == sandbox_counts[name], name
    tables = {name for (name,) in rows(warehouse, "SELECT table_name FROM information_schema.tables")}
    assert "prices" not in tables
    warnings = [record.getMessage() for record in caplog.records if record.levelno == logging.WARNING]
    assert any("Pricelist:read" in message and "prices" in message for message in warnings), warnings
