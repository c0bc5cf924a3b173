"""Build the `reporting` schema from the canonical `centra_raw` tables; publish it in one transaction.

Each table is written to a staging schema as soon as it is built and checked, and later tables read it
back from there, so only one table's frame is in memory at a time (a 1M-order build held every frame
until the end and peaked above 3 GB). The staged tables replace `reporting.*` in one transaction at the
end: a failed build leaves the previous `reporting` tables as they were, and the staging schema is dropped.
A table that declares `partition_by` is built in parts of `keys_per_part` keys (`warehouse.partitioned_build`),
so only one part's rows are in memory: 3M order lines built at once held ~2.8 GB at peak.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field

import duckdb
import polars as pl

import warehouse.tables  # noqa: F401  (registering the tables is importing them)
from warehouse import checks as quality
from warehouse import incremental
from warehouse.build_state import definition
from warehouse.canonical import RAW_SCHEMA
from warehouse.contract import ContractError, InputCheck, check_inputs
from warehouse.duckdb_scan import KeySet, StoredTable, scan_table
from warehouse.partitioned_build import DEFAULT_KEYS_PER_PART, build_in_parts, duplicate_keys
from warehouse.registry import (
    REGISTRY,
    REPORTING_SCHEMA,
    BuildParams,
    Registry,
    ReportingTable,
    previous_version,
)

STAGING_SCHEMA = "reporting_staging"
EMPTY_INPUTS_SCHEMA = "reporting_empty_inputs"  # optional inputs not written yet, while a build reads them
_STAGED_FRAME = "_reporting_build_frame"


class BuildError(RuntimeError):
    """A reporting build that can not finish; nothing was written."""


@dataclass
class BuildReport:
    rows: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    total_seconds: float = 0.0
    checks: list[quality.CheckResult] | None = None  # set when built with run_checks=True
    # optional canonical columns the warehouse lacks, read as NULL (`warehouse.canonical.OPTIONAL_COLUMNS`)
    absent_optional_columns: dict[str, list[str]] = field(default_factory=dict)
    # None when the build was incremental; else why it rebuilt every table whole (`warehouse.incremental`)
    full_build_reason: str | None = None
    rebuilt_orders: int | None = None  # orders an incremental build rebuilt in the order-grain tables
    fingerprint_seconds: float = 0.0  # finding what changed (`warehouse.incremental`), in either mode
    publish_seconds: float = 0.0  # the one transaction that replaces `reporting` and records the build

    @property
    def incremental(self) -> bool:
        return self.full_build_reason is None


def build_reporting(
    connection: duckdb.DuckDBPyConnection,
    params: BuildParams | None = None,
    registry: Registry = REGISTRY,
    *,
    run_checks: bool = False,
    recency_hours: int = quality.DEFAULT_RECENCY_HOURS,
    keys_per_part: int = DEFAULT_KEYS_PER_PART,
    full_refresh: bool = False,
) -> BuildReport:
    """Build every registered table, check its key and columns, then write all of them and their comments.

    Tables are staged as they are built; `reporting.*` is replaced only after every table is built and
    checked, in one transaction: a failed build leaves the previous `reporting` tables as they were. An
    accumulating table gets its stored version as the input `reporting.<name>` (an empty frame of its
    schema when it does not exist yet).

    With `run_checks`, the data-quality checks (`warehouse.checks`) run on the written tables for
    `params.as_of` and land in `report.checks`; a failed check does not fail the build (the caller decides).
    `recency_hours`: the newest order older than this is a warning
    (`warehouse/check_queries/recency_orders.sql`).
    A table with `partition_by` is built `keys_per_part` partition keys at a time; the result is the same.

    Incremental (`warehouse.incremental`): when an earlier build recorded what it was made from, the
    order-grain tables are rebuilt only for the orders that changed since, and every other table whole; the
    result equals a full build. `full_refresh` (or no record, or a changed order-grain table definition)
    rebuilds every table whole; `report.full_build_reason` says why.
    """
    params = params or BuildParams()
    started = time.perf_counter()
    report = BuildReport()
    inputs = _checked_inputs(connection, registry)
    report.absent_optional_columns = {name: sorted(absent) for name, absent in inputs.absent_optional.items()}
    tables = _raw_tables(connection, inputs, registry.optional_raw_inputs())
    definitions = {spec.name: definition(spec, params) for spec in registry.ordered()}
    report.full_build_reason = (
        "a full refresh was asked for"
        if full_refresh
        else incremental.full_build_reason(connection, registry, definitions)
    )
    connection.execute(f"DROP SCHEMA IF EXISTS {STAGING_SCHEMA} CASCADE")  # left by a killed build
    connection.execute(f"CREATE SCHEMA {STAGING_SCHEMA}")
    try:
        built: list[str] = []
        history: dict[str, pl.DataFrame] | None = None
        affected: KeySet | None = None
        for spec in registry.ordered():
            table_started = time.perf_counter()
            if incremental.by_orders(spec) and history is None:
                fingerprint_started = time.perf_counter()
                history = incremental.order_history(connection, registry, tables, params)
                incremental.stage_fingerprints(connection, STAGING_SCHEMA, registry, history)
                if report.incremental:
                    affected = incremental.stage_affected_orders(connection, STAGING_SCHEMA)
                    if affected.keys.len() > keys_per_part:  # as many as a full build's part: build whole
                        report.full_build_reason = (
                            f"{affected.keys.len()} orders changed, more than the {keys_per_part} of one part"
                        )
                        affected = None
                    else:
                        report.rebuilt_orders = affected.keys.len()
                report.fingerprint_seconds = time.perf_counter() - fingerprint_started
            if spec.partition_by is None:
                tables[spec.name], report.rows[spec.name] = _build_whole(connection, spec, tables, params)
            else:
                by_orders = incremental.by_orders(spec)
                tables[spec.name], report.rows[spec.name] = build_in_parts(
                    connection,
                    spec,
                    tables,
                    params,
                    keys_per_part,
                    check_part=check_table,
                    stage_part=lambda spec, frame, append: _stage(
                        connection, spec.name, frame, append=append
                    ),
                    parts=[affected] if affected is not None and by_orders else None,
                    history=history if by_orders else None,
                )
                if affected is not None and by_orders:
                    _check_rebuilt_keys(connection, spec, tables[spec.name])
                    tables[spec.name] = incremental.merged(
                        connection, STAGING_SCHEMA, spec, tables[spec.name]
                    )
                    report.rows[spec.name] = _count(connection, tables[spec.name])
                else:
                    _check_key_across_parts(connection, spec, tables[spec.name])
            built.append(spec.name)
            report.seconds[spec.name] = time.perf_counter() - table_started
        if history is None:  # no order-grain table registered: fingerprints of the orders alone
            incremental.stage_fingerprints(connection, STAGING_SCHEMA, registry, {})
        rebuilt = {name for name in built if affected is not None and incremental.by_orders(registry[name])}
        publish_started = time.perf_counter()
        _publish(connection, registry, built, rebuilt, definitions, by_changed_orders=affected is not None)
        report.publish_seconds = time.perf_counter() - publish_started
    finally:
        connection.execute(f"DROP SCHEMA IF EXISTS {STAGING_SCHEMA} CASCADE")
        connection.execute(f"DROP SCHEMA IF EXISTS {EMPTY_INPUTS_SCHEMA} CASCADE")
    if run_checks:
        report.checks = quality.run_checks(connection, params.as_of, recency_hours, registry=registry)
    report.total_seconds = time.perf_counter() - started
    return report


def _build_whole(
    connection: duckdb.DuckDBPyConnection,
    spec: ReportingTable,
    tables: dict[str, StoredTable],
    params: BuildParams,
) -> tuple[StoredTable, int]:
    """Build a table in one go and stage it; return the staged table and its row count."""
    inputs = {
        name: tables[name].scan(connection) for name in spec.inputs if name != previous_version(spec.name)
    }
    if spec.accumulates:
        inputs[previous_version(spec.name)] = _read_previous_version(connection, spec)
    frame = check_table(spec, spec.build(inputs, params).collect())
    return _stage(connection, spec.name, frame), frame.height


def _checked_inputs(connection: duckdb.DuckDBPyConnection, registry: Registry) -> InputCheck:
    """The contract check (`warehouse.contract`): BuildError naming every table and column that is missing
    or of the wrong type, before anything is staged or written."""
    try:
        check = check_inputs(connection, registry)
    except ContractError as error:
        raise BuildError(str(error)) from error
    if check.problems:
        raise BuildError(check.message())
    return check


def _raw_tables(
    connection: duckdb.DuckDBPyConnection,
    check: InputCheck,
    optional: Mapping[str, Mapping[str, pl.DataType]],
) -> dict[str, StoredTable]:
    tables = {
        name: StoredTable(f'{RAW_SCHEMA}."{name}"', absent=tuple(check.absent_optional.get(name, {}).items()))
        for name in check.present_tables
    }
    for name, types in optional.items():
        if name not in check.present_tables:  # not written yet: an empty table of the declared columns
            empty = pl.DataFrame(schema=dict(types))  # noqa: F841  # read by name below
            connection.execute(f"CREATE SCHEMA IF NOT EXISTS {EMPTY_INPUTS_SCHEMA}")
            connection.execute(
                f'CREATE OR REPLACE TABLE {EMPTY_INPUTS_SCHEMA}."{name}" AS SELECT * FROM empty'
            )
            tables[name] = StoredTable(f'{EMPTY_INPUTS_SCHEMA}."{name}"')
    return tables


def _read_previous_version(connection: duckdb.DuckDBPyConnection, spec: ReportingTable) -> pl.LazyFrame:
    """The stored `reporting.<name>` in the table's schema: a column it lacks comes back empty."""
    assert spec.schema is not None  # the registry refuses an accumulating table without one
    stored = {
        row[0]
        for row in connection.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND table_name = ?",
            [REPORTING_SCHEMA, spec.name],
        ).fetchall()
    }
    if not stored:
        return pl.LazyFrame(schema=dict(spec.schema))
    return scan_table(connection, f'{REPORTING_SCHEMA}."{spec.name}"').select(
        # a cast keeps the instant of a timestamp DuckDB hands back in the session's zone
        pl.col(column).cast(dtype) if column in stored else pl.lit(None, dtype=dtype).alias(column)
        for column, dtype in spec.schema.items()
    )


