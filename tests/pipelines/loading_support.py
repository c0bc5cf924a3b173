"""Helpers for load tests: run the source against a sandbox into a DuckDB file, read tables back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from pipelines.centra import centra_source
from pipelines.loading import centra_pipeline, load_until_current
from sandbox.server import RunningSandbox
from tests.conftest import GENEROUS_QUOTAS as GENEROUS_QUOTAS  # re-exported for the load tests

ORDER_FAMILY = {
    "orders": "orders",
    "orders__lines": "order_lines",
    "orders__shipments": "shipments",
    "orders__shipments__lines": "shipment_lines",
    "orders__returns": "returns",
    "orders__returns__lines": "return_lines",
}


def run_load(sandbox: RunningSandbox, warehouse: Path, **source_args: Any) -> dict[str, Any]:
    """Load into `warehouse`; return the source's state after the run (strategies, watermarks)."""
    args: dict[str, Any] = {"graphql_url": sandbox.graphql_url, "api_token": "sandbox-token",
                            "rate_limit_share": 1.0, **source_args}  # fmt: skip
    pipeline = centra_pipeline(warehouse)
    load_until_current(pipeline, lambda: centra_source(**args))
    state: dict[str, Any] = pipeline.state["sources"]["centra"]  # type: ignore[index]
    return state


def rows(warehouse: Path, sql: str, parameters: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.execute(sql, parameters).fetchall()


def table(warehouse: Path, name: str) -> list[tuple[Any, ...]]:
    """Every row of `centra_raw.<name>` without dlt's own columns, sorted: the table's content."""
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        columns = [c[0] for c in connection.execute(f"DESCRIBE centra_raw.{name}").fetchall()]
        kept = ", ".join(f'"{c}"' for c in columns if not c.startswith("_dlt"))
        return connection.execute(f"SELECT {kept} FROM centra_raw.{name} ORDER BY ALL").fetchall()


def count(warehouse: Path, name: str) -> int:
    return int(rows(warehouse, f"SELECT count(*) FROM centra_raw.{name}")[0][0])
