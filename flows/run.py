"""One run, plain (no Prefect): extract+load per entity family → reconcile → build the reporting tables →
checks → publish. The one code path: the Prefect flow (`flows/elt.py`) and the reliability tests' runner
both call `run_elt`.

A family that fails (after its retries) does not stop the others; the run then ends failed, naming each
failure. The reporting build runs on whatever loaded (the canonical tables of a failed family keep their last
committed state). Each family's successful extraction is recorded (`flows/extractions.py`). The read-only
snapshot is replaced when the build succeeded, no data-quality check failed (nor the reconciliation
against Centra's counts, `flows/reconciliation.py`, which runs after the families and repairs what
differs; the referential checks catch a stale family that no longer matches the others) and every family
extracted successfully within `max_extraction_age_hours`, so BI tools keep the last good snapshot
otherwise. How old the newest order is is a warning only: a quiet shop's data is current. One run at a
time per warehouse (`flows/lock.py`).

What Prefect adds is injected, so that the run itself is the same with or without it: how one family is
loaded (with its retries), how the build and publish steps are called (`StepRunner`), and the logger.
`DirectSteps`, the default, calls `flows/steps.py` directly and retries a family as the Prefect task does.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import dlt

from flows import steps
from flows.extractions import record_extraction
from flows.lock import warehouse_lock
from flows.progress import TerminalProgress
from flows.reconciliation import reconcile_run
from flows.reference_data import reference_data_check
from flows.summary import FamilyOutcome, RunSummary
from pipelines.centra.circuit import CircuitBreaker
from pipelines.centra.families import DEFAULT_FAMILIES, FAMILIES
from pipelines.loading import centra_pipeline, ensure_reconciliation_table, reset_raw
from warehouse.build import BuildReport
from warehouse.publish import PublishReport

DEFAULT_WAREHOUSE = Path("warehouse/centra.duckdb")
FAMILY_ORDER = DEFAULT_FAMILIES  # the registry's load order: reference data first, the others refer to it
PROGRESS_SECONDS = 10.0  # how often the terminal shows rows per resource while loading

Logger = logging.Logger | logging.LoggerAdapter[Any]
log = logging.getLogger("centra_elt")


class RunFailedError(RuntimeError):
    """The run finished but something in it failed; the message lists each failure."""

    def __init__(self, summary: RunSummary) -> None:
        super().__init__("the run failed — " + "; ".join(summary.failure_reasons()))
        self.summary = summary


class StepFailedError(RuntimeError):
    """A step failed without an exception to describe (e.g. a crashed Prefect task): the message is all."""


class StepRunner(Protocol):
    """How a run calls its steps. Each raises when the step failed (for a family: after its retries)."""

    def load_family(
        self, pipeline: dlt.Pipeline, family: str, source_args: Mapping[str, Any], breaker: CircuitBreaker
    ) -> FamilyOutcome: ...

    def build(
        self, warehouse: Path, as_of: datetime, recency_hours: int, hash_pii: bool, full_refresh: bool
    ) -> BuildReport: ...

    def publish(self, warehouse: Path) -> PublishReport: ...


# Builds a run's StepRunner from its `retries` and `retry_delay_seconds`.
StepRunnerFactory = Callable[[int, float], StepRunner]


@dataclass
class DirectSteps:
    """The steps called in this process: a family is tried again `retries` times, `retry_delay_seconds`
    apart, unless its error is permanent (`steps.is_permanent`), the rule the Prefect task follows."""

    retries: int = 2
    retry_delay_seconds: float = 30.0

    def load_family(
        self, pipeline: dlt.Pipeline, family: str, source_args: Mapping[str, Any], breaker: CircuitBreaker
    ) -> FamilyOutcome:
        attempt = 0
        while True:
            try:
                return steps.load_family(pipeline, family, source_args, breaker)
            except Exception as error:
                if attempt >= self.retries or steps.is_permanent(error):
                    raise
                attempt += 1
                log.warning(
                    "%s failed (%s); attempt %s of %s in %s s",
                    family,
                    steps.describe_error(error),
                    attempt + 1,
                    self.retries + 1,
                    self.retry_delay_seconds,
                )
                time.sleep(self.retry_delay_seconds)

    def build(
        self, warehouse: Path, as_of: datetime, recency_hours: int, hash_pii: bool, full_refresh: bool
    ) -> BuildReport:
        return steps.build(warehouse, as_of, recency_hours, hash_pii, full_refresh)

    def publish(self, warehouse: Path) -> PublishReport:
        return steps.publish(warehouse)


def ordered_families(resources: list[str] | None) -> list[str]:
    chosen = resources or list(FAMILY_ORDER)
    unknown = sorted(set(chosen) - set(FAMILIES))
    if unknown:
        raise ValueError(f"unknown resources {unknown}; choose from {', '.join(FAMILY_ORDER)}")
    return [family for family in FAMILY_ORDER if family in chosen]


def run_elt(
    warehouse: str = str(DEFAULT_WAREHOUSE),
    resources: list[str] | None = None,
    full_refresh: bool = False,
    reconcile: bool = False,
    order_lookback_days: int | None = None,
    start_date: str | None = None,
    wait_seconds: float = 0.0,
    retries: int = 2,
    retry_delay_seconds: float = 30.0,
    hash_pii: bool | None = None,
    as_of: datetime | None = None,
    *,
    runner: StepRunnerFactory = DirectSteps,
    logger: Logger = log,
) -> RunSummary:
    """One run against the configured Centra (the parameters of the flow `centra-elt`); the summary, also
    when something failed (`summary.succeeded` says; nothing is raised for a failed family or check).

    Raises before anything is loaded for a bad configured `hash_pii` or an unknown resource, and
    WarehouseBusyError when another run holds the warehouse.
    """
    path = Path(warehouse)
    families = ordered_families(resources)
    # The run's settings, resolved once (a bad configured value fails here, before anything is loaded);
    # every step and every family's source reads these.
    settings = steps.run_settings()
    hashed = hash_pii if hash_pii is not None else settings.hash_pii
    started = time.perf_counter()
    summary = RunSummary(warehouse=str(path), started_at=datetime.now(UTC))
    source_args: dict[str, Any] = {"reconcile": reconcile}
    if order_lookback_days is not None:
        source_args["order_lookback_days"] = order_lookback_days
    if start_date:
        source_args["start_date"] = start_date
    step_runner = runner(retries, retry_delay_seconds)
    with warehouse_lock(path, wait_seconds), steps.pinned_settings(settings):
        summary.buckets_before = steps.probe_rate_limits()
        pipeline = centra_pipeline(path, progress=TerminalProgress(PROGRESS_SECONDS))
        if full_refresh:
            logger.warning("full refresh: dropping the canonical tables and the pipeline state of %s", path)
            reset_raw(pipeline)
        breaker = CircuitBreaker()  # this run's: an API one family finds down is not retried by the next

        def load(family: str, args: Mapping[str, Any]) -> FamilyOutcome:
            try:
                return step_runner.load_family(pipeline, family, args, breaker)
            except Exception as error:
                return FamilyOutcome(name=family, succeeded=False, error=describe(error))

        for family in families:
            family_started = as_of or datetime.now(UTC)
            outcome = load(family, source_args)
            summary.families.append(outcome)
            if outcome.succeeded:
                record_extraction(path, family, family_started, sum(outcome.rows.values()), outcome.api)
            _, _, blind_spots = steps.served_by(pipeline, family)
            summary.blind_spots += [spot for spot in blind_spots if spot not in summary.blind_spots]
            steps.add_schema_notes(summary, pipeline)
            if outcome.succeeded:
                logger.info("%s: %s rows via %s", family, f"{sum(outcome.rows.values()):,}", outcome.api)
            else:
                logger.error("%s failed: %s", family, outcome.error)
        reconcile_run(pipeline, summary, source_args, reconcile, load, as_of)
        ensure_reconciliation_table(pipeline)
        summary.outages = breaker.report()
        if scrubbed := steps.scrub_anonymized(path):
            logger.info(
                "blanked the personal data of anonymized customers in %s rows of centra_raw", scrubbed
            )
        missing = steps.missing_inputs(path) if set(families) != set(FAMILY_ORDER) else []
        if missing:
            summary.publish_skipped = (
                f"reporting not built: {', '.join(missing)} not loaded yet (run every family once)"
            )
            logger.warning(summary.publish_skipped)
        else:
            build_check_publish(summary, path, as_of or datetime.now(UTC), hashed, step_runner, full_refresh)
        summary.buckets_after = steps.probe_rate_limits(breaker) if summary.buckets_before else []
    summary.seconds = time.perf_counter() - started
    return summary


def describe(error: BaseException) -> str:
    """The summary's line for a failed step (`steps.describe_error`, or a StepFailedError's own text)."""
    return str(error) if isinstance(error, StepFailedError) else steps.describe_error(error)


def build_check_publish(
    summary: RunSummary,
    path: Path,
    as_of: datetime,
    hash_pii: bool,
    runner: StepRunner,
    full_refresh: bool = False,
) -> None:
    """Build and check the reporting tables, check the pipeline's staleness, publish when nothing failed.
    `full_refresh` rebuilds every reporting table whole (else the build is incremental where it can be)."""
    if not any(family.succeeded for family in summary.families):
        summary.publish_skipped = "no resource loaded"
        return
    max_age_hours = steps.max_extraction_age_hours()
    # The same hours for the warning: an up-to-date pipeline whose newest order is older is a quiet shop.
    try:
        report = runner.build(path, as_of, max_age_hours, hash_pii, full_refresh)
    except Exception as error:
        summary.build_error = describe(error)
        summary.publish_skipped = "the reporting build failed; the last snapshot stays"
        return
    summary.build_rows, summary.build_seconds = dict(report.rows), report.total_seconds
    summary.checks += [steps.check_outcome(check) for check in report.checks or []]  # after reconciliation's
    summary.checks.append(steps.extraction_staleness(path, FAMILY_ORDER, as_of, max_age_hours))
    if (reference := reference_data_check(path, summary)) is not None:
        summary.checks.append(reference)
    summary.latest_order_at = steps.latest_order(path)
    if summary.latest_order_at is not None:
        summary.latest_order_age_hours = (as_of - summary.latest_order_at).total_seconds() / 3600
    if summary.failed_checks:
        summary.publish_skipped = "a check failed; the last snapshot stays"
        return
    published = runner.publish(path)
    summary.published_to = str(published.path)
