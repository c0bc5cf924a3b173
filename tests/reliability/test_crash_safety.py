"""SIGKILL a run at 20 points spread over extract, normalize, load, build and publish; run again: the
warehouse equals one clean run's, with no duplicate key, no leftover file, a published snapshot that is
always whole, and no event confirmed for data that was not committed.

Setup (one sandbox with the events system on, 150 orders): a base warehouse from a first load; then every
run's integration subscribes to order events (each kill has its own token, so its own event queue) and a
change set queues events in each queue. The reference is one clean run on a copy of the base. Each kill
runs on its own copy of the base, then the killed warehouse is run again cleanly: forked children of one
subprocess each (`plain_run.py --many`), two at a time.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from flows import steps
from pipelines.centra.families.orders.events import subscribe
from pipelines.centra.graphql_client import CentraGraphQLClient
from pipelines.centra.queries import query_text
from pipelines.loading import centra_pipeline
from sandbox.changes import ChangeSet
from sandbox.server import RunningSandbox, serve_in_thread
from sandbox.settings import SandboxSettings, TokenSpec
from tests.conftest import GENEROUS_QUOTAS
from tests.reliability import plain_run
from tests.reliability.sandbox_setup import centra_env, configured, copy_warehouse, event_ids
from tests.reliability.warehouse_state import checksums, differences, duplicate_keys

pytestmark = pytest.mark.reliability

ROOT = Path(__file__).resolve().parents[2]
SQL = "dlt.destinations.impl.duckdb.sql_client.DuckDbSqlClient.execute_sql"
# (phase, function, Nth call[, only calls whose arguments contain this text]); the families load in the
# order reference, catalog, customers, orders, stock, so the 4th dlt step of a kind is the orders family's.
KILL_POINTS = (
    ("extract", "pipelines.centra.graphql_client.CentraGraphQLClient.execute:1"),  # the first request
    ("extract", "pipelines.centra.families.orders.graphql.read_batch:1"),  # A confirmed, B not read yet
    ("extract", "pipelines.centra.families.orders.graphql.order_record:5"),  # B read, its orders half fetched
    ("extract", "dlt.extract.extract.Extract.commit_packages:4"),  # the orders package written
    ("extract", "pipelines.centra.families.stock.graphql.stock_row:300"),  # half a stock snapshot
    ("normalize", "dlt.pipeline.pipeline.Pipeline.normalize:2"),  # catalog extracted, not normalized
    ("normalize", "dlt.normalize.normalize.Normalize.spool_files:4"),  # normalizing the orders
    ("load", "dlt.pipeline.pipeline.Pipeline.load:4"),  # orders normalized, not loaded
    ("load", "dlt.destinations.impl.duckdb.duck.DuckDbCopyJob.__init__:1:orders__shipments"),  # mid copy
    ("load", f'{SQL}:1:"centra_raw"."orders__returns"'),  # the orders merge, half done
    ("load", "dlt.load.load.Load.complete_package:4"),  # orders merged, load not recorded
    ("load", "flows.steps.rows_loaded:4"),  # orders committed with their state
    ("load", f'{SQL}:1:INSERT INTO "centra_raw"."stock"'),  # stock replaced: old rows deleted, new not in
    ("build", "warehouse.build._stage:1"),  # the first reporting table built
    ("build", "warehouse.build._stage:8"),  # half the tables staged
    ("build", "warehouse.build._write_comments:3"),  # inside the transaction replacing reporting.*
    ("build", "warehouse.checks.run_checks:1"),  # reporting replaced, not checked
    ("publish", "warehouse.publish._copy_comments:3"),  # the snapshot half copied
    ("publish", "warehouse.publish._fsync:1"),  # the snapshot written, not renamed into place
    ("publish", "warehouse.publish._fsync:2"),  # renamed into place, the folder not flushed
)


TOKENS = tuple(
    TokenSpec(f"crash-token-{index:02}", integration_name=f"crash-{index:02}") for index in range(21)
)
REFERENCE = TOKENS[-1]


@dataclass
class Base:
    sandbox: RunningSandbox
    folder: Path
    as_of: datetime
    events: dict[str, set[int]]  # integration -> the change set's events queued for it
    reference: dict[str, tuple[int, str]]
    published_before: dict[str, tuple[int, str]]
    published_after: dict[str, tuple[int, str]]

    def copy(self, name: str) -> Path:
        warehouse = self.folder / name / "centra.duckdb"
        copy_warehouse(self.folder / "base" / "centra.duckdb", warehouse)
        return warehouse

    def env(self, token: TokenSpec) -> dict[str, str]:
        return centra_env(self.sandbox, token=token.token, use_events=True)


def _published(warehouse: Path) -> dict[str, tuple[int, str]]:
    return checksums(warehouse.with_name("centra_reporting.duckdb"), schemas=("reporting",))


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Base]:
    folder = tmp_path_factory.mktemp("crash")
    settings = SandboxSettings(orders=150, quotas=GENEROUS_QUOTAS, events_enabled=True, extra_tokens=TOKENS)
    with serve_in_thread(settings) as sandbox:
        as_of = sandbox.state.clock.now()
        warehouse = folder / "base" / "centra.duckdb"
        with configured(centra_env(sandbox, use_events=True)):
            plain_run.run(warehouse, as_of)
        for token in TOKENS:  # each run's integration listens before the changes happen
            with CentraGraphQLClient(sandbox.graphql_url, token.token) as client:
                subscribe(client, query_text("set_order_listeners"))
        sandbox.control.apply_change_set(
            ChangeSet(seed=2, new_orders=10, status_changes=10, cancelled_lines=3, new_returns=3,
                      deleted_returns=2, completed_returns=2, deleted_shipments=2, cancelled_orders=2,
                      anonymized_customers=2)
        )  # fmt: skip
        events = {t.integration_name: event_ids(sandbox, False, t.integration_name) for t in TOKENS}
        made = Base(sandbox, folder, as_of, events, {}, _published(warehouse), {})
        reference = made.copy("reference")
        with configured(made.env(REFERENCE)):
            plain_run.run(reference, as_of)
        made.reference, made.published_after = checksums(reference), _published(reference)
        yield made


def _run_many(base: Base, plan: list[dict[str, Any]], name: str) -> list[int]:
    path = base.folder / f"{name}.json"
    path.write_text(json.dumps(plan))
    command = [
        sys.executable,
        "-m",
        "tests.reliability.plain_run",
        "--many",
        str(path),
        base.as_of.isoformat(),
    ]
    done = subprocess.run(command, cwd=ROOT, env=os.environ, capture_output=True, text=True, timeout=400)
    assert done.returncode == 0, done.stderr[-3000:]
    return [int(status) for status in json.loads(done.stdout.strip().splitlines()[-1])]


def test_every_kill_point_names_a_callable_of_the_product_or_of_dlt_in_each_phase() -> None:
    """A renamed function would leave its kill point unreached: say which, before 40 runs find out."""
    unresolved = []
    for _, kill in KILL_POINTS:
        target, count, *_ = kill.split(":", 2)
        owner, attribute = target.rsplit(".", 1)
        try:
            found = getattr(plain_run.resolve(owner), attribute)
        except (AttributeError, ValueError) as error:
            unresolved.append(f"{kill}: {error}")
            continue
        if not callable(found) or int(count) < 1:
            unresolved.append(kill)
    assert unresolved == []
    assert {phase for phase, _ in KILL_POINTS} == {"extract", "normalize", "load", "build", "publish"}


@pytest.mark.timeout(900)  # 40 runs: ~3 min on the 2-core CI machine, more when it is shared
def test_a_run_killed_anywhere_then_run_again_equals_one_clean_run(base: Base) -> None:
    assert all(len(queued) >= 20 for queued in base.events.values())
    warehouses = [base.copy(f"kill{index:02}") for index in range(len(KILL_POINTS))]
    runs = [{"warehouse": str(w), "env": base.env(t)} for w, t in zip(warehouses, TOKENS, strict=False)]
    killed = _run_many(
        base, [{**run, "kill": kill} for run, (_, kill) in zip(runs, KILL_POINTS, strict=True)], "kills"
    )
    not_reached = [kill for (_, kill), status in zip(KILL_POINTS, killed, strict=True) if status != -9]
    assert not not_reached, f"kill points not reached (the run ended otherwise): {not_reached}"
    failures = []
    for (phase, kill), warehouse, token in zip(KILL_POINTS, warehouses, TOKENS, strict=False):
        if event_ids(base.sandbox, True, token.integration_name):  # nothing was committed to confirm yet
            failures.append(f"{phase} {kill}: the killed run confirmed events")
        if _published(warehouse) not in (base.published_before, base.published_after):
            failures.append(f"{phase} {kill}: the published snapshot after the kill is neither run's")
    again = _run_many(base, [{**run, "kill": None} for run in runs], "reruns")
    for (phase, kill), warehouse, token, status in zip(KILL_POINTS, warehouses, TOKENS, again, strict=False):
        problems = [f"the run again ended with status {status}"] if status else []
        problems += differences(checksums(warehouse), base.reference)
        problems += [f"duplicate keys {found}" for found in [duplicate_keys(warehouse)] if found]
        if _published(warehouse) != base.published_after:
            problems.append("the published snapshot differs from the reference's")
        leftovers = [p.name for p in warehouse.parent.iterdir() if p.name.endswith((".tmp", ".wal"))]
        problems += [f"files left behind: {leftovers}"] if leftovers else []
        confirmed = event_ids(base.sandbox, True, token.integration_name)
        if confirmed - base.events[token.integration_name]:
            problems.append("events confirmed that were never read")
        failures += [f"{phase} {kill}: {problem}" for problem in problems]
    assert not failures, "\n".join(failures)


def test_a_package_left_by_a_killed_load_does_not_stop_the_next_run_extracting(base: Base) -> None:
    """dlt's `run` given pending packages loads them and skips extracting the new source; the run must not."""
    warehouse = base.copy("pending")
    env = centra_env(base.sandbox)  # the base's own integration: no events queued for it
    (status,) = _run_many(base, [{"warehouse": str(warehouse), "env": env,
                                  "kill": "dlt.pipeline.pipeline.Pipeline.load:5"}], "pending")  # fmt: skip
    assert status == -9  # stock normalized, not loaded
    with configured(env):
        pipeline = centra_pipeline(warehouse)
        assert pipeline.has_pending_data
        outcome = steps.load_family(pipeline, "reference", {})
    assert not pipeline.has_pending_data
    assert {"markets", "stores", "warehouses"} <= set(outcome.rows), outcome.rows
    assert "stock" not in outcome.rows
