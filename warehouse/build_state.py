"""What the last build of `reporting` was made from, kept in the warehouse so the next build can do only what
changed (`warehouse.incremental`).

Two tables in the schema `reporting_state`, written in the same transaction as the reporting tables they
describe (a reader never sees one without the other):
- `tables`: per reporting table, the fingerprint of its definition (`definition`): its function's module and
  the `warehouse.tables` modules it imports, its columns, key and schema, and the build parameters that
  change its rows (timezone, `hash_pii`). A table whose definition changed is rebuilt whole.
- `order_fingerprints`: per order, a hash over its rows in every canonical order table (the order, its
  lines, returns, return lines, shipments and shipment lines), over the columns the order-grain tables read
  (`warehouse.contract.columns_read`: a column no reporting table reads can not change one; dlt's own
  columns, new on every load, are never read). An order whose fingerprint changed, appeared or vanished is
  rebuilt; one Centra served again unchanged is not. A hash rather than dlt's load ids: rows change in place too (`pipelines/privacy.py`
  blanks anonymized customers' addresses) and are deleted by key (reconciliation), neither of which a load
  id records.
- `last_build`: the last build's id, the id of the build before it, and whether it rebuilt only changed
  orders; `last_rebuilt_orders`: those orders (changed, new or gone). The publish reads them to update the
  snapshot the build before produced instead of copying every table (`warehouse.publish`).
"""

from __future__ import annotations

import ast
import hashlib
import importlib
import inspect
import uuid
from collections.abc import Iterable, Mapping
from pathlib import Path

import duckdb

from warehouse.canonical import RAW_SCHEMA
from warehouse.duckdb_scan import sql_identifier
from warehouse.registry import BuildParams, ReportingTable

STATE_SCHEMA = "reporting_state"
TABLES = f"{STATE_SCHEMA}.tables"
ORDER_FINGERPRINTS = f"{STATE_SCHEMA}.order_fingerprints"
LAST_BUILD = f"{STATE_SCHEMA}.last_build"
LAST_REBUILT_ORDERS = f"{STATE_SCHEMA}.last_rebuilt_orders"
ORDER_KEY = "order_number"
# The canonical tables that hold an order's rows; each carries `order_number`.
ORDER_TABLES = (
    "orders",
    "orders__lines",
    "orders__returns",
    "orders__returns__lines",
    "orders__shipments",
    "orders__shipments__lines",
)
_TABLES_PACKAGE = "warehouse.tables"


def definition(spec: ReportingTable, params: BuildParams) -> str:
    """The fingerprint of what makes `spec`'s rows besides its inputs."""
    digest = hashlib.sha256()
    for source in _sources(spec):
        digest.update(source.encode())
    described = (spec.name, spec.key, tuple(spec.columns), repr(spec.schema), spec.inputs, spec.partition_by)
    digest.update(repr(described).encode())
    digest.update(repr((params.timezone, params.hash_pii)).encode())
    return digest.hexdigest()


def _sources(spec: ReportingTable) -> list[str]:
    """The source of the module defining the table's function and of every `warehouse.tables` module it
    imports, directly or not, in a stable order."""
    seen: dict[str, str] = {}
    pending = [spec.function.__module__, *(function.__module__ for function in spec.whole_history.values())]
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        module = importlib.import_module(name)
        source = Path(inspect.getfile(module)).read_text(encoding="utf-8")
        seen[name] = source
        pending.extend(_imported_table_modules(source))
    return [seen[name] for name in sorted(seen)]


def _imported_table_modules(source: str) -> list[str]:
    modules: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(_TABLES_PACKAGE):
            if node.module == _TABLES_PACKAGE:  # `from warehouse.tables import order_context`
                modules.extend(f"{_TABLES_PACKAGE}.{alias.name}" for alias in node.names)
            else:
                modules.append(node.module)
    return modules


