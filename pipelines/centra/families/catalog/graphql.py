"""The `catalog` resource: products, variants, product sizes and prices per pricelist, incremental by updatedAt.

Strategy, chosen per run from the source state (keys `catalog_*`):
- first run, or a `reconcile` run ("full"): every product with its variants, sizes and prices;
- later runs ("updated_at"): products updated since the newest product `updatedAt` seen, less
  `updated_at_overlap_minutes`, with all their variants; then variants updated since the newest variant
  `updatedAt` seen, less the overlap. A variant can change without its product's `updatedAt` moving
  (`ProductVariantFilter.updatedAt` exists for that, docs/centra-api-reference.md §A7), so the products pass alone would miss
  it. Sizes and prices have no `updatedAt` of their own: they are re-read with their variant, so a price
  changed without touching its variant arrives with the variant's next change or on a `reconcile` run.
Watermarks are the newest timestamps in the data, not our clock, and live in dlt state committed with the
load, so a failed run repeats its window.

Sort `id_ASC`, not `updatedAt_ASC`: with offset paging, a product updated while we page jumps to the end
of an updatedAt-sorted list and pulls every product behind it one place forward, so the one on a page
boundary is skipped. In id order an update moves nothing; a product can only join the open-ended window
(`updatedAt.from` has no `to`), which pushes rows back: a repeat, dropped by key, never a skip. The
joiner was updated after the run began, so the next run's window covers it.

One resource fills four tables (dlt table variants, each with its own key and columns from `tables.py`),
merged on their keys: a product's variants, sizes and prices come in the same answer as the product.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import dlt
from dlt.extract.resource import DltResource

from pipelines.centra.capabilities import Capabilities
from pipelines.centra.families.catalog.graphql_rows import price_rows, product_row, size_rows, variant_row
from pipelines.centra.families.denied import unless_denied
from pipelines.centra.families.family import GraphQLPart, fixed
from pipelines.centra.families.watermarks import newest, overlap_start
from pipelines.centra.graphql_client import CentraGraphQLClient
from pipelines.centra.mapping import shop_time
from pipelines.centra.paging import PageSizer, walk_offset_pages
from pipelines.centra.pruning import AdaptiveQuery
from pipelines.centra.reconcile import repairs
from pipelines.centra.settings import CentraSettings
from pipelines.centra.tables import PRICES, PRODUCT_SIZES, PRODUCTS, VARIANTS, TableSpec

log = logging.getLogger(__name__)
Row = dict[str, Any]
PRODUCTS_MARK, VARIANTS_MARK = "catalog_products_updated_max", "catalog_variants_updated_max"
STRATEGY = "catalog_strategy"
PRODUCTS_QUERY, VARIANTS_QUERY = "catalog_products", "catalog_variants"
# Ids and the parent links the tables hang on, and the `updatedAt` the passes filter on (§A8.5); a price
# needs its pricelist and amount. Every other field loads NULL where the instance lacks it.
REQUIRED = frozenset(
    {
        "Product.id", "Product.updatedAt", "Product.variants", "ProductVariant.id", "ProductVariant.updatedAt",
        "ProductVariant.product", "ProductVariant.productSizes", "ProductSize.id", "MonetaryValue.value",
        "MonetaryValue.currency", "Currency.code",
    }
)  # fmt: skip


@dataclass(frozen=True)
class CatalogPass:
    query: str  # the family's queries/<query>.graphql
    root: str  # its list field: products or productVariants
    where: dict[str, Any] | None  # a ProductFilter / ProductVariantFilter; None reads everything


def _updated_since(mark: str, settings: CentraSettings) -> dict[str, Any]:
    start = overlap_start(mark, settings)
    return {"updatedAt": {"from": shop_time(start, settings.timezone)}}


def plan_catalog(settings: CentraSettings, state: dict[str, Any]) -> tuple[str, list[CatalogPass]]:
    """The strategy's name and the passes it makes over the catalog."""
    products_mark = state.get(PRODUCTS_MARK)
    if products_mark is None or settings.reconcile:
        return "full", [CatalogPass(PRODUCTS_QUERY, "products", None)]
    variants_mark = state.get(VARIANTS_MARK) or products_mark
    return "updated_at", [
        CatalogPass(PRODUCTS_QUERY, "products", _updated_since(products_mark, settings)),
        CatalogPass(VARIANTS_QUERY, "productVariants", _updated_since(variants_mark, settings)),
    ]


