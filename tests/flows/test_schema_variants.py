"""The whole job against each schema a Centra instance may serve (issue 14): the sandbox's full schema, its
minimal one (only the documented core: no `orderConnection`, no root `accounts`, no event mutations, no
optional or undocumented field) and the minimal one under the older field names.

Each: `doctor` lists what the instance lacks before any run; the first run loads every family, builds the
reporting tables, passes the checks and publishes, its summary naming the fields left out; an incremental
run after changes in Centra ends equal to Centra; a run with nothing new changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import duckdb
import pytest

from flows.doctor import diagnose
from flows.elt import centra_elt
from sandbox.changes import ChangeSet
from sandbox.server import RunningSandbox
from tests.flows.conftest import point_at
from tests.pipelines.loading_support import GENEROUS_QUOTAS
from tests.reliability.warehouse_state import checksums, differences, duplicate_keys

pytestmark = pytest.mark.usefixtures("prefect_harness")
SandboxFactory = Callable[..., AbstractContextManager[RunningSandbox]]
VARIANTS: dict[str, dict[str, Any]] = {
    "full": {},
    "minimal": {"minimal_schema": True},
    "minimal, legacy names": {"minimal_schema": True, "legacy_names": True},
}
# What each variant's instance lacks, as the doctor and the run name it (a sample per family).
LACKS = {
    "orders": "Order.shippingAddress",
    "customers": "Customer.email",
    "catalog": "ProductSize.SKU",
    "reference": "Country.name",
    "stock": "Stock.physicalQuantity",
}
CHANGES = ChangeSet(
    seed=5,
    new_orders=8,
    status_changes=6,
    cancelled_lines=2,
    new_returns=3,
    anonymized_customers=2,
    stock_changes=5,
)


def _scalar(path: Path, sql: str) -> Any:
    with duckdb.connect(str(path), read_only=True) as connection:
        row = connection.execute(sql).fetchone()
    return row[0] if row else None


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_the_job_runs_against_each_schema_an_instance_may_serve(
    sandbox_factory: SandboxFactory, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, variant: str
) -> None:
    warehouse = tmp_path / "centra.duckdb"
    with sandbox_factory(quotas=GENEROUS_QUOTAS, **VARIANTS[variant]) as sandbox:
        point_at(monkeypatch, sandbox)
        report = diagnose(warehouse)
        first = centra_elt(warehouse=str(warehouse), as_of=sandbox.state.clock.now())
        truth = sandbox.control.truth()
        sandbox.control.apply_change_set(CHANGES)
        second = centra_elt(warehouse=str(warehouse), as_of=sandbox.state.clock.now())
        changed_truth = sandbox.control.truth()
        after_second = checksums(warehouse)
        third = centra_elt(warehouse=str(warehouse), as_of=sandbox.state.clock.now())

    schema_findings = {f.area: f for f in report.findings if f.area.startswith("schema ")}
    assert first.succeeded, first.failure_reasons()
    assert first.published_to
    assert {family.api for family in first.families} == {"graphql"}
    assert first.rows_by_table()["orders"] == truth["orders"]
    assert first.build_rows["fct_orders"] == truth["orders"]
    artifact = first.to_markdown()
    if variant == "full":
        assert {f.level for f in schema_findings.values()} == {"ok"}, report.render()
        assert first.lacking == []
        assert "does not offer" not in artifact
    else:
        for family, field in LACKS.items():
            finding = schema_findings[f"schema {family}"]
            assert finding.level == "warning", report.render()
            assert field in finding.message, report.render()
            assert any(line.startswith(f"{family}: this instance does not offer: ") and field in line
                       for line in first.lacking), first.lacking  # fmt: skip
        assert "## Fields this instance does not offer" in artifact
        assert report.healthy, report.render()

    assert second.succeeded, second.failure_reasons()
    assert second.published_to
    assert _scalar(warehouse, "SELECT count(*) FROM centra_raw.orders") == changed_truth["orders"]
    assert _scalar(warehouse, "SELECT count(*) FROM centra_raw.customers") == changed_truth["customers"]
    assert _scalar(warehouse, "SELECT count(*) FROM reporting.fct_orders") == changed_truth["orders"]
    assert duplicate_keys(warehouse) == {}

    assert third.succeeded, third.failure_reasons()
    assert differences(checksums(warehouse), after_second) == []
