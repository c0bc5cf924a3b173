"""Publish the `reporting` schema to a read-only snapshot file for BI tools and analysts.

DuckDB allows one writer per file, and a process holding the working file open for writing blocks every
reader. So after each successful run the `reporting` tables (with their comments, and nothing else: no raw
tables, no dlt state) are copied into a new file, which then replaces the published file with one
`os.replace`. A reader that has the old file open keeps reading the old snapshot (the old inode lives until
it closes); the next connection sees the new one. A half-written snapshot is never visible: it lives under a
temporary name until it is complete and flushed to disk.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from warehouse.registry import REPORTING_SCHEMA

_PUBLISHED = "published"


@dataclass(frozen=True)
class PublishReport:
    path: Path
    tables: int
    rows: int
    seconds: float


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
    rows = 0
    connection.execute(f"ATTACH '{_sql_path(temporary)}' AS {_PUBLISHED}")
    try:
        connection.execute(f"CREATE SCHEMA {_PUBLISHED}.{REPORTING_SCHEMA}")
        for name in tables:
            source, copy = f'{REPORTING_SCHEMA}."{name}"', f'{_PUBLISHED}.{REPORTING_SCHEMA}."{name}"'
            connection.execute(f"CREATE TABLE {copy} AS SELECT * FROM {source}")
            rows += _count(connection, copy)
            _copy_comments(connection, name, copy)
        connection.execute(f"CHECKPOINT {_PUBLISHED}")
    except BaseException:
        connection.execute(f"DETACH {_PUBLISHED}")
        _unlink_database(temporary)
        raise
    connection.execute(f"DETACH {_PUBLISHED}")
    _fsync(temporary)
    os.replace(temporary, target)
    _fsync(target.parent)
    return PublishReport(target, len(tables), rows, time.perf_counter() - started)


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
