"""Injected faults over the whole run (every family, build, publish), on the GraphQL and the Order API path:
5xx answers, answers slower than the client's timeout, truncated JSON, HTML pages, and 429 storms with
Retry-After as seconds, an HTTP date and an epoch. Each run completes with tables equal to a clean run's.

tests/pipelines/test_load_resilience.py covers the GraphQL load under 5xx/truncated/HTML faults; here the
runs are whole (load, build, checks, publish) and the faults include timeouts, storms and the Order API.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from sandbox.faults import FaultPlan
from sandbox.server import RunningSandbox, serve_in_thread
from sandbox.settings import SandboxSettings
from tests.conftest import GENEROUS_QUOTAS
from tests.reliability.plain_run import run
from tests.reliability.sandbox_setup import centra_env, configured, copy_warehouse
from tests.reliability.warehouse_state import checksums, differences, duplicate_keys

pytestmark = pytest.mark.reliability

TIMEOUT = {"SOURCES__CENTRA__REQUEST_TIMEOUT_SECONDS": "1.5"}
# The Order API has no reference data (markets, stores, ...): that path runs on a warehouse whose reference
# family a GraphQL run loaded (as a shop's would be, GraphQL having served it before), and loads the families
# the Order API serves; the run then builds, checks and publishes as a whole run does.
ORDER_API_FAMILIES = ("catalog", "customers", "orders", "stock")


@dataclass
class Clean:
    sandbox: RunningSandbox
    as_of: datetime
    graphql: dict[str, tuple[int, str]]
    order_api: dict[str, tuple[int, str]]
    reference_only: Path  # a warehouse holding only the reference family, loaded through GraphQL


def _order_api_env(sandbox: RunningSandbox) -> dict[str, str]:
    return {**centra_env(sandbox, order_api=True), "SOURCES__CENTRA__API": "order_api", **TIMEOUT}


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Clean]:
    folder = tmp_path_factory.mktemp("faults")
    settings = SandboxSettings(orders=200, quotas=GENEROUS_QUOTAS, clock_follows_real_time=False)
    with serve_in_thread(settings) as sandbox:
        as_of = sandbox.state.clock.now()
        with configured({**centra_env(sandbox), **TIMEOUT}):
            run(folder / "graphql" / "centra.duckdb", as_of)
            run(folder / "reference" / "centra.duckdb", as_of, resources=("reference",))
        copy_warehouse(folder / "reference" / "centra.duckdb", folder / "order_api" / "centra.duckdb")
        with configured(_order_api_env(sandbox)):
            run(folder / "order_api" / "centra.duckdb", as_of, resources=ORDER_API_FAMILIES)
        yield Clean(
            sandbox,
            as_of,
            checksums(folder / "graphql" / "centra.duckdb"),
            checksums(folder / "order_api" / "centra.duckdb"),
            folder / "reference" / "centra.duckdb",
        )


# Every kind in one plan, so one whole run meets them all: a 429 storm first (Retry-After in seconds), then
# 5xx answers, truncated JSON, HTML pages and answers slower than the client's timeout, drawn by the seed.
MIXED = {"storm_requests": 3, "storm_retry_after": 1.0, "server_error_rate": 0.03, "truncated_rate": 0.03,
         "html_rate": 0.03, "slow_rate": 0.03, "slow_seconds": 3.0}  # fmt: skip
KINDS = {"rate_limited", "server_error", "truncated", "html", "slow"}


def _run_with(
    clean: Clean,
    plan: FaultPlan,
    env: dict[str, str],
    warehouse: Path,
    families: tuple[str, ...] | None = None,
) -> dict[str, int]:
    clean.sandbox.control.install_faults(plan)
    try:
        with configured(env):
            run(warehouse, clean.as_of, resources=families)
        return dict(clean.sandbox.state.faults.injected)
    finally:
        clean.sandbox.control.clear_faults()


def test_every_fault_kind_on_graphql_ends_in_the_clean_runs_tables(clean: Clean, tmp_path: Path) -> None:
    warehouse = tmp_path / "centra.duckdb"
    plan = FaultPlan(seed=3, scope="graphql", **MIXED)  # type: ignore[arg-type]
    injected = _run_with(clean, plan, {**centra_env(clean.sandbox), **TIMEOUT}, warehouse)
    assert set(injected) == KINDS, injected
    assert differences(checksums(warehouse), clean.graphql) == []
    assert duplicate_keys(warehouse) == {}


def test_every_fault_kind_on_the_order_api_ends_in_the_clean_runs_tables(
    clean: Clean, tmp_path: Path
) -> None:
    warehouse = tmp_path / "order_api" / "centra.duckdb"
    copy_warehouse(clean.reference_only, warehouse)
    plan = FaultPlan(seed=5, scope="order_api", **MIXED)  # type: ignore[arg-type]
    injected = _run_with(clean, plan, _order_api_env(clean.sandbox), warehouse, ORDER_API_FAMILIES)
    assert set(injected) == KINDS, injected
    assert differences(checksums(warehouse), clean.order_api) == []
    assert duplicate_keys(warehouse) == {}


# The run's rate-limit probe meets the storm first and gives up after 3 answers of 429 (a failed probe never
# fails a run, flows/steps.py); the reference family's load meets the rest and must wait them out.
STORM = 5


@pytest.mark.parametrize("retry_after_format", ["http_date", "epoch"])  # seconds: in the mixed runs
def test_a_429_storm_with_retry_after_as_a_date_or_an_epoch_is_waited_out(
    clean: Clean, tmp_path: Path, retry_after_format: str
) -> None:
    warehouse = tmp_path / "centra.duckdb"
    clean.sandbox.control.update_settings(retry_after_format=retry_after_format)
    try:
        storm = FaultPlan(storm_requests=STORM, storm_retry_after=1.0, scope="graphql")
        injected = _run_with(clean, storm, centra_env(clean.sandbox), warehouse, ("reference",))
    finally:
        clean.sandbox.control.update_settings(retry_after_format="seconds")
    assert injected == {"rate_limited": STORM}
    loaded = checksums(warehouse)
    assert {"centra_raw.markets", "centra_raw.stores"} <= set(loaded)
    assert differences(loaded, checksums(clean.reference_only)) == []
