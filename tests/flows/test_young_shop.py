"""A young, quiet, DTC-only shop end to end: the sandbox over real HTTP, the flow into a real DuckDB file.

No returns yet, no wholesale, no order in the last 30 days: the first run loads, builds the reporting
tables and publishes, with a recency warning and no failure; the second run, after the shop's first
returns, merges them into the tables the first run declared empty, without duplicates.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import duckdb
import pytest

from flows.elt import centra_elt
from flows.extractions import STALENESS_CHECK
from pipelines.centra.tables import CANONICAL_TABLES
from sandbox.changes import ChangeSet
from sandbox.server import RunningSandbox
from tests.flows.conftest import point_at
from tests.flows.test_elt_flow import _latest_artifact
from tests.pipelines.loading_support import GENEROUS_QUOTAS

pytestmark = pytest.mark.usefixtures("prefect_harness")
SandboxFactory = Callable[..., AbstractContextManager[RunningSandbox]]
YOUNG_QUIET_DTC = {"returns_enabled": False, "wholesale_enabled": False, "quiet_days": 30}
NO_ROWS_YET = ("orders__returns", "orders__returns__lines", "accounts", "buyers")


def _scalar(path: Path, sql: str) -> object:
    with duckdb.connect(str(path), read_only=True) as connection:
        row = connection.execute(sql).fetchone()
    return row[0] if row else None


def _repeated_keys(warehouse: Path) -> dict[str, int]:
    """Per canonical table, the key values held by more than one row."""
    repeated = {}
    for spec in (table for root in CANONICAL_TABLES for table in root.all_tables()):
        key = ", ".join(spec.primary_key)
        sql = f"SELECT count(*) FROM (SELECT {key} FROM centra_raw.{spec.name} GROUP BY ALL HAVING count(*) > 1)"
        repeated[spec.name] = int(_scalar(warehouse, sql) or 0)  # type: ignore[call-overload]
    return repeated


def test_a_young_quiet_shop_publishes_on_its_first_run_and_merges_its_first_returns_on_the_second(
    sandbox_factory: SandboxFactory, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    warehouse, published = tmp_path / "centra.duckdb", tmp_path / "centra_reporting.duckdb"
    with sandbox_factory(
        orders=300, quotas=GENEROUS_QUOTAS, order_updated_at=True, **YOUNG_QUIET_DTC
    ) as sandbox:
        point_at(monkeypatch, sandbox)
        monkeypatch.delenv("SOURCES__CENTRA__MAX_EXTRACTION_AGE_HOURS", raising=False)
        first = centra_elt(warehouse=str(warehouse), as_of=sandbox.state.clock.now())
        first_artifact = _latest_artifact()
        tables_after_first = {
            name: _scalar(warehouse, f"SELECT count(*) FROM centra_raw.{name}") for name in NO_ROWS_YET
        }
        fct_returns_first = _scalar(published, "SELECT count(*) FROM reporting.fct_returns")
        result = sandbox.control.apply_change_set(ChangeSet(seed=9, new_returns=3))
        second = centra_elt(warehouse=str(warehouse), as_of=sandbox.state.clock.now())
        truth = sandbox.control.truth()

    assert first.succeeded, first.failure_reasons()
    assert first.published_to == str(published)
    assert first.failed_checks == []
    assert [check.name for check in first.checks if check.warned] == ["recency_orders"]
    assert first.latest_order_age_hours is not None
    assert first.latest_order_age_hours > 30 * 24
    assert next(check for check in first.checks if check.name == STALENESS_CHECK).passed
    assert tables_after_first == dict.fromkeys(NO_ROWS_YET, 0)
    assert fct_returns_first == 0
    assert "# centra-elt run succeeded" in first_artifact
    assert "## Warnings (they fail nothing)" in first_artifact
    assert "- recency_orders (warning): 1 offending row(s)" in first_artifact
    total = len(first.checks)
    assert f"## Data-quality checks: {total - 1} of {total} passed, 1 warning(s)" in first_artifact
    assert "- extraction_staleness: passed (every family extracted within 48 h)" in first_artifact
    assert "1 warning(s)" in first.headline()

    assert second.succeeded, second.failure_reasons()
    assert second.published_to == str(published)
    assert len(result.new_return_ids) == 3
    assert truth["returns"] == 3
    for table, truth_table in (("orders", "orders"), ("orders__returns", "returns"),
                               ("orders__returns__lines", "return_lines")):  # fmt: skip
        assert _scalar(warehouse, f"SELECT count(*) FROM centra_raw.{table}") == truth[truth_table], table
    repeated = _repeated_keys(warehouse)
    assert repeated == dict.fromkeys(repeated, 0)
    assert _scalar(published, "SELECT count(*) FROM reporting.fct_returns") == truth["return_lines"]
    assert _scalar(warehouse, "SELECT count(*) FROM centra_raw.accounts") == 0
    assert [check.name for check in second.checks if check.warned] == ["recency_orders"]  # still quiet
