"""The steps of a run as plain functions (no Prefect here): load one family, build, publish, probe.

`flows/elt.py` wraps them in Prefect tasks; tests and the benchmarks can call them directly.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import dlt
import duckdb

from flows.extractions import STALENESS_CHECK, last_extractions, stale_families, staleness_summary
from flows.summary import Bucket, CheckOutcome, FamilyOutcome, RunSummary, buckets_from
from pipelines import privacy
from pipelines.centra import centra_source
from pipelines.centra.circuit import CircuitBreaker
from pipelines.centra.errors import (
    CentraApiDownError,
    CentraAuthError,
    CentraConfigError,
    CentraError,
    CentraPermissionError,
    CentraSchemaError,
    find_centra_error,
)
from pipelines.centra.graphql_client import CentraGraphQLClient
from pipelines.centra.run_summary import read_last_run
from pipelines.centra.settings import CentraSettings, resolve_settings
from pipelines.centra.transport import RetryPolicy
from pipelines.loading import load_until_current, rows_loaded
from warehouse.build import BuildReport, build_reporting
from warehouse.checks import CheckResult
from warehouse.publish import PublishReport, publish_reporting, published_path
from warehouse.registry import REGISTRY, BuildParams

log = logging.getLogger("centra_elt")

# Failures a retry can not fix: a configuration, token or schema problem fails at once, and so does an API
# the run's circuit breaker knows to be down (a retry in the same run would not ask it again).
PERMANENT: tuple[type[CentraError], ...] = (
    CentraConfigError,
    CentraAuthError,
    CentraSchemaError,
    CentraPermissionError,
    CentraApiDownError,
)


_pinned: CentraSettings | None = None  # `pinned_settings`: what a run reads instead of the configuration


@contextmanager
def pinned_settings(settings: CentraSettings) -> Iterator[CentraSettings]:
    """Inside, every step (and the source each family loads) uses `settings` instead of reading the
    configuration: the demo's sandbox settings, without touching `os.environ` (a child process would inherit
    the token, and the user's own SOURCES__CENTRA__* could not point the demo at production). Process-wide,
    not per thread: Prefect runs tasks in worker threads."""
    global _pinned
    before, _pinned = _pinned, settings
    try:
        yield settings
    finally:
        _pinned = before


def run_settings() -> CentraSettings:
    """The settings of this run: the pinned ones, else resolved from configuration in one reading
    (`resolve_settings`). Every value is checked; whether an API is configured is the source's to say (a
    family fails with that message, the others' summary is still written)."""
    return _pinned if _pinned is not None else resolve_settings(require_api=False)


def instance_timezone() -> str:
    return run_settings().timezone


def load_family(
    pipeline: dlt.Pipeline,
    family: str,
    source_args: Mapping[str, Any],
    breaker: CircuitBreaker | None = None,
) -> FamilyOutcome:
    """Load one entity family (in as many rounds as Centra's event queue needs); say which API served it.

    `breaker` is the run's: pass the same one for every family of a run, so an API one family found down
    is not retried by the next (None: this family asks every API itself)."""
    outcome = FamilyOutcome(name=family)
    started = time.perf_counter()

    def count_rows(loaded: dlt.Pipeline) -> None:
        for table, count in rows_loaded(loaded).items():
            outcome.rows[table] = outcome.rows.get(table, 0) + count

    load_until_current(
        pipeline,
        lambda: centra_source(_pinned, resources=[family], breaker=breaker, **source_args),
        on_round=count_rows,
    )
    outcome.seconds = time.perf_counter() - started
    outcome.succeeded = True
    outcome.api, outcome.api_reason, _ = served_by(pipeline, family)
    return outcome


def served_by(pipeline: dlt.Pipeline, family: str) -> tuple[str | None, str | None, list[str]]:
    """(API, reason, blind spots) the source recorded for `family` in its last run."""
    source_state: dict[str, Any] = pipeline.state.get("sources", {}).get("centra", {})
    last_run = source_state.get("last_run") or {}
    entry = (last_run.get("apis") or {}).get(family) or {}
    api = entry.get("api", "graphql") if last_run else "graphql"
    return api, entry.get("reason"), list(last_run.get("blind_spots") or [])


def add_schema_notes(summary: RunSummary, pipeline: dlt.Pipeline) -> None:
    """Add what the source's last run recorded about the instance's schema (fields it lacks, notes) to
    `summary`, each line once."""
    last = read_last_run(pipeline.state)
    if last is None:
        return
    summary.lacking += [line for line in last.lacking() if line not in summary.lacking]
    summary.notes += [note for note in last.notes if note not in summary.notes]


def is_permanent(error: BaseException) -> bool:
    centra = find_centra_error(error)
    return isinstance(centra, PERMANENT)


