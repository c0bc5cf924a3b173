"""The stock snapshot: every warehouse × product size with free-to-allocate, physical and allocated
quantities, replaced every run."""

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
NO_STOCK = TokenSpec("no-stock", permissions=READ_PERMISSIONS - {"Warehouse.stock:read"})
LOADED = (
    "SELECT warehouse_id, size_id, physical_quantity, allocated_quantity, free_to_allocate_quantity "
    "FROM centra_raw.stock"
)
NAMES = "SELECT product_id, name FROM centra_raw.products"
TRUTH = (
    "SELECT warehouse_id, product_size_id, physical_quantity, allocated_quantity, "
    "physical_quantity - allocated_quantity FROM stock"
)


@pytest.fixture
def sandbox(sandbox_factory: SandboxFactory) -> Iterator[RunningSandbox]:
    with sandbox_factory(orders=50, quotas=GENEROUS_QUOTAS, extra_tokens=(NO_STOCK,)) as running:
        yield running


def truth(sandbox: RunningSandbox, sql: str) -> set[tuple[Any, ...]]:
    return {tuple(row.values()) for row in sandbox.state.store.rows(sql)}


def without_snapshot_time(warehouse: Path) -> list[tuple[Any, ...]]:
    columns = (
        "warehouse_id, size_id, free_to_allocate_quantity, physical_quantity, allocated_quantity, _source_api"
    )
    return rows(warehouse, f"SELECT {columns} FROM centra_raw.stock ORDER BY ALL")


def snapshot_times(warehouse: Path) -> list[Any]:
    return [at for (at,) in rows(warehouse, "SELECT DISTINCT snapshot_at FROM centra_raw.stock")]


def test_a_snapshot_equals_the_sandbox_and_a_second_run_only_moves_its_time(
    sandbox: RunningSandbox, tmp_path: Path
) -> None:
    warehouse = tmp_path / "centra.duckdb"
    run_load(sandbox, warehouse, resources=["stock"])
    assert count(warehouse, "stock") == sandbox.control.truth()["stock"]
    assert set(rows(warehouse, LOADED)) == truth(sandbox, TRUTH)
    assert {w for (w,) in rows(warehouse, "SELECT DISTINCT warehouse_id FROM centra_raw.stock")} == {
        w for (w,) in truth(sandbox, "SELECT warehouse_id FROM warehouses")
    }, "every warehouse, the inactive one too"
    assert rows(warehouse, "SELECT count(*) FROM centra_raw.stock WHERE allocated_quantity > 0")[0][0] > 0
    (first_snapshot,) = snapshot_times(warehouse)
    assert rows(warehouse, "SELECT DISTINCT _source_api FROM centra_raw.stock") == [("graphql",)]

    before = without_snapshot_time(warehouse)
    run_load(sandbox, warehouse, resources=["stock"])
    assert without_snapshot_time(warehouse) == before
    (second_snapshot,) = snapshot_times(warehouse)
    assert second_snapshot >= first_snapshot


def test_after_a_change_set_the_next_run_shows_new_names_and_new_stock_figures(
    sandbox: RunningSandbox, tmp_path: Path
) -> None:
    warehouse = tmp_path / "centra.duckdb"
    run_load(sandbox, warehouse, resources=["catalog", "stock"])
    stock_before = set(rows(warehouse, LOADED))
    names_before = set(rows(warehouse, NAMES))
    result = sandbox.control.apply_change_set(ChangeSet(seed=4, renamed_products=3, stock_changes=10))
    assert (len(result.changed_stock), len(result.renamed_product_ids)) == (10, 3)
    run_load(sandbox, warehouse, resources=["catalog", "stock"])

    stock_after = set(rows(warehouse, LOADED))
    assert stock_after == truth(sandbox, TRUTH)
    assert {(w, s) for w, s, *_ in stock_after - stock_before} == set(result.changed_stock)
    names_after = set(rows(warehouse, NAMES))
    assert names_after == truth(sandbox, "SELECT product_id, name FROM products")
    assert {product for product, _ in names_after - names_before} == set(result.renamed_product_ids)


def test_a_token_without_stock_read_keeps_the_last_snapshot(
    sandbox: RunningSandbox, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    warehouse = tmp_path / "centra.duckdb"
    with caplog.at_level(logging.WARNING):
        run_load(sandbox, warehouse, api_token=NO_STOCK.token, resources=["reference", "stock"])
    warnings = [record.getMessage() for record in caplog.records if record.levelno == logging.WARNING]
    assert any(m.startswith("stock: skipped") and "Warehouse.stock:read" in m for m in warnings), warnings
    tables = {name for (name,) in rows(warehouse, "SELECT table_name FROM information_schema.tables")}
    assert "stock" not in tables
    assert count(warehouse, "warehouses") == sandbox.control.truth()["warehouses"]

    run_load(sandbox, warehouse, resources=["stock"])
    snapshot = table(warehouse, "stock")
    assert len(snapshot) == sandbox.control.truth()["stock"]
    run_load(sandbox, warehouse, api_token=NO_STOCK.token, resources=["stock"])
    assert table(warehouse, "stock") == snapshot
