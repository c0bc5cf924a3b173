"""The `catalog` and `stock` resources over the Order API: `/products` and `/stock`, one row per size.

Catalog: `/products` repeats product and variant data on every size ("stock item") row; the resource
splits them into the canonical products, variants, product_sizes and prices (merged on their keys). First
run: every product; later runs: products `modified` after the server's clock at the previous run's start
(the `Date` header of its first answer, since the rows carry no modification time), less
`updated_at_overlap_hours`. Products without sizes do not appear in `/products` at all.

Stock: `/stock` sums physical, allocated and available stock over the plugin's primary and virtual
warehouses, with no per-warehouse breakdown (docs/centra-api-reference.md §B2). Those sums load under the synthetic
`warehouse_id` 0 (`ORDER_API_WAREHOUSE_ID`), meaning "the Order API plugin's warehouses together"; there is
no warehouse 0 in Centra. `availableStock` (physical − allocated) is free to allocate (§B4). Like the
GraphQL snapshot it is read whole each run and replaces the table: `stock_modified` would give only the
changed sizes, which a replace table can not take (see the README).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import dlt
from dlt.extract.resource import DltResource

from pipelines.centra.mapping import money, optional_int, optional_text, shop_time, utc_timestamp
from pipelines.centra.order_api_client import ORDER_API, CentraOrderApiClient, OrderApiResponse
from pipelines.centra.resources.after_outage import order_api_served
from pipelines.centra.resources.catalog import CatalogPage, for_table
from pipelines.centra.resources.denied import unless_denied
from pipelines.centra.resources.order_api_order_rows import joined_sku
from pipelines.centra.resources.order_api_paging import linked_pages
from pipelines.centra.settings import CentraSettings
from pipelines.centra.tables import SOURCE_API, STOCK

log = logging.getLogger(__name__)
Row = dict[str, Any]
MODIFIED_SINCE, STRATEGY = "order_api_catalog_modified_since", "order_api_catalog_strategy"
ORDER_API_WAREHOUSE_ID = 0  # stock summed over the Order API plugin's primary + virtual warehouses


def _stock_item_key(entry: Row) -> int:
    return int(entry["stockItemId"])


def product_row(entry: Row, timezone: str) -> Row:
    return {
        "product_id": int(entry["productId"]),
        "name": optional_text(entry.get("name")) or optional_text(entry.get("product")),
        "status": None,  # `active` is product and variant together
        "product_number": None,  # `sku` is the product number only when Centra could split the SKU
        "brand_id": None,
        "collection_id": None,
        "size_chart_id": None,
        "is_bundle": None,
        "harmonized_commodity_code": optional_text(entry.get("harmCode")),
        "created_at": utc_timestamp(entry.get("createdAt"), timezone),
        "updated_at": None,
        SOURCE_API: ORDER_API,
    }


def variant_row(entry: Row) -> Row:
    return {
        "variant_id": int(entry["variantId"]),
        "product_id": int(entry["productId"]),
        "name": optional_text(entry.get("variant")),
        "status": None,
        "variant_number": None,
        "unit_cost_amount": None,
        "unit_cost_currency_code": None,
        "created_at": None,
        "updated_at": None,
        SOURCE_API: ORDER_API,
    }


def size_row(entry: Row) -> Row:
    return {
        "size_id": int(entry["stockItemId"]),
        "variant_id": int(entry["variantId"]),
        "product_id": int(entry["productId"]),
        "size_chart_size_id": None,
        "size_name": optional_text(entry.get("size")),
        "size_number": None,
        "sku": joined_sku(entry),
        "ean": optional_text(entry.get("ean")),
        "upc": optional_text(entry.get("upc")),
        "is_preorder": None,
        SOURCE_API: ORDER_API,
    }


def price_rows(entry: Row) -> list[Row]:
    """`prices[]`: `id` is the pricelist id as a string, `price` a number or a numeric string."""
    return [
        {
            "variant_id": int(entry["variantId"]),
            "pricelist_id": int(price["id"]),
            "price_amount": money(price.get("price")),
            "currency_code": optional_text(price.get("currency")),
            SOURCE_API: ORDER_API,
        }
        for price in entry.get("prices") or []
    ]


def catalog_page(entries: list[Row], timezone: str, seen: dict[str, set[int]]) -> CatalogPage:
    """Rows for the four tables; a product or variant already read this run is not repeated."""
    page = CatalogPage()
    for entry in entries:
        product_id, variant_id = int(entry["productId"]), int(entry["variantId"])
        if product_id not in seen["products"]:
            seen["products"].add(product_id)
            page.products.append(product_row(entry, timezone))
        if variant_id not in seen["variants"]:
            seen["variants"].add(variant_id)
            page.variants.append(variant_row(entry))
            page.prices.extend(price_rows(entry))
        page.sizes.append(size_row(entry))
    return page


def extract_catalog(
    client: CentraOrderApiClient, settings: CentraSettings, state: dict[str, Any]
) -> Iterator[Any]:
    mark = state.get(MODIFIED_SINCE)
    params: dict[str, Any] = {}
    strategy = "full"
    if mark is not None and not settings.reconcile:
        since = datetime.fromisoformat(mark) - timedelta(hours=settings.updated_at_overlap_hours)
        params["modified"] = shop_time(since, settings.timezone)
        strategy = "modified"
    log.info("catalog (Order API): %s %s", strategy, params.get("modified", ""))
    started: list[datetime] = []

    def note_server_time(response: OrderApiResponse) -> None:
        started.append(response.server_time or datetime.now(UTC))

    seen: dict[str, set[int]] = {"products": set(), "variants": set()}
    for entries in linked_pages(
        client, "products", "products", params, _stock_item_key, first=note_server_time
    ):
        for spec, rows in catalog_page(entries, settings.timezone, seen).by_table():
            yield for_table(spec, rows)
    if started:
        state[MODIFIED_SINCE] = started[0].astimezone(UTC).isoformat()
    state[STRATEGY] = strategy
    if settings.graphql_configured:  # GraphQL reads the catalog whole once it is back (after_outage)
        order_api_served(state, "catalog")


def stock_row(entry: Row, snapshot_at: datetime) -> Row:
    return {
        "warehouse_id": ORDER_API_WAREHOUSE_ID,
        "size_id": int(entry["stockItemId"]),
        "free_to_allocate_quantity": optional_int(entry.get("availableStock")),
        "physical_quantity": optional_int(entry.get("physicalStock")),
        "allocated_quantity": optional_int(entry.get("allocatedStock")),
        "snapshot_at": snapshot_at,
        SOURCE_API: ORDER_API,
    }


def order_api_catalog_resource(client: CentraOrderApiClient, settings: CentraSettings) -> DltResource:
    def catalog() -> Iterator[Any]:
        yield from unless_denied("catalog", extract_catalog(client, settings, dlt.current.source_state()))

    return dlt.resource(catalog, name="catalog")


def order_api_stock_resource(client: CentraOrderApiClient) -> DltResource:
    def snapshot(snapshot_at: datetime) -> Iterator[list[Row]]:
        for entries in linked_pages(client, "stock", "products", {}, _stock_item_key):
            yield [stock_row(entry, snapshot_at) for entry in entries]

    def stock() -> Iterator[list[Row]]:
        yield from unless_denied("stock", snapshot(datetime.now(UTC).replace(microsecond=0)))

    return dlt.resource(stock, name="stock", **STOCK.resource_hints())