def describe_error(error: BaseException) -> str:
    """One line a person can act on: the Centra error when there is one, else the exception's first line."""
    centra: CentraError | BaseException = find_centra_error(error) or error
    text = str(centra).strip().splitlines()[0] if str(centra).strip() else type(centra).__name__
    return f"{type(centra).__name__}: {text}"


def probe_rate_limits(breaker: CircuitBreaker | None = None) -> list[Bucket]:
    """Centra's buckets as `rateLimits` reports them now; [] when GraphQL is not configured or unreachable,
    or `breaker` knows it was found down this run (then it is not asked).

    A failed probe does not open the breaker: it tries twice, not the families' full retries."""
    try:
        settings = run_settings()
    except CentraConfigError:  # the families fail with the message; the probe just has no figures
        return []
    if not settings.graphql_configured or (breaker is not None and breaker.outage("graphql") is not None):
        return []
    try:
        with CentraGraphQLClient(
            str(settings.graphql_url),
            str(settings.api_token),
            retry=RetryPolicy(max_attempts=2, max_rate_limited=2),
            timeout=15,
        ) as client:
            return buckets_from(client.rate_limits())
    except Exception as error:  # a failed probe never fails a run; the summary just lacks the figures
        log.warning("could not read Centra's rate limits: %s", describe_error(error))
        return []


def scrub_anonymized(warehouse: Path) -> int:
    """Blank in `centra_raw` what it still holds of customers Centra has anonymized (pipelines/privacy.py);
    the rows changed (0 without a warehouse)."""
    if not Path(warehouse).exists():
        return 0
    with duckdb.connect(str(warehouse)) as connection:
        return privacy.scrub_anonymized(connection)


def missing_inputs(warehouse: Path) -> list[str]:
    """The canonical tables the reporting build reads that the warehouse does not hold yet."""
    if not Path(warehouse).exists():  # nothing was ever loaded (e.g. every family failed on a first run)
        return list(REGISTRY.raw_inputs())
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        present = {
            row[0]
            for row in connection.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'centra_raw'"
            ).fetchall()
        }
    return [name for name in REGISTRY.raw_inputs() if name not in present]


def max_extraction_age_hours() -> int:
    """`max_extraction_age_hours` of the run's settings (`SOURCES__CENTRA__MAX_EXTRACTION_AGE_HOURS`)."""
    return run_settings().max_extraction_age_hours


def hash_pii(override: bool | None = None) -> bool:
    """Whether the reporting build hashes customer emails: `override` (the CLI's `--hash-pii/--no-hash-pii`,
    a flow parameter) when given, else the run's settings (`SOURCES__CENTRA__HASH_PII`, off)."""
    return override if override is not None else run_settings().hash_pii


def build(
    warehouse: Path, as_of: datetime, recency_hours: int, hash_pii: bool, full_refresh: bool = False
) -> BuildReport:
    """Build and check `reporting`: incrementally when the last build left its record, else (or with
    `full_refresh`) every table whole (`warehouse.incremental`)."""
    params = BuildParams(timezone=instance_timezone(), as_of=as_of, hash_pii=hash_pii)
    with duckdb.connect(str(warehouse)) as connection:
        report = build_reporting(
            connection, params, run_checks=True, recency_hours=recency_hours, full_refresh=full_refresh
        )
    if report.incremental:
        log.info("reporting build: incremental, %d orders rebuilt", report.rebuilt_orders or 0)
    else:
        log.info("reporting build: every table rebuilt (%s)", report.full_build_reason)
    return report


def check_outcome(result: CheckResult) -> CheckOutcome:
    """A data-quality check's result for the run summary; one that could not run counts as an error."""
    severity = "error" if result.error is not None else result.severity
    return CheckOutcome(result.name, result.passed, result.summary(), severity)


def extraction_staleness(
    warehouse: Path, families: Sequence[str], as_of: datetime, max_age_hours: int
) -> CheckOutcome:
    """The pipeline's own staleness as a check: fails when a family's last successful extraction (as
    recorded, never the newest order) is more than `max_age_hours` before `as_of`."""
    stale = stale_families(last_extractions(warehouse), families, as_of, max_age_hours)
    return CheckOutcome(STALENESS_CHECK, not stale, staleness_summary(stale, max_age_hours))


def publish(warehouse: Path) -> PublishReport:
    with duckdb.connect(str(warehouse)) as connection:
        return publish_reporting(connection, published_path(warehouse))


def latest_order(warehouse: Path) -> datetime | None:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        row = connection.execute("SELECT max(created_at) FROM reporting.fct_orders").fetchone()
    latest = row[0] if row else None
    return latest.astimezone(UTC) if isinstance(latest, datetime) else None
