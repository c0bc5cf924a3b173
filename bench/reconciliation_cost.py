"""What a reconciliation costs Centra: requests and complexity when nothing differs, and when orders differ.

The sandbox serves N orders over Y years of history (3 by default, as issue 15 asks); the warehouse holds exactly its keys (made with SQL
from the sandbox's own tables, as `build_reporting.py` makes canonical tables: a million orders would take
the pipeline 40 minutes to load, and the reconciliation reads only keys and timestamps). Then the nightly
reconciliation (every month of the history, the catalog's and the accounts' keys) runs twice over HTTP
with the product's own code (`pipelines/centra/families/reconciliation/graphql.reconcile`): on the equal
warehouse, and after `--differ` orders were made to differ (half deleted from the warehouse, half added to
it that Centra never had, on random days). Figures: requests, complexity, and that complexity as a share of
Centra's default hourly quota (docs/centra-api-reference.md §A9, the sandbox's default: 20,000,000). Quotas do not bind here:
the subject is the spend, not the wait.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import duckdb

from bench.support import record_result
from pipelines.centra.budget import RateBudget
from pipelines.centra.capabilities import detect
from pipelines.centra.families.reconciliation.graphql import ReconcileRequest, reconcile
from pipelines.centra.graphql_client import CentraGraphQLClient
from pipelines.centra.reconcile.warehouse_side import WarehouseSide
from pipelines.centra.reconcile.windows import local_date
from pipelines.centra.settings import CentraSettings
from sandbox.server import serve_in_thread
from sandbox.settings import NON_BINDING_QUOTAS, RateLimitQuotas, SandboxSettings

DATASET = "centra_raw"
# (warehouse table, SELECT from the sandbox's store giving its columns)
KEY_TABLES = {
    "orders": "SELECT order_number, created_at FROM orders",
    "orders__returns": "SELECT return_id, order_number, created_at FROM returns",
    "customers": "SELECT customer_id FROM customers",
    "products": "SELECT product_id FROM products",
    "variants": "SELECT variant_id, product_id FROM variants",
    "product_sizes": "SELECT s.product_size_id AS size_id, s.variant_id, v.product_id "
    "FROM product_sizes AS s JOIN variants AS v USING (variant_id)",
    "accounts": "SELECT account_id FROM accounts",
    "buyers": "SELECT buyer_id, account_id FROM buyers",
}


class DuckDbSqlClient:
    """The calls of dlt's SQL client the warehouse side uses, over a plain DuckDB connection."""

    def __init__(self, connection: duckdb.DuckDBPyConnection) -> None:
        self.connection = self.native_connection = connection
        self.dataset_name = DATASET

    def execute_sql(self, sql: str) -> list[tuple[Any, ...]]:
        return self.connection.execute(sql).fetchall()

    def make_qualified_table_name(self, table: str) -> str:
        return f'{DATASET}."{table}"'

    @contextmanager
    def begin_transaction(self) -> Iterator[None]:
        self.connection.execute("BEGIN")
        try:
            yield
        except BaseException:
            self.connection.execute("ROLLBACK")
            raise
        self.connection.execute("COMMIT")


def mirror_keys(store: duckdb.DuckDBPyConnection, warehouse: duckdb.DuckDBPyConnection) -> None:
    """The sandbox's keys as the warehouse's canonical tables (timestamps as UTC instants)."""
    warehouse.execute(f"CREATE SCHEMA {DATASET}")
    for table, select in KEY_TABLES.items():
        frame = store.execute(select).to_arrow_table()  # read by name below
        warehouse.execute(f'CREATE TABLE {DATASET}."{table}" AS SELECT * FROM frame')
        if "created_at" in frame.column_names:
            warehouse.execute(
                f"ALTER TABLE {DATASET}.\"{table}\" ALTER created_at TYPE TIMESTAMPTZ USING timezone('UTC', created_at)"
            )


