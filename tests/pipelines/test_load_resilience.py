"""Loads under tight rate limits and injected faults finish with the same tables as a clean load."""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

from sandbox.faults import FaultPlan
from sandbox.server import RunningSandbox
from sandbox.settings import RateLimitQuotas
from tests.pipelines.loading_support import GENEROUS_QUOTAS, ORDER_FAMILY, count, rows, run_load, table

SandboxFactory = Callable[..., AbstractContextManager[RunningSandbox]]
LOADED_TABLES = (
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'centra_raw' "
    "AND table_name NOT LIKE '_dlt%'"
)


def test_tight_quotas_complete_with_under_one_percent_429(
    sandbox_factory: SandboxFactory, tmp_path: Path
) -> None:
    tight = RateLimitQuotas(request_10s=8, request_1h=2000, complexity_10s=60_000, complexity_1h=5_000_000)
    with sandbox_factory(orders=40, quotas=tight) as sandbox:
        run_load(sandbox, tmp_path / "centra.duckdb", resources=["orders"], window_days=3650)
        answered = sandbox.control.stats()["counts"]
        assert count(tmp_path / "centra.duckdb", "orders") == 40
    total = sum(n for key, n in answered.items() if key.startswith("graphql:"))
    assert total >= 10
    assert answered.get("graphql:429", 0) / total < 0.01


def test_fifteen_percent_faults_give_the_same_tables_as_a_clean_load(
    sandbox_factory: SandboxFactory, tmp_path: Path
) -> None:
    with sandbox_factory(orders=150, quotas=GENEROUS_QUOTAS) as sandbox:
        run_load(sandbox, tmp_path / "clean.duckdb")
        sandbox.control.install_faults(
            FaultPlan(seed=11, server_error_rate=0.08, truncated_rate=0.04, html_rate=0.03, scope="graphql")
        )
        run_load(sandbox, tmp_path / "faulty.duckdb")
        injected = sandbox.state.faults.injected
    assert sum(injected.values()) >= 5
    loaded = {name for (name,) in rows(tmp_path / "clean.duckdb", LOADED_TABLES)}
    assert set(ORDER_FAMILY) | {"customers", "products", "stock", "markets"} <= loaded
    for name in sorted(loaded - {"stock"}):
        assert table(tmp_path / "faulty.duckdb", name) == table(tmp_path / "clean.duckdb", name), name
    stock = "SELECT warehouse_id, size_id, free_to_allocate_quantity, physical_quantity FROM centra_raw.stock ORDER BY ALL"
    assert rows(tmp_path / "faulty.duckdb", stock) == rows(tmp_path / "clean.duckdb", stock)


def test_a_429_with_an_iso8601_retry_after_is_waited_out_and_the_load_completes(
    sandbox_factory: SandboxFactory, tmp_path: Path
) -> None:
    with sandbox_factory(orders=30, quotas=GENEROUS_QUOTAS, retry_after_format="iso8601") as sandbox:
        sandbox.control.install_faults(FaultPlan(storm_requests=3, storm_retry_after=1.0, scope="graphql"))
        started = time.monotonic()
        run_load(sandbox, tmp_path / "centra.duckdb", resources=["orders"], window_days=3650)
        waited = time.monotonic() - started
        storms = sandbox.state.faults.injected.get("rate_limited", 0)
        truth = sandbox.control.truth()["orders"]
    assert storms == 3
    assert waited >= 2.5  # each 429's ISO-8601 time was honoured, not hammered
    assert count(tmp_path / "centra.duckdb", "orders") == truth == 30
