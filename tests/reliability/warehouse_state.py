"""What a warehouse holds, as full-table checksums, for comparing a run with a reference run.

Compared: every table of `centra_raw` (dlt's own `_dlt_*` tables left out) and of `reporting`, every row,
every column except the ones that legitimately differ between two correct runs (`RUN_DEPENDENT`; listed
and argued in docs/reliability.md).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

import warehouse.tables  # noqa: F401  (registers the reporting tables)
from pipelines.centra import tables as canonical
from warehouse.registry import REGISTRY

# dlt's row ids and load ids: new on every load (the parent/root ids repeat the row ids of the parent).
DLT_COLUMNS = frozenset({"_dlt_id", "_dlt_load_id", "_dlt_parent_id", "_dlt_root_id"})
# Load-time columns: the wall-clock time the stock was read.
RUN_DEPENDENT: dict[str, frozenset[str]] = {
    "centra_raw.stock": frozenset({"snapshot_at"}),
    "reporting.fct_stock_daily": frozenset({"snapshot_at"}),
    "centra_raw.reconciliation_checks": frozenset({"checked_at"}),
    "reporting.source_reconciliation": frozenset({"checked_at"}),
}
SCHEMAS = ("centra_raw", "reporting")


def canonical_keys() -> dict[str, tuple[str, ...]]:
    """The primary key of every canonical table, nested tables included."""
    keys: dict[str, tuple[str, ...]] = {}
    for value in vars(canonical).values():
        if isinstance(value, canonical.TableSpec):
            for spec in value.all_tables():
                keys[f"centra_raw.{spec.name}"] = spec.primary_key
    return keys


def table_keys() -> dict[str, tuple[str, ...]]:
    keys = canonical_keys()
    keys.update({f"reporting.{spec.name}": tuple(spec.key) for spec in REGISTRY.ordered()})
    return keys


def _tables(connection: duckdb.DuckDBPyConnection, schema: str) -> list[str]:
    return [
        row[0]
        for row in connection.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = ? AND table_name NOT LIKE '_dlt%' "
            "ORDER BY table_name",
            [schema],
        ).fetchall()
    ]


def _compared_columns(connection: duckdb.DuckDBPyConnection, schema: str, name: str) -> list[str]:
    skipped = DLT_COLUMNS | RUN_DEPENDENT.get(f"{schema}.{name}", frozenset())
    columns = [row[0] for row in connection.execute(f'DESCRIBE {schema}."{name}"').fetchall()]
    return [column for column in columns if column not in skipped]


def checksums(path: Path, schemas: tuple[str, ...] = SCHEMAS) -> dict[str, tuple[int, str]]:
    """`schema.table` → (rows, md5 of the sorted rows' text) for every table of `schemas`."""
    found: dict[str, tuple[int, str]] = {}
    with duckdb.connect(str(path), read_only=True) as connection:
        for schema in schemas:
            for name in _tables(connection, schema):
                qualified = f'{schema}."{name}"'
                columns = ", ".join(f'"{c}"' for c in _compared_columns(connection, schema, name))
                row = connection.execute(
                    f"SELECT count(*), md5(coalesce(string_agg(t::VARCHAR, chr(10) ORDER BY t::VARCHAR), '')) "
                    f"FROM (SELECT {columns} FROM {qualified}) t"
                ).fetchone()
                assert row is not None
                found[f"{schema}.{name}"] = (int(row[0]), str(row[1]))
    return found


def duplicate_keys(path: Path, schemas: tuple[str, ...] = SCHEMAS) -> dict[str, int]:
    """`schema.table` → number of key values held more than once, for every table that has any."""
    keys, found = table_keys(), {}
    with duckdb.connect(str(path), read_only=True) as connection:
        for schema in schemas:
            for name in _tables(connection, schema):
                key = keys.get(f"{schema}.{name}")
                assert key, f"no key known for {schema}.{name}"
                columns = ", ".join(f'"{c}"' for c in key)
                row = connection.execute(
                    f'SELECT count(*) FROM (SELECT {columns} FROM {schema}."{name}" '
                    f"GROUP BY ALL HAVING count(*) > 1)"
                ).fetchone()
                if row and row[0]:
                    found[f"{schema}.{name}"] = int(row[0])
    return found


def differences(actual: dict[str, tuple[int, str]], expected: dict[str, tuple[int, str]]) -> list[str]:
    """Tables missing, extra, or with other content (rows shown): empty when the warehouses are equal."""
    problems = []
    for name in sorted(set(actual) | set(expected)):
        if actual.get(name) != expected.get(name):
            got, want = actual.get(name), expected.get(name)
            problems.append(
                f"{name}: {got[0] if got else 'missing'} rows, expected {want[0] if want else 'none'}"
            )
    return problems
