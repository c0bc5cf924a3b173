"""`centra-elt backfill`: history in committed windows; an interrupted backfill resumes without duplicates."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from flows.backfill import Window, centra_backfill, recorded_windows, windows
from flows.elt import RunFailedError
from sandbox.faults import FaultPlan
from sandbox.server import RunningSandbox
from tests.flows.conftest import point_at
from tests.pipelines.loading_support import GENEROUS_QUOTAS

SandboxFactory = Callable[..., AbstractContextManager[RunningSandbox]]


def test_windows_cover_the_range_without_gaps_or_overlaps() -> None:
    plan = windows(date(2024, 1, 1), date(2024, 3, 5), 31)
    assert plan == [Window(date(2024, 1, 1), date(2024, 1, 31)), Window(date(2024, 2, 1), date(2024, 3, 2)),
                    Window(date(2024, 3, 3), date(2024, 3, 5))]  # fmt: skip
    with pytest.raises(ValueError, match="before"):
        windows(date(2024, 2, 1), date(2024, 1, 1), 31)


@pytest.mark.usefixtures("prefect_harness")
def test_an_interrupted_backfill_resumes_and_loads_each_order_once(
    sandbox_factory: SandboxFactory, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    warehouse = tmp_path / "centra.duckdb"
    with sandbox_factory(orders=150, quotas=GENEROUS_QUOTAS) as sandbox:
        point_at(monkeypatch, sandbox)
        monkeypatch.setenv("SOURCES__CENTRA__REQUEST_ATTEMPTS", "1")
        span = sandbox.state.store.rows(
            "SELECT min(created_at) AS first, max(created_at) AS last FROM orders"
        )[0]
        first, last = span["first"].date() - timedelta(days=1), span["last"].date() + timedelta(days=1)
        middle = first + (last - first) / 2
        args = {"from_date": first.isoformat(), "warehouse": str(warehouse), "window_days": 120}
        centra_backfill(to_date=middle.isoformat(), **args)  # the first half, then it "stopped"
        half = recorded_windows(warehouse)
        assert half
        sandbox.control.install_faults(
            FaultPlan(server_error_rate=1.0, scope="graphql", operations=frozenset({"Orders"}))
        )
        with pytest.raises(RunFailedError, match="run the same backfill again to resume"):
            centra_backfill(to_date=last.isoformat(), **args)
        assert recorded_windows(warehouse) == half  # nothing half-done was recorded
        sandbox.control.clear_faults()
        summary = centra_backfill(to_date=last.isoformat(), **args)
        orders = sandbox.state.store.scalar("SELECT count(*) FROM orders")
    # windows of the first, shorter backfill that coincide with the full plan's are skipped; its last one
    # (cut at the earlier --to) is loaded again, which merges rather than duplicates
    resumed = half & set(windows(first, last, 120))
    assert resumed
    assert f"{len(resumed)} already loaded" in (summary.families[0].api_reason or "")
    assert set(windows(first, last, 120)) <= recorded_windows(warehouse)
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        loaded, distinct = connection.execute(
            "SELECT count(*), count(DISTINCT order_id) FROM centra_raw.orders"
        ).fetchone() or (0, 0)
        states = connection.execute("SELECT count(*) FROM centra_raw._dlt_pipeline_state").fetchone()
    assert loaded == distinct == orders
    assert states
    assert summary.publish_skipped is not None  # only orders loaded: the reporting build waits for a run
