"""A DuckDB table as a polars LazyFrame that reads only the columns a plan uses.

Each scan opens its own cursor, so one plan may scan the same table twice, or two tables at once, without
sharing a DuckDB result (one connection can not stream two results concurrently).
"""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
import polars as pl
from polars.io.plugins import register_io_source

BATCH_ROWS = 1_000_000


def scan_table(connection: duckdb.DuckDBPyConnection, qualified_name: str) -> pl.LazyFrame:
    schema = connection.cursor().sql(f"SELECT * FROM {qualified_name} LIMIT 0").pl().schema

    def batches(
        with_columns: list[str] | None, predicate: pl.Expr | None, n_rows: int | None, batch_size: int | None
    ) -> Iterator[pl.DataFrame]:
        columns = with_columns if with_columns is not None else list(schema)
        selected = ", ".join(_identifier(column) for column in columns) or "1 AS _no_column"
        # a row limit applies after the predicate, which polars evaluates here
        limit = f" LIMIT {int(n_rows)}" if n_rows is not None and predicate is None else ""
        remaining = n_rows
        cursor = connection.cursor()
        try:
            reader = cursor.sql(f"SELECT {selected} FROM {qualified_name}{limit}").to_arrow_reader(
                batch_size or BATCH_ROWS
            )
            for batch in iter(reader.read_next_batch, None):
                frame = pl.DataFrame(pl.from_arrow(batch)).select(columns)
                if predicate is not None:
                    frame = frame.filter(predicate)
                if remaining is not None:
                    frame = frame.head(remaining)
                    remaining -= frame.height
                yield frame
                if remaining == 0:
                    return
        finally:
            cursor.close()

    return register_io_source(batches, schema=schema, is_pure=True)


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
