"""The plain run (`flows/run.py`) against the sandbox: it is the Prefect flow's run (equal summaries, equal
warehouses), and its default steps retry a family as the Prefect task does (not when the error is
permanent)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest

from flows.elt import centra_elt
from flows.run import DirectSteps, run_elt
from flows.summary import RunSummary
from pipelines.centra.circuit import CircuitBreaker
from pipelines.centra.errors import CentraAuthError, find_centra_error
from pipelines.loading import centra_pipeline
from sandbox.faults import FaultPlan
from sandbox.server import RunningSandbox
from tests.flows.conftest import point_at
from tests.pipelines.loading_support import GENEROUS_QUOTAS
from tests.reliability.warehouse_state import checksums, differences

SandboxFactory = Callable[..., AbstractContextManager[RunningSandbox]]


def _comparable(summary: RunSummary) -> dict[str, Any]:
    """What two runs of the same data must agree on: all but timings, paths and the rate-limit buckets."""
    return {
        "families": [(f.name, f.succeeded, f.api, f.api_reason, f.rows, f.error) for f in summary.families],
        "checks": [(c.name, c.passed, c.summary, c.severity) for c in summary.checks],
        "build_rows": summary.build_rows,
        "published": Path(summary.published_to).name if summary.published_to else None,
        "publish_skipped": summary.publish_skipped,
        "completeness": [c.describe() for c in summary.completeness],
        "reconciled": summary.reconciled,
        "repaired_rows": summary.repaired_rows,
        "lacking": summary.lacking,
        "notes": summary.notes,
        "blind_spots": summary.blind_spots,
        "outages": summary.outages,
        "latest_order_at": summary.latest_order_at,
        "succeeded": summary.succeeded,
    }


@pytest.mark.usefixtures("prefect_harness")
def test_the_plain_run_and_the_prefect_flow_give_equal_summaries_and_equal_warehouses(
    sandbox_factory: SandboxFactory, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    plain, prefect = tmp_path / "plain" / "centra.duckdb", tmp_path / "prefect" / "centra.duckdb"
    with sandbox_factory(quotas=GENEROUS_QUOTAS, clock_follows_real_time=False) as sandbox:
        point_at(monkeypatch, sandbox)
        as_of = sandbox.state.clock.now()
        plain_summary = run_elt(str(plain), as_of=as_of)
        prefect_summary = centra_elt(warehouse=str(prefect), as_of=as_of)
    assert plain_summary.succeeded, plain_summary.failure_reasons()
    assert plain_summary.published_to == str(plain.with_name("centra_reporting.duckdb"))
    assert _comparable(plain_summary) == _comparable(prefect_summary)
    assert differences(checksums(plain), checksums(prefect)) == []
    published = {
        path: checksums(path.with_name("centra_reporting.duckdb"), ("reporting",))
        for path in (plain, prefect)
    }
    assert published[plain] == published[prefect]
    assert published[plain]  # there were reporting tables to compare


def test_the_default_steps_retry_a_family_whose_error_is_not_permanent(
    sandbox_factory: SandboxFactory,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with sandbox_factory(quotas=GENEROUS_QUOTAS) as sandbox:
        point_at(monkeypatch, sandbox)
        monkeypatch.setenv("SOURCES__CENTRA__REQUEST_ATTEMPTS", "2")
        sandbox.control.install_faults(
            FaultPlan(server_error_rate=1.0, scope="graphql", operations=frozenset({"Customers"}))
        )
        with caplog.at_level(logging.WARNING, logger="centra_elt"):
            summary = run_elt(
                str(tmp_path / "centra.duckdb"),
                ["customers"],
                retries=1,
                retry_delay_seconds=0,
                as_of=sandbox.state.clock.now(),
            )
        injected = dict(sandbox.state.faults.injected)
    (customers,) = summary.families
    assert not customers.succeeded
    assert "CentraUnavailableError" in (customers.error or "")
    assert injected == {"server_error": 4}  # two attempts of the family, each the client's two requests
    assert [r.getMessage() for r in caplog.records if "attempt 2 of 2" in r.getMessage()], caplog.text


def test_the_default_steps_do_not_retry_a_permanent_error(
    sandbox_factory: SandboxFactory,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with sandbox_factory(quotas=GENEROUS_QUOTAS) as sandbox:
        point_at(monkeypatch, sandbox)
        monkeypatch.setenv("SOURCES__CENTRA__API_TOKEN", "no-such-token-5e1")
        pipeline = centra_pipeline(tmp_path / "centra.duckdb")
        steps = DirectSteps(retries=3, retry_delay_seconds=60)
        started = time.monotonic()
        failure: Exception | None = None
        with caplog.at_level(logging.WARNING, logger="centra_elt"):
            try:
                steps.load_family(pipeline, "reference", {}, CircuitBreaker())
            except Exception as error:  # dlt wraps it: find_centra_error finds the cause
                failure = error
    assert time.monotonic() - started < 60  # no retry slept its delay
    assert failure is not None, "the load did not fail"
    assert isinstance(find_centra_error(failure), CentraAuthError), failure
    assert not [r for r in caplog.records if "attempt" in r.getMessage()], caplog.text
