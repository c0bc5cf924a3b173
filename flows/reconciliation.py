"""The run's reconciliation step: compare, repair, verify, and report completeness.

After the families load, the `reconciliation` family (pipelines/centra/families/reconciliation/)
compares Centra's counts with the warehouse for the families GraphQL served this run, removes what Centra
no longer has and queues what is missing. This step then loads the queued keys (a repair-only load of each
family concerned), and re-checks the families that differed. Completeness per family goes into the run
summary; the check `source_reconciliation` fails the run, and holds the snapshot back, when a difference
survives the repair. A reconciliation that could not run (GraphQL down, rate limits) is a warning: it proves
nothing either way.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import dlt

from flows.summary import CheckOutcome, FamilyOutcome, RunSummary
from pipelines.centra.families.reconciliation.graphql import (
    CHECKED_WITH,
    LAST_RECONCILIATION,
    ReconcileRequest,
)
from pipelines.centra.reconcile import repairs

log = logging.getLogger("centra_elt")
RECONCILIATION = "reconciliation"
CHECK = "source_reconciliation"
LOAD_FAMILY_OF_REPAIR = {
    "orders": "orders",
    "catalog": "catalog",
    "customers": "customers",
    "accounts": "customers",
}
LoadFamily = Callable[[str, Mapping[str, Any]], FamilyOutcome]


@dataclass
class Completeness:
    """One reconciled family: Centra's and the warehouse's rows over the periods checked, after repair."""

    family: str
    centra: int
    warehouse: int
    periods: int
    unmatched: int

    @property
    def percent(self) -> float:
        """100 × (1 − |Centra − warehouse| / Centra), summed per period; 100 when both hold nothing."""
        if self.centra == 0:
            return 100.0 if self.warehouse == 0 else 0.0
        return max(0.0, 100.0 * (1 - abs(self.centra - self.warehouse) / self.centra))

    def describe(self) -> str:
        state = "all matched" if not self.unmatched else f"{self.unmatched} period(s) differ"
        return (
            f"{self.family}: {self.percent:.2f}% ({self.warehouse:,} in the warehouse, {self.centra:,} in Centra, "
            f"{self.periods} period(s), {state})"
        )


def _last(pipeline: dlt.Pipeline) -> dict[str, Any]:
    state: dict[str, Any] = pipeline.state.get("sources", {}).get("centra", {})
    return dict(state.get(LAST_RECONCILIATION) or {})


def _pending(pipeline: dlt.Pipeline) -> dict[str, list[int]]:
    return repairs.pending(pipeline.state.get("sources", {}).get("centra", {}))


def reconcile_run(
    pipeline: dlt.Pipeline,
    summary: RunSummary,
    source_args: Mapping[str, Any],
    nightly: bool,
    load_family: LoadFamily,
    as_of: datetime | None = None,
) -> None:
    """Reconcile the families GraphQL served; fill `summary.completeness`, its notes and the check."""
    served = tuple(
        family.name
        for family in summary.families
        if family.succeeded and family.api == "graphql" and family.name in CHECKED_WITH
    )
    if not served:
        summary.checks.append(_not_run("no family was served by GraphQL this run"))
        return
    request = ReconcileRequest(families=served, nightly=nightly, as_of=as_of)
    first = load_family(RECONCILIATION, {**source_args, "reconciliation_request": request})
    if not first.succeeded:
        summary.checks.append(_not_run(first.error or "failed"))
        return
    checked = _last(pipeline)
    _repair(pipeline, summary, source_args, load_family)
    differed = tuple(checked.get("differed") or ())
    final = dict(checked.get("families") or {})
    if differed:
        verify = ReconcileRequest(families=served, nightly=nightly, only=differed, as_of=as_of)
        second = load_family(RECONCILIATION, {**source_args, "reconciliation_request": verify})
        if not second.succeeded:
            summary.checks.append(_not_run(f"the re-check after the repair failed: {second.error}"))
            return
        verified = _last(pipeline)
        final.update(verified.get("families") or {})
    summary.notes += [
        f"reconciliation: {note}" for note in checked.get("notes") or [] if note not in summary.notes
    ]
    summary.completeness = [
        Completeness(name, int(f["centra"]), int(f["warehouse"]), int(f["periods"]), int(f["unmatched"]))
        for name, f in sorted(final.items())
    ]
    summary.reconciled = {
        "removed": int(checked.get("removed") or 0),
        "queued": dict(checked.get("queued") or {}),
    }
    summary.checks.append(verdict(summary.completeness, nightly))


def _repair(
    pipeline: dlt.Pipeline, summary: RunSummary, source_args: Mapping[str, Any], load_family: LoadFamily
) -> None:
    """Load what the reconciliation queued: one repair-only load per family concerned."""
    families = sorted(
        {LOAD_FAMILY_OF_REPAIR[name] for name in _pending(pipeline) if name in LOAD_FAMILY_OF_REPAIR}
    )
    for family in families:
        outcome = load_family(family, {**source_args, "repair_only": True})
        if outcome.succeeded:
            log.info("reconciliation: repaired %s (%s rows)", family, f"{sum(outcome.rows.values()):,}")
            for table, count in outcome.rows.items():
                summary.repaired_rows[table] = summary.repaired_rows.get(table, 0) + count
        else:
            summary.notes.append(f"reconciliation: the repair load of {family} failed: {outcome.error}")


def verdict(completeness: list[Completeness], nightly: bool) -> CheckOutcome:
    differing = [entry for entry in completeness if entry.unmatched]
    scope = "the whole history" if nightly else "the recent days and the totals"
    if not differing:
        return CheckOutcome(CHECK, True, f"{CHECK}: the warehouse equals Centra over {scope}")
    described = "; ".join(entry.describe() for entry in differing)
    return CheckOutcome(CHECK, False, f"{CHECK}: differences survived the repair — {described}")


def _not_run(why: str) -> CheckOutcome:
    return CheckOutcome(CHECK, False, f"{CHECK}: not reconciled this run ({why})", "warning")
