"""The Order API fallback against the sandbox over real HTTP: same canonical tables as GraphQL, auto
fallback per family with a run summary, incremental re-pulls, and clear errors for a bad key or URL."""

from __future__ import annotations

import ast
import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from pipelines.centra import centra_source
from pipelines.centra.errors import (
    CentraAuthError,
    CentraConfigError,
    CentraUnavailableError,
    find_centra_error,
)
from pipelines.centra.run_summary import read_last_run
from pipelines.centra.tables import ORDERS, TableSpec
from pipelines.loading import centra_pipeline, load, load_until_current
from sandbox.changes import ChangeSet
from sandbox.faults import FaultPlan
from sandbox.server import RunningSandbox, free_port
from sandbox.settings import READ_PERMISSIONS, OrderApiPluginSettings, TokenSpec
from tests.pipelines.loading_support import GENEROUS_QUOTAS, rows, run_load, table
from tests.pipelines.order_api_support import (
    COMPARED_TABLES,
    EMPTY_FROM_ORDER_API,
    NOT_FROM_ORDER_API,
    ONLY_GRAPHQL,
    PARTLY_FROM_ORDER_API,
    differences,
    order_api_args,
)

SandboxFactory = Callable[..., AbstractContextManager[RunningSandbox]]
README = Path(__file__).parents[2] / "pipelines" / "centra" / "README.md"
TIMEZONE = "Europe/Stockholm"
REQUEST_ATTEMPTS = 2
SECRET_KEY = "oak-5d2e71b0-never-print-me"


def _daylight_saving_repeat(graphql: Any, order_api: Any) -> bool:
    """A naive Order API time in the hour repeated when clocks go back reads as its first occurrence."""
    if not isinstance(graphql, datetime) or not isinstance(order_api, datetime):
        return False
    local = graphql.astimezone(ZoneInfo(TIMEZONE)).replace(tzinfo=None)
    first = local.replace(tzinfo=ZoneInfo(TIMEZONE), fold=0).astimezone(UTC)
    return first != graphql and first == order_api


def _zero_voucher_gap(graphql: Path, order_api: Path, problem: str) -> bool:
    """The sandbox's Order API lists no voucher worth 0 (free shipping), GraphQL does (README)."""
    if " voucher_" not in problem or not problem.startswith("orders ("):
        return False
    number = int(problem.split("(")[1].split(",")[0])
    sql = f"SELECT voucher_amount, voucher_code FROM centra_raw.orders WHERE order_number = {number}"
    return rows(graphql, sql)[0][0] == 0 and rows(order_api, sql)[0] == (None, None)


def _tolerated(graphql: Path, order_api: Path, spec: TableSpec, problem: str) -> bool:
    if _zero_voucher_gap(graphql, order_api, problem):
        return True
    if ": GraphQL " not in problem:
        return False
    # e.g. "orders (1034,) created_at: GraphQL datetime(...) != Order API datetime(...)"
    key_part = problem.split(")")[0] + ")"
    column = problem[len(key_part) :].split(":")[0].strip()
    key = ast.literal_eval(key_part[len(spec.name) :].strip())  # the primary key tuple differences() printed
    where = " AND ".join(f"{name} = {value!r}" for name, value in zip(spec.primary_key, key, strict=True))
    sql = f'SELECT "{column}" FROM centra_raw.{spec.name} WHERE {where}'
    return _daylight_saving_repeat(rows(graphql, sql)[0][0], rows(order_api, sql)[0][0])


def _partly_equal(graphql: Path, order_api: Path, spec: TableSpec, column: str) -> list[tuple[Any, ...]]:
    """Keys whose `column` the Order API filled with another value than GraphQL's."""
    key = ", ".join(spec.primary_key)
    sql = f'SELECT {key}, "{column}" FROM centra_raw.{spec.name} WHERE "{column}" IS NOT NULL'
    from_graphql = {row[:-1]: row[-1] for row in rows(graphql, sql)}
    return [row for row in rows(order_api, sql) if from_graphql.get(row[:-1]) != row[-1]]


