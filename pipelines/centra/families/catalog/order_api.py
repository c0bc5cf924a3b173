"""The `catalog` resource over the Order API: `/products`, one row per size.

`/products` repeats product and variant data on every size ("stock item") row; the resource splits them
into the canonical products, variants, product_sizes and prices (merged on their keys). First run: every
product; later runs: products `modified` after the server's clock at the previous run's start (the `Date`
header of its first answer, since the rows carry no modification time), less `updated_at_overlap_minutes`.
Products without sizes do not appear in `/products` at all.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import dlt
from dlt.extract.resource import DltResource

from pipelines.centra.families.after_outage import order_api_served
from pipelines.centra.families.catalog.graphql import PRODUCTS_MARK, VARIANTS_MARK, CatalogPage, for_table
from pipelines.centra.families.denied import unless_denied
from pipelines.centra.families.orders.order_api_rows import joined_sku
from pipelines.centra.families.watermarks import modified_since
from pipelines.centra.mapping import money, optional_text, utc_timestamp
from pipelines.centra.order_api_client import ORDER_API, CentraOrderApiClient, OrderApiResponse
from pipelines.centra.paging import linked_pages
from pipelines.centra.settings import CentraSettings
from pipelines.centra.tables import PRICES, PRODUCT_SIZES, PRODUCTS, VARIANTS

log = logging.getLogger(__name__)
Row = dict[str, Any]
MODIFIED_SINCE, STRATEGY = "order_api_catalog_modified_since", "order_api_catalog_strategy"


def stock_item_key(entry: Row) -> int:
    return int(entry["stockItemId"])


# The canonical columns `/products` can not fill (NULL in its rows), table by table; the README's "Order
# API fallback" section says why for each.
CANNOT_FILL: dict[str, tuple[str, ...]] = {
    "products": (
        "status",  # `active` is product and variant together
        "product_number",  # `sku` is the product number only when Centra could split the SKU
        "brand_id", "collection_id", "size_chart_id", "is_bundle", "updated_at",
    ),
    "variants": (
        "status", "variant_number", "unit_cost_amount", "unit_cost_currency_code", "created_at", "updated_at",
    ),
    "product_sizes": ("size_chart_size_id", "size_number", "is_preorder"),
    "prices": (),
}  # fmt: skip


def product_row(entry: Row, timezone: str) -> Row:
    values = {
        "product_id": int(entry["productId"]),
        "name": optional_text(entry.get("name")) or optional_text(entry.get("product")),
        "harmonized_commodity_code": optional_text(entry.get("harmCode")),
        "created_at": utc_timestamp(entry.get("createdAt"), timezone),
    }
    return PRODUCTS.row(values, ORDER_API)


def variant_row(entry: Row) -> Row:
    values = {
        "variant_id": int(entry["variantId"]),
        "product_id": int(entry["productId"]),
        "name": optional_text(entry.get("variant")),
    }
    return VARIANTS.row(values, ORDER_API)


def size_row(entry: Row) -> Row:
    values = {
        "size_id": int(entry["stockItemId"]),
        "variant_id": int(entry["variantId"]),
        "product_id": int(entry["productId"]),
        "size_name": optional_text(entry.get("size")),
        "sku": joined_sku(entry),
        "ean": optional_text(entry.get("ean")),
        "upc": optional_text(entry.get("upc")),
    }
    return PRODUCT_SIZES.row(values, ORDER_API)


def price_rows(entry: Row) -> list[Row]:
    """`prices[]`: `id` is the pricelist id as a string, `price` a number or a numeric string."""
    return [
        PRICES.row(
            {
                "variant_id": int(entry["variantId"]),
                "pricelist_id": int(price["id"]),
                "price_amount": money(price.get("price")),
                "currency_code": optional_text(price.get("currency")),
            },
            ORDER_API,
        )
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
    params = modified_since(mark, settings)
    strategy = "modified" if params else "full"
    log.info("catalog (Order API): %s %s", strategy, params.get("modified", ""))
    started: list[datetime] = []

    def note_server_time(response: OrderApiResponse) -> None:
        started.append(response.server_time or datetime.now(UTC))

    seen: dict[str, set[int]] = {"products": set(), "variants": set()}
    for entries in linked_pages(
        client, "products", "products", params, stock_item_key, first=note_server_time
    ):
        for spec, rows in catalog_page(entries, settings.timezone, seen).by_table():
            yield for_table(spec, rows)
    if started:
        state[MODIFIED_SINCE] = started[0].astimezone(UTC).isoformat()
    state[STRATEGY] = strategy
    if settings.graphql_configured:  # GraphQL reads the catalog whole once it is back (after_outage)
        order_api_served(state, (PRODUCTS_MARK, VARIANTS_MARK))


def order_api_catalog_resource(client: CentraOrderApiClient, settings: CentraSettings) -> DltResource:
    def catalog() -> Iterator[Any]:
        yield from unless_denied("catalog", extract_catalog(client, settings, dlt.current.source_state()))

    return dlt.resource(catalog, name="catalog")
