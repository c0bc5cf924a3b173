"""A DuckDB table as a polars LazyFrame that reads only the columns a plan uses (and, given a `KeyRange` or a
`KeySet`, only the rows in it: the filter is a SQL `WHERE`, so other rows never leave DuckDB).

Each scan opens its own cursor, so one plan may scan the same table twice, or two tables at once, without
sharing a DuckDB result (one connection can not stream two results concurrently).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import duckdb
import polars as pl
from polars.io.plugins import register_io_source

BATCH_ROWS = 1_000_000


@dataclass(frozen=True)
class KeyRange:
    """The rows whose `column` is at least `lower` and below `upper` (a bound of None is open); rows where it
    is NULL too when `with_nulls`."""

    column: str
    lower: object | None = None
    upper: object | None = None
    with_nulls: bool = False

    def expression(self) -> pl.Expr:
        """The same condition as a polars expression, for a frame already in memory."""
        column = pl.col(self.column)
        in_range = column.is_not_null()
        if self.lower is not None:
            in_range &= column >= self.lower
        if self.upper is not None:
            in_range &= column < self.upper
        return (in_range | column.is_null()) if self.with_nulls else in_range

    def where(self) -> str:
        """The same condition in SQL. The bounds are written as literals: with `?` parameters DuckDB does not
        skip the row groups out of range, and reading a part took 20 times as long."""
        column = sql_identifier(self.column)
        conditions = [f"{column} IS NOT NULL"]
        if self.lower is not None:
            conditions.append(f"{column} >= {sql_literal(self.lower)}")
        if self.upper is not None:
            conditions.append(f"{column} < {sql_literal(self.upper)}")
        in_range = " AND ".join(conditions)
        return f"({in_range} OR {column} IS NULL)" if self.with_nulls else in_range


@dataclass(frozen=True)
class KeySet:
    """The rows whose `column` is one of the keys listed in the table `keys_table` (one column of that name):
    the orders an incremental build rebuilds. `keys` holds the same keys, for frames already in memory."""

    column: str
    keys_table: str
    keys: pl.Series

    def expression(self) -> pl.Expr:
        return pl.col(self.column).is_in(self.keys.implode())

    def where(self) -> str:
        column = sql_identifier(self.column)
        return f"{column} IN (SELECT {column} FROM {self.keys_table})"


RowFilter = KeyRange | KeySet


def sql_literal(value: object) -> str:
    """An integer or a string as a SQL literal (a partition key is one of those)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    raise TypeError(f"a partition key must be an integer or a string, got {value!r}")


def scan_table(
    connection: duckdb.DuckDBPyConnection, qualified_name: str, rows: RowFilter | None = None
) -> pl.LazyFrame:
    schema = connection.cursor().sql(f"SELECT * FROM {qualified_name} LIMIT 0").pl().schema
    where = "" if rows is None else f" WHERE {rows.where()}"

    def batches(
        with_columns: list[str] | None, predicate: pl.Expr | None, n_rows: int | None, batch_size: int | None
    ) -> Iterator[pl.DataFrame]:
        columns = with_columns if with_columns is not None else list(schema)
        selected = ", ".join(sql_identifier(column) for column in columns) or "1 AS _no_column"
        # a row limit applies after the predicate, which polars evaluates here
        limit = f" LIMIT {int(n_rows)}" if n_rows is not None and predicate is None else ""
        remaining = n_rows
        cursor = connection.cursor()
        try:
            reader = cursor.sql(f"SELECT {selected} FROM {qualified_name}{where}{limit}").to_arrow_reader(
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


def sql_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@dataclass(frozen=True)
class StoredTable:
    """A table in DuckDB, and for one the build wrote, the polars types it was built in (restored on reading:
    DuckDB hands a timestamp back in the session's zone). `absent` are columns the stored table lacks that a
    reader gets as NULL of the given type (the canonical columns the contract lets a warehouse miss)."""

    qualified_name: str
    built_types: dict[str, pl.DataType] | None = None
    absent: tuple[tuple[str, pl.DataType], ...] = ()

    def scan(self, connection: duckdb.DuckDBPyConnection, rows: RowFilter | None = None) -> pl.LazyFrame:
        frame = scan_table(connection, self.qualified_name, rows)
        if self.absent:
            frame = frame.with_columns(pl.lit(None, dtype).alias(column) for column, dtype in self.absent)
        if self.built_types is None:
            return frame
        return frame.select(pl.col(column).cast(dtype) for column, dtype in self.built_types.items())

    def columns(self, connection: duckdb.DuckDBPyConnection) -> list[str]:
        stored = list(connection.cursor().sql(f"SELECT * FROM {self.qualified_name} LIMIT 0").columns)
        return [*stored, *(column for column, _ in self.absent)]
