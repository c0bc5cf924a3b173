"""Helpers for the Order API fallback tests: source arguments, and table comparisons between two loads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipelines.centra.families import FAMILIES
from pipelines.centra.tables import (
    CUSTOMERS,
    ORDER_LINES,
    ORDERS,
    PRICES,
    PRODUCT_SIZES,
    PRODUCTS,
    RETURN_LINES,
    RETURNS,
    SHIPMENTS,
    VARIANTS,
    TableSpec,
)
from sandbox.server import RunningSandbox
from tests.pipelines.loading_support import rows

# Columns the Order API does not provide (NULL in its rows), by table: each family declares its own
# (`Family.order_api_cannot_fill`), and the README's "Order API fallback" section gives the reason for each.
# Everything else is compared value by value.
ONLY_GRAPHQL: dict[str, tuple[str, ...]] = {
    table: columns for family in FAMILIES.values() for table, columns in family.order_api_cannot_fill.items()
}
# Of those, columns the Order API fills on some rows: the order's rate, from its return's baseCurrencyRate.
# Where it fills them, the value must be GraphQL's.
PARTLY_FROM_ORDER_API: dict[str, tuple[str, ...]] = {"orders": ("conversion_rate",)}
COMPARED_TABLES: tuple[TableSpec, ...] = (
    ORDERS, ORDER_LINES, SHIPMENTS, RETURNS, RETURN_LINES, CUSTOMERS, PRODUCTS, VARIANTS, PRODUCT_SIZES, PRICES,
)  # fmt: skip
# Tables the Order API does not fill at all (no endpoint, or no key to give the rows). Those of a family it
# serves exist, empty (pipelines/declared_tables.py); the others are not created.
EMPTY_FROM_ORDER_API = ("orders__shipments__lines",)
NOT_FROM_ORDER_API = (
    "accounts", "buyers", "stores", "markets", "pricelists", "currencies", "countries", "warehouses",
    "brands", "collections", "sizes",
)  # fmt: skip
# Rows the Order API does not list: fully cancelled lines (quantity 0).
ROW_FILTERS = {"orders__lines": "quantity > 0"}


def order_api_args(sandbox: RunningSandbox, **overrides: Any) -> dict[str, Any]:
    return {"order_api_url": sandbox.order_api_url, "order_api_key": "sandbox-key", **overrides}


def compared_columns(spec: TableSpec) -> list[str]:
    excluded = set(ONLY_GRAPHQL[spec.name])
    return [name for name in spec.column_names if name not in excluded]


def content(warehouse: Path, spec: TableSpec, row_filter: str | None = None) -> list[tuple[Any, ...]]:
    columns = ", ".join(f'"{name}"' for name in compared_columns(spec))
    where = f"WHERE {row_filter}" if row_filter else ""
    return rows(warehouse, f"SELECT {columns} FROM centra_raw.{spec.name} {where} ORDER BY ALL")


def differences(graphql: Path, order_api: Path, spec: TableSpec) -> list[str]:
    """Column-by-column differences of one table, keyed by its primary key; [] when equal."""
    columns = compared_columns(spec)
    keys = [columns.index(name) for name in spec.primary_key]
    left = {tuple(row[i] for i in keys): row for row in content(graphql, spec, ROW_FILTERS.get(spec.name))}
    right = {tuple(row[i] for i in keys): row for row in content(order_api, spec)}
    problems = [f"{spec.name} {key}: only from GraphQL" for key in sorted(left.keys() - right.keys())]
    problems += [f"{spec.name} {key}: only from the Order API" for key in sorted(right.keys() - left.keys())]
    for key in sorted(left.keys() & right.keys()):
        for name, a, b in zip(columns, left[key], right[key], strict=True):
            if a != b:
                problems.append(f"{spec.name} {key} {name}: GraphQL {a!r} != Order API {b!r}")
    return problems