def stored_definitions(connection: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The definitions the last build wrote; {} before the first (or after a build that predates this)."""
    if not table_exists(connection, STATE_SCHEMA, "tables"):
        return {}
    return dict(connection.execute(f"SELECT name, definition FROM {TABLES}").fetchall())


def has_order_fingerprints(connection: duckdb.DuckDBPyConnection) -> bool:
    return table_exists(connection, STATE_SCHEMA, "order_fingerprints")


def fingerprint_query(connection: duckdb.DuckDBPyConnection, read: Mapping[str, Iterable[str]]) -> str:
    """SQL giving (order_number, fingerprint) for every order in the canonical order tables present, hashing
    the columns `read` names per table (those the table holds)."""
    parts = []
    for table in ORDER_TABLES:
        stored = _content_columns(connection, table)
        # In the table's own column order, never a set's: a set of strings iterates in another order in
        # every process (hash randomization), and the fingerprints must compare across runs.
        wanted = set(read.get(table, ()))
        columns = [column for column in stored if column in wanted]
        if ORDER_KEY not in stored or not columns:
            continue
        hashed = ", ".join(sql_identifier(column) for column in columns)
        parts.append(
            f"SELECT {ORDER_KEY}, hash('{table}', {hashed})::HUGEINT AS row_hash "
            f'FROM {RAW_SCHEMA}."{table}" WHERE {ORDER_KEY} IS NOT NULL'
        )
    if not parts:
        return f"SELECT NULL::BIGINT AS {ORDER_KEY}, NULL::HUGEINT AS fingerprint WHERE false"
    rows = " UNION ALL ".join(parts)
    return f"SELECT {ORDER_KEY}, sum(row_hash) AS fingerprint FROM ({rows}) GROUP BY {ORDER_KEY}"


def _content_columns(connection: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    """The table's columns without dlt's own (`_dlt_id`, `_dlt_load_id`, …: new on every load); [] when the
    table does not exist."""
    rows = connection.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND table_name = ? "
        "ORDER BY ordinal_position",
        [RAW_SCHEMA, table],
    ).fetchall()
    return [name for (name,) in rows if not name.startswith("_dlt_")]


def write_definitions(connection: duckdb.DuckDBPyConnection, definitions: dict[str, str]) -> None:
    """Replace the stored definitions (inside the caller's transaction)."""
    connection.execute(f"CREATE SCHEMA IF NOT EXISTS {STATE_SCHEMA}")
    connection.execute(f"CREATE OR REPLACE TABLE {TABLES} (name VARCHAR PRIMARY KEY, definition VARCHAR)")
    if definitions:
        connection.executemany(f"INSERT INTO {TABLES} VALUES (?, ?)", sorted(definitions.items()))


def table_exists(connection: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    row = connection.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
        [schema, table],
    ).fetchone()
    return bool(row and row[0])


def write_last_build(connection: duckdb.DuckDBPyConnection, rebuilt_orders: str | None) -> None:
    """Inside the publish transaction: a new build id after the last one; `rebuilt_orders` is SQL giving
    the orders this build rebuilt (None: a full build)."""
    previous = last_build(connection)
    connection.execute(
        f"CREATE OR REPLACE TABLE {LAST_BUILD} AS SELECT ?::VARCHAR AS build_id, "
        "?::VARCHAR AS previous_build_id, ?::BOOLEAN AS by_changed_orders",
        [uuid.uuid4().hex, previous[0] if previous else None, rebuilt_orders is not None],
    )
    orders = rebuilt_orders or f"SELECT NULL::BIGINT AS {ORDER_KEY} WHERE false"
    connection.execute(f"CREATE OR REPLACE TABLE {LAST_REBUILT_ORDERS} AS SELECT {ORDER_KEY} FROM ({orders})")


def last_build(connection: duckdb.DuckDBPyConnection) -> tuple[str, str | None, bool] | None:
    """(build id, previous build id, whether it rebuilt only changed orders) of the last build, if recorded."""
    if not table_exists(connection, STATE_SCHEMA, "last_build"):
        return None
    row = connection.execute(
        f"SELECT build_id, previous_build_id, by_changed_orders FROM {LAST_BUILD}"
    ).fetchone()
    return (str(row[0]), row[1], bool(row[2])) if row else None


def replace_orders(connection: duckdb.DuckDBPyConnection, table: str, source: str, orders: str) -> None:
    """The rows of the orders `orders` (SQL giving `order_number`s) in `table` become those in `source`:
    deleted, then inserted by column name (an order gone from `source` is only deleted)."""
    connection.execute(f"DELETE FROM {table} WHERE {ORDER_KEY} IN ({orders})")
    connection.execute(f"INSERT INTO {table} BY NAME SELECT * FROM {source} WHERE {ORDER_KEY} IN ({orders})")
