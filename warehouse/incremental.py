"""The incremental build: the order-grain tables rebuilt only for the orders that changed since the last build.

The order-grain tables are those built in parts by `order_number` (`fct_order_lines`, `fct_orders`,
`fct_returns`, `fct_shipments`): each order's rows depend only on that order's rows in the canonical order
tables and on its `whole_history` values (its customer's order sequence, its conversion rate and store),
which are computed from the whole inputs on every build. So an order needs rebuilding when
- its rows changed: its fingerprint over the canonical order tables (`warehouse.build_state`) differs from
  the last build's, or it appeared, or it vanished (reconciliation removed it);
- its whole-history values changed: a late import before a customer's first order renumbers their other
  orders, a day's new rate re-rates the Order API orders of that day, a market's new store moves its
  orders;
- it has a line whose product, variant or size the build takes from the catalog by SKU or EAN (an Order API
  line) and the catalog's ids, SKUs or EANs changed.
Those orders' rows are built into the staging schema, and the publish deletes their old rows and inserts
the new ones in the same transaction that replaces every other table (each rebuilt whole) and writes the
new fingerprints: readers see the old build or the new one, never a mix. Later tables read an order-grain
table as the stored one with the rebuilt orders swapped in (`merged`).

A full build happens when there is no state yet (the first build, a warehouse built before this), on
`full_refresh`, and when an order-grain table's definition (code, columns, timezone, `hash_pii`) changed.
"""

from __future__ import annotations

from collections.abc import Mapping

import duckdb
import polars as pl

from warehouse.build_state import (
    ORDER_FINGERPRINTS,
    ORDER_KEY,
    STATE_SCHEMA,
    fingerprint_query,
    has_order_fingerprints,
    replace_orders,
    stored_definitions,
    table_exists,
    write_definitions,
    write_last_build,
)
from warehouse.canonical import RAW_SCHEMA
from warehouse.contract import columns_read
from warehouse.duckdb_scan import KeySet, StoredTable, sql_identifier
from warehouse.partitioned_build import whole_history
from warehouse.registry import REPORTING_SCHEMA, BuildParams, Registry, ReportingTable

AFFECTED_ORDERS = "_affected_orders"
NEW_FINGERPRINTS = "_order_fingerprints"
INPUT_FINGERPRINTS = f"{STATE_SCHEMA}.input_fingerprints"
# Canonical inputs an order's rows read beyond its own rows and its whole-history values: the columns read,
# and the orders whose rows they can change (`warehouse.tables.order_api_members.line_ids_by_sku`).
CATALOG_IDS = ("product_sizes", ("size_id", "variant_id", "product_id", "sku", "ean"))
_LINES_FROM_CATALOG = (
    f'SELECT DISTINCT {ORDER_KEY} FROM {RAW_SCHEMA}."orders__lines" '
    "WHERE product_id IS NULL OR variant_id IS NULL OR size_id IS NULL"
)
_HISTORY_FRAME = "_order_history_frame"


def by_orders(spec: ReportingTable) -> bool:
    """True for a table an incremental build rebuilds order by order."""
    return spec.partition_by == ORDER_KEY


def full_build_reason(
    connection: duckdb.DuckDBPyConnection, registry: Registry, definitions: Mapping[str, str]
) -> str | None:
    """Why this build must be a full one, or None when it may be incremental."""
    stored = stored_definitions(connection)
    if not stored or not has_order_fingerprints(connection):
        return "no earlier build recorded what it was made from"
    changed = [
        spec.name
        for spec in registry.ordered()
        if by_orders(spec) and stored.get(spec.name) != definitions[spec.name]
    ]
    if changed:
        return f"the definition of {', '.join(changed)} changed"
    present = {
        name
        for (name,) in connection.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = ?", [REPORTING_SCHEMA]
        ).fetchall()
    }
    missing = [spec.name for spec in registry.ordered() if spec.name not in present]
    if missing:
        return f"reporting.{missing[0]} does not exist"
    return None


