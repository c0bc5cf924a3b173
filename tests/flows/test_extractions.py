"""The pipeline's own staleness: recorded successful extractions, the rule, and what a stale run does."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from flows import steps
from flows.elt import FAMILY_ORDER, RunFailedError, centra_elt
from flows.extractions import STALENESS_CHECK, last_extractions, record_extraction, stale_families
from pipelines.centra.errors import CentraConfigError
from sandbox.server import RunningSandbox
from tests.flows.conftest import point_at
from tests.pipelines.loading_support import GENEROUS_QUOTAS

SandboxFactory = Callable[..., AbstractContextManager[RunningSandbox]]
AS_OF = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
SETTING = "SOURCES__CENTRA__MAX_EXTRACTION_AGE_HOURS"


def test_a_family_is_stale_when_its_last_successful_extraction_is_older_than_the_setting() -> None:
    last = {
        "reference": AS_OF - timedelta(hours=1),
        "catalog": AS_OF - timedelta(hours=48),  # exactly the limit: not stale
        "customers": AS_OF - timedelta(hours=48, minutes=1),
        "orders": AS_OF - timedelta(days=9),
    }  # stock: never recorded

    stale = stale_families(last, FAMILY_ORDER, AS_OF, 48)

    assert [age.family for age in stale] == ["customers", "orders", "stock"]
    assert stale[1].age_hours == 9 * 24
    assert stale[2].last_extracted_at is None
    assert stale_families(last, FAMILY_ORDER, AS_OF, 24 * 10) == stale[2:]  # a longer setting: only "never"
    assert stale_families(last, ["reference", "catalog"], AS_OF, 48) == []


def test_the_check_reads_the_recorded_extractions_and_never_the_orders(tmp_path: Path) -> None:
    warehouse = tmp_path / "centra.duckdb"
    assert last_extractions(warehouse) == {}
    with duckdb.connect(str(warehouse)) as connection:  # a shop whose newest order is 40 days old
        connection.execute("CREATE SCHEMA reporting")
        connection.execute(
            "CREATE TABLE reporting.fct_orders AS SELECT TIMESTAMPTZ '2026-10-11 10:00:00+00' AS created_at"
        )
    assert last_extractions(warehouse) == {}
    for family in FAMILY_ORDER:
        record_extraction(warehouse, family, AS_OF - timedelta(hours=50), 10, "graphql")
        record_extraction(warehouse, family, AS_OF - timedelta(hours=2), 0, "graphql")  # the latest counts

    passed = steps.extraction_staleness(warehouse, FAMILY_ORDER, AS_OF, 48)
    assert last_extractions(warehouse)["orders"] == AS_OF - timedelta(hours=2)
    assert (passed.name, passed.passed, passed.failed) == (STALENESS_CHECK, True, False)

    failed = steps.extraction_staleness(warehouse, FAMILY_ORDER, AS_OF + timedelta(hours=47), 48)
    assert failed.failed
    assert "within 48 h" in failed.summary
    assert "orders (last 2026-11-20 10:00 UTC, 49.0 h ago)" in failed.summary


def test_the_setting_comes_from_configuration_and_a_bad_value_names_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(SETTING, raising=False)
    assert steps.max_extraction_age_hours() == 48
    monkeypatch.setenv(SETTING, "72")
    assert steps.max_extraction_age_hours() == 72
    monkeypatch.setenv(SETTING, "0")
    with pytest.raises(CentraConfigError, match=SETTING):
        steps.max_extraction_age_hours()


@pytest.mark.usefixtures("prefect_harness")
def test_a_run_whose_other_families_did_not_extract_for_too_long_fails_and_keeps_the_last_snapshot(
    sandbox_factory: SandboxFactory, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    warehouse, published = tmp_path / "centra.duckdb", tmp_path / "centra_reporting.duckdb"
    with sandbox_factory(orders=150, quotas=GENEROUS_QUOTAS) as sandbox:
        point_at(monkeypatch, sandbox)
        monkeypatch.delenv(SETTING, raising=False)
        now = sandbox.state.clock.now()
        assert centra_elt(warehouse=str(warehouse), as_of=now).published_to == str(published)
        first_snapshot = published.stat().st_mtime_ns
        later = now + timedelta(hours=49)  # only orders run since: the other families are 49 h old
        with pytest.raises(RunFailedError) as stale:
            centra_elt(warehouse=str(warehouse), resources=["orders"], as_of=later)
        kept_snapshot = published.stat().st_mtime_ns
        monkeypatch.setenv(SETTING, "72")
        allowed = centra_elt(warehouse=str(warehouse), resources=["orders"], as_of=later)
    summary = stale.value.summary
    assert summary.failed_checks == [STALENESS_CHECK]
    assert [family.succeeded for family in summary.families] == [True]
    assert summary.published_to is None
    assert "the last snapshot stays" in (summary.publish_skipped or "")
    [reason] = summary.failure_reasons()
    for family in ("reference", "catalog", "customers", "stock"):
        assert f"{family} (last " in reason
    assert "orders (last" not in reason
    assert kept_snapshot == first_snapshot
    assert allowed.succeeded
    assert allowed.published_to == str(published)
