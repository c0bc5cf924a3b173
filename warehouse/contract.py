"""The raw → reporting contract: what each reporting table reads from `centra_raw`, checked before a build.

A reporting table names the canonical tables it reads (`ReportingTable.canonical_inputs`); which of their
columns it reads is derived from the table function itself: every table is run once on empty inputs of the
canonical shape (`warehouse/canonical.py`), and each input records the columns polars asks it for (the same
projection a real build pushes down to DuckDB). So the list can not drift from the code, and a function that
reads a name the canonical definitions lack fails here, on empty frames, before any data is touched.

`check_inputs` compares that list with the warehouse: every table exists, and every column a reporting table
reads exists with a compatible type. An optional column (`canonical.OPTIONAL_COLUMNS`) may be absent: the
build reads it as NULL, as it does on every row the Order API served. Anything else is a `Problem` the build
reports all at once, before it writes anything.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import duckdb
import polars as pl
from polars.exceptions import ColumnNotFoundError
from polars.io.plugins import register_io_source

from warehouse.canonical import (
    CANONICAL,
    DUCKDB_TYPES,
    OPTIONAL_COLUMNS,
    POLARS_TYPES,
    RAW_SCHEMA,
    TABLES_MODULE,
    canonical_schema,
    column_types,
    is_compatible,
)
from warehouse.registry import BuildParams, Registry, previous_version

RELOAD = "reload the canonical tables in their current shape: `centra-elt run --full-refresh`"
LOAD = (
    "load a missing table with the Centra pipeline (`centra-elt run`, or the family that writes it); a "
    "table the API token may not read stays absent (`centra-elt doctor` names the permission)"
)
FIX_REGISTRY = f"name a table defined in {TABLES_MODULE} or a registered reporting table"


class ContractError(ValueError):
    """A reporting table reads something the canonical definitions do not hold (a defect in `warehouse/`)."""


@dataclass(frozen=True)
class Problem:
    table: str  # `centra_raw.<table>` or `centra_raw.<table>.<column>`, or a reporting table's input
    expected: str
    found: str
    read_by: tuple[str, ...]
    remedy: str

    def __str__(self) -> str:
        return (
            f"{self.table}: expected {self.expected}, found {self.found} (read by {', '.join(self.read_by)})"
        )


@dataclass
class InputCheck:
    """What a build may read: the problems (none: build), and the optional columns absent per table."""

    problems: list[Problem] = field(default_factory=list)
    absent_optional: dict[str, dict[str, pl.DataType]] = field(default_factory=dict)
    present_tables: set[str] = field(default_factory=set)

    def message(self) -> str:
        listed = "\n".join(f"- {problem}" for problem in self.problems)
        remedies = "; ".join(dict.fromkeys(problem.remedy for problem in self.problems))
        return (
            f"the warehouse's {RAW_SCHEMA} tables do not hold what the reporting tables read "
            f"(nothing was built; the reporting tables and the published snapshot are as they were):\n"
            f"{listed}\nTo fix: {remedies}."
        )


def columns_read(registry: Registry) -> dict[str, dict[str, tuple[str, ...]]]:
    """Per reporting table, per canonical table it reads, the columns it reads (in canonical order).

    ContractError when a table names an unknown input or reads a column no canonical table defines."""
    return {table: dict(reads) for table, reads in _columns_read(registry, _signature(registry))}


def _signature(registry: Registry) -> tuple[str, ...]:
    return tuple(spec.name for spec in registry.ordered())


@functools.lru_cache(maxsize=16)
def _columns_read(
    registry: Registry, names: tuple[str, ...]
) -> tuple[tuple[str, tuple[tuple[str, tuple[str, ...]], ...]], ...]:
    """`columns_read`, cached per registry and its tables (running 15 tables on empty frames takes ~0.3 s)."""
    unknown = registry.unknown_inputs()
    if unknown:
        listed = "; ".join(f"{table} reads {', '.join(names)}" for table, names in unknown.items())
        raise ContractError(f"unknown inputs: {listed}: {FIX_REGISTRY}")
    params = BuildParams()
    built: dict[str, dict[str, pl.DataType]] = {}
    result = []
    for name in names:
        spec = registry[name]
        asked: dict[str, set[str]] = {}
        inputs: dict[str, pl.LazyFrame] = {}
        for upstream in spec.inputs:
            if upstream in CANONICAL:
                inputs[upstream] = _recording_scan(canonical_schema(CANONICAL[upstream]), asked, upstream)
            elif upstream == previous_version(spec.name):
                inputs[upstream] = pl.LazyFrame(schema=dict(spec.schema or {}))
            else:
                inputs[upstream] = pl.LazyFrame(schema=built[upstream])
        try:
            built[name] = dict(spec.build(inputs, params).collect().schema)
        except ColumnNotFoundError as error:
            first_line = str(error).splitlines()[0]
            raise ContractError(
                f"reporting table {name} reads a column its inputs do not have ({first_line}): the canonical "
                f"columns are defined in {TABLES_MODULE}"
            ) from error
        reads = tuple(
            (table, tuple(column for column in column_types(table) if column in asked.get(table, set())))
            for table in spec.canonical_inputs
        )
        result.append((name, reads))
    return tuple(result)


def _recording_scan(schema: dict[str, pl.DataType], asked: dict[str, set[str]], name: str) -> pl.LazyFrame:
    """An empty table of `schema` that records in `asked[name]` the columns a plan reads from it."""

    def batches(
        with_columns: list[str] | None, predicate: pl.Expr | None, n_rows: int | None, batch_size: int | None
    ) -> Iterator[pl.DataFrame]:
        columns = list(schema) if with_columns is None else with_columns
        asked.setdefault(name, set()).update(columns)
        yield pl.DataFrame(schema={column: schema[column] for column in columns})

    return register_io_source(batches, schema=schema, is_pure=True)


def check_inputs(connection: duckdb.DuckDBPyConnection, registry: Registry) -> InputCheck:
    """Every canonical table and column the registry's tables read, against what `centra_raw` holds."""
    reads = columns_read(registry)
    stored = _stored_columns(connection)
    optional_tables = registry.optional_raw_inputs()
    check = InputCheck(present_tables=set(stored))
    readers: dict[str, dict[str, list[str]]] = {}  # table -> column -> reporting tables
    table_readers: dict[str, list[str]] = {}
    for reporting, tables in reads.items():
        for table, columns in tables.items():
            table_readers.setdefault(table, []).append(reporting)
            for column in columns:
                readers.setdefault(table, {}).setdefault(column, []).append(reporting)
    for table, by in sorted(table_readers.items()):
        if table not in stored:
            if table not in optional_tables:
                check.problems.append(Problem(f"{RAW_SCHEMA}.{table}", "a table", "none", tuple(by), LOAD))
            continue
        types = column_types(table)
        for column, by_column in readers.get(table, {}).items():
            found = stored[table].get(column)
            if found is None and column in OPTIONAL_COLUMNS.get(table, frozenset()):
                check.absent_optional.setdefault(table, {})[column] = POLARS_TYPES[types[column]]
            elif found is None or not is_compatible(types[column], found):
                check.problems.append(
                    Problem(
                        f"{RAW_SCHEMA}.{table}.{column}",
                        f"{DUCKDB_TYPES[types[column]]} (`{types[column]}` in {TABLES_MODULE})",
                        "no such column" if found is None else found,
                        tuple(by_column),
                        RELOAD,
                    )
                )
    return check


def _stored_columns(connection: duckdb.DuckDBPyConnection) -> dict[str, dict[str, str]]:
    stored: dict[str, dict[str, str]] = {}
    for table, column, data_type in connection.execute(
        "SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = ? "
        "ORDER BY table_name, ordinal_position",
        [RAW_SCHEMA],
    ).fetchall():
        stored.setdefault(table, {})[column] = data_type
    return stored


def reads_markdown(reads: Mapping[str, tuple[str, ...]]) -> str:
    """`orders` (`order_number`, `status`), ... for the data dictionary."""
    return "; ".join(
        f"`{table}` ({', '.join(f'`{c}`' for c in columns)})" for table, columns in reads.items()
    )
