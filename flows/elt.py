"""The Prefect flow `centra-elt`: a thin wrapper over the plain run (`flows/run.py`, where the run and its
rules are written down).

What the flow adds: each family's extract+load is a Prefect task (`extract-load`, retried with backoff
unless the error is permanent), the build and the publish are tasks (`build-reporting`, `publish`), the
run's lines go to Prefect's run logger, and the summary is left as a markdown artifact; a run in which
something failed ends in a Failed state that raises RunFailedError for the caller.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import TaskRun
from prefect.states import Failed, State

from flows import run, steps
from flows.run import (
    DEFAULT_WAREHOUSE,
    FAMILY_ORDER,
    PROGRESS_SECONDS,
    RunFailedError,
    StepFailedError,
    ordered_families,
    run_elt,
)
from flows.summary import FamilyOutcome, RunSummary
from pipelines.centra.circuit import CircuitBreaker
from warehouse.build import BuildReport
from warehouse.publish import PublishReport

# Re-exported: the CLI, the backfill and the tests import them from here.
__all__ = [
    "ARTIFACT_KEY",
    "DEFAULT_WAREHOUSE",
    "FAMILY_ORDER",
    "PROGRESS_SECONDS",
    "PrefectSteps",
    "RunFailedError",
    "build_check_publish",
    "centra_elt",
    "finish",
    "ordered_families",
]

ARTIFACT_KEY = "centra-elt-run-summary"


def _retry_unless_permanent(task: Any, task_run: TaskRun, state: State[Any]) -> bool:
    return not (isinstance(state.data, BaseException) and steps.is_permanent(state.data))


@task(name="extract-load", cache_policy=NO_CACHE, retry_condition_fn=_retry_unless_permanent)
def extract_load(
    pipeline: Any, family: str, source_args: dict[str, Any], breaker: CircuitBreaker
) -> FamilyOutcome:
    return steps.load_family(pipeline, family, source_args, breaker)


@task(name="build-reporting", cache_policy=NO_CACHE)
def build_reporting_task(
    warehouse: Path, as_of: datetime, recency_hours: int, hash_pii: bool, full_refresh: bool
) -> Any:
    return steps.build(warehouse, as_of, recency_hours, hash_pii, full_refresh)


@task(name="publish", cache_policy=NO_CACHE)
def publish_task(warehouse: Path) -> PublishReport:
    return steps.publish(warehouse)


@dataclass
class PrefectSteps:
    """The run's steps as Prefect tasks (flows/run.py's StepRunner): Prefect retries a family's task."""

    retries: int = 2
    retry_delay_seconds: float = 30.0

    def load_family(
        self, pipeline: Any, family: str, source_args: Mapping[str, Any], breaker: CircuitBreaker
    ) -> FamilyOutcome:
        load = extract_load.with_options(retries=self.retries, retry_delay_seconds=self.retry_delay_seconds)
        state = load(pipeline, family, dict(source_args), breaker, return_state=True)
        return _result(state, fallback=None)

    def build(
        self, warehouse: Path, as_of: datetime, recency_hours: int, hash_pii: bool, full_refresh: bool
    ) -> BuildReport:
        state = build_reporting_task(
            warehouse, as_of, recency_hours, hash_pii, full_refresh, return_state=True
        )
        return _result(state, fallback="failed")

    def publish(self, warehouse: Path) -> PublishReport:
        return publish_task(warehouse)


def _result(state: State[Any], fallback: str | None) -> Any:
    """A completed task's result; else raise its error (or StepFailedError: `fallback`, else the state's
    message, when the task left no exception, e.g. it crashed)."""
    if state.is_completed():
        return state.result()
    error = state.result(raise_on_failure=False)
    if isinstance(error, BaseException):
        raise error
    raise StepFailedError(fallback or str(state.message))


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
    summary = run_elt(
        warehouse=warehouse,
        resources=resources,
        full_refresh=full_refresh,
        reconcile=reconcile,
        order_lookback_days=order_lookback_days,
        start_date=start_date,
        wait_seconds=wait_seconds,
        retries=retries,
        retry_delay_seconds=retry_delay_seconds,
        hash_pii=hash_pii,
        as_of=as_of,
        runner=PrefectSteps,
        logger=get_run_logger(),
    )
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


def build_check_publish(summary: RunSummary, path: Path, as_of: datetime, hash_pii: bool) -> None:
    """`flows.run.build_check_publish` with the build and publish as Prefect tasks (the backfill's end)."""
    run.build_check_publish(summary, path, as_of, hash_pii, PrefectSteps())