def test_graphql_and_order_api_loads_give_the_same_canonical_tables(
    sandbox_factory: SandboxFactory, tmp_path: Path
) -> None:
    # On-hold and waiting-for-payment orders are hidden from the Order API by default: show them, so
    # both APIs see the same orders. Customer.updatedAt on, so GraphQL has the `modified` the Order API has.
    plugin = OrderApiPluginSettings(include_on_hold=True)
    by_graphql, by_order_api = tmp_path / "graphql.duckdb", tmp_path / "order_api.duckdb"
    with sandbox_factory(
        orders=300, quotas=GENEROUS_QUOTAS, customer_updated_at=True, order_api=plugin
    ) as sb:
        run_load(sb, by_graphql, api="graphql")
        state = run_load(sb, by_order_api, api="order_api", **order_api_args(sb))
        plugin_warehouses = [row["warehouse_id"] for row in sb.state.store.rows(
            "SELECT warehouse_id FROM warehouses WHERE in_order_api_plugin")]  # fmt: skip
    assert {name: entry["api"] for name, entry in state["last_run"]["apis"].items()} == {
        "orders": "order_api", "customers": "order_api", "catalog": "order_api", "stock": "order_api",
        "reference": None,
    }  # fmt: skip
    for spec in COMPARED_TABLES:
        assert rows(by_order_api, f"SELECT count(*) FROM centra_raw.{spec.name}")[0][0] > 0, spec.name
        problems = differences(by_graphql, by_order_api, spec)
        assert [p for p in problems if not _tolerated(by_graphql, by_order_api, spec, p)] == [], spec.name
        # The exclusions are exactly what the Order API lacks: NULL on every row it served.
        for column in ONLY_GRAPHQL[spec.name]:
            sql = f'SELECT count("{column}") FROM centra_raw.{spec.name}'
            if column in PARTLY_FROM_ORDER_API.get(spec.name, ()):
                assert rows(by_order_api, sql)[0][0] > 0, f"{spec.name}.{column} is never provided"
                assert _partly_equal(by_graphql, by_order_api, spec, column) == [], f"{spec.name}.{column}"
                continue
            assert rows(by_order_api, sql) == [(0,)], f"{spec.name}.{column} is provided: compare it"
        if not spec.is_nested:
            sql = f"SELECT DISTINCT _source_api FROM centra_raw.{spec.name}"
            assert rows(by_order_api, sql) == [("order_api",)], spec.name
    loaded = {name for (name,) in rows(by_order_api, "SELECT table_name FROM information_schema.tables")}
    assert not loaded & set(NOT_FROM_ORDER_API)
    for name in EMPTY_FROM_ORDER_API:  # the build reads it: it exists, with no rows to give
        assert rows(by_order_api, f"SELECT count(*) FROM centra_raw.{name}") == [(0,)], name
    # Stock: the Order API's sums over the plugin's warehouses, under warehouse 0, equal GraphQL's sums.
    ids = ", ".join(str(i) for i in plugin_warehouses)
    summed = (
        "SELECT size_id, sum(free_to_allocate_quantity), sum(physical_quantity), sum(allocated_quantity) "
        f"FROM centra_raw.stock WHERE warehouse_id IN ({ids}) GROUP BY size_id ORDER BY size_id"
    )
    assert rows(by_order_api, summed.replace(f"IN ({ids})", "= 0")) == rows(by_graphql, summed)
    readme = README.read_text()
    for names in ONLY_GRAPHQL.values():
        for column in names:
            assert f"`{column}`" in readme, f"README does not explain why {column} is excluded"


def _apis(state: dict[str, Any]) -> dict[str, str | None]:
    return {name: entry["api"] for name, entry in state["last_run"]["apis"].items()}


