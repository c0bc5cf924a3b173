"""Publish the `reporting` schema to a read-only snapshot file for BI tools and analysts.

DuckDB allows one writer per file, and a process holding the working file open for writing blocks every
reader. So after each successful run the `reporting` tables (with their comments, and nothing else: no raw
tables, no dlt state) are copied into a new file, which then replaces the published file with one
`os.replace`. A reader that has the old file open keeps reading the old snapshot (the old inode lives until
it closes); the next connection sees the new one. A half-written snapshot is never visible: it lives under a
temporary name until it is complete and flushed to disk.

Incremental: when the published file is the one the build before this one made (its build id, size and
modification time are recorded in `reporting_state.published`), and this build rebuilt only changed orders,
the new file starts as a copy of the published one: the order-grain tables get only the rebuilt orders' rows
(deleted, then inserted from `reporting`), every other table is written whole. Anything else, or every
`FULL_COPY_EVERY`-th publish (so freed blocks never pile up in a file rewritten in place), copies every table.
Either way the file replaces the published one with one `os.replace`.
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

import warehouse.tables  # noqa: F401  (registering the tables is importing them)
from warehouse.build_state import (
    LAST_REBUILT_ORDERS,
    ORDER_KEY,
    STATE_SCHEMA,
    last_build,
    replace_orders,
    table_exists,
)
from warehouse.incremental import by_orders
from warehouse.registry import REGISTRY, REPORTING_SCHEMA

_PUBLISHED = "published"
PUBLISHED_STATE = f"{STATE_SCHEMA}.published"
FULL_COPY_EVERY = 24  # publishes: about a day of hourly runs


@dataclass(frozen=True)
class PublishReport:
    path: Path
    tables: int
    rows: int
    seconds: float
    incremental: bool = False  # only the rebuilt orders' rows (and the whole tables) were written


def published_path(working_file: Path) -> Path:
    """The snapshot beside the working file: `warehouse/centra.duckdb` → `warehouse/centra_reporting.duckdb`."""
    working_file = Path(working_file)
    return working_file.with_name(f"{working_file.stem}_reporting{working_file.suffix or '.duckdb'}")


def publish_reporting(connection: duckdb.DuckDBPyConnection, target: Path) -> PublishReport:
    """Copy `reporting.*` (tables and comments) from `connection` into a fresh file that replaces `target`."""
    started = time.perf_counter()
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tables = [
        row[0]
        for row in connection.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
            "AND schema_name = ? ORDER BY table_name",
            [REPORTING_SCHEMA],
        ).fetchall()
    ]
    if not tables:
        raise RuntimeError("there is no reporting schema to publish: build the reporting tables first")
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    _remove_stale_temporaries(target)
    _unlink_database(temporary)
    build = last_build(connection)
    chain = _incremental_chain(connection, target, build)
    if chain is not None:
        shutil.copyfile(target, temporary)
    rows = 0
    connection.execute(f"ATTACH '{_sql_path(temporary)}' AS {_PUBLISHED}")
    try:
        connection.execute(f"CREATE SCHEMA IF NOT EXISTS {_PUBLISHED}.{REPORTING_SCHEMA}")
        held = _held_tables(connection) if chain is not None else set()
        for name in held - set(tables):
            connection.execute(f'DROP TABLE {_PUBLISHED}.{REPORTING_SCHEMA}."{name}"')
        for name in tables:
            source, copy = f'{REPORTING_SCHEMA}."{name}"', f'{_PUBLISHED}.{REPORTING_SCHEMA}."{name}"'
            if name in held and name in REGISTRY and by_orders(REGISTRY[name]):
                replace_orders(connection, copy, source, f"SELECT {ORDER_KEY} FROM {LAST_REBUILT_ORDERS}")
            else:
                connection.execute(f"CREATE OR REPLACE TABLE {copy} AS SELECT * FROM {source}")
                _copy_comments(connection, name, copy)
            rows += _count(connection, copy)
        connection.execute(f"CHECKPOINT {_PUBLISHED}")
    except BaseException:
        connection.execute(f"DETACH {_PUBLISHED}")
        _unlink_database(temporary)
        raise
    connection.execute(f"DETACH {_PUBLISHED}")
    _fsync(temporary)
    os.replace(temporary, target)
    _fsync(target.parent)
    _record_published(connection, target, build, 0 if chain is None else chain + 1)
    return PublishReport(
        target, len(tables), rows, time.perf_counter() - started, incremental=chain is not None
    )


def _incremental_chain(
    connection: duckdb.DuckDBPyConnection, target: Path, build: tuple[str, str | None, bool] | None
) -> int | None:
    """How many incremental publishes the file at `target` has had since its last full copy, when this one
    may update it in place: it is, unchanged, the snapshot of the build before the last, and the last build
    rebuilt only changed orders. None: copy every table."""
    if build is None or not build[2] or build[1] is None or not target.exists():
        return None
    if target.with_name(f"{target.name}.wal").exists():  # someone wrote to the snapshot
        return None
    if not table_exists(connection, STATE_SCHEMA, "published"):
        return None
    row = connection.execute(f"SELECT build_id, size, mtime_ns, chain FROM {PUBLISHED_STATE}").fetchone()
    if row is None:
        return None
    published_build, size, mtime_ns, chain = row
    stat = target.stat()
    if published_build != build[1] or (stat.st_size, stat.st_mtime_ns) != (size, mtime_ns):
        return None
    return None if chain + 1 >= FULL_COPY_EVERY else int(chain)


def _held_tables(connection: duckdb.DuckDBPyConnection) -> set[str]:
    """The tables the copied snapshot holds."""
    held = connection.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = ? AND schema_name = ?",
        [_PUBLISHED, REPORTING_SCHEMA],
    ).fetchall()
    return {name for (name,) in held}


def _record_published(
    connection: duckdb.DuckDBPyConnection,
    target: Path,
    build: tuple[str, str | None, bool] | None,
    chain: int,
) -> None:
    """What the file at `target` now is: the snapshot of `build` (None: of no recorded build)."""
    stat = target.stat()
    connection.execute(f"CREATE SCHEMA IF NOT EXISTS {STATE_SCHEMA}")
    connection.execute(
        f"CREATE OR REPLACE TABLE {PUBLISHED_STATE} AS SELECT ?::VARCHAR AS build_id, ?::BIGINT AS size, "
        "?::BIGINT AS mtime_ns, ?::INTEGER AS chain",
        [build[0] if build else None, stat.st_size, stat.st_mtime_ns, chain],
    )


def _remove_stale_temporaries(target: Path) -> None:
    """Delete the half-written snapshots (and their WAL files) of publishes whose process has died.

    A publish killed before its `os.replace` leaves `.<name>.<pid>.tmp` behind; nothing else would ever
    remove it, and each one is a whole copy of the reporting tables.
    """
    prefix = f".{target.name}."
    for path in target.parent.glob(f"{prefix}*.tmp*"):
        pid = path.name[len(prefix) :].split(".", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _process_alive(int(pid)):
            path.unlink(missing_ok=True)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, someone else's
        return True
    return True


def _unlink_database(path: Path) -> None:
    path.unlink(missing_ok=True)
    path.with_name(f"{path.name}.wal").unlink(missing_ok=True)


def _copy_comments(connection: duckdb.DuckDBPyConnection, name: str, copy: str) -> None:
    table_comment = connection.execute(
        "SELECT comment FROM duckdb_tables() WHERE database_name = current_database() "
        "AND schema_name = ? AND table_name = ?",
        [REPORTING_SCHEMA, name],
    ).fetchone()
    if table_comment and table_comment[0]:
        connection.execute(f"COMMENT ON TABLE {copy} IS {_quote(table_comment[0])}")
    for column, comment in connection.execute(
        "SELECT column_name, comment FROM duckdb_columns() WHERE database_name = current_database() "
        "AND schema_name = ? AND table_name = ? AND comment IS NOT NULL",
        [REPORTING_SCHEMA, name],
    ).fetchall():
        connection.execute(f'COMMENT ON COLUMN {copy}."{column}" IS {_quote(comment)}')


def _count(connection: duckdb.DuckDBPyConnection, table: str) -> int:
    row = connection.execute(f"SELECT count(*) FROM {table}").fetchone()
    return int(row[0]) if row else 0


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
