"""Local overhead with quotas off (issue 7.2): our extract+load and build against a naive dlt baseline.

One sandbox process (rate limits off, N orders) serves four measured phases, each in a child process of
its own so its CPU seconds and peak RSS are its own:

- `ours`:  the orders family through `centra_source` (adaptive pages, canonical rows, parquet) into DuckDB;
- `build`: after the other families are loaded (not measured), the full `reporting` build;
- `incremental`: a change set of 1,000 orders, then one flow run end to end;
- `naive` (last): the same GraphQL query and page size as a plain dlt resource yielding the JSON's dicts,
           dlt's default settings (nested lists unpacked by dlt, insert-values loading), into another DuckDB
           file, over the first `--baseline-orders` (200,000) orders; compared per 1,000 orders.

Reported per phase: wall seconds, CPU seconds of the pipeline process per 1,000 orders, peak RSS; and the
ratio of Centra's API time per 1,000 orders under its default quotas (the complexity bucket's refill, from
the complexity our queries cost) to our CPU per 1,000 orders (target ≥ 10), naive/ours wall and CPU.

    uv run python -m bench.local_overhead --orders 1000000
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any

import dlt
import duckdb
import httpx

from bench.support import (
    PhaseFailedError,
    change_set,
    cpu_seconds,
    peak_rss_mb,
    record_result,
    sandbox_process,
    timed_flow_run,
)
from bench.support import in_child as run_in_child
from pipelines.centra import centra_source
from pipelines.centra.queries import query_text
from pipelines.loading import centra_pipeline, load
from sandbox.settings import RateLimitQuotas
from warehouse.build import build_reporting
from warehouse.registry import BuildParams

TOKEN = "sandbox-token"
NAIVE_PAGE = 200
# The baseline reads the first orders only: its figures are compared per 1,000 orders (ours are flat in N,
# 0.64 CPU s from 20,000 to 1M), and reading all of 1M twice doubled an hour-long run. `--baseline-orders`.
BASELINE_ORDERS = 200_000
OTHER_FAMILIES = ["reference", "catalog", "customers", "stock"]


def phase_ours(url: str, warehouse: Path) -> dict[str, Any]:
    pipeline = centra_pipeline(warehouse)
    load(pipeline, centra_source(graphql_url=url, api_token=TOKEN, api="graphql", rate_limit_share=1.0,
                                 resources=["orders"]))  # fmt: skip
    return {"orders": _count(warehouse, "centra_raw.orders")}


def phase_naive(url: str, warehouse: Path, max_orders: int = BASELINE_ORDERS) -> dict[str, Any]:
    query = query_text("orders")

    @dlt.resource(name="orders")
    def orders() -> Any:
        after, read = None, 0
        with httpx.Client(timeout=120) as client:
            while read < max_orders:
                variables = {"where": None, "first": min(NAIVE_PAGE, max_orders - read), "after": after}
                response = client.post(url, json={"query": query, "variables": variables},
                                       headers={"Authorization": f"Bearer {TOKEN}"})  # fmt: skip
                connection = response.json()["data"]["orderConnection"]
                nodes = [edge["node"] for edge in connection["edges"]]
                read += len(nodes)
                yield nodes
                if not connection["pageInfo"]["hasNextPage"]:
                    return
                after = connection["pageInfo"]["endCursor"]

    pipeline = dlt.pipeline("naive", destination=dlt.destinations.duckdb(str(warehouse)), dataset_name="naive",
                            pipelines_dir=str(warehouse.parent / ".naive.dlt"))  # fmt: skip
    pipeline.run(orders())
    return {"orders": _count(warehouse, "naive.orders")}


def phase_build(url: str, warehouse: Path) -> dict[str, Any]:
    load(centra_pipeline(warehouse), centra_source(graphql_url=url, api_token=TOKEN, api="graphql",
                                                   rate_limit_share=1.0, resources=OTHER_FAMILIES))  # fmt: skip
    peak_before = peak_rss_mb()
    cpu, started = cpu_seconds(), time.perf_counter()
    with duckdb.connect(str(warehouse)) as connection:
        report = build_reporting(connection, BuildParams())
    return {"orders": report.rows["fct_orders"], "seconds": time.perf_counter() - started,
            "cpu_seconds": cpu_seconds() - cpu, "peak_before_build_mb": peak_before}  # fmt: skip


def phase_incremental(url: str, warehouse: Path) -> dict[str, Any]:
    """One flow run after a change set, end to end (extract, build, checks, publish), Prefect included."""
    return timed_flow_run(url, warehouse)


PHASES = {"ours": phase_ours, "naive": phase_naive, "build": phase_build, "incremental": phase_incremental}


def _count(warehouse: Path, table: str) -> int:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        row = connection.execute(f"SELECT count(*) FROM {table}").fetchone()
    return int(row[0]) if row else 0


def run_phase(name: str, url: str, warehouse: Path, baseline_orders: int = BASELINE_ORDERS) -> dict[str, Any]:
    """Run one phase in this (child) process and report its own figures."""
    cpu, started = cpu_seconds(), time.perf_counter()
    figures = (
        phase_naive(url, warehouse, baseline_orders) if name == "naive" else PHASES[name](url, warehouse)
    )
    figures.setdefault("seconds", time.perf_counter() - started)
    figures.setdefault("cpu_seconds", cpu_seconds() - cpu)
    figures["peak_rss_mb"] = peak_rss_mb()
    return figures


def in_child(name: str, url: str, warehouse: Path, *extra: str) -> dict[str, Any]:
    return run_in_child("bench.local_overhead", name, "--url", url, "--warehouse", str(warehouse), *extra)


def api_seconds_per_1000_orders(complexity_per_order: float) -> float:
    """How long Centra's default quotas make 1,000 orders take once the buckets are drained."""
    quotas = RateLimitQuotas()
    per_second = min(quotas.complexity_10s / 10, quotas.complexity_1h / 3600)
    return 1000 * complexity_per_order / per_second


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--phase", choices=sorted(PHASES))
    parser.add_argument("--url")
    parser.add_argument("--warehouse", type=Path)
    parser.add_argument("--no-record", action="store_true")
    parser.add_argument("--no-baseline", action="store_true", help="skip the naive baseline")
    parser.add_argument(
        "--baseline-orders",
        type=int,
        default=BASELINE_ORDERS,
        help="orders the baseline reads (the first ones)",
    )
    parser.add_argument("--changed-orders", type=int, default=1000, help="incremental phase: orders changed")
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(run_phase(args.phase, args.url, args.warehouse, args.baseline_orders)))
        return
    variants = ("--no-rate-limits", "--order-updated-at", "--customer-updated-at")
    with sandbox_process("--orders", str(args.orders), *variants) as sandbox, \
            tempfile.TemporaryDirectory() as folder:  # fmt: skip
        print(f"sandbox: {args.orders:,} orders generated in {sandbox.generate_seconds:.0f} s", flush=True)
        sandbox.control("DELETE", "stats")
        # A failure of `ours`, `build` or `incremental` ends the run; the baseline's is reported (below).
        ours = in_child("ours", sandbox.graphql_url, Path(folder) / "ours.duckdb")
        complexity_per_order = sandbox.control("GET", "stats")["complexity_spent"] / ours["orders"]
        build = in_child("build", sandbox.graphql_url, Path(folder) / "ours.duckdb")
        sandbox.control("POST", "change-set", change_set(args.changed_orders))
        incremental = in_child("incremental", sandbox.graphql_url, Path(folder) / "ours.duckdb")
        naive, naive_failure = None, ""  # last: the slowest phase, and the one a run can lose
        if not args.no_baseline:
            try:
                naive = in_child("naive", sandbox.graphql_url, Path(folder) / "baseline.duckdb",
                                 "--baseline-orders", str(args.baseline_orders))  # fmt: skip
            except PhaseFailedError as failure:  # a figure too: the rest of the run still counts
                print(failure, flush=True)
                naive_failure = f"naive_failed={str(failure).splitlines()[0]!r} "
    thousands = ours["orders"] / 1000
    api = api_seconds_per_1000_orders(complexity_per_order)
    ours_cpu = ours["cpu_seconds"] / thousands
    baseline = naive_failure
    if naive is not None:
        naive_thousands = naive["orders"] / 1000
        naive_cpu = naive["cpu_seconds"] / naive_thousands
        wall_ratio = (naive["seconds"] / naive_thousands) / (ours["seconds"] / thousands)  # per 1,000 orders
        baseline = (
            f"naive_orders={naive['orders']} naive_seconds={naive['seconds']:.0f} naive_cpu_per_1000={naive_cpu:.2f}s "
            f"naive_peak_rss_mb={naive['peak_rss_mb']:.0f} naive_over_ours_wall_per_order={wall_ratio:.2f} "
            f"naive_over_ours_cpu={naive_cpu / ours_cpu:.2f} "
        )
    summary = (
        f"orders={ours['orders']} extract_load_seconds={ours['seconds']:.0f} extract_load_cpu_per_1000={ours_cpu:.2f}s "
        f"extract_load_peak_rss_mb={ours['peak_rss_mb']:.0f} {baseline}"
        f"build_seconds={build['seconds']:.1f} build_cpu_per_1000={build['cpu_seconds'] / thousands:.3f}s "
        f"build_peak_rss_mb={build['peak_rss_mb']:.0f} complexity_per_order={complexity_per_order:.0f} "
        f"api_seconds_per_1000_at_default_quotas={api:.0f} api_over_our_cpu={api / ours_cpu:.0f} "
        f"incremental_changed_orders={args.changed_orders} incremental_seconds={incremental['seconds']:.1f} "
        f"incremental_orders_reloaded={incremental['orders']} incremental_peak_rss_mb={incremental['peak_rss_mb']:.0f}"
    )
    if not args.no_record:
        record_result("local_overhead", summary.replace(" ", ", "))
    print(summary)


if __name__ == "__main__":
    try:
        main()
    except PhaseFailedError as failure:
        raise SystemExit(str(failure)) from None
