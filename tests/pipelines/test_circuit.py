"""The circuit breaker against the sandbox over real HTTP: an API found down is asked once per run, by the
first family; later families go straight to the fallback or fail at once; only "down" opens it; the next
run asks again. Counts requests (the sandbox's, or the client's logged retries), never time."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest

from pipelines.centra import centra_source
from pipelines.centra.circuit import CircuitBreaker
from pipelines.centra.errors import CentraApiDownError, CentraUnavailableError, find_centra_error
from pipelines.centra.families import DEFAULT_FAMILIES
from pipelines.centra.run_summary import read_last_run
from pipelines.loading import centra_pipeline, load_until_current
from sandbox.faults import FaultPlan
from sandbox.server import RunningSandbox, free_port
from sandbox.settings import READ_PERMISSIONS, TokenSpec
from tests.pipelines.loading_support import GENEROUS_QUOTAS, rows
from tests.pipelines.order_api_support import order_api_args

SandboxFactory = Callable[..., AbstractContextManager[RunningSandbox]]
FAMILY_ORDER = DEFAULT_FAMILIES
FALLBACK_TABLES = {"catalog": "products", "customers": "customers", "orders": "orders", "stock": "stock"}
REQUEST_ATTEMPTS = 2
GRAPHQL_DOWN = FaultPlan(server_error_rate=1.0, scope="graphql")


@pytest.fixture(autouse=True)
def _few_attempts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCES__CENTRA__REQUEST_ATTEMPTS", str(REQUEST_ATTEMPTS))


def _args(sandbox: RunningSandbox, **overrides: Any) -> dict[str, Any]:
    return {"graphql_url": sandbox.graphql_url, "api_token": "sandbox-token", "rate_limit_share": 1.0,
            **order_api_args(sandbox), **overrides}  # fmt: skip


def _run(
    warehouse: Path, args: dict[str, Any], families: tuple[str, ...], breaker: CircuitBreaker | None
) -> dict[str, Any]:
    """The families one source each, in the flow's order (as `flows.steps.load_family`); the last state."""
    pipeline = centra_pipeline(warehouse)
    for family in families:
        source_args = {"resources": [family], "breaker": breaker, **args}
        load_until_current(pipeline, functools.partial(centra_source, **source_args))
    state: dict[str, Any] = pipeline.state["sources"]["centra"]  # type: ignore[index]
    return state


def _faulted_requests(sandbox: RunningSandbox, plan: FaultPlan, run: Callable[[], object]) -> int:
    sandbox.control.install_faults(plan)  # also resets the count of injected faults
    run()
    return sum(sandbox.state.faults.injected.values())


def _graphql_requests(sandbox: RunningSandbox) -> int:
    counts: dict[str, int] = sandbox.control.stats()["counts"]  # type: ignore[assignment]
    return sum(count for key, count in counts.items() if key.startswith("graphql:"))


def _source_apis(warehouse: Path) -> dict[str, list[str]]:
    return {
        family: [api for (api,) in rows(warehouse, f"SELECT DISTINCT _source_api FROM centra_raw.{name}")]
        for family, name in FALLBACK_TABLES.items()
    }