@dataclass
class CatalogPage:
    """One page's rows for the four tables; a variant already read this run is left out."""

    products: list[Row] = field(default_factory=list)
    variants: list[Row] = field(default_factory=list)
    sizes: list[Row] = field(default_factory=list)
    prices: list[Row] = field(default_factory=list)

    def add_variant(self, node: Row, product_id: int, timezone: str) -> None:
        self.variants.append(variant_row(node, product_id, timezone))
        self.sizes.extend(size_rows(node, product_id))
        self.prices.extend(price_rows(node))

    def by_table(self) -> list[tuple[TableSpec, list[Row]]]:
        tables = (
            (PRODUCTS, self.products),
            (VARIANTS, self.variants),
            (PRODUCT_SIZES, self.sizes),
            (PRICES, self.prices),
        )
        return [(spec, rows) for spec, rows in tables if rows]


def catalog_page(nodes: list[Row], root: str, timezone: str, seen_variants: set[int]) -> CatalogPage:
    page = CatalogPage()
    for node in nodes:
        if root == "products":
            page.products.append(product_row(node, timezone))
            variants = [(variant, int(node["id"])) for variant in node.get("variants") or []]
        else:
            variants = [(node, int(node["product"]["id"]))]
        for variant, product_id in variants:
            if int(variant["id"]) not in seen_variants:
                seen_variants.add(int(variant["id"]))
                page.add_variant(variant, product_id, timezone)
    return page


def for_table(spec: TableSpec, rows: list[Row]) -> Any:
    """Rows dispatched to one of the family's tables, with that table's own key, columns and disposition."""
    hints = dlt.mark.make_hints(**spec.resource_hints())
    return dlt.mark.with_hints(rows, hints, create_table_variant=True)


def fetch_pass(
    client: CentraGraphQLClient, query: AdaptiveQuery, catalog_pass: CatalogPass
) -> Iterator[list[Row]]:
    def fetch(limit: int, page: int) -> tuple[list[Row], int]:
        result = query.execute(client, {"where": catalog_pass.where, "limit": limit, "page": page})
        return result.data[catalog_pass.root], result.complexity

    return walk_offset_pages(fetch, PageSizer(client.budget), key=lambda node: node["id"])


def _repair_passes(capabilities: Capabilities, product_ids: list[int]) -> list[CatalogPass]:
    """Products by id where `ProductFilter.id` exists, else one pass over every product."""
    if not capabilities.has_input_field("ProductFilter", "id"):
        return [CatalogPass(PRODUCTS_QUERY, "products", None)]
    step = 100
    return [
        CatalogPass(PRODUCTS_QUERY, "products", {"id": product_ids[i : i + step]})
        for i in range(0, len(product_ids), step)
    ]


def catalog_resource(
    client: CentraGraphQLClient, settings: CentraSettings, capabilities: Capabilities
) -> DltResource:
    queries = {
        name: AdaptiveQuery(name, capabilities.query(name, REQUIRED))
        for name in (PRODUCTS_QUERY, VARIANTS_QUERY)
    }

    def extract(state: dict[str, Any]) -> Iterator[Any]:
        queued = repairs.take(state, "catalog")
        strategy, passes = plan_catalog(settings, state)
        if settings.repair_only:
            strategy, passes = "repair", []
        if queued:  # products a reconciliation found missing or doubled (or whose variant or size was)
            passes.extend(_repair_passes(capabilities, queued))
        log.info("catalog: %s in %d pass(es)", strategy, len(passes))
        marks = {PRODUCTS_MARK: state.get(PRODUCTS_MARK), VARIANTS_MARK: state.get(VARIANTS_MARK)}
        seen_variants: set[int] = set()
        for catalog_pass in passes:
            for nodes in fetch_pass(client, queries[catalog_pass.query], catalog_pass):
                page = catalog_page(nodes, catalog_pass.root, settings.timezone, seen_variants)
                marks[PRODUCTS_MARK] = newest(marks[PRODUCTS_MARK], page.products)
                marks[VARIANTS_MARK] = newest(marks[VARIANTS_MARK], page.variants)
                for spec, rows in page.by_table():
                    yield for_table(spec, rows)
        if not settings.repair_only:
            state.update(marks)
            state[STRATEGY] = strategy

    def catalog() -> Iterator[Any]:
        yield from unless_denied("catalog", extract(dlt.current.source_state()))

    return dlt.resource(catalog, name="catalog")


PART = GraphQLPart(
    "catalog",
    REQUIRED,
    fixed(PRODUCTS_QUERY, VARIANTS_QUERY),
    lambda client, settings, caps: [catalog_resource(client, settings, caps)],
)
