"""scan_table: a DuckDB table as a LazyFrame, projected, filtered and scanned twice in one plan."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
from polars.testing import assert_frame_equal

from warehouse.duckdb_scan import scan_table


def _connection(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect(str(tmp_path / "scan.duckdb"))
    connection.execute("CREATE SCHEMA raw")
    connection.execute(
        "CREATE TABLE raw.t AS SELECT i AS id, i % 3 AS part, 'x' || i AS label FROM range(10) r(i)"
    )
    return connection


def test_a_filtered_limited_projection_reads_the_right_rows(tmp_path: Path) -> None:
    scan = scan_table(_connection(tmp_path), "raw.t")

    result = scan.filter(pl.col("part") == 1).select("id").head(2).collect()

    assert_frame_equal(result, pl.DataFrame({"id": [1, 4]}))


def test_one_plan_may_scan_the_same_table_twice(tmp_path: Path) -> None:
    scan = scan_table(_connection(tmp_path), "raw.t")

    counts = scan.group_by("part").agg(pl.len().alias("rows"))
    result = scan.join(counts, on="part").select("id", "rows").sort("id").collect()

    assert result["rows"].to_list() == [4, 3, 3, 4, 3, 3, 4, 3, 3, 4]
