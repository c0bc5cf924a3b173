"""The flow under Prefect's test harness against the sandbox: success, a failing family, a busy warehouse,
the summary artifact, and a reader of the published file across runs."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import duckdb
import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

from flows.elt import ARTIFACT_KEY, RunFailedError, centra_elt
from flows.lock import WarehouseBusyError, warehouse_lock
from sandbox.changes import ChangeSet
from sandbox.faults import FaultPlan
from sandbox.server import RunningSandbox
from tests.flows.conftest import point_at
from tests.pipelines.loading_support import GENEROUS_QUOTAS

pytestmark = pytest.mark.usefixtures("prefect_harness")
SandboxFactory = Callable[..., AbstractContextManager[RunningSandbox]]
FAMILY_TABLES = {"reference": "markets", "catalog": "products", "customers": "customers",
                 "orders": "orders", "stock": "stock"}  # fmt: skip


def _latest_artifact() -> str:
    async def read() -> str:
        async with get_client() as client:
            artifacts = await client.read_artifacts(
                artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[ARTIFACT_KEY]))
            )
        latest = max(artifacts, key=lambda artifact: artifact.created or 0)
        return str(latest.data)

    return asyncio.run(read())


def _count(path: Path, table: str) -> int:
    with duckdb.connect(str(path), read_only=True) as connection:
        row = connection.execute(f"SELECT count(*) FROM {table}").fetchone()
    return int(row[0]) if row else 0


def test_a_run_loads_every_family_builds_checks_publishes_and_leaves_a_summary(
    sandbox_factory: SandboxFactory, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    warehouse = tmp_path / "centra.duckdb"
    with sandbox_factory(quotas=GENEROUS_QUOTAS) as sandbox:
        point_at(monkeypatch, sandbox)
        truth = sandbox.control.truth()
        summary = centra_elt(warehouse=str(warehouse), as_of=sandbox.state.clock.now())
    assert summary.succeeded, summary.failure_reasons()
    assert [family.name for family in summary.families] == list(FAMILY_TABLES)
    assert {family.api for family in summary.families} == {"graphql"}
    assert summary.rows_by_table()["orders"] == truth["orders"]
    assert summary.build_rows["fct_orders"] == truth["orders"]
    assert summary.checks
    assert not summary.failed_checks
    assert summary.buckets_after
    assert summary.complexity_spent is not None
    assert summary.complexity_spent > 0
    published = tmp_path / "centra_reporting.duckdb"
    assert summary.published_to == str(published)
    assert _count(published, "reporting.fct_orders") == truth["orders"]
    with duckdb.connect(str(published), read_only=True) as connection:
        schemas = {row[0] for row in connection.execute("SELECT schema_name FROM duckdb_tables()").fetchall()}
    assert schemas == {"reporting"}
    artifact = _latest_artifact()
    assert "# centra-elt run succeeded" in artifact
    assert f"| orders | {truth['orders']:,} |" in artifact
    assert "| orders | ok | graphql |" in artifact
    assert "QUERY_COMPLEXITY / ONE_HOUR" in artifact
    assert "Data-quality checks:" in artifact
    assert sandbox.state.settings.graphql_token not in artifact


def test_a_failing_family_does_not_stop_the_others_and_fails_the_run(
    sandbox_factory: SandboxFactory, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    warehouse = tmp_path / "centra.duckdb"
    with sandbox_factory(quotas=GENEROUS_QUOTAS) as sandbox:
        point_at(monkeypatch, sandbox)  # no Order API configured: nothing to fall back to
        monkeypatch.setenv("SOURCES__CENTRA__REQUEST_ATTEMPTS", "2")
        sandbox.control.install_faults(
            FaultPlan(server_error_rate=1.0, scope="graphql", operations=frozenset({"Customers"}))
        )
        with pytest.raises(RunFailedError) as failed:
            centra_elt(
                warehouse=str(warehouse), retries=1, retry_delay_seconds=0, as_of=sandbox.state.clock.now()
            )
        truth = sandbox.control.truth()
    summary = failed.value.summary
    outcomes = {family.name: family for family in summary.families}
    assert not outcomes["customers"].succeeded
    assert "CentraUnavailableError" in (outcomes["customers"].error or "")
    assert all(outcomes[name].succeeded for name in FAMILY_TABLES if name != "customers")
    assert "customers" in str(failed.value)
    assert _count(warehouse, "centra_raw.orders") == truth["orders"]
    assert _count(warehouse, "centra_raw.stock") > 0
    assert summary.published_to is None
    assert not (tmp_path / "centra_reporting.duckdb").exists()
    artifact = _latest_artifact()
    assert "# centra-elt run FAILED" in artifact
    assert "| customers | failed |" in artifact


def test_a_second_run_on_a_busy_warehouse_is_refused_or_waits(
    shared_sandbox: RunningSandbox, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    warehouse = tmp_path / "centra.duckdb"
    point_at(monkeypatch, shared_sandbox)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\nfrom flows.lock import warehouse_lock\n"
         "with warehouse_lock(sys.argv[1]):\n    print('held', flush=True)\n    time.sleep(float(sys.argv[2]))",
         str(warehouse), "3"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(WarehouseBusyError, match="another centra-elt run"):
            centra_elt(warehouse=str(warehouse), resources=["reference"])
        started = time.monotonic()
        summary = centra_elt(warehouse=str(warehouse), resources=["reference"], wait_seconds=60)
        assert time.monotonic() - started > 0.5  # it queued behind the holder
        assert [family.name for family in summary.families] == ["reference"]
        assert _count(warehouse, "centra_raw.markets") > 0
    finally:
        holder.kill()
    with warehouse_lock(warehouse):  # and it let go at the end
        pass


READER = """
import sys, time, duckdb
path, stop = sys.argv[1], sys.argv[2]
reads = 0
import os
while not os.path.exists(stop):
    with duckdb.connect(path, read_only=True) as c:
        orders, days = c.execute(
            "SELECT (SELECT count(*) FROM reporting.fct_orders WHERE NOT is_cancelled),"
            " (SELECT sum(orders) FROM reporting.agg_daily_sales)").fetchone()
    if orders != days:
        print(f"MIXED {orders} {days}", flush=True)
        sys.exit(1)
    reads += 1
    time.sleep(0.05)
