"""`centra-elt backfill --from --to`: order history in windows, each committed on its own, resumable.

Each window (`window_days` of order creation dates) is one load of the orders family in history mode: it
pulls exactly that window and leaves the incremental watermarks alone, so hourly runs carry on as before.
When a window's load has committed, the window is recorded in `elt_meta.backfill_windows`; a backfill that
stops (a crash, Ctrl-C, an API that went away) skips the recorded windows when started again with the same
dates. Orders merge on their key, so a window repeated after a crash duplicates nothing. At the end the
reporting tables are rebuilt, checked and published as after a run.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
from prefect import flow, get_run_logger

from flows import steps
from flows.elt import PROGRESS_SECONDS, build_check_publish, finish
from flows.extractions import META_SCHEMA
from flows.lock import warehouse_lock
from flows.progress import TerminalProgress
from flows.summary import FamilyOutcome, RunSummary
from pipelines.centra.circuit import CircuitBreaker
from pipelines.loading import centra_pipeline

WINDOWS_TABLE = f"{META_SCHEMA}.backfill_windows"


@dataclass(frozen=True)
class Window:
    first: date
    last: date  # inclusive


@dataclass
class BackfillProgress:
    done: list[Window] = field(default_factory=list)
    skipped: list[Window] = field(default_factory=list)  # recorded by an earlier, interrupted backfill


def windows(first: date, last: date, window_days: int) -> list[Window]:
    if last < first:
        raise ValueError(f"--to {last} is before --from {first}")
    result, start = [], first
    while start <= last:
        end = min(start + timedelta(days=window_days - 1), last)
        result.append(Window(start, end))
        start = end + timedelta(days=1)
    return result


def recorded_windows(warehouse: Path) -> set[Window]:
    if not warehouse.exists():
        return set()
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        try:
            rows = connection.execute(f"SELECT first_date, last_date FROM {WINDOWS_TABLE}").fetchall()
        except duckdb.CatalogException:
            return set()
    return {Window(first, last) for first, last in rows}


def record_window(warehouse: Path, window: Window, rows: int) -> None:
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute(f"CREATE SCHEMA IF NOT EXISTS {META_SCHEMA}")
        connection.execute(
            f"CREATE TABLE IF NOT EXISTS {WINDOWS_TABLE} (first_date DATE, last_date DATE, "
            "order_rows BIGINT, finished_at TIMESTAMPTZ, PRIMARY KEY (first_date, last_date))"
        )
        connection.execute(
            f"INSERT OR REPLACE INTO {WINDOWS_TABLE} VALUES (?, ?, ?, ?)",
            [window.first, window.last, rows, datetime.now(UTC)],
        )


@flow(name="centra-elt-backfill", validate_parameters=False)
def centra_backfill(
    from_date: str,
    to_date: str,
    warehouse: str = "warehouse/centra.duckdb",
    window_days: int = 31,
    wait_seconds: float = 0.0,
    as_of: datetime | None = None,
    hash_pii: bool | None = None,
) -> RunSummary:
    """Load the orders created from `from_date` through `to_date`, window by window; then build and publish
    (`hash_pii` None: as configured, `sources.centra.hash_pii`)."""
    logger = get_run_logger()
    path = Path(warehouse)
    hashed = steps.hash_pii(hash_pii)
    plan = windows(date.fromisoformat(from_date), date.fromisoformat(to_date), window_days)
    started = time.perf_counter()
    summary = RunSummary(warehouse=str(path), started_at=datetime.now(UTC))
    outcome = FamilyOutcome(name="orders (history)")
    summary.families.append(outcome)
    with warehouse_lock(path, wait_seconds):
        already = recorded_windows(path)
        pipeline = centra_pipeline(path, progress=TerminalProgress(PROGRESS_SECONDS))
        resumed = loaded_windows = 0
        breaker = CircuitBreaker()  # an API one window found down is not retried by the next
        try:
            for number, window in enumerate(plan, start=1):
                if window in already:
                    resumed += 1
                    continue
                args = {"start_date": window.first.isoformat(), "history_end_date": window.last.isoformat()}
                loaded = steps.load_family(pipeline, "orders", args, breaker)
                record_window(path, window, loaded.rows.get("orders", 0))
                for table, count in loaded.rows.items():
                    outcome.rows[table] = outcome.rows.get(table, 0) + count
                outcome.api = loaded.api
                loaded_windows += 1
                per_window = (time.perf_counter() - started) / loaded_windows
                line = (
                    f"window {number}/{len(plan)} {window.first}..{window.last}: "
                    f"{loaded.rows.get('orders', 0):,} orders, ETA {per_window * (len(plan) - number):,.0f} s"
                )
                logger.info(line)
                print(line, file=sys.stderr, flush=True)
            outcome.succeeded = True
        except Exception as error:  # the windows recorded so far stay; the next backfill resumes after them
            outcome.error = steps.describe_error(error) + " — run the same backfill again to resume"
        outcome.api_reason = f"{len(plan)} window(s), {resumed} already loaded by an earlier backfill"
        summary.outages = breaker.report()
        if scrubbed := steps.scrub_anonymized(path):
            logger.info(
                "blanked the personal data of anonymized customers in %s rows of centra_raw", scrubbed
            )
        if outcome.succeeded and not steps.missing_inputs(path):
            build_check_publish(summary, path, as_of or datetime.now(UTC), hash_pii=hashed)
        elif outcome.succeeded:
            summary.publish_skipped = "reporting not built: run every family once (centra-elt run)"
    summary.seconds = time.perf_counter() - started
    return finish(summary)
