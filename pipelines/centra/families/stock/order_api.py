"""The `stock` resource over the Order API: `/stock`, summed over the plugin's warehouses.

`/stock` sums physical, allocated and available stock over the plugin's primary and virtual warehouses,
with no per-warehouse breakdown (docs/centra-api-reference.md §B2). Those sums load under the synthetic
`warehouse_id` 0 (`ORDER_API_WAREHOUSE_ID`), meaning "the Order API plugin's warehouses together"; there is
no warehouse 0 in Centra. `availableStock` (physical − allocated) is free to allocate (§B4). Like the
GraphQL snapshot it is read whole each run and replaces the table: `stock_modified` would give only the
changed sizes, which a replace table can not take (see the README).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import dlt
from dlt.extract.resource import DltResource

from pipelines.centra.families.catalog.order_api import stock_item_key
from pipelines.centra.families.denied import unless_denied
from pipelines.centra.mapping import optional_int
from pipelines.centra.order_api_client import ORDER_API, CentraOrderApiClient
from pipelines.centra.paging import linked_pages
from pipelines.centra.settings import CentraSettings
from pipelines.centra.tables import STOCK

Row = dict[str, Any]
ORDER_API_WAREHOUSE_ID = 0  # stock summed over the Order API plugin's primary + virtual warehouses


CANNOT_FILL: dict[str, tuple[str, ...]] = {"stock": ()}  # every column, but summed over the warehouses


def stock_row(entry: Row, snapshot_at: datetime) -> Row:
    values = {
        "warehouse_id": ORDER_API_WAREHOUSE_ID,
        "size_id": int(entry["stockItemId"]),
        "free_to_allocate_quantity": optional_int(entry.get("availableStock")),
        "physical_quantity": optional_int(entry.get("physicalStock")),
        "allocated_quantity": optional_int(entry.get("allocatedStock")),
        "snapshot_at": snapshot_at,
    }
    return STOCK.row(values, ORDER_API)


def order_api_stock_resource(client: CentraOrderApiClient, settings: CentraSettings) -> DltResource:
    def snapshot(snapshot_at: datetime) -> Iterator[list[Row]]:
        for entries in linked_pages(client, "stock", "products", {}, stock_item_key):
            yield [stock_row(entry, snapshot_at) for entry in entries]

    def stock() -> Iterator[list[Row]]:
        yield from unless_denied("stock", snapshot(datetime.now(UTC).replace(microsecond=0)))

    return dlt.resource(stock, name="stock", **STOCK.resource_hints())
