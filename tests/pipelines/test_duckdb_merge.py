"""The key-only deduplicating merge (`pipelines.duckdb_merge`) leaves exactly what dlt's own merge leaves."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dlt
import duckdb

from pipelines.duckdb_merge import MEMORY_LIMIT, centra_duckdb
from pipelines.loading import centra_pipeline

TABLES = ("orders", "orders__lines", "orders__lines__parts")


def _orders(batch: list[dict[str, Any]]) -> Any:
    @dlt.resource(name="orders", primary_key="order_number", write_disposition="merge")
    def orders() -> Any:
        yield batch

    return orders()


def _order(number: int, status: str, lines: int) -> dict[str, Any]:
    return {
        "order_number": number,
        "status": status,
        "lines": [
            {"line_id": number * 10 + i, "parts": [{"line_id": number * 10 + i, "part": i}]}
            for i in range(lines)
        ],
    }


RUNS = [
    # a duplicate key within one run, nested rows included
    [_order(1, "new", 2), _order(2, "new", 1), _order(1, "new", 2), _order(3, "new", 3)],
    # an update shrinking an order's lines, a new order, an unchanged order repeated
    [_order(1, "shipped", 1), _order(4, "new", 1), _order(2, "new", 1), _order(4, "new", 1)],
]


def _contents(warehouse: Path, dataset: str) -> dict[str, list[tuple[Any, ...]]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {
            # dlt's row ids are random for root rows: natural columns only
            table: sorted(
                con.execute(f"SELECT COLUMNS(c -> c NOT LIKE '_dlt%') FROM {dataset}.{table}").fetchall()
            )
            for table in TABLES
        }


def test_same_rows_as_dlts_merge(tmp_path: Path) -> None:
    ours = centra_pipeline(tmp_path / "ours.duckdb", name="ours")
    stock = dlt.pipeline(
        "stock", destination=dlt.destinations.duckdb(str(tmp_path / "stock.duckdb")),
        dataset_name="centra_raw", pipelines_dir=str(tmp_path / ".stock"),
    )  # fmt: skip
    for batch in RUNS:
        ours.run(_orders(batch), loader_file_format="parquet").raise_on_failed_jobs()
        stock.run(_orders(batch), loader_file_format="parquet").raise_on_failed_jobs()
    mine, theirs = (
        _contents(tmp_path / "ours.duckdb", "centra_raw"),
        _contents(tmp_path / "stock.duckdb", "centra_raw"),
    )
    assert mine == theirs
    assert [row[:2] for row in mine["orders"]] == [(1, "shipped"), (2, "new"), (3, "new"), (4, "new")]
    assert len(mine["orders__lines"]) == 1 + 1 + 3 + 1


def _memory_limit(pipeline: dlt.Pipeline) -> str:
    with pipeline.sql_client() as client:
        rows = client.execute_sql("SELECT current_setting('memory_limit')")
    assert rows is not None
    return str(rows[0][0])


def test_destination_is_dlts_duckdb_with_a_memory_limit(tmp_path: Path) -> None:
    pipeline = centra_pipeline(tmp_path / "w.duckdb")
    assert pipeline.destination.destination_type == "dlt.destinations.duckdb"
    assert pipeline.destination.destination_name == "duckdb"
    pipeline.run(_orders(RUNS[0])).raise_on_failed_jobs()
    expected = duckdb.connect().execute(
        f"SET memory_limit = '{MEMORY_LIMIT}'; SELECT current_setting('memory_limit')"
    )
    assert _memory_limit(pipeline) == expected.fetchone()[0]  # type: ignore[index]


def test_users_memory_limit_wins(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setenv("DESTINATION__DUCKDB__CREDENTIALS__GLOBAL_CONFIG", '{"memory_limit": "3GB"}')
    pipeline = dlt.pipeline(
        "user", destination=centra_duckdb(str(tmp_path / "w.duckdb")), dataset_name="centra_raw",
        pipelines_dir=str(tmp_path / ".user"),
    )  # fmt: skip
    pipeline.run(_orders(RUNS[0])).raise_on_failed_jobs()
    assert _memory_limit(pipeline).startswith("2.7")  # 3 GB, shown in GiB
