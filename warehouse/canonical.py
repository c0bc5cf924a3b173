"""The canonical `centra_raw` tables as the warehouse reads them: the one definition both sides share.

The pipeline writes the tables `pipelines/centra/tables.py` defines (`TableSpec`s: names, columns, types,
keys); this module is the warehouse's view of the same definitions, so a reporting table never trusts a
column name of its own: every name it reads must be there (`warehouse/contract.py` checks the stored tables
against it before a build). Imported one way only: `warehouse/` reads `pipelines/centra/tables.py`, the
pipeline never reads `warehouse/`.

Optional columns are the canonical columns the Order API leaves NULL (each family's `order_api_cannot_fill`):
every reporting table already copes with them NULL, since a run through the Order API publishes, so a
warehouse whose table lacks one builds with it NULL. Every other column a reporting table reads is required.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from pipelines.centra.families import FAMILIES
from pipelines.centra.tables import CANONICAL_TABLES, RECONCILIATION_CHECKS, SOURCE_API, ColumnType, TableSpec

RAW_SCHEMA = "centra_raw"
TABLES_MODULE = "pipelines/centra/tables.py"

# Every canonical table by name, nested ones (`orders__lines`, ...) included.
CANONICAL: Mapping[str, TableSpec] = {
    spec.name: spec for root in (*CANONICAL_TABLES, RECONCILIATION_CHECKS) for spec in root.all_tables()
}

POLARS_TYPES: dict[ColumnType, pl.DataType] = {
    "text": pl.String(),
    "bigint": pl.Int64(),
    "bool": pl.Boolean(),
    "money": pl.Decimal(18, 4),
    "rate": pl.Decimal(18, 8),
    "percent": pl.Decimal(9, 4),
    "timestamp": pl.Datetime("us", "UTC"),
    "date": pl.Date(),
    "json": pl.String(),
}

# The DuckDB type dlt writes for each canonical type, and the types a reporting table reads as well.
DUCKDB_TYPES: dict[ColumnType, str] = {
    "text": "VARCHAR",
    "bigint": "BIGINT",
    "bool": "BOOLEAN",
    "money": "DECIMAL(18,4)",
    "rate": "DECIMAL(18,8)",
    "percent": "DECIMAL(9,4)",
    "timestamp": "TIMESTAMP WITH TIME ZONE",
    "date": "DATE",
    "json": "JSON",
}
_INTEGERS = frozenset({"BIGINT", "INTEGER", "SMALLINT", "TINYINT", "UINTEGER", "USMALLINT", "UTINYINT"})


def column_types(name: str) -> dict[str, ColumnType]:
    """The canonical type of every column of table `name`, `_source_api` included on a root table."""
    spec = CANONICAL[name]
    own: dict[str, ColumnType] = {} if spec.is_nested else {SOURCE_API: "text"}
    return {**dict(spec.columns), **own}


def canonical_schema(spec: TableSpec) -> dict[str, pl.DataType]:
    """The polars types of a canonical table's columns (and `_source_api` on a root table)."""
    return {column: POLARS_TYPES[kind] for column, kind in column_types(spec.name).items()}


def is_compatible(kind: ColumnType, duckdb_type: str) -> bool:
    """Whether a stored column of `duckdb_type` reads as the canonical `kind`: any integer for a bigint, any
    DECIMAL for money, rates and percents (never a float: it loses cents), JSON or text for json; a
    timestamp must carry its time zone (a naive one has no instant to convert to the local day)."""
    stored = duckdb_type.upper()
    if kind == "bigint":
        return stored in _INTEGERS
    if kind in ("money", "rate", "percent"):
        return stored.startswith("DECIMAL(")
    if kind == "json":
        return stored in ("JSON", "VARCHAR")
    return stored == DUCKDB_TYPES[kind]


def _optional_columns() -> dict[str, frozenset[str]]:
    optional: dict[str, set[str]] = {}
    for family in FAMILIES.values():
        for table, columns in family.order_api_cannot_fill.items():
            optional.setdefault(table, set()).update(columns)
    return {
        table: frozenset(columns - set(CANONICAL[table].primary_key))
        for table, columns in optional.items()
        if table in CANONICAL
    }


# Per canonical table, the columns a build reads as NULL when the stored table lacks them (never a key).
OPTIONAL_COLUMNS: Mapping[str, frozenset[str]] = _optional_columns()