def order_history(
    connection: duckdb.DuckDBPyConnection,
    registry: Registry,
    tables: Mapping[str, StoredTable],
    params: BuildParams,
) -> dict[str, pl.DataFrame]:
    """Every order-grain table's `whole_history` frames, each computed once from the whole inputs (tables
    that share a frame's name share its function, e.g. `order_context`)."""
    frames: dict[str, pl.DataFrame] = {}
    for spec in registry.ordered():
        if by_orders(spec):
            missing = [name for name in spec.whole_history if name not in frames]
            frames.update(whole_history(connection, spec, tables, params, missing))
    return frames


def columns_read_by_orders(registry: Registry) -> dict[str, set[str]]:
    """Per canonical table, the columns some order-grain table reads from it (whole-history passes too)."""
    read: dict[str, set[str]] = {}
    for table, inputs in columns_read(registry).items():
        if by_orders(registry[table]):
            for name, columns in inputs.items():
                read.setdefault(name, set()).update(columns)
    return read


def stage_fingerprints(
    connection: duckdb.DuckDBPyConnection,
    staging: str,
    registry: Registry,
    history: Mapping[str, pl.DataFrame],
) -> None:
    """`<staging>._order_fingerprints`: per order, the hash of its canonical rows (`content`) and of its
    whole-history values (`history`)."""
    keyed = [frame for frame in history.values() if ORDER_KEY in frame.columns]
    joined = pl.DataFrame(schema={ORDER_KEY: pl.Int64})
    for frame in keyed:
        joined = joined.join(frame, on=ORDER_KEY, how="full", coalesce=True)
    values = [column for column in joined.columns if column != ORDER_KEY]
    hashed = ", ".join(sql_identifier(column) for column in values) or "NULL"
    connection.register(_HISTORY_FRAME, joined.to_arrow())
    try:
        connection.execute(
            f"""CREATE OR REPLACE TABLE {staging}."{NEW_FINGERPRINTS}" AS
                SELECT coalesce(c.{ORDER_KEY}, h.{ORDER_KEY}) AS {ORDER_KEY}, c.fingerprint AS content, h.history
                FROM ({fingerprint_query(connection, columns_read_by_orders(registry))}) c
                FULL JOIN (SELECT {ORDER_KEY}, hash({hashed}) AS history FROM {_HISTORY_FRAME}) h
                ON c.{ORDER_KEY} = h.{ORDER_KEY}"""
        )
    finally:
        connection.unregister(_HISTORY_FRAME)


def stage_affected_orders(connection: duckdb.DuckDBPyConnection, staging: str) -> KeySet:
    """`<staging>._affected_orders`: the orders to rebuild (see the module's docstring), as a row filter."""
    catalog_changed = _catalog_fingerprint(connection) != _stored_input_fingerprint(
        connection, CATALOG_IDS[0]
    )
    from_catalog = (
        f" UNION {_LINES_FROM_CATALOG}"
        if catalog_changed and table_exists(connection, RAW_SCHEMA, "orders__lines")
        else ""
    )
    table = f'{staging}."{AFFECTED_ORDERS}"'
    connection.execute(
        f"""CREATE OR REPLACE TABLE {table} AS
            SELECT coalesce(n.{ORDER_KEY}, o.{ORDER_KEY}) AS {ORDER_KEY}
            FROM {staging}."{NEW_FINGERPRINTS}" n FULL JOIN {ORDER_FINGERPRINTS} o ON n.{ORDER_KEY} = o.{ORDER_KEY}
            WHERE n.{ORDER_KEY} IS NULL OR o.{ORDER_KEY} IS NULL
               OR n.content IS DISTINCT FROM o.content OR n.history IS DISTINCT FROM o.history
            {from_catalog}"""
    )
    keys = connection.execute(f"SELECT {ORDER_KEY} FROM {table} ORDER BY 1").pl().to_series()
    return KeySet(ORDER_KEY, table, keys)