def test_auto_falls_back_per_family_and_the_run_summary_says_so(
    sandbox_factory: SandboxFactory,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING)
    monkeypatch.setenv(
        "SOURCES__CENTRA__REQUEST_ATTEMPTS", str(REQUEST_ATTEMPTS)
    )  # a 5xx storm gives up fast
    no_customers = TokenSpec("no-customers", permissions=READ_PERMISSIONS - {"Customer:read"})
    with sandbox_factory(orders=40, quotas=GENEROUS_QUOTAS, extra_tokens=(no_customers,)) as sandbox:
        # A token without Customer:read: customers from the Order API, everything else from GraphQL.
        warehouse = tmp_path / "denied.duckdb"
        state = run_load(sandbox, warehouse, api_token="no-customers", **order_api_args(sandbox))
        assert _apis(state) == {"orders": "graphql", "customers": "order_api", "reference": "graphql",
                                "catalog": "graphql", "stock": "graphql"}  # fmt: skip
        assert "Customer:read" in state["last_run"]["apis"]["customers"]["reason"]
        assert "customers: served by the Order API" in caplog.text
        assert "Customer:read" in caplog.text
        assert rows(warehouse, "SELECT DISTINCT _source_api FROM centra_raw.customers") == [("order_api",)]
        assert rows(warehouse, "SELECT DISTINCT _source_api FROM centra_raw.orders") == [("graphql",)]
        assert rows(warehouse, "SELECT count(*) FROM centra_raw.accounts")[0][0] > 0  # still GraphQL

        # A rejected token, then GraphQL answering 5xx to everything: all families the Order API has.
        expected = {"orders": "order_api", "customers": "order_api", "reference": None,
                    "catalog": "order_api", "stock": "order_api"}  # fmt: skip
        state = run_load(
            sandbox, tmp_path / "rejected.duckdb", api_token="revoked", **order_api_args(sandbox)
        )
        assert _apis(state) == expected
        assert "rejected the token" in state["last_run"]["apis"]["orders"]["reason"]
        sandbox.control.install_faults(FaultPlan(server_error_rate=1.0, scope="graphql"))
        warehouse = tmp_path / "down.duckdb"
        state = run_load(sandbox, warehouse, **order_api_args(sandbox))
        assert _apis(state) == expected
        assert "unreachable" in state["last_run"]["apis"]["stock"]["reason"]
        assert sandbox.state.faults.injected.get("server_error", 0) >= REQUEST_ATTEMPTS
    summary = read_last_run(centra_pipeline(warehouse).state)
    assert summary is not None
    assert summary.skipped == ["reference"]
    assert any("warehouse_id 0" in spot for spot in summary.blind_spots)
    assert rows(warehouse, "SELECT DISTINCT warehouse_id FROM centra_raw.stock") == [(0,)]
    assert "reference: skipped" in caplog.text


def _scoped(warehouse: Path, spec: TableSpec, since: datetime) -> list[tuple[Any, ...]]:
    scope = f"order_number IN (SELECT order_number FROM centra_raw.orders WHERE created_at >= '{since}')"
    columns = ", ".join(f'"{name}"' for name in spec.column_names)
    return rows(warehouse, f"SELECT {columns} FROM centra_raw.{spec.name} WHERE {scope} ORDER BY ALL")


CHANGES = ChangeSet(
    seed=3, new_orders=5, status_changes=6, old_order_age_days=30, cancelled_lines=4, new_returns=3,
    deleted_returns=1, completed_returns=1, anonymized_customers=2, cancelled_orders=1,
)  # fmt: skip
INCREMENTAL = ["orders", "customers", "catalog"]  # stock is a fresh snapshot every run by design


