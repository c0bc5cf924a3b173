"""Look for a text everywhere a run leaves something: every file under a folder (as bytes), and every text
column of every table of every DuckDB file there (DuckDB compresses strings, so bytes alone could miss one)."""

from __future__ import annotations

from pathlib import Path

import duckdb

TEXT_TYPES = ("VARCHAR", "JSON", "BLOB")


def files_containing(folder: Path, needles: list[str]) -> list[str]:
    found = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = path.read_bytes()
        found += [f"{path}: {needle!r}" for needle in needles if needle.encode() in data]
    return found


def duckdb_files(folder: Path) -> list[Path]:
    return [
        path
        for path in sorted(folder.rglob("*.duckdb"))
        if path.is_file() and path.read_bytes()[8:12] == b"DUCK"
    ]


def cells_containing(database: Path, needles: list[str]) -> list[str]:
    """`schema.table.column: needle` for every text cell (any table, dlt's own too) holding a needle."""
    found = []
    with duckdb.connect(str(database), read_only=True) as connection:
        columns = connection.execute(
            "SELECT schema_name, table_name, column_name FROM duckdb_columns() "
            "WHERE database_name = current_database() AND (data_type IN ('VARCHAR', 'JSON', 'BLOB') "
            "OR data_type LIKE '%[]' OR data_type LIKE 'STRUCT%' OR data_type LIKE 'MAP%')"
        ).fetchall()
        for schema, table, column in columns:
            for needle in needles:
                row = connection.execute(
                    f'SELECT count(*) FROM "{schema}"."{table}" WHERE CAST("{column}" AS VARCHAR) LIKE ?',
                    [f"%{needle}%"],
                ).fetchone()
                if row and row[0]:
                    found.append(f"{database.name} {schema}.{table}.{column}: {needle!r}")
    return found
