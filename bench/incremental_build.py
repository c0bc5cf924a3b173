"""The incremental reporting build against a full one: `python -m bench.incremental_build --orders 1000000`.

Makes the canonical tables with SQL (as `bench.build_reporting` does), runs a full build, then changes
`--changed` orders the way an hourly run finds them (half re-statused, a quarter with a cancelled line, a
quarter new), builds incrementally, then builds again with nothing changed. Prints each build's seconds,
the orders it rebuilt, the slowest tables and the process's peak RSS, and last one line of figures.
The end-to-end flow run over HTTP is `bench.local_overhead`'s incremental phase.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from bench.build_reporting import create_dataset
from bench.support import peak_rss_mb
from warehouse.build import BuildReport, build_reporting
from warehouse.registry import BuildParams

PARAMS = BuildParams(as_of=datetime(2026, 1, 1, tzinfo=UTC))


def change_orders(connection: duckdb.DuckDBPyConnection, orders: int, changed: int) -> None:
    """`changed` orders changed, spread over the history: half re-statused, a quarter with a line
    cancelled, a quarter new (copies of existing orders under new numbers)."""
    step = max(1, orders // changed)
    half, quarter = changed // 2, changed // 4
    statused = f"SELECT i * {step} FROM range(1, {half} + 1) t(i)"
    connection.execute(f"UPDATE centra_raw.orders SET status = 'ARCHIVED' WHERE order_number IN ({statused})")
    cancelled = f"SELECT i * {step} + 1 FROM range(1, {quarter} + 1) t(i)"
    connection.execute(
        f"""UPDATE centra_raw.orders__lines SET cancelled_quantity = quantity, quantity = 0
            WHERE order_line_id IN (SELECT 10 * n + 1 FROM ({cancelled}) c(n))"""
    )
    new = changed - half - quarter
    connection.execute(
        f"""INSERT INTO centra_raw.orders SELECT * REPLACE (order_number + {orders} AS order_number)
            FROM centra_raw.orders WHERE order_number <= {new}"""
    )
    connection.execute(
        f"""INSERT INTO centra_raw.orders__lines SELECT * REPLACE (order_line_id + 10 * {orders} AS order_line_id,
                order_number + {orders} AS order_number)
            FROM centra_raw.orders__lines WHERE order_number <= {new}"""
    )


def timed_build(connection: duckdb.DuckDBPyConnection, label: str, **options: object) -> BuildReport:
    report = build_reporting(connection, PARAMS, **options)  # type: ignore[arg-type]
    slowest = sorted(report.seconds.items(), key=lambda item: -item[1])[:4]
    mode = "incremental" if report.incremental else f"full ({report.full_build_reason})"
    print(
        f"{label}: {report.total_seconds:.2f} s, {mode}, rebuilt_orders={report.rebuilt_orders}, "
        f"finding changes {report.fingerprint_seconds:.2f}s, publish {report.publish_seconds:.2f}s, "
        f"peak_rss_mb={peak_rss_mb():.0f}, slowest: " + ", ".join(f"{name} {s:.2f}s" for name, s in slowest),
        flush=True,
    )
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--changed", type=int, default=1_000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as directory:
        connection = duckdb.connect(str(Path(directory) / "bench.duckdb"))
        started = time.perf_counter()
        create_dataset(connection, args.orders)
        print(f"dataset: {time.perf_counter() - started:.1f} s", flush=True)
        full = timed_build(connection, "full build")
        change_orders(connection, args.orders, args.changed)
        incremental = timed_build(connection, "incremental build")
        unchanged = timed_build(connection, "no-change build")
        connection.close()
    print(
        f"orders={args.orders} changed_orders={args.changed} full_build_seconds={full.total_seconds:.2f} "
        f"incremental_build_seconds={incremental.total_seconds:.2f} rebuilt_orders={incremental.rebuilt_orders} "
        f"nochange_build_seconds={unchanged.total_seconds:.2f} peak_rss_mb={peak_rss_mb():.0f} "
        f"load_average={os.getloadavg()[0]:.1f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
