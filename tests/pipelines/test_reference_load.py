"""Reference data (stores, markets, pricelists, currencies, countries, warehouses, brands, collections,
sizes) from the sandbox's GraphQL API into DuckDB: read whole every run, replacing the tables."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest

from sandbox.server import RunningSandbox
from sandbox.settings import READ_PERMISSIONS, TokenSpec
from tests.pipelines.loading_support import GENEROUS_QUOTAS, count, rows, run_load, table

SandboxFactory = Callable[..., AbstractContextManager[RunningSandbox]]
NO_MARKETS = TokenSpec("no-markets", permissions=READ_PERMISSIONS - {"Market:read"})
# loaded table -> the sandbox table it must equal in row count
REFERENCE_TABLES = {
    "stores": "stores",
    "markets": "markets",
    "pricelists": "pricelists",
    "currencies": "currencies",
    "countries": "countries",
    "warehouses": "warehouses",
    "brands": "brands",
    "collections": "collections",
    "sizes": "sizes",
}


@pytest.fixture
def sandbox(sandbox_factory: SandboxFactory) -> Iterator[RunningSandbox]:
    with sandbox_factory(orders=50, quotas=GENEROUS_QUOTAS, extra_tokens=(NO_MARKETS,)) as running:
        yield running


def truth(sandbox: RunningSandbox, sql: str) -> set[tuple[Any, ...]]:
    """The sandbox's rows; a list column (country codes) as a tuple without NULLs."""
    return {
        tuple(
            tuple(v for v in value if v is not None) if isinstance(value, list) else value
            for value in row.values()
        )
        for row in sandbox.state.store.rows(sql)
    }


def loaded(warehouse: Path, sql: str) -> set[tuple[Any, ...]]:
    return set(rows(warehouse, sql))


def with_codes(found: set[tuple[Any, ...]]) -> set[tuple[Any, ...]]:
    """Rows whose last column is a JSON list of country codes, with the list as a tuple."""
    return {(*row[:-1], tuple(json.loads(row[-1]))) for row in found}


def assert_values_equal_the_sandbox(sandbox: RunningSandbox, warehouse: Path) -> None:
    assert loaded(warehouse, "SELECT store_id, name, store_type FROM centra_raw.stores") == truth(
        sandbox, "SELECT store_id, name, type FROM stores"
    )
    assert with_codes(
        loaded(warehouse, "SELECT market_id, name, store_id, country_codes FROM centra_raw.markets")
    ) == truth(
        sandbox,
        "SELECT m.market_id, m.name, m.store_id, list(c.country_code ORDER BY c.country_code) "
        "FROM markets m JOIN market_countries c USING (market_id) GROUP BY ALL",
    )
    assert with_codes(
        loaded(
            warehouse,
            "SELECT pricelist_id, status, currency_code, store_id, country_codes FROM centra_raw.pricelists",
        )
    ) == truth(
        sandbox,
        "SELECT p.pricelist_id, p.status, p.currency_code, p.store_id, "
        "list(c.country_code ORDER BY c.country_code) "
        "FROM pricelists p LEFT JOIN pricelist_countries c USING (pricelist_id) GROUP BY ALL",
    )
    assert loaded(
        warehouse, "SELECT currency_code, currency_id, name, is_base FROM centra_raw.currencies"
    ) == (truth(sandbox, "SELECT code, currency_id, name, is_base FROM currencies"))
    assert loaded(warehouse, "SELECT currency_code FROM centra_raw.currencies WHERE is_base") == {("SEK",)}
    assert loaded(
        warehouse, "SELECT country_code, country_id, name, continent, is_eu FROM centra_raw.countries"
    ) == truth(sandbox, "SELECT code, country_id, name, continent, is_eu FROM countries")
    assert loaded(
        warehouse, "SELECT warehouse_id, name, status, country_code, threshold FROM centra_raw.warehouses"
    ) == truth(sandbox, "SELECT warehouse_id, name, status, country_code, threshold FROM warehouses")
    assert loaded(warehouse, "SELECT brand_id, name FROM centra_raw.brands") == truth(
        sandbox, "SELECT brand_id, name FROM brands"
    )
    assert loaded(warehouse, "SELECT collection_id, name, status FROM centra_raw.collections") == truth(
        sandbox, "SELECT collection_id, name, status FROM collections"
    )
    assert loaded(
        warehouse, "SELECT size_id, size_chart_id, size_chart_name, name FROM centra_raw.sizes"
    ) == (
        truth(
            sandbox,
            "SELECT s.size_id, s.size_chart_id, c.name AS chart, s.name "
            "FROM sizes s JOIN size_charts c USING (size_chart_id)",
        )
    )
    for name in REFERENCE_TABLES:
        assert loaded(warehouse, f"SELECT DISTINCT _source_api FROM centra_raw.{name}") == {("graphql",)}


def test_first_load_equals_the_sandbox_and_a_second_run_changes_nothing(
    sandbox: RunningSandbox, tmp_path: Path
) -> None:
    warehouse = tmp_path / "centra.duckdb"
    run_load(sandbox, warehouse, resources=["reference"])
    sandbox_counts = sandbox.control.truth()
    for loaded_table, sandbox_table in REFERENCE_TABLES.items():
        assert count(warehouse, loaded_table) == sandbox_counts[sandbox_table], loaded_table
    assert_values_equal_the_sandbox(sandbox, warehouse)
    # The closed warehouse has no country and the retired outlet pricelist no countries: NULL and [].
    assert rows(warehouse, "SELECT country_code FROM centra_raw.warehouses WHERE status = 'INACTIVE'") == [
        (None,)
    ]
    assert rows(warehouse, "SELECT country_codes FROM centra_raw.pricelists WHERE status = 'INACTIVE'") == [
        ("[]",)
    ]
    before = {name: table(warehouse, name) for name in REFERENCE_TABLES}
    run_load(sandbox, warehouse, resources=["reference"])
    assert {name: table(warehouse, name) for name in REFERENCE_TABLES} == before


def test_a_row_deleted_in_centra_disappears_on_the_next_run(sandbox: RunningSandbox, tmp_path: Path) -> None:
    warehouse = tmp_path / "centra.duckdb"
    run_load(sandbox, warehouse, resources=["reference"])
    sandbox.state.store.execute("UPDATE brands SET name = 'Norrsken Studio' WHERE brand_id = 1")
    sandbox.state.store.execute("DELETE FROM brands WHERE brand_id = 4")
    run_load(sandbox, warehouse, resources=["reference"])
    assert loaded(warehouse, "SELECT brand_id, name FROM centra_raw.brands") == truth(
        sandbox, "SELECT brand_id, name FROM brands"
    )
    assert count(warehouse, "brands") == 3


def test_a_token_without_market_read_keeps_markets_and_loads_the_rest(
    sandbox: RunningSandbox, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    warehouse = tmp_path / "centra.duckdb"
    run_load(sandbox, warehouse, resources=["reference"])
    markets = table(warehouse, "markets")
    sandbox.state.store.execute("UPDATE brands SET name = 'Norrsken Studio' WHERE brand_id = 1")
    with caplog.at_level(logging.WARNING):
        run_load(sandbox, warehouse, api_token=NO_MARKETS.token, resources=["reference"])
    assert table(warehouse, "markets") == markets
    assert ("Norrsken Studio",) in loaded(warehouse, "SELECT name FROM centra_raw.brands")
    warnings = [record.getMessage() for record in caplog.records if record.levelno == logging.WARNING]
    assert any(message.startswith("markets: skipped") and "Market:read" in message for message in warnings)