def check_table(
    spec: ReportingTable, frame: pl.DataFrame, built_types: dict[str, pl.DataType] | None = None
) -> pl.DataFrame:
    """The frame in the registry's column order, or BuildError on an undescribed column, a duplicate key or
    (for a table that declares its schema, or a part of a table whose first part was `built_types`) a column
    of another type."""
    undescribed = [column for column in frame.columns if column not in spec.columns]
    if undescribed:
        raise BuildError(f"reporting.{spec.name}: columns {undescribed} are not described in the registry")
    absent = [column for column in spec.columns if column not in frame.columns]
    if absent:
        raise BuildError(f"reporting.{spec.name}: described columns {absent} were not built")
    key = list(spec.key)
    duplicates = frame.group_by(key).len().filter(pl.col("len") > 1).sort(key)
    if duplicates.height:
        raise _duplicate_key_error(spec, duplicates.height, duplicates.head(5).to_dicts())
    frame = frame.select(list(spec.columns))
    if spec.schema is not None and dict(frame.schema) != dict(spec.schema):
        raise BuildError(
            f"reporting.{spec.name}: built types {dict(frame.schema)} differ from the registry's {dict(spec.schema)}"
        )
    if built_types is not None and dict(frame.schema) != built_types:
        raise BuildError(
            f"reporting.{spec.name}: a part was built in types {dict(frame.schema)}, the first in {built_types}"
        )
    return frame


