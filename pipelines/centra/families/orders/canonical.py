"""The canonical order record, assembled in one place for both APIs.

Each API's rows module (`graphql_rows`, `order_api_rows`) maps its answer to the canonical columns it can
fill, under the names of `pipelines/centra/tables.py`. This module makes the record: every column the API
did not give is NULL, a name that is not a column of the table fails at once (a typo would otherwise load
as a new column), the record says which API served it, and lines, shipments (with lines) and returns (with
lines) hang under the order as dlt nests them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pipelines.centra.tables import (
    ORDER_LINES,
    ORDERS,
    RETURN_LINES,
    RETURNS,
    SHIPMENT_LINES,
    SHIPMENTS,
    TableSpec,
)

Row = dict[str, Any]
_NESTED: Mapping[str, Mapping[str, TableSpec]] = {
    SHIPMENTS.name: {"lines": SHIPMENT_LINES},
    RETURNS.name: {"lines": RETURN_LINES},
}


def canonical_row(spec: TableSpec, values: Mapping[str, Any]) -> Row:
    """`values` as a row of `spec`: its columns in order, NULL where `values` has none; nested lists
    (`lines` of a shipment or return) completed the same way."""
    nested = _NESTED.get(spec.name, {})
    row = spec.row({name: value for name, value in values.items() if name not in nested})
    for key, child in nested.items():
        row[key] = [canonical_row(child, line) for line in values.get(key) or ()]
    return row


def order_record(
    api: str,
    order: Mapping[str, Any],
    lines: Iterable[Mapping[str, Any]],
    shipments: Iterable[Mapping[str, Any]],
    returns: Iterable[Mapping[str, Any]],
) -> Row:
    """One order with its lines, shipments and returns nested, every canonical column present."""
    record = ORDERS.row(order, api)
    record["lines"] = [canonical_row(ORDER_LINES, line) for line in lines]
    record["shipments"] = [canonical_row(SHIPMENTS, shipment) for shipment in shipments]
    record["returns"] = [canonical_row(RETURNS, returned) for returned in returns]
    return record
