"""`centra-elt`: run, demo, backfill, doctor, serve.

Expected failures (configuration, credentials, a busy warehouse, a failed family) end with one line saying
what failed and what to do, and a non-zero exit code; tracebacks are for bugs only.
"""

from __future__ import annotations

import logging
import os
import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from flows.lock import WarehouseBusyError

app = typer.Typer(
    name="centra-elt",
    help="Centra → DuckDB: extract and load with dlt, build reporting tables with polars, publish for BI.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

WarehouseOption = Annotated[
    Path,
    typer.Option(
        "--warehouse", "-w", help="the working DuckDB file; the BI snapshot is <name>_reporting.duckdb"
    ),
]

HashPiiOption = Annotated[
    bool | None,
    typer.Option(
        "--hash-pii/--no-hash-pii",
        help="hash customer emails in reporting, or not (default: SOURCES__CENTRA__HASH_PII, off)",
        show_default=False,
    ),
]


class _ExpectedFailureFilter(logging.Filter):
    """Drop the traceback Prefect attaches to a task that failed for an expected reason (a Centra error:
    credentials, permissions, an API that stayed down); the message stays, and the summary explains it."""

    def filter(self, record: logging.LogRecord) -> bool:
        from pipelines.centra.errors import find_centra_error

        error = record.exc_info[1] if record.exc_info else None
        if error is not None and find_centra_error(error) is not None:
            record.exc_info, record.exc_text = None, None
        return True


def _quiet_logging() -> None:
    """Our warnings on stderr; Prefect and dlt only when something is wrong."""
    for name in ("prefect.task_runs", "prefect.flow_runs"):
        logging.getLogger(name).addFilter(_ExpectedFailureFilter())
    # A failed task is in the run's summary with its reason; Prefect's own line about it would repeat it.
    logging.getLogger("prefect.task_runs").setLevel(logging.CRITICAL)
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("RUNTIME__LOG_LEVEL", "WARNING")
    os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    logging.basicConfig(
        level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )


def _fail(message: str, code: int = 1) -> typer.Exit:
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    return typer.Exit(code)


@app.command()
def run(
    warehouse: WarehouseOption = Path("warehouse/centra.duckdb"),
    resources: Annotated[
        str | None,
        typer.Option(help="comma-separated families: reference,catalog,customers,orders,stock (default all)"),
    ] = None,
    full_refresh: Annotated[
        bool,
        typer.Option("--full-refresh", help="drop the canonical tables and state, reload from start_date"),
    ] = False,
    reconcile: Annotated[
        bool,
        typer.Option(
            "--reconcile",
            help="the nightly run: reconcile the whole history with Centra's counts, re-pull the lookback",
        ),
    ] = False,
    lookback_days: Annotated[
        int | None, typer.Option(help="days of orders to re-pull for changes (default: configuration, 60)")
    ] = None,
    wait: Annotated[
        float,
        typer.Option(help="seconds to wait for another run on this warehouse to finish (default: refuse)"),
    ] = 0.0,
    hash_pii: HashPiiOption = None,
) -> None:
    """One run against the configured Centra: load, build reporting, check, publish. Exit 0 only on success."""
    _quiet_logging()
    from flows.elt import RunFailedError, centra_elt, ordered_families
    from pipelines.centra.errors import CentraConfigError

    families = [name.strip() for name in resources.split(",") if name.strip()] if resources else None
    try:
        ordered_families(families)
    except ValueError as error:
        raise _fail(str(error)) from None
    try:
        summary = centra_elt(
            warehouse=str(warehouse),
            resources=families,
            full_refresh=full_refresh,
            reconcile=reconcile,
            order_lookback_days=lookback_days,
            wait_seconds=wait,
            hash_pii=hash_pii,
        )
    except RunFailedError as failed:
        typer.echo(failed.summary.to_markdown())
        raise _fail("the run failed (see above); " + " | ".join(failed.summary.failure_reasons())) from None
    except (WarehouseBusyError, ValueError, CentraConfigError) as error:
        raise _fail(str(error)) from None
    typer.echo(summary.to_markdown())
    typer.secho(summary.headline(), fg=typer.colors.GREEN)


@app.command()
def demo(
    orders: Annotated[int, typer.Option(help="orders in the sandbox's generated history")] = 20_000,
    seed: Annotated[int, typer.Option(help="the generator's seed (same seed, same data)")] = 1,
    warehouse: WarehouseOption = Path("warehouse/demo.duckdb"),
) -> None:
    """Start the Centra sandbox in-process and run the real flow against it into warehouse/demo.duckdb."""
    _quiet_logging()
    from sandbox import SandboxNotInstalledError, require_web_stack  # stdlib only: the check always runs

    try:
        require_web_stack()
    except SandboxNotInstalledError as missing:
        raise _fail(f"centra-elt demo runs against the Centra sandbox: {missing}") from None
    from flows.demo import headline, run_demo
    from flows.elt import RunFailedError
    from warehouse.publish import published_path

    typer.echo(f"Generating a sandbox Centra with {orders:,} orders (seed {seed}) and running the flow ...")
    try:
        summary = run_demo(orders=orders, seed=seed, warehouse=warehouse)
    except RunFailedError as failed:
        typer.echo(failed.summary.to_markdown())
        raise _fail(str(failed)) from None
    except WarehouseBusyError as error:
        raise _fail(str(error)) from None
    typer.echo(summary.to_markdown())
    published = published_path(warehouse)
    typer.secho(summary.headline(), fg=typer.colors.GREEN)
    typer.echo("")
    typer.echo("\n".join(headline(published).lines()))
    typer.echo("")
    typer.echo(
        f"Query it:  duckdb -readonly {published}   (or see queries/analysis/ and the README's BI section)"
    )


@app.command()
def backfill(
    from_date: Annotated[str, typer.Option("--from", help="first day of order history to load, YYYY-MM-DD")],
    to_date: Annotated[str, typer.Option("--to", help="last day of order history to load, YYYY-MM-DD")],
    warehouse: WarehouseOption = Path("warehouse/centra.duckdb"),
    window_days: Annotated[int, typer.Option(help="days of order history per committed window")] = 31,
    wait: Annotated[float, typer.Option(help="seconds to wait for another run on this warehouse")] = 0.0,
    hash_pii: HashPiiOption = None,
) -> None:
    """Load order history between two dates in windows; run it again to resume an interrupted backfill."""
    _quiet_logging()
    try:
        first, last = date.fromisoformat(from_date), date.fromisoformat(to_date)
    except ValueError:
        raise _fail(
            f"--from and --to must be dates like 2024-01-31 (got {from_date!r}, {to_date!r})"
        ) from None
    if last < first:
        raise _fail("--to is before --from")
    from flows.backfill import centra_backfill
    from flows.elt import RunFailedError
    from pipelines.centra.errors import CentraConfigError

    try:
        summary = centra_backfill(
            from_date=first.isoformat(), to_date=last.isoformat(), warehouse=str(warehouse),
            window_days=window_days, wait_seconds=wait, hash_pii=hash_pii,
        )  # fmt: skip
    except RunFailedError as failed:
        typer.echo(failed.summary.to_markdown())
        raise _fail("the backfill stopped; " + " | ".join(failed.summary.failure_reasons())) from None
    except (WarehouseBusyError, CentraConfigError) as error:
        raise _fail(str(error)) from None
    typer.echo(summary.to_markdown())
    typer.secho(summary.headline(), fg=typer.colors.GREEN)


@app.command()
def doctor(warehouse: WarehouseOption = Path("warehouse/centra.duckdb")) -> None:
    """Check configuration, connectivity, the token's permissions, rate-limit headroom, capabilities, warehouse."""
    _quiet_logging()
    from flows.doctor import diagnose

    report = diagnose(warehouse)
    typer.echo(report.render())
    if not report.healthy:
        raise typer.Exit(1)


@app.command()
def serve() -> None:
    """Serve the scheduled deployments (hourly incremental, nightly reconciliation) to a Prefect server."""
    _quiet_logging()
    from flows.deployments import serve_deployments

    serve_deployments()


def main() -> None:
    app()