def test_graphql_down_is_asked_by_the_first_family_only_and_the_next_run_asks_again(
    sandbox_factory: SandboxFactory, tmp_path: Path
) -> None:
    with sandbox_factory(orders=60, quotas=GENEROUS_QUOTAS) as sandbox:
        args = _args(sandbox)
        one = _faulted_requests(
            sandbox,
            GRAPHQL_DOWN,
            lambda: _run(tmp_path / "one.duckdb", args, ("reference",), CircuitBreaker()),
        )
        breaker = CircuitBreaker()
        warehouse = tmp_path / "down.duckdb"
        five = _faulted_requests(sandbox, GRAPHQL_DOWN, lambda: _run(warehouse, args, FAMILY_ORDER, breaker))
        # Without a shared breaker (direct centra_source() calls: one breaker each) every family asks.
        alone = _faulted_requests(
            sandbox, GRAPHQL_DOWN, lambda: _run(tmp_path / "alone.duckdb", args, FAMILY_ORDER, None)
        )
        assert one == REQUEST_ATTEMPTS  # `rateLimits`, the plan's first request, on every attempt
        assert five == one
        assert alone == len(FAMILY_ORDER) * one
        # The fallback families loaded their rows from the Order API.
        assert _source_apis(warehouse) == {family: ["order_api"] for family in FALLBACK_TABLES}
        for name in FALLBACK_TABLES.values():
            assert rows(warehouse, f"SELECT count(*) FROM centra_raw.{name}")[0][0] > 0, name
        [outage] = breaker.outages
        assert (outage.api, outage.during) == ("graphql", "reference")
        assert "CentraUnavailableError" in outage.error
        [line] = breaker.report()
        assert "GraphQL was found down at" in line
        assert "served by the Order API because of it: catalog, customers, orders, stock" in line
        assert "not loaded because of it: reference" in line
        summary = read_last_run(centra_pipeline(warehouse).state)  # the last family's (stock) source run
        assert summary is not None
        assert summary.outages == (outage.describe(),)
        reason = summary.apis["stock"].reason or ""
        assert "GraphQL was found down earlier in this run" in reason
        assert "while planning reference" in reason
        assert "CentraUnavailableError" in reason

        # The next run (a new breaker; nothing persisted) asks GraphQL again, and GraphQL serves it.
        sandbox.control.clear_faults()
        sandbox.control.reset_stats()
        state = _run(warehouse, args, FAMILY_ORDER, CircuitBreaker())
        assert _graphql_requests(sandbox) > 0
        assert {entry["api"] for entry in state["last_run"]["apis"].values()} == {"graphql"}
        assert state["last_run"]["outages"] == []
        assert _source_apis(warehouse)["stock"] == ["graphql"]  # a replace table: this run's rows only


def test_a_closed_graphql_port_is_tried_by_the_first_family_only(
    sandbox_factory: SandboxFactory, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="pipelines.centra.transport")
    closed = f"http://127.0.0.1:{free_port()}/graphql"

    def retries_logged(families: tuple[str, ...], name: str) -> int:
        caplog.clear()
        _run(tmp_path / f"{name}.duckdb", _args(sandbox, graphql_url=closed), families, CircuitBreaker())
        return sum("GraphQL API request failed (could not connect" in r.getMessage() for r in caplog.records)

    with sandbox_factory(orders=40, quotas=GENEROUS_QUOTAS) as sandbox:
        one = retries_logged(("catalog",), "one")
        five = retries_logged(FAMILY_ORDER, "five")
        assert one == REQUEST_ATTEMPTS - 1  # the client logs each retry; the last failure is the error
        assert five == one
        assert rows(tmp_path / "five.duckdb", "SELECT DISTINCT _source_api FROM centra_raw.orders") == [
            ("order_api",)
        ]


def test_without_a_fallback_later_families_fail_at_once_saying_when_and_why(
    sandbox_factory: SandboxFactory, tmp_path: Path
) -> None:
    with sandbox_factory(orders=20, quotas=GENEROUS_QUOTAS) as sandbox:
        args = _args(sandbox, order_api_url=None, order_api_key=None)
        sandbox.control.install_faults(GRAPHQL_DOWN)
        breaker = CircuitBreaker()
        with pytest.raises(Exception) as first:  # noqa: PT011 - dlt may wrap it; unwrapped below
            _run(tmp_path / "first.duckdb", args, ("reference",), breaker)
        asked = sum(sandbox.state.faults.injected.values())
        errors = []
        for family in FAMILY_ORDER[1:]:
            with pytest.raises(Exception) as raised:  # noqa: PT011
                _run(tmp_path / f"{family}.duckdb", args, (family,), breaker)
            errors.append(find_centra_error(raised.value))
        assert sum(sandbox.state.faults.injected.values()) == asked == REQUEST_ATTEMPTS
    assert type(find_centra_error(first.value)) is CentraUnavailableError
    for error in errors:
        assert isinstance(error, CentraApiDownError), error
        message = str(error)
        assert "GraphQL was found down earlier in this run, at " in message
        assert " UTC while planning reference (CentraUnavailableError: " in message
        assert "HTTP 50" in message
    assert breaker.report() == [
        breaker.outages[0].describe()
        + "; not asked again this run; not loaded because of it: catalog, customers, orders, reference, stock"
    ]


