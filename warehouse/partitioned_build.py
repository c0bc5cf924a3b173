"""Build a table that declares `partition_by` in parts, so only one part's rows are ever in memory.

The parts are ranges of the partition column (`keys_per_part` distinct values each, taken from the first
input that carries the column; the first part also takes NULLs and anything below, the last anything above).
Each input that carries the column is read from DuckDB filtered to the part's range; the others, and the
table's `whole_history` frames (computed once from the whole inputs, and filtered in memory when they carry
the column), are passed whole. Each part is checked and appended to the staging table; the key is then
checked across the parts in DuckDB. The result equals `ReportingTable.build` on the whole inputs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import duckdb
import polars as pl

from warehouse.duckdb_scan import KeyRange, RowFilter, StoredTable, sql_identifier
from warehouse.registry import BuildParams, ReportingTable

DEFAULT_KEYS_PER_PART = 100_000

# (table spec, frame, the types of the first part) -> the frame checked: columns, key within it, types
CheckPart = Callable[[ReportingTable, pl.DataFrame, dict[str, pl.DataType] | None], pl.DataFrame]
# (table spec, frame, append) -> the staged table
StagePart = Callable[[ReportingTable, pl.DataFrame, bool], StoredTable]


def part_ranges(
    connection: duckdb.DuckDBPyConnection, table: StoredTable, column: str, keys_per_part: int
) -> list[KeyRange]:
    """Consecutive ranges of `column` that together hold every row (NULLs in the first), each with up to
    `keys_per_part` of the column's distinct values in `table`."""
    if keys_per_part < 1:
        raise ValueError(f"keys_per_part must be at least 1, got {keys_per_part}")
    key = sql_identifier(column)
    starts = connection.execute(
        f"""SELECT part_start FROM (
                SELECT DISTINCT {key} AS part_start FROM {table.qualified_name} WHERE {key} IS NOT NULL
            ) QUALIFY (row_number() OVER (ORDER BY part_start) - 1) % ? = 0 ORDER BY part_start""",
        [keys_per_part],
    ).fetchall()
    boundaries = [start for (start,) in starts[1:]]
    lowers: list[object | None] = [None, *boundaries]
    uppers: list[object | None] = [*boundaries, None]
    return [
        KeyRange(column, lower, upper, with_nulls=index == 0)
        for index, (lower, upper) in enumerate(zip(lowers, uppers, strict=True))
    ]


def build_in_parts(
    connection: duckdb.DuckDBPyConnection,
    spec: ReportingTable,
    tables: Mapping[str, StoredTable],
    params: BuildParams,
    keys_per_part: int,
    *,
    check_part: CheckPart,
    stage_part: StagePart,
    parts: list[RowFilter] | None = None,
    history: Mapping[str, pl.DataFrame] | None = None,
) -> tuple[StoredTable, int]:
    """Build `spec` part by part into the staging table; return it and its row count.

    `parts`: the rows to build (an incremental build's changed orders); by default every row, in ranges of
    `keys_per_part` keys. `history`: the `whole_history` frames when the caller computed them already."""
    column = spec.partition_by
    assert column is not None
    partitioned = {name for name in spec.inputs if column in tables[name].columns(connection)}
    if not partitioned:
        raise ValueError(f"table {spec.name}: no input has its partition column {column}")
    if history is None:
        history = whole_history(connection, spec, tables, params)
    else:
        history = {name: history[name] for name in spec.whole_history}
    driving = next(name for name in spec.inputs if name in partitioned)
    staged: StoredTable | None = None
    first_types: dict[str, pl.DataType] | None = None
    rows = 0
    for part in (
        parts if parts is not None else part_ranges(connection, tables[driving], column, keys_per_part)
    ):
        inputs = {
            name: tables[name].scan(connection, part if name in partitioned else None) for name in spec.inputs
        }
        for name, frame in history.items():
            inputs[name] = (frame.filter(part.expression()) if column in frame.columns else frame).lazy()
        frame = check_part(spec, spec.function(inputs, params).collect(), first_types)
        first_types = first_types or dict(frame.schema)
        staged = stage_part(spec, frame, staged is not None)
        rows += frame.height
        del frame, inputs
    assert staged is not None  # there is always at least one part
    return staged, rows


def whole_history(
    connection: duckdb.DuckDBPyConnection,
    spec: ReportingTable,
    tables: Mapping[str, StoredTable],
    params: BuildParams,
    names: list[str] | None = None,
) -> dict[str, pl.DataFrame]:
    """`spec`'s `whole_history` frames (those in `names`, by default all), computed from its whole inputs.
    Only inputs already built are scanned: a whole-history function reads canonical tables and reporting
    tables built before `spec`, never `spec`'s other reporting inputs."""
    whole = {name: tables[name].scan(connection) for name in spec.inputs if name in tables}
    wanted = spec.whole_history if names is None else {name: spec.whole_history[name] for name in names}
    return {name: function(whole, params).collect() for name, function in wanted.items()}


def duplicate_keys(
    connection: duckdb.DuckDBPyConnection, table: StoredTable, key: tuple[str, ...], examples: int = 5
) -> tuple[int, list[dict[str, object]]]:
    """How many key values occur more than once in a stored table, and the first few of them."""
    columns = ", ".join(sql_identifier(column) for column in key)
    duplicates = f"SELECT {columns} FROM {table.qualified_name} GROUP BY ALL HAVING count(*) > 1"
    count_row = connection.execute(f"SELECT count(*) FROM ({duplicates})").fetchone()
    count = int(count_row[0]) if count_row else 0
    if not count:
        return 0, []
    first = connection.execute(f"{duplicates} ORDER BY ALL LIMIT {int(examples)}").fetchall()
    return count, [dict(zip(key, row, strict=True)) for row in first]