def test_an_order_api_run_reflects_changes_in_the_lookback_window_and_a_quiet_run_changes_nothing(
    sandbox_factory: SandboxFactory, tmp_path: Path
) -> None:
    warehouse, fresh = tmp_path / "incremental.duckdb", tmp_path / "fresh.duckdb"
    with sandbox_factory(orders=150, quotas=GENEROUS_QUOTAS) as sandbox:
        args = order_api_args(sandbox, api="order_api", resources=INCREMENTAL)
        assert run_load(sandbox, warehouse, **args)["order_api_orders_strategy"] == "backfill"
        result = sandbox.control.apply_change_set(CHANGES)
        hidden = {row["order_number"] for row in sandbox.state.store.rows(
            "SELECT order_number FROM orders WHERE is_on_hold OR is_waiting_for_payment")}  # fmt: skip
        state = run_load(sandbox, warehouse, **args)
        assert state["order_api_orders_strategy"] == "created_at_lookback"
        assert state["order_api_customers_strategy"] == "modified"
        run_load(sandbox, fresh, **args)  # what a first load would see now
        before = {name: table(warehouse, name) for name in _loaded_tables(warehouse)}
        run_load(sandbox, warehouse, **args)
        after = {name: table(warehouse, name) for name in _loaded_tables(warehouse)}
    newest = rows(warehouse, "SELECT max(created_at) FROM centra_raw.orders")[0][0]
    since = newest.astimezone(UTC) - timedelta(days=60)
    for spec in ORDERS.all_tables():
        if spec.name != "orders__shipments__lines":
            assert _scoped(warehouse, spec, since) == _scoped(fresh, spec, since), spec.name
    loaded_numbers = {n for (n,) in rows(warehouse, "SELECT order_number FROM centra_raw.orders")}
    assert set(result.new_order_numbers) - hidden  # the plugin hides on-hold orders: some must be visible
    assert set(result.new_order_numbers) - hidden <= loaded_numbers
    assert result.status_changed_order_numbers
    assert result.anonymized_customer_ids
    assert table(warehouse, "customers") == table(fresh, "customers")  # anonymizations arrived by `modified`
    assert after == before


def _loaded_tables(warehouse: Path) -> list[str]:
    sql = "SELECT table_name FROM information_schema.tables WHERE table_schema = 'centra_raw'"
    return sorted(name for (name,) in rows(warehouse, sql) if not name.startswith("_dlt"))


def _assert_nothing_loaded(warehouse: Path) -> None:
    if warehouse.exists():
        assert _loaded_tables(warehouse) == []


def test_a_wrong_order_api_key_or_url_is_one_clear_error_and_loads_nothing(
    sandbox_factory: SandboxFactory,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv(
        "SOURCES__CENTRA__REQUEST_ATTEMPTS", str(REQUEST_ATTEMPTS)
    )  # an unreachable port gives up fast
    with sandbox_factory(orders=20, quotas=GENEROUS_QUOTAS) as sandbox:
        cases: list[tuple[dict[str, Any], type[Exception], str]] = [
            ({"order_api_key": SECRET_KEY}, CentraAuthError, "SOURCES__CENTRA__ORDER_API_KEY"),
            ({"order_api_url": f"{sandbox.url}/api/not-the-plugin"}, CentraConfigError, "ORDER_API_URL"),
            ({"order_api_url": f"http://127.0.0.1:{free_port()}/api/x"}, CentraUnavailableError, "ORDER_API_URL"),
        ]  # fmt: skip
        for number, (override, kind, setting) in enumerate(cases):
            warehouse = tmp_path / f"case{number}.duckdb"
            args = {**order_api_args(sandbox, api="order_api", order_api_key=SECRET_KEY), **override}
            if "order_api_url" in override:
                args["order_api_key"] = "sandbox-key"
            with pytest.raises(Exception) as raised:  # noqa: PT011 - dlt may wrap it; unwrapped below
                load(centra_pipeline(warehouse), centra_source(**args))
            error = find_centra_error(raised.value)
            assert isinstance(error, kind), raised.value
            assert setting in str(error)
            assert SECRET_KEY not in str(raised.value)
            _assert_nothing_loaded(warehouse)
        # Also in auto mode, when GraphQL rejects its token and the fallback's key is wrong.
        with pytest.raises(CentraAuthError, match="ORDER_API_KEY") as raised:
            load_until_current(
                centra_pipeline(tmp_path / "auto.duckdb"),
                lambda: centra_source(
                    graphql_url=sandbox.graphql_url,
                    api_token="revoked",
                    **order_api_args(sandbox, order_api_key=SECRET_KEY),
                ),
            )
        assert SECRET_KEY not in str(raised.value)
    assert SECRET_KEY not in caplog.text
    _assert_nothing_loaded(tmp_path / "auto.duckdb")
