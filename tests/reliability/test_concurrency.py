"""Runs at the same time: two runs started together leave a correct warehouse (one is refused, or waits its
turn: flows/lock.py); a reader of the published file across 10 consecutive runs never fails and never sees
a mix of two runs."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import pytest

from sandbox.changes import ChangeSet
from sandbox.server import RunningSandbox
from tests.conftest import GENEROUS_QUOTAS
from tests.reliability.plain_run import run
from tests.reliability.sandbox_setup import centra_env, configured
from tests.reliability.warehouse_state import checksums, differences, duplicate_keys

pytestmark = pytest.mark.reliability

SandboxFactory = Callable[..., AbstractContextManager[RunningSandbox]]
ROOT = Path(__file__).resolve().parents[2]


def _start(warehouse: Path, as_of: str, env: dict[str, str], wait: float) -> subprocess.Popen[str]:
    command = [
        sys.executable,
        "-m",
        "tests.reliability.plain_run",
        str(warehouse),
        as_of,
        "--wait",
        str(wait),
    ]
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_runs_started_together_one_refused_or_queued_leave_a_correct_warehouse(
    sandbox_factory: SandboxFactory, tmp_path: Path
) -> None:
    with sandbox_factory(orders=150, quotas=GENEROUS_QUOTAS, clock_follows_real_time=False) as sandbox:
        env, as_of = centra_env(sandbox), sandbox.state.clock.now()
        refused_pair = [
            _start(tmp_path / "refused" / "centra.duckdb", as_of.isoformat(), env, 0) for _ in "ab"
        ]
        refused = [(process.wait(timeout=180), process.communicate()[1]) for process in refused_pair]
        queued_pair = [
            _start(tmp_path / "queued" / "centra.duckdb", as_of.isoformat(), env, 300) for _ in "ab"
        ]
        queued = [(process.wait(timeout=300), process.communicate()[1]) for process in queued_pair]
        truth = sandbox.control.truth()
    assert sorted(code for code, _ in refused) == [0, 1], refused
    assert "WarehouseBusyError: another centra-elt run" in next(err for code, err in refused if code)
    assert [code for code, _ in queued] == [0, 0], queued
    # The refused pair's warehouse is one run's; the queued pair's, two runs' one after the other: equal.
    refused_tables = checksums(tmp_path / "refused" / "centra.duckdb")
    assert refused_tables["centra_raw.orders"][0] == truth["orders"]
    assert differences(checksums(tmp_path / "queued" / "centra.duckdb"), refused_tables) == []
    for name in ("refused", "queued"):
        assert duplicate_keys(tmp_path / name / "centra.duckdb") == {}, name


READER = """
import os, sys, time, duckdb
path, stop = sys.argv[1], sys.argv[2]
seen = []
while not os.path.exists(stop):
    with duckdb.connect(path, read_only=True) as c:
        orders, days, lines, line_orders = c.execute(
            "SELECT (SELECT count(*) FROM reporting.fct_orders WHERE NOT is_cancelled),"
            " (SELECT sum(orders) FROM reporting.agg_daily_sales),"
            " (SELECT count(DISTINCT order_number) FROM reporting.fct_order_lines),"
            " (SELECT count(*) FROM reporting.fct_orders WHERE order_number IN"
            "   (SELECT order_number FROM reporting.fct_order_lines))").fetchone()
    if orders != days or lines != line_orders:
        print(f"MIXED {orders} {days} {lines} {line_orders}", flush=True)
        sys.exit(1)
    if not seen or seen[-1] != orders:
        seen.append(orders)
    time.sleep(0.02)
print("OK", " ".join(map(str, seen)), flush=True)
"""


def test_a_reader_never_fails_nor_sees_a_mix_across_ten_runs(
    sandbox_factory: SandboxFactory, tmp_path: Path
) -> None:
    warehouse, stop = tmp_path / "centra.duckdb", tmp_path / "stop"
    published = tmp_path / "centra_reporting.duckdb"
    with sandbox_factory(orders=150, quotas=GENEROUS_QUOTAS, clock_follows_real_time=False) as sandbox:
        env, as_of = centra_env(sandbox), sandbox.state.clock.now()
        with configured(env):
            run(warehouse, as_of)
            reader = subprocess.Popen(
                [sys.executable, "-c", READER, str(published), str(stop)], stdout=subprocess.PIPE, text=True
            )
            try:
                for seed in range(1, 11):  # light runs: new orders (and their new guests) only
                    sandbox.control.apply_change_set(ChangeSet(seed=seed, new_orders=3))
                    run(warehouse, as_of, resources=("customers", "orders"))
            finally:
                stop.touch()
                output, _ = reader.communicate(timeout=60)
    assert reader.returncode == 0, output
    seen = [int(count) for count in output.split()[1:]]
    assert seen == sorted(seen)  # snapshots only ever move forward
    assert len(seen) >= 5  # it read across many of the runs
    assert checksums(published, schemas=("reporting",)) == checksums(warehouse, schemas=("reporting",))