def test_the_order_api_found_down_is_not_asked_again_either(
    sandbox_factory: SandboxFactory, tmp_path: Path
) -> None:
    with sandbox_factory(orders=20, quotas=GENEROUS_QUOTAS) as sandbox:
        args = _args(sandbox)
        sandbox.control.install_faults(FaultPlan(server_error_rate=1.0, scope="all"))
        breaker = CircuitBreaker()
        with pytest.raises(Exception) as first:  # noqa: PT011
            _run(tmp_path / "first.duckdb", args, ("catalog",), breaker)
        asked = sum(sandbox.state.faults.injected.values())
        with pytest.raises(Exception) as later:  # noqa: PT011
            _run(tmp_path / "later.duckdb", args, ("orders",), breaker)
        assert sum(sandbox.state.faults.injected.values()) == asked == 2 * REQUEST_ATTEMPTS
    assert type(find_centra_error(first.value)) is CentraUnavailableError
    error = find_centra_error(later.value)
    assert isinstance(error, CentraApiDownError)
    assert "the Order API was found down earlier in this run" in str(error)
    assert [outage.api for outage in breaker.outages] == ["graphql", "order_api"]


def test_a_rejected_token_a_missing_permission_or_a_429_storm_does_not_open_the_breaker(
    sandbox_factory: SandboxFactory, tmp_path: Path
) -> None:
    no_customers = TokenSpec("no-customers", permissions=READ_PERMISSIONS - {"Customer:read"})
    with sandbox_factory(orders=20, quotas=GENEROUS_QUOTAS, extra_tokens=(no_customers,)) as sandbox:
        # A rejected token (401): every family asks GraphQL itself and falls back.
        breaker = CircuitBreaker()
        sandbox.control.reset_stats()
        state = _run(tmp_path / "revoked.duckdb", _args(sandbox, api_token="revoked"), ("catalog",), breaker)
        per_family = _graphql_requests(sandbox)
        _run(tmp_path / "revoked.duckdb", _args(sandbox, api_token="revoked"), ("orders", "stock"), breaker)
        assert per_family > 0
        assert _graphql_requests(sandbox) == 3 * per_family
        assert "rejected the token" in state["last_run"]["apis"]["catalog"]["reason"]
        assert breaker.outages == []

        # A missing permission: customers from the Order API, the next family still from GraphQL.
        warehouse = tmp_path / "denied.duckdb"
        state = _run(warehouse, _args(sandbox, api_token="no-customers"), ("customers", "orders"), breaker)
        assert breaker.outages == []
        assert rows(warehouse, "SELECT DISTINCT _source_api FROM centra_raw.customers") == [("order_api",)]
        assert rows(warehouse, "SELECT DISTINCT _source_api FROM centra_raw.orders") == [("graphql",)]

        # A 429 storm: GraphQL is up but busy; each family waits it out itself, then falls back.
        storm = FaultPlan(storm_requests=10_000, storm_retry_after=0.0, scope="graphql")
        one = _faulted_requests(
            sandbox, storm, lambda: _run(tmp_path / "storm.duckdb", _args(sandbox), ("catalog",), breaker)
        )
        two = _faulted_requests(
            sandbox,
            storm,
            lambda: _run(tmp_path / "storm.duckdb", _args(sandbox), ("catalog", "stock"), breaker),
        )
        assert one > 0
        assert two == 2 * one
        assert breaker.outages == []
