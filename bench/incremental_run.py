"""The hourly run at scale, end to end: `python -m bench.incremental_run --orders 1000000`.

No hour-long extraction first: the sandbox holds `--sandbox-orders` (5,000) orders with `updatedAt`
filters and no rate limits, and a real flow run loads them (and every other family) into DuckDB. The
order tables are then grown to `--orders` with SQL, as copies of the loaded orders: new order, line,
shipment and return keys, every timestamp 40 days earlier (outside the 31 days a plain run reconciles
against Centra's counts), the same customers and catalog. Then, each in a process of its own:

1. a full reporting build (`flows.steps.build(full_refresh=True)`, the flow's own build step) and its
   publish (the BI snapshot, copied whole);
2. a change set of `--changed` changes in the sandbox (half re-statused orders, a quarter cancelled lines,
   a quarter new orders; `changed_orders` counts the distinct orders they touched), then one flow run end
   to end: extract, incremental build, checks, publish;
3. a flow run with nothing changed.

Prefect's temporary server is started in each run's process before its timing (`prefect_start_seconds`).
Orders re-read are the order nodes the sandbox served during the run (its `orders_served` count).
Prints each phase's figures, and last one line of them.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from bench.support import (
    PhaseFailedError,
    change_set,
    cpu_seconds,
    in_child,
    peak_rss_mb,
    record_result,
    sandbox_process,
    timed_flow_run,
)
from pipelines.centra.tables import ORDERS

SANDBOX_ORDERS = 5_000
SHIFT = "INTERVAL 40 DAYS"  # copies land before the 31 days a plain run reconciles
KEY_STEP = 100_000_000  # copy k's integer keys are the original's + k × KEY_STEP
INTEGER_KEYS = (
    "order_number",
    "order_line_id",
    "shipment_id",
    "shipment_line_id",
    "return_id",
    "return_line_id",
)
TEXT_KEYS = ("order_id", "shipment_number", "_dlt_id", "_dlt_parent_id", "_dlt_root_id")
ORDER_TABLES = (ORDERS.name, *(spec.name for _, spec in ORDERS.nested))


def grow_orders(warehouse: Path, orders: int) -> int:
    """Copy the loaded orders (with everything under them) until `centra_raw.orders` holds `orders`."""
    with duckdb.connect(str(warehouse)) as connection:
        loaded = _count(connection, "centra_raw.orders")
        connection.execute(
            f"""CREATE TEMP TABLE copies AS
                WITH numbered AS (SELECT order_number, row_number() OVER (ORDER BY order_number) AS position
                                  FROM centra_raw.orders)
                SELECT order_number, k FROM numbered, range(1, {orders} // {loaded} + 2) r(k)
                WHERE (k - 1) * {loaded} + position <= {orders} - {loaded}"""
        )
        for table in ORDER_TABLES:
            described = connection.execute(f"DESCRIBE centra_raw.{table}").fetchall()
            replaced = []
            for name, kind, *_ in described:
                if name in INTEGER_KEYS:
                    replaced.append(f"t.{name} + c.k * {KEY_STEP} AS {name}")
                elif name in TEXT_KEYS:
                    replaced.append(f"t.{name} || '~' || c.k AS {name}")
                elif kind.startswith("TIMESTAMP"):
                    replaced.append(f"t.{name} - {SHIFT} AS {name}")
            connection.execute(
                f"""INSERT INTO centra_raw.{table}
                    SELECT t.* REPLACE ({", ".join(replaced)})
                    FROM centra_raw.{table} t JOIN copies c USING (order_number)"""
            )
        return _count(connection, "centra_raw.orders")


def changed_orders(warehouse: Path, result: dict[str, Any]) -> int:
    """The distinct orders a change set touched (a new order, a status change, a line cancelled)."""
    numbers = set(result["new_order_numbers"]) | set(result["status_changed_order_numbers"])
    lines = result["cancelled_line_ids"]
    if lines:
        with duckdb.connect(str(warehouse), read_only=True) as connection:
            found = connection.execute(
                "SELECT DISTINCT order_number FROM centra_raw.orders__lines WHERE order_line_id IN "
                "(SELECT unnest(?))",
                [lines],
            ).fetchall()
        numbers |= {number for (number,) in found}
    return len(numbers)


def _count(connection: duckdb.DuckDBPyConnection, table: str) -> int:
    row = connection.execute(f"SELECT count(*) FROM {table}").fetchone()
    return int(row[0]) if row else 0


def phase_full_build(warehouse: Path) -> dict[str, Any]:
    from flows import steps

    settings = steps.run_settings()
    cpu, started = cpu_seconds(), time.perf_counter()
    report = steps.build(
        warehouse, datetime.now(UTC), settings.max_extraction_age_hours, settings.hash_pii, full_refresh=True
    )
    seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    published = steps.publish(warehouse)  # as the full run's own publish would: the next run's starts from it
    return {"orders": report.rows["fct_orders"], "seconds": seconds, "cpu_seconds": cpu,
            "reason": report.full_build_reason, "publish_seconds": published.seconds}  # fmt: skip


def run_phase(phase: str, url: str, warehouse: Path) -> dict[str, Any]:
    figures = phase_full_build(warehouse) if phase == "full" else timed_flow_run(url, warehouse)
    figures["peak_rss_mb"] = peak_rss_mb()
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--changed", type=int, default=1_000)
    parser.add_argument("--sandbox-orders", type=int, default=SANDBOX_ORDERS)
    parser.add_argument("--phase", choices=("first", "full", "run"))
    parser.add_argument("--url")
    parser.add_argument("--warehouse", type=Path)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args(argv)
    if args.phase:
        print(json.dumps(run_phase(args.phase, args.url, args.warehouse)))
        return 0
    if args.changed > args.sandbox_orders // 2:
        parser.error("--changed must be at most half of --sandbox-orders (the changes are the sandbox's)")
    variants = ("--no-rate-limits", "--order-updated-at", "--customer-updated-at")
    with sandbox_process("--orders", str(args.sandbox_orders), *variants) as sandbox, \
            tempfile.TemporaryDirectory() as folder:  # fmt: skip
        warehouse = Path(folder) / "centra.duckdb"

        def phase(name: str) -> dict[str, Any]:
            return in_child(
                "bench.incremental_run", name, "--url", sandbox.graphql_url, "--warehouse", str(warehouse)
            )

        def served() -> int:
            counts: dict[str, int] = sandbox.control("GET", "stats")["counts"]
            sandbox.control("DELETE", "stats")
            return counts.get("orders_served", 0)

        phase("first")
        started = time.perf_counter()
        orders = grow_orders(warehouse, args.orders)
        print(f"grown to {orders:,} orders in {time.perf_counter() - started:.1f} s", flush=True)
        full = phase("full")
        served()
        result = sandbox.control("POST", "change-set", change_set(args.changed))
        incremental = phase("run")
        changed = changed_orders(warehouse, result)
        reread = served()
        unchanged = phase("run")
        unchanged_reread = served()
    summary = (
        f"orders={orders} changed_orders={changed} orders_reread={reread} changes_asked={args.changed} "
        f"full_build_seconds={full['seconds']:.2f} full_publish_seconds={full['publish_seconds']:.2f} "
        f"incremental_build_seconds={incremental['build_seconds']:.2f} "
        f"incremental_run_seconds={incremental['seconds']:.2f} nochange_run_seconds={unchanged['seconds']:.2f} "
        f"incremental_peak_rss_mb={incremental['peak_rss_mb']:.0f} full_build_peak_rss_mb={full['peak_rss_mb']:.0f} "
        f"nochange_build_seconds={unchanged['build_seconds']:.2f} nochange_orders_reread={unchanged_reread} "
        f"nochange_peak_rss_mb={unchanged['peak_rss_mb']:.0f} incremental_orders_loaded={incremental['orders']} "
        f"prefect_start_seconds={incremental['prefect_start_seconds']:.1f} load_average={os.getloadavg()[0]:.1f}"
    )
    if not args.no_record:
        record_result("incremental_run", summary.replace(" ", ", "))
    print(summary)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except PhaseFailedError as failure:
        raise SystemExit(str(failure)) from None
