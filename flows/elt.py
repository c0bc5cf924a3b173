"""The Prefect flow: extract+load per entity family → build the reporting tables → checks → publish.

A family that fails (after its retries) does not stop the others; the run then ends failed, naming each
failure. The reporting build runs on whatever loaded (the canonical tables of a failed family keep their last
committed state). Each family's successful extraction is recorded (`flows/extractions.py`). The read-only
snapshot is replaced when the build succeeded, no data-quality check failed (nor the reconciliation
against Centra's counts, `flows/reconciliation.py`, which runs after the families and repairs what differs) (the referential checks catch a
stale family that no longer matches the others) and every family extracted successfully within
`max_extraction_age_hours`, so BI tools keep the last good snapshot otherwise. How old the newest order is
is a warning only: a quiet shop's data is current. One run at a time per warehouse (`flows/lock.py`).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import TaskRun
from prefect.states import Failed, State

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
from warehouse.publish import PublishReport

DEFAULT_WAREHOUSE = Path("warehouse/centra.duckdb")
FAMILY_ORDER = DEFAULT_FAMILIES  # the registry's load order: reference data first, the others refer to it
ARTIFACT_KEY = "centra-elt-run-summary"
PROGRESS_SECONDS = 10.0  # how often the terminal shows rows per resource while loading


class RunFailedError(RuntimeError):
    """The run finished but something in it failed; the message lists each failure."""

    def __init__(self, summary: RunSummary) -> None:
        super().__init__("the run failed — " + "; ".join(summary.failure_reasons()))
        self.summary = summary


def _retry_unless_permanent(task: Any, task_run: TaskRun, state: State[Any]) -> bool:
    return not (isinstance(state.data, BaseException) and steps.is_permanent(state.data))


@task(name="extract-load", cache_policy=NO_CACHE, retry_condition_fn=_retry_unless_permanent)
def extract_load(
    pipeline: Any, family: str, source_args: dict[str, Any], breaker: CircuitBreaker
) -> FamilyOutcome:
    return steps.load_family(pipeline, family, source_args, breaker)


@task(name="build-reporting", cache_policy=NO_CACHE)
def build_reporting_task(warehouse: Path, as_of: datetime, recency_hours: int, hash_pii: bool) -> Any:
    return steps.build(warehouse, as_of, recency_hours, hash_pii)


@task(name="publish", cache_policy=NO_CACHE)
def publish_task(warehouse: Path) -> PublishReport:
    return steps.publish(warehouse)


def ordered_families(resources: list[str] | None) -> list[str]:
    chosen = resources or list(FAMILY_ORDER)
    unknown = sorted(set(chosen) - set(FAMILIES))
    if unknown:
        raise ValueError(f"unknown resources {unknown}; choose from {', '.join(FAMILY_ORDER)}")
    return [family for family in FAMILY_ORDER if family in chosen]


@flow(name="centra-elt", validate_parameters=False)
def centra_elt(
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
) -> RunSummary:
    """One run against the configured Centra (credentials and settings from dlt configuration, never
    parameters). `as_of` fixes the run's clock (tests, replays); by default it is the machine's.
    `hash_pii` None: as configured (`sources.centra.hash_pii`); True/False overrides the configuration.

    Raises RunFailedError when a family, the build or a check failed (after writing the summary artifact).
    """
    logger = get_run_logger()
    path = Path(warehouse)
    families = ordered_families(resources)
    hashed = steps.hash_pii(hash_pii)  # a bad configured value fails here, before anything is loaded
    started = time.perf_counter()
    summary = RunSummary(warehouse=str(path), started_at=datetime.now(UTC))
    source_args: dict[str, Any] = {"reconcile": reconcile}
    if order_lookback_days is not None:
        source_args["order_lookback_days"] = order_lookback_days
    if start_date:
        source_args["start_date"] = start_date
    with warehouse_lock(path, wait_seconds):
        summary.buckets_before = steps.probe_rate_limits()
        pipeline = centra_pipeline(path, progress=TerminalProgress(PROGRESS_SECONDS))
        if full_refresh:
            logger.warning("full refresh: dropping the canonical tables and the pipeline state of %s", path)
            reset_raw(pipeline)
        load = extract_load.with_options(retries=retries, retry_delay_seconds=retry_delay_seconds)
        breaker = CircuitBreaker()  # this run's: an API one family finds down is not retried by the next
        for family in families:
            family_started = as_of or datetime.now(UTC)
            state = load(pipeline, family, source_args, breaker, return_state=True)
            outcome = _outcome(family, state)
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

        def load_more(family: str, args: Mapping[str, Any]) -> FamilyOutcome:
            return _outcome(family, load(pipeline, family, args, breaker, return_state=True))

        reconcile_run(pipeline, summary, source_args, reconcile, load_more, as_of)
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
            build_check_publish(summary, path, as_of or datetime.now(UTC), hashed)
        summary.buckets_after = steps.probe_rate_limits(breaker) if summary.buckets_before else []
    summary.seconds = time.perf_counter() - started
    return finish(summary)


def finish(summary: RunSummary) -> RunSummary:
    """Leave the summary artifact; end the flow run failed (without a traceback) when something failed.

    A Failed state rather than a raise: Prefect marks the run failed without logging a traceback for an
    expected failure; calling the flow still raises RunFailedError.
    """
    create_markdown_artifact(key=ARTIFACT_KEY, markdown=summary.to_markdown(), description=summary.headline())
    if not summary.succeeded:
        failed = RunFailedError(summary)
        return Failed(message=str(failed), data=failed)  # type: ignore[return-value]
    return summary


def _outcome(family: str, state: State[Any]) -> FamilyOutcome:
    if state.is_completed():
        result: FamilyOutcome = state.result()
        return result
    error = state.result(raise_on_failure=False)
    message = steps.describe_error(error) if isinstance(error, BaseException) else str(state.message)
    return FamilyOutcome(name=family, succeeded=False, error=message)


def build_check_publish(summary: RunSummary, path: Path, as_of: datetime, hash_pii: bool) -> None:
    """Build and check the reporting tables, check the pipeline's staleness, publish when nothing failed."""
    if not any(family.succeeded for family in summary.families):
        summary.publish_skipped = "no resource loaded"
        return
    max_age_hours = steps.max_extraction_age_hours()
    # The same hours for the warning: an up-to-date pipeline whose newest order is older is a quiet shop.
    build_state = build_reporting_task(path, as_of, max_age_hours, hash_pii, return_state=True)
    if not build_state.is_completed():
        error = build_state.result(raise_on_failure=False)
        summary.build_error = steps.describe_error(error) if isinstance(error, BaseException) else "failed"
        summary.publish_skipped = "the reporting build failed; the last snapshot stays"
        return
    report = build_state.result()
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
    published = publish_task(path)
    summary.published_to = str(published.path)