def merged(
    connection: duckdb.DuckDBPyConnection, staging: str, spec: ReportingTable, rebuilt: StoredTable
) -> StoredTable:
    """The table as the publish will leave it: the stored rows of orders not rebuilt, and the rebuilt rows."""
    view = f'{staging}."{spec.name}__merged"'
    connection.execute(
        f"""CREATE OR REPLACE VIEW {view} AS
            SELECT kept.* FROM {REPORTING_SCHEMA}."{spec.name}" kept
            ANTI JOIN {staging}."{AFFECTED_ORDERS}" rebuilt ON kept.{ORDER_KEY} = rebuilt.{ORDER_KEY}
            UNION ALL BY NAME SELECT * FROM {rebuilt.qualified_name}"""
    )
    return StoredTable(view, rebuilt.built_types)


def clashing_keys(
    connection: duckdb.DuckDBPyConnection, staging: str, spec: ReportingTable, rebuilt: StoredTable
) -> int:
    """How many keys of the rebuilt rows a kept row (of an order not rebuilt) also holds: the stored rows'
    keys are unique, and the rebuilt rows' keys were checked among themselves."""
    on = " AND ".join(f"kept.{sql_identifier(column)} = new.{sql_identifier(column)}" for column in spec.key)
    row = connection.execute(
        f"""SELECT count(*) FROM {rebuilt.qualified_name} new
            JOIN (SELECT kept.* FROM {REPORTING_SCHEMA}."{spec.name}" kept
                  ANTI JOIN {staging}."{AFFECTED_ORDERS}" rebuilt ON kept.{ORDER_KEY} = rebuilt.{ORDER_KEY}) kept
            ON {on}"""
    ).fetchone()
    return int(row[0]) if row else 0


def apply_rebuilt_orders(connection: duckdb.DuckDBPyConnection, staging: str, name: str) -> None:
    """Inside the publish transaction: the rebuilt orders' rows replace their old rows in `reporting.<name>`."""
    replace_orders(connection, f'{REPORTING_SCHEMA}."{name}"', f'{staging}."{name}"', _affected(staging))


def write_state(
    connection: duckdb.DuckDBPyConnection, staging: str, definitions: Mapping[str, str], *, rebuilt_only: bool
) -> None:
    """Inside the publish transaction: what this build was made from, for the next one. `rebuilt_only`: an
    incremental build, whose fingerprints differ from the stored ones only for the orders it rebuilt."""
    write_definitions(connection, dict(definitions))
    new = f'{staging}."{NEW_FINGERPRINTS}"'
    if rebuilt_only:
        replace_orders(connection, ORDER_FINGERPRINTS, new, _affected(staging))
    else:
        connection.execute(f"CREATE OR REPLACE TABLE {ORDER_FINGERPRINTS} AS SELECT * FROM {new}")
    write_last_build(connection, _affected(staging) if rebuilt_only else None)
    connection.execute(
        f"CREATE OR REPLACE TABLE {INPUT_FINGERPRINTS} (name VARCHAR PRIMARY KEY, fingerprint HUGEINT)"
    )
    fingerprint = _catalog_fingerprint(connection)
    if fingerprint is not None:
        connection.execute(f"INSERT INTO {INPUT_FINGERPRINTS} VALUES (?, ?)", [CATALOG_IDS[0], fingerprint])


def _affected(staging: str) -> str:
    """SQL giving the orders this build rebuilt (changed, new or gone)."""
    return f'SELECT {ORDER_KEY} FROM {staging}."{AFFECTED_ORDERS}"'


def _catalog_fingerprint(connection: duckdb.DuckDBPyConnection) -> int | None:
    name, columns = CATALOG_IDS
    if not table_exists(connection, RAW_SCHEMA, name):
        return None
    listed = ", ".join(sql_identifier(column) for column in columns)
    row = connection.execute(
        f'SELECT coalesce(sum(hash({listed})::HUGEINT), 0) FROM {RAW_SCHEMA}."{name}"'
    ).fetchone()
    return int(row[0]) if row else None


def _stored_input_fingerprint(connection: duckdb.DuckDBPyConnection, name: str) -> int | None:
    if not table_exists(connection, STATE_SCHEMA, "input_fingerprints"):
        return None
    row = connection.execute(
        f"SELECT fingerprint FROM {INPUT_FINGERPRINTS} WHERE name = ?", [name]
    ).fetchone()
    return int(row[0]) if row else None
