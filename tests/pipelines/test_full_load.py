"""Every family at once: a first load equals the sandbox table for table, a quiet rerun changes nothing,
and after a change set the next run reflects every change — with events, with updatedAt, with neither."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from sandbox.changes import ChangeSet
from sandbox.server import RunningSandbox
from sandbox.settings import TokenSpec
from tests.pipelines.loading_support import GENEROUS_QUOTAS, count, rows, run_load, table
from tests.pipelines.test_orders_load import assert_family_matches_sandbox

SandboxFactory = Callable[..., AbstractContextManager[RunningSandbox]]
SANDBOX_TABLE = {
    "orders": "orders", "orders__lines": "order_lines", "orders__shipments": "shipments",
    "orders__shipments__lines": "shipment_lines", "orders__returns": "returns",
    "orders__returns__lines": "return_lines", "customers": "customers", "accounts": "accounts",
    "buyers": "buyers", "stores": "stores", "markets": "markets", "pricelists": "pricelists",
    "currencies": "currencies", "countries": "countries", "warehouses": "warehouses", "brands": "brands",
    "collections": "collections", "sizes": "sizes", "products": "products", "variants": "variants",
    "product_sizes": "product_sizes", "prices": "prices", "stock": "stock",
}  # fmt: skip
EVERY_KIND = ChangeSet(
    seed=21, new_orders=5, status_changes=6, old_order_age_days=40, cancelled_lines=4, new_returns=2,
    deleted_returns=1, anonymized_customers=1, renamed_products=2, stock_changes=6,
)  # fmt: skip
MODES = {
    "events": ({"events_enabled": True}, {"use_events": True}, "events"),
    "updated_at": ({"order_updated_at": True, "customer_updated_at": True}, {}, "updated_at"),
    "neither": ({}, {}, "created_at_lookback"),
}


def assert_counts_equal_the_sandbox(sandbox: RunningSandbox, warehouse: Path) -> None:
    truth = sandbox.control.truth()
    got = {name: count(warehouse, name) for name in SANDBOX_TABLE}
    assert got == {name: truth[source] for name, source in SANDBOX_TABLE.items()}


def test_first_load_of_every_table_equals_the_sandbox_and_a_rerun_changes_nothing(
    sandbox_factory: SandboxFactory, tmp_path: Path
) -> None:
    warehouse = tmp_path / "centra.duckdb"
    with sandbox_factory(orders=300, quotas=GENEROUS_QUOTAS) as sandbox:
        run_load(sandbox, warehouse)
        assert_counts_equal_the_sandbox(sandbox, warehouse)
        before = {name: table(warehouse, name) for name in SANDBOX_TABLE if name != "stock"}
        run_load(sandbox, warehouse)
        assert {name: table(warehouse, name) for name in SANDBOX_TABLE if name != "stock"} == before


@pytest.mark.parametrize("mode", sorted(MODES))
def test_every_change_arrives_on_the_next_run(
    sandbox_factory: SandboxFactory, tmp_path: Path, mode: str
) -> None:
    sandbox_settings, source_args, strategy = MODES[mode]
    warehouse = tmp_path / "centra.duckdb"
    with sandbox_factory(orders=300, quotas=GENEROUS_QUOTAS, **sandbox_settings) as sandbox:
        run_load(sandbox, warehouse, **source_args)
        result = sandbox.control.apply_change_set(EVERY_KIND)
        state: dict[str, Any] = run_load(sandbox, warehouse, **source_args)
        assert state["orders_strategy"] == strategy
        store = sandbox.state.store
        changed = ", ".join(map(str, result.status_changed_order_numbers))
        assert set(
            rows(
                warehouse,
                f"SELECT order_number, status FROM centra_raw.orders WHERE order_number IN ({changed})",
            )
        ) == {
            tuple(row.values())
            for row in store.rows(
                f"SELECT order_number, status FROM orders WHERE order_number IN ({changed})"
            )
        }
        if mode == "neither":
            # Without events or updatedAt, only orders inside the 60-day lookback are re-read; a reconcile
            # run with a long lookback (the nightly job) brings the older ones.
            newest = rows(warehouse, "SELECT max(created_at) FROM centra_raw.orders")[0][0]
            assert_family_matches_sandbox(sandbox, warehouse, since=newest - timedelta(days=60))
            run_load(sandbox, warehouse, reconcile=True, order_lookback_days=3650)
        assert_counts_equal_the_sandbox(sandbox, warehouse)
        assert_family_matches_sandbox(sandbox, warehouse)
        for customer_id in result.anonymized_customer_ids:
            assert rows(
                warehouse,
                f"SELECT email, first_name FROM centra_raw.customers WHERE customer_id = {customer_id}",
            ) == [(None, None)]
        for product_id in result.renamed_product_ids:
            name = store.scalar("SELECT name FROM products WHERE product_id = ?", [product_id])
            assert rows(
                warehouse, f"SELECT name FROM centra_raw.products WHERE product_id = {product_id}"
            ) == [(name,)]
        for warehouse_id, size_id in result.changed_stock:
            physical = store.scalar(
                "SELECT physical_quantity FROM stock WHERE warehouse_id = ? AND product_size_id = ?",
                [warehouse_id, size_id],
            )
            assert rows(
                warehouse,
                f"SELECT physical_quantity FROM centra_raw.stock WHERE warehouse_id = {warehouse_id} "
                f"AND size_id = {size_id}",
            ) == [(physical,)]


def test_the_token_is_nowhere_in_the_warehouse_state_or_trace_files(
    sandbox_factory: SandboxFactory, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "tok-58d1e2aa-never-store-me"
    warehouse = tmp_path / "centra.duckdb"
    with sandbox_factory(orders=40, quotas=GENEROUS_QUOTAS, extra_tokens=(TokenSpec(secret),)) as sandbox:
        run_load(sandbox, warehouse, api_token=secret)
    assert count(warehouse, "orders") == 40
    leaked = [path for path in tmp_path.rglob("*") if path.is_file() and secret.encode() in path.read_bytes()]
    assert leaked == []
    assert secret not in caplog.text