def _check_key_across_parts(
    connection: duckdb.DuckDBPyConnection, spec: ReportingTable, staged: StoredTable
) -> None:
    count, examples = duplicate_keys(connection, staged, spec.key)
    if count:
        raise _duplicate_key_error(spec, count, examples)


def _check_rebuilt_keys(
    connection: duckdb.DuckDBPyConnection, spec: ReportingTable, staged: StoredTable
) -> None:
    """The rebuilt rows' keys among themselves, and against the rows kept from the last build."""
    _check_key_across_parts(connection, spec, staged)
    clashes = incremental.clashing_keys(connection, STAGING_SCHEMA, spec, staged)
    if clashes:
        raise BuildError(
            f"reporting.{spec.name}: {clashes} rebuilt row(s) hold a key of ({', '.join(spec.key)}) that a row of "
            f"another order holds, grain '{spec.grain}' — run with --full-refresh"
        )


def _count(connection: duckdb.DuckDBPyConnection, table: StoredTable) -> int:
    row = connection.execute(f"SELECT count(*) FROM {table.qualified_name}").fetchone()
    return int(row[0]) if row else 0


def _duplicate_key_error(spec: ReportingTable, count: int, examples: list[dict[str, object]]) -> BuildError:
    listed = "; ".join(", ".join(f"{column}={row[column]!r}" for column in spec.key) for row in examples)
    return BuildError(
        f"reporting.{spec.name}: {count} duplicate key value(s) of ({', '.join(spec.key)}), "
        f"grain '{spec.grain}': {listed}"
    )