def make_orders_differ(warehouse: duckdb.DuckDBPyConnection, count: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    numbers = [row[0] for row in warehouse.execute(f"SELECT order_number FROM {DATASET}.orders").fetchall()]
    gone = rng.sample(numbers, count // 2)
    warehouse.execute(f"DELETE FROM {DATASET}.orders WHERE order_number IN ({', '.join(map(str, gone))})")
    first, last = warehouse.execute(
        f"SELECT min(created_at), max(created_at) FROM {DATASET}.orders"
    ).fetchone()  # type: ignore[misc]
    span = (last - first).total_seconds()
    ghosts = [(10**9 + i, first + timedelta(seconds=rng.uniform(0, span))) for i in range(count - count // 2)]
    warehouse.executemany(f"INSERT INTO {DATASET}.orders VALUES (?, ?)", ghosts)


@dataclass
class Spend:
    label: str
    requests: int
    complexity: int
    seconds: float
    periods: int
    differing: int
    queued: int
    removed: int

    def line(self, hourly_quota: int) -> str:
        return (
            f"{self.label}: {self.requests} requests, complexity {self.complexity:,} "
            f"({self.complexity / hourly_quota:.3%} of the hourly quota), {self.periods} periods checked, "
            f"{self.differing} differing, {self.queued} keys queued, {self.removed} rows removed, {self.seconds:.1f} s"
        )


def measure(label: str, sandbox: Any, warehouse: duckdb.DuckDBPyConnection) -> Spend:
    settings = CentraSettings(
        graphql_url=sandbox.graphql_url, api_token=sandbox.state.settings.graphql_token,
        timezone=sandbox.state.settings.timezone,
    )  # fmt: skip
    now = sandbox.state.clock.now()
    with CentraGraphQLClient(
        settings.graphql_url or "", settings.api_token or "", budget=RateBudget(1.0)
    ) as client:
        capabilities = detect(client)
        started, before = time.perf_counter(), (client.stats.requests, client.stats.complexity)
        request = ReconcileRequest(("orders", "customers", "catalog"), nightly=True, as_of=now)
        outcome, _ = reconcile(
            client,
            settings,
            capabilities,
            request,
            WarehouseSide(DuckDbSqlClient(warehouse)),
            local_date(now, settings.timezone),
        )
        return Spend(
            label, client.stats.requests - before[0], client.stats.complexity - before[1],
            time.perf_counter() - started, len(outcome.checks), sum(not c.matched for c in outcome.checks),
            sum(len(keys) for keys in outcome.repairs.values()), sum(c.removed for c in outcome.checks),
        )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--years", type=float, default=3.0, help="the sandbox's history (issue 15: 3 years)")
    parser.add_argument("--differ", type=int, default=100, help="orders made to differ in the second run")
    parser.add_argument("--no-record", action="store_true", help="do not add the figures to bench/README.md")
    args = parser.parse_args()
    hourly_quota = RateLimitQuotas().complexity_1h
    started = time.perf_counter()
    settings = SandboxSettings(
        orders=args.orders,
        quotas=NON_BINDING_QUOTAS,
        clock_follows_real_time=False,
        history_days=round(args.years * 365),
    )
    with serve_in_thread(settings) as sandbox, TemporaryDirectory() as folder:
        print(
            f"sandbox with {args.orders:,} orders ready in {time.perf_counter() - started:.0f} s", flush=True
        )
        with duckdb.connect(str(Path(folder) / "warehouse.duckdb")) as warehouse:
            mirror_keys(sandbox.state.store.connection, warehouse)
            equal = measure("nothing differs", sandbox, warehouse)
            print(equal.line(hourly_quota), flush=True)
            make_orders_differ(warehouse, args.differ)
            differing = measure(f"{args.differ} orders differ", sandbox, warehouse)
            print(differing.line(hourly_quota), flush=True)
    if not args.no_record:
        record_result(
            "reconciliation_cost",
            f"orders={args.orders:,} over {args.years:g} years (nightly scope); "
            + "; ".join(spend.line(hourly_quota) for spend in (equal, differing)),
        )


if __name__ == "__main__":
    main()