print(f"OK {reads}", flush=True)
"""


def test_a_reader_of_the_published_file_never_fails_nor_sees_a_mix_across_runs(
    sandbox_factory: SandboxFactory, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    warehouse, stop = tmp_path / "centra.duckdb", tmp_path / "stop"
    published = tmp_path / "centra_reporting.duckdb"
    with sandbox_factory(quotas=GENEROUS_QUOTAS) as sandbox:
        point_at(monkeypatch, sandbox)
        centra_elt(warehouse=str(warehouse), as_of=sandbox.state.clock.now())
        held = duckdb.connect(str(published), read_only=True)  # a BI tool holding the file open
        before = held.execute("SELECT count(*) FROM reporting.fct_orders").fetchone()
        reader = subprocess.Popen(
            [sys.executable, "-c", READER, str(published), str(stop)], stdout=subprocess.PIPE, text=True
        )
        try:
            for seed in (1, 2):
                sandbox.control.apply_change_set(ChangeSet(seed=seed, new_orders=25))
                centra_elt(warehouse=str(warehouse), as_of=sandbox.state.clock.now())
            assert held.execute("SELECT count(*) FROM reporting.fct_orders").fetchone() == before
        finally:
            stop.touch()
            output, _ = reader.communicate(timeout=60)
            held.close()
    assert reader.returncode == 0, output
    assert output.startswith("OK")
    assert int(output.split()[1]) > 5
    assert _count(published, "reporting.fct_orders") == before[0] + 50  # type: ignore[index]
