"""Products, variants, sizes and prices; catalog lists support `updatedAt` filters and sorts (docs/centra-api-reference.md §A8.5).

`ProductVariant.prices` follows the reference (§A5, §A8.7): `where`, `sort = [pricelistId_ASC]`, and an
optional `limit`/`page` — without a limit every price of the variant comes back, with one the variant's
prices are paged like any nested list (1–200). Prices are in the pricelist's currency; a store-restricted
token sees only its store's pricelists.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from ariadne import ObjectType, QueryType
from graphql import GraphQLResolveInfo

from sandbox.graphql_api import views
from sandbox.graphql_api.batching import as_siblings, related_many, related_one
from sandbox.graphql_api.context import RequestContext, context_of
from sandbox.graphql_api.fields import monetary_value
from sandbox.graphql_api.resolvers.reference import by_key, lookup
from sandbox.graphql_api.sql import Where, order_by, page_window, paged_sql

Row = dict[str, Any]

CATALOG_SORT_COLUMNS = {"id": "id", "createdAt": "created_at", "updatedAt": "updated_at"}
PRICE_SORT_COLUMNS = {"pricelistId": "pricelist_id"}


def product_where(ctx: RequestContext, where: dict[str, Any] | None) -> Where:
    where = where or {}
    condition = Where().any_of("id", where.get("id")).any_of("status", where.get("status"))
    condition.string_match("name", where.get("name"))
    condition.time_range("created_at", where.get("createdAt"), ctx.timezone)
    return condition.time_range("updated_at", where.get("updatedAt"), ctx.timezone)


def variant_where(ctx: RequestContext, where: dict[str, Any] | None) -> Where:
    where = where or {}
    condition = Where().any_of("id", where.get("id")).any_of("product_id", where.get("productId"))
    condition.any_of("status", where.get("status")).string_match("name", where.get("name"))
    return condition.time_range("updated_at", where.get("updatedAt"), ctx.timezone)


query = QueryType()


@query.field("products")
def resolve_products(
    _: Any,
    info: GraphQLResolveInfo,
    where: dict[str, Any] | None = None,
    sort: list[str] | None = None,
    limit: int = 20,
    page: int = 1,
) -> list[Row]:
    ctx = context_of(info)
    paging = paged_sql(limit, page)
    sort_sql = order_by(sort, CATALOG_SORT_COLUMNS, "id ASC")
    return as_siblings(views.select(ctx, views.PRODUCTS, product_where(ctx, where), sort_sql, paging))


@query.field("product")
def resolve_product(_: Any, info: GraphQLResolveInfo, id: int) -> Row | None:
    rows = views.select(context_of(info), views.PRODUCTS, Where().equals("id", id))
    return as_siblings(rows)[0] if rows else None


@query.field("productVariants")
def resolve_product_variants(
    _: Any,
    info: GraphQLResolveInfo,
    where: dict[str, Any] | None = None,
    sort: list[str] | None = None,
    limit: int = 20,
    page: int = 1,
) -> list[Row]:
    ctx = context_of(info)
    paging = paged_sql(limit, page)
    sort_sql = order_by(sort, CATALOG_SORT_COLUMNS, "id ASC")
    return as_siblings(views.select(ctx, views.VARIANTS, variant_where(ctx, where), sort_sql, paging))


@query.field("productVariant")
def resolve_product_variant(_: Any, info: GraphQLResolveInfo, id: int) -> Row | None:
    rows = views.select(context_of(info), views.VARIANTS, Where().equals("id", id))
    return as_siblings(rows)[0] if rows else None


def count_products(ctx: RequestContext, where: dict[str, Any] | None) -> int:
    return views.count(ctx, views.PRODUCTS, product_where(ctx, where))


def resolve_weight(row: Row, info: GraphQLResolveInfo) -> Row | None:
    if row.get("weight_kg") is None:
        return None
    kilograms = Decimal(row["weight_kg"])
    return {"value": kilograms, "unit": "KILOGRAMS", "formatted_value": f"{kilograms:.3f} kg"}


def resolve_variants(row: Row, info: GraphQLResolveInfo) -> list[Row]:
    ctx = context_of(info)
    fetch = lambda ids: views.select_in(ctx, views.VARIANTS, "product_id", ids, " ORDER BY id")  # noqa: E731
    return related_many(row, "variants", "id", "product_id", fetch)


def resolve_product_sizes(
    row: Row, info: GraphQLResolveInfo, where: dict[str, Any] | None = None
) -> list[Row]:
    ctx = context_of(info)
    order = " ORDER BY variant_id, id"
    fetch = lambda ids: views.select_in(ctx, views.PRODUCT_SIZES, "variant_id", ids, order)  # noqa: E731
    sizes = related_many(row, "product_sizes", "id", "variant_id", fetch)
    wanted = (where or {}).get("id")
    return sizes if wanted is None else [size for size in sizes if size["id"] in wanted]


def resolve_unit_cost(row: Row, info: GraphQLResolveInfo) -> Row | None:
    if row.get("unit_cost") is None or row.get("unit_cost_currency") is None:
        return None
    return monetary_value(context_of(info), row["unit_cost"], row["unit_cost_currency"])


def _price_rows(ctx: RequestContext, variant_ids: Sequence[Any], args: dict[str, Any]) -> list[Row]:
    condition = Where().any_of("variant_id", variant_ids).equals("store_id", ctx.store_restriction)
    condition.any_of("pricelist_id", (args.get("where") or {}).get("pricelistId"))
    order = order_by(args.get("sort") or ["pricelistId_ASC"], PRICE_SORT_COLUMNS, "pricelist_id ASC")
    window = ""
    if args.get("limit") is not None:
        size, offset = page_window(args["limit"], args.get("page"))
        window = f" WHERE position > {offset} AND position <= {offset + size}"
    sql = (
        f"SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY variant_id{order}) AS position "
        f"FROM ({views.PRICES}){condition.sql()}){window} ORDER BY variant_id, position"
    )
    return ctx.store.rows(sql, condition.params)


def resolve_prices(row: Row, info: GraphQLResolveInfo, **args: Any) -> list[Row]:
    ctx = context_of(info)
    if args.get("limit") is not None:
        page_window(args["limit"], args.get("page"))  # a bad limit is an error even for an empty page
    relation = ("prices", repr(sorted(args.items())))
    fetch = lambda ids: _price_rows(ctx, ids, args)  # noqa: E731
    return related_many(row, relation, "id", "variant_id", fetch)


def resolve_price_pricelist(row: Row, info: GraphQLResolveInfo) -> Row:
    pricelist: Row = lookup(context_of(info), "pricelists")[row["pricelist_id"]]
    return pricelist


def resolve_price_money(row: Row, info: GraphQLResolveInfo) -> Row:
    return monetary_value(context_of(info), row["price"], row["currency_code"])


def _parent(view: str, relation: str, column: str) -> Any:
    def resolve(row: Row, info: GraphQLResolveInfo) -> Row | None:
        ctx = context_of(info)
        return related_one(row, relation, column, "id", lambda ids: views.select_in(ctx, view, "id", ids))

    return resolve


product = ObjectType("Product")
product.set_field("weight", resolve_weight)
product.set_field("brand", by_key("brands", "brand_id"))
product.set_field("collection", by_key("collections", "collection_id"))
product.set_field("sizeChart", by_key("size_charts", "size_chart_id"))
product.set_field("variants", resolve_variants)

product_variant = ObjectType("ProductVariant")
product_variant.set_field("unitCost", resolve_unit_cost)
product_variant.set_field("product", _parent(views.PRODUCTS, "product", "product_id"))
product_variant.set_field("productSizes", resolve_product_sizes)
product_variant.set_field("prices", resolve_prices)

product_size = ObjectType("ProductSize")
product_size.set_field("size", by_key("sizes", "size_id"))
product_size.set_field("productVariant", _parent(views.VARIANTS, "variant", "variant_id"))

price = ObjectType("Price")
price.set_field("pricelist", resolve_price_pricelist)
price.set_field("price", resolve_price_money)

BINDABLES = [query, product, product_variant, product_size, price]
