"""GraphQL down for a whole run: `centra-elt run` extracts what the Order API serves, builds, checks and
publishes, through the real flow and the sandbox over HTTP.

The same shop is loaded twice from the same first GraphQL run, then changed: one warehouse runs through
GraphQL, the other with every GraphQL request answered 503. Every reporting table of the two is equal, row by
row, except the columns and rows `warehouse.order_api_gaps` lists (the data dictionary prints that list).
A warehouse that never saw GraphQL publishes too, and the run says what it could not build.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from flows.elt import RunFailedError, centra_elt
from flows.reference_data import REFERENCE_CHECK
from flows.summary import RunSummary
from sandbox.changes import ChangeSet, apply_change_set
from sandbox.faults import FaultPlan
from sandbox.server import RunningSandbox
from sandbox.settings import OrderApiPluginSettings
from tests.flows.conftest import point_at
from tests.pipelines.loading_support import GENEROUS_QUOTAS
from warehouse.order_api_gaps import NOT_FROM_ORDER_API, compared_columns, order_api_rows
from warehouse.publish import published_path
from warehouse.registry import REGISTRY

pytestmark = pytest.mark.usefixtures("prefect_harness")
SandboxFactory = Callable[..., AbstractContextManager[RunningSandbox]]
GRAPHQL_DOWN = FaultPlan(server_error_rate=1.0, scope="graphql")
CHANGES = ChangeSet(
    seed=15, new_orders=40, status_changes=10, cancelled_lines=4, new_returns=6, stock_changes=20,
    old_order_age_days=5, cancelled_orders=2,
)  # fmt: skip
# Orders on hold or waiting for payment are hidden from the Order API unless the plugin shows them (a listed
# gap, docs/centra-api-reference.md §B2): this shop's plugin shows them, so every order is in both warehouses.
# What records a run rather than Centra's data: when it read the stock, what its reconciliation counted.
READ_AT = ("snapshot_at", "checked_at")
RUN_RECORDS = ("source_reconciliation",)
SANDBOX = {
    "orders": 300, "quotas": GENEROUS_QUOTAS, "clock_follows_real_time": False,
    "order_api": OrderApiPluginSettings(include_on_hold=True),
}  # fmt: skip


def _run(warehouse: Path, sandbox: RunningSandbox) -> RunSummary:
    try:
        return centra_elt(warehouse=str(warehouse), as_of=sandbox.state.clock.now(), retries=0)
    except RunFailedError as failed:
        return failed.summary


def _table(path: Path, name: str, columns: list[str], where: str) -> set[tuple[Any, ...]]:
    quoted = ", ".join(f'"{column}"' for column in columns)
    with duckdb.connect(str(path), read_only=True) as connection:
        rows = connection.execute(f'SELECT {quoted} FROM reporting."{name}" WHERE {where}').fetchall()
    return set(rows)


def _differences(graphql: Path, order_api: Path, timezone: str | None) -> dict[str, list[str]]:
    """Per reporting table, the rows one warehouse holds and the other does not: in the columns and rows the
    Order API fills as GraphQL does (`timezone` given), or in every column of every row but when each run
    read its data (`timezone` None)."""
    differences: dict[str, list[str]] = {}
    for spec in REGISTRY.ordered():
        if spec.name in (NOT_FROM_ORDER_API if timezone is not None else RUN_RECORDS):
            continue
        if timezone is None:
            columns, where = [column for column in spec.columns if column not in READ_AT], "TRUE"
        else:
            columns = compared_columns(spec.name, list(spec.columns))
            where = order_api_rows(spec.name, timezone)
        in_graphql = _table(graphql, spec.name, columns, where)
        in_order_api = _table(order_api, spec.name, columns, where)
        only_graphql, only_order_api = in_graphql - in_order_api, in_order_api - in_graphql
        if only_graphql or only_order_api:
            differences[spec.name] = [
                *(f"graphql only: {dict(zip(columns, row, strict=True))}" for row in sorted(only_graphql, key=str)[:3]),
                *(f"order_api only: {dict(zip(columns, row, strict=True))}" for row in sorted(only_order_api, key=str)[:3]),
            ]  # fmt: skip
    return differences


def _one_shop_in_two_warehouses(
    sandbox: RunningSandbox, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> tuple[Path, Path]:
    """The sandbox loaded once through GraphQL, and the warehouse (with dlt's folder) copied: the folders of
    the two warehouses that go on through GraphQL and through the Order API."""
    through_graphql, through_order_api = tmp_path / "graphql", tmp_path / "order_api"
    point_at(monkeypatch, sandbox, order_api=True)
    monkeypatch.setenv("SOURCES__CENTRA__REQUEST_ATTEMPTS", "2")  # GraphQL found down sooner
    first = _run(through_graphql / "centra.duckdb", sandbox)
    assert first.succeeded, first.failure_reasons()
    shutil.copytree(through_graphql, through_order_api)
    return through_graphql, through_order_api


def test_with_graphql_down_for_a_whole_run_the_order_api_publishes_what_graphql_would(
    sandbox_factory: SandboxFactory, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    with sandbox_factory(**SANDBOX) as sandbox:
        through_graphql, through_order_api = _one_shop_in_two_warehouses(sandbox, monkeypatch, tmp_path)
        sandbox.state.clock.advance(timedelta(hours=1))
        apply_change_set(sandbox.state, CHANGES)

        graphql = _run(through_graphql / "centra.duckdb", sandbox)
        sandbox.state.faults.install(GRAPHQL_DOWN)
        order_api = _run(through_order_api / "centra.duckdb", sandbox)

    assert graphql.succeeded, graphql.failure_reasons()
    assert order_api.succeeded, order_api.failure_reasons()
    assert {family.name: family.api for family in order_api.families} == {
        "reference": None, "catalog": "order_api", "customers": "order_api", "orders": "order_api",
        "stock": "order_api",
    }  # fmt: skip
    assert order_api.published_to is not None
    reference = next(check for check in order_api.checks if check.name == REFERENCE_CHECK)
    assert "kept from the last GraphQL load" in reference.summary
    timezone = sandbox.state.settings.timezone
    assert (
        _differences(through_graphql / "centra.duckdb", through_order_api / "centra.duckdb", timezone) == {}
    )


def test_once_graphql_is_back_it_reads_again_what_the_order_api_served(
    sandbox_factory: SandboxFactory, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    with sandbox_factory(**SANDBOX) as sandbox:
        through_graphql, through_order_api = _one_shop_in_two_warehouses(sandbox, monkeypatch, tmp_path)
        sandbox.state.faults.install(GRAPHQL_DOWN)
        assert _run(through_order_api / "centra.duckdb", sandbox).succeeded
        sandbox.state.faults.clear()
        sandbox.state.clock.advance(timedelta(hours=1))
        apply_change_set(sandbox.state, CHANGES)

        graphql = _run(through_graphql / "centra.duckdb", sandbox)
        healed = _run(through_order_api / "centra.duckdb", sandbox)

    assert graphql.succeeded, graphql.failure_reasons()
    assert healed.succeeded, healed.failure_reasons()
    assert REFERENCE_CHECK not in {check.name for check in healed.checks}
    # every column of every table, the Order API's gaps too: what it served has been read again
    differences = _differences(through_graphql / "centra.duckdb", through_order_api / "centra.duckdb", None)
    assert differences == {}


def _published(warehouse: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(published_path(warehouse)), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def test_a_first_run_without_graphql_publishes_what_the_order_api_serves_and_says_what_it_can_not_build(
    sandbox_factory: SandboxFactory, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    warehouse = tmp_path / "centra.duckdb"
    with sandbox_factory(**SANDBOX) as sandbox:
        point_at(monkeypatch, sandbox, order_api=True)
        monkeypatch.delenv("SOURCES__CENTRA__GRAPHQL_URL")
        monkeypatch.delenv("SOURCES__CENTRA__API_TOKEN")
        summary = _run(warehouse, sandbox)
        visible_orders = sandbox.state.store.connection.execute("SELECT count(*) FROM orders").fetchone()

    assert summary.succeeded, summary.failure_reasons()
    assert summary.published_to is not None
    reference = next(check for check in summary.checks if check.name == REFERENCE_CHECK)
    assert reference.warned
    assert "reference data never loaded (GraphQL is not configured" in reference.summary
    assert "dim_stores holds stand-ins -1 (DTC) and -2 (wholesale)" in reference.summary
    assert reference.summary in summary.to_markdown()
    # every order the plugin shows, each with a store, a market and a rate whose source is said
    assert _published(warehouse, "SELECT count(*) FROM reporting.fct_orders") == [visible_orders]
    assert _published(warehouse, "SELECT DISTINCT store_id FROM reporting.fct_orders ORDER BY 1") == [
        (-2,),
        (-1,),
    ]
    assert _published(warehouse, "SELECT store_id, channel, source_api FROM reporting.dim_stores ORDER BY 1") == [
        (-2, "Wholesale", "order_api"), (-1, "DTC", "order_api"),
    ]  # fmt: skip
    markets = _published(warehouse, "SELECT count(DISTINCT market_id) FROM reporting.fct_orders")
    assert (
        _published(warehouse, "SELECT count(*) FROM reporting.dim_markets WHERE market_name IS NULL")
        == markets
    )
    sources = dict(
        _published(warehouse, "SELECT conversion_rate_source, count(*) FROM reporting.fct_orders GROUP BY 1")
    )
    assert set(sources) <= {"order", "same_day", "nearest_day", "unknown"}
    assert sources.get("order", 0) > 0
    assert _published(
        warehouse,
        "SELECT count(*) FROM reporting.fct_orders "
        "WHERE (net_amount_base IS NULL) <> (conversion_rate_source = 'unknown')",
    ) == [(0,)]
    assert _published(warehouse, "SELECT DISTINCT warehouse_id FROM reporting.fct_stock_daily") == [(0,)]
    assert _published(warehouse, "SELECT warehouse_name FROM reporting.dim_warehouses") == [
        ("Order API plugin warehouses (summed)",)
    ]
    assert _published(warehouse, "SELECT count(*) FROM reporting.fct_order_lines WHERE size_id IS NULL") == [
        (0,)
    ]
