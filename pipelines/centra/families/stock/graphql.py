"""The `stock` resource: one snapshot per run of every warehouse × product size.

Centra queues no events for stock levels (docs/centra-api-reference.md §A10), so stock is polled: each run walks
`Warehouse.stock` one warehouse at a time, every warehouse active or not, page by page to a short page
(docs/centra-api-reference.md §F7). Free to allocate costs nothing in complexity; physical and allocated are "expensive"
scalars (§A8.6) but the snapshot needs them, so the page size is chosen from the complexity a page reports
(`PageSizer`: a share of the 10-second complexity budget) instead of always asking for 200 rows.

The table holds the current snapshot (write disposition replace); history is built downstream from the
loads. `snapshot_at` is the run's start in UTC, the same on every row of a run.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import dlt
from dlt.extract.resource import DltResource

from pipelines.centra.capabilities import Capabilities
from pipelines.centra.families.denied import unless_denied
from pipelines.centra.families.family import GraphQLPart, fixed
from pipelines.centra.graphql_client import CentraGraphQLClient
from pipelines.centra.paging import PageSizer, walk_offset_pages
from pipelines.centra.tables import SOURCE_API, STOCK

Row = dict[str, Any]
GRAPHQL = "graphql"
WAREHOUSES_QUERY, STOCK_QUERY = "stock_warehouses", "stock"
# Free to allocate is the one quantity `Stock` confirms by name (§A8.5); physical and allocated are inferred.
REQUIRED = frozenset(
    {"Warehouse.id", "Warehouse.stock", "Stock.productSize", "ProductSize.id", "Stock.freeToAllocateQuantity"}
)


def stock_row(node: Row, warehouse_id: int, snapshot_at: datetime) -> Row:
    return {
        "warehouse_id": warehouse_id,
        "size_id": int(node["productSize"]["id"]),
        "free_to_allocate_quantity": node["freeToAllocateQuantity"],
        "physical_quantity": node.get("physicalQuantity"),
        "allocated_quantity": node.get("allocatedQuantity"),
        "snapshot_at": snapshot_at,
        SOURCE_API: GRAPHQL,
    }


def warehouse_stock(
    client: CentraGraphQLClient, query: str, warehouse_id: int, sizer: PageSizer
) -> Iterator[list[Row]]:
    """One warehouse's stock nodes, page by page; a size read twice (rows shifting meanwhile) comes once."""

    def fetch(limit: int, page: int) -> tuple[list[Row], int]:
        variables = {"warehouse": [warehouse_id], "limit": limit, "page": page}
        result = client.execute(query, variables, name=STOCK_QUERY)
        warehouses = result.data["warehouses"]
        nodes = (warehouses[0]["stock"] or []) if warehouses else []
        return nodes, result.complexity

    return walk_offset_pages(fetch, sizer, key=lambda node: node["productSize"]["id"])


def snapshot(
    client: CentraGraphQLClient, capabilities: Capabilities, snapshot_at: datetime
) -> Iterator[list[Row]]:
    listing = capabilities.query(WAREHOUSES_QUERY, REQUIRED)
    warehouses = client.execute(listing, name=WAREHOUSES_QUERY).data["warehouses"]
    query = capabilities.query(STOCK_QUERY, REQUIRED)
    sizer = PageSizer(client.budget)  # one for all warehouses: a row costs the same in each
    for warehouse in warehouses:
        warehouse_id = int(warehouse["id"])
        for nodes in warehouse_stock(client, query, warehouse_id, sizer):
            yield [stock_row(node, warehouse_id, snapshot_at) for node in nodes]


def stock_resource(client: CentraGraphQLClient, capabilities: Capabilities) -> DltResource:
    def stock() -> Iterator[list[Row]]:
        snapshot_at = datetime.now(UTC).replace(microsecond=0)
        yield from unless_denied("stock", snapshot(client, capabilities, snapshot_at))

    return dlt.resource(stock, name="stock", **STOCK.resource_hints())


PART = GraphQLPart(
    "stock",
    REQUIRED,
    fixed(WAREHOUSES_QUERY, STOCK_QUERY),
    lambda client, settings, caps: [stock_resource(client, caps)],
)
