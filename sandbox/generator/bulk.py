"""Bulk loading of generated rows: rows buffer as dicts, then go into DuckDB as one Arrow table per flush.

Rows carry plain Python values so the generator stays fast: timestamps are epoch seconds (UTC) and a
`DECIMAL(p, s)` value is an integer scaled by 10**s (cents for money, micro-units for rates). The scaling is
undone in SQL, exactly, while inserting.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from operator import itemgetter
from typing import Any

import pyarrow as pa

from sandbox.store import Store

_DECIMAL = re.compile(r"DECIMAL\((\d+),\s*(\d+)\)")
_ARROW_TYPES = {
    "INTEGER": pa.int64(),
    "BIGINT": pa.int64(),
    "VARCHAR": pa.string(),
    "BOOLEAN": pa.bool_(),
    "TIMESTAMP": pa.timestamp("s"),
}


def _column_types(store: Store, table: str) -> list[tuple[str, str]]:
    rows = store.rows(
        "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index",
        [table],
    )
    return [(row["column_name"], row["data_type"]) for row in rows]


def _staged(column: str, data_type: str) -> tuple[pa.DataType, str]:
    """The Arrow type a column is staged as, and the SQL expression turning it into the table's type."""
    decimal = _DECIMAL.fullmatch(data_type)
    if decimal:
        scale = int(decimal.group(2))
        unit = "1" if scale == 0 else "0." + "0" * (scale - 1) + "1"
        return pa.int64(), f"CAST({column} * {unit} AS {data_type})"
    return _ARROW_TYPES[data_type], column


def insert_columns(store: Store, table: str, columns: Mapping[str, list[Any]]) -> None:
    """Insert column lists (every column of `table`, in any order) in one statement."""
    schema = _column_types(store, table)
    names = [name for name, _ in schema]
    if set(columns) != set(names):
        missing, extra = sorted(set(names) - set(columns)), sorted(set(columns) - set(names))
        raise ValueError(f"{table}: columns do not match the schema (missing {missing}, unexpected {extra})")
    arrays, expressions = {}, []
    for name, data_type in schema:
        arrow_type, expression = _staged(name, data_type)
        arrays[name] = pa.array(columns[name], type=arrow_type)
        expressions.append(expression)
    staged = pa.table(arrays)
    view = f"staged_{table}"
    with store.lock:
        store.connection.register(view, staged)
        try:
            store.connection.execute(
                f"INSERT INTO {table} ({', '.join(names)}) SELECT {', '.join(expressions)} FROM {view}"
            )
        finally:
            store.connection.unregister(view)


def insert_rows(store: Store, table: str, rows: Iterable[Mapping[str, Any]]) -> None:
    """Insert dict rows (each holding every column of `table`)."""
    rows = list(rows)
    if not rows:
        return
    names = list(rows[0])
    columns = (
        zip(*map(itemgetter(*names), rows), strict=True) if len(names) > 1 else ([r[names[0]] for r in rows],)
    )
    insert_columns(store, table, {name: list(values) for name, values in zip(names, columns, strict=True)})


class TableBuffer:
    """Collects rows for one table and inserts them in bulk once `limit` rows are waiting."""

    def __init__(self, store: Store, table: str, limit: int = 50_000) -> None:
        self.store = store
        self.table = table
        self.limit = limit
        self.rows: list[dict[str, Any]] = []

    def append(self, row: dict[str, Any]) -> None:
        self.rows.append(row)
        if len(self.rows) >= self.limit:
            self.flush()

    def flush(self) -> None:
        insert_rows(self.store, self.table, self.rows)
        self.rows = []