def _stage(
    connection: duckdb.DuckDBPyConnection, name: str, frame: pl.DataFrame, *, append: bool = False
) -> StoredTable:
    """Write a built table (or append a part of one) to the staging schema; return it as a stored table."""
    staged = f'{STAGING_SCHEMA}."{name}"'
    connection.register(_STAGED_FRAME, frame.to_arrow())
    try:
        if append:
            connection.execute(f"INSERT INTO {staged} SELECT * FROM {_STAGED_FRAME}")
        else:
            connection.execute(f"CREATE TABLE {staged} AS SELECT * FROM {_STAGED_FRAME}")
    finally:
        connection.unregister(_STAGED_FRAME)
    return StoredTable(staged, dict(frame.schema))


def _publish(
    connection: duckdb.DuckDBPyConnection,
    registry: Registry,
    names: list[str],
    rebuilt: set[str],
    definitions: Mapping[str, str],
    *,
    by_changed_orders: bool,
) -> None:
    """In one transaction: replace `reporting.*` with the staged tables and comment them, or for a table in
    `rebuilt`, replace the rebuilt orders' rows; then record what the build was made from."""
    connection.execute("BEGIN TRANSACTION")
    try:
        connection.execute(f"CREATE SCHEMA IF NOT EXISTS {REPORTING_SCHEMA}")
        for name in names:
            if name in rebuilt:
                incremental.apply_rebuilt_orders(connection, STAGING_SCHEMA, name)
                continue
            connection.execute(
                f'CREATE OR REPLACE TABLE {REPORTING_SCHEMA}."{name}" AS SELECT * FROM {STAGING_SCHEMA}."{name}"'
            )
            _write_comments(connection, registry[name])
        incremental.write_state(connection, STAGING_SCHEMA, definitions, rebuilt_only=by_changed_orders)
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise


def _write_comments(connection: duckdb.DuckDBPyConnection, spec: ReportingTable) -> None:
    table = f'{REPORTING_SCHEMA}."{spec.name}"'
    connection.execute(f"COMMENT ON TABLE {table} IS {_quote(table_comment(spec))}")
    for column, description in spec.columns.items():
        connection.execute(f'COMMENT ON COLUMN {table}."{column}" IS {_quote(description)}')


def table_comment(spec: ReportingTable) -> str:
    return f"{spec.description} Grain: {spec.grain}. Key: {', '.join(spec.key)}."


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
