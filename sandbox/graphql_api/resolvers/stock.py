"""Stock per warehouse × size (`Warehouse.stock`, `ProductVariant.stock`) and the `stockTotals` sums.

Nested stock lists are paged per parent (limit 1–200, default 20) with one windowed query for all the
parents on the page, so `warehouses { stock(limit: 200, page: 2) }` is one SQL statement.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ariadne import ObjectType
from graphql import GraphQLResolveInfo

from sandbox.graphql_api import views
from sandbox.graphql_api.batching import related_many, related_one
from sandbox.graphql_api.context import RequestContext, context_of
from sandbox.graphql_api.resolvers.reference import lookup
from sandbox.graphql_api.sql import Where, order_by, page_window

Row = dict[str, Any]

STOCK_SORT_COLUMNS = {
    "productId": "product_id",
    "productVariantId": "variant_id",
    "productSizeSort": "size_sort",
    "productSizeId": "product_size_id",
}
DEFAULT_STOCK_SORT = ["productId_ASC", "productVariantId_ASC", "productSizeSort_ASC"]


def stock_where(where: dict[str, Any] | None) -> Where:
    where = where or {}
    condition = Where().any_of("product_id", where.get("productId"))
    condition.any_of("variant_id", where.get("productVariantId"))
    return condition.any_of("product_size_id", where.get("productSizeId"))


def _stock_pages(ctx: RequestContext, partition: str, keys: Sequence[Any], args: dict[str, Any]) -> list[Row]:
    size, offset = page_window(args.get("limit"), args.get("page"))
    condition = stock_where(args.get("where")).any_of(partition, keys)
    window_order = order_by(
        args.get("sort") or DEFAULT_STOCK_SORT, STOCK_SORT_COLUMNS, "warehouse_id, product_size_id"
    )
    sql = (
        f"SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY {partition}{window_order}) AS position "
        f"FROM ({views.STOCK}){condition.sql()}) "
        f"WHERE position > {offset} AND position <= {offset + size} ORDER BY {partition}, position"
    )
    return ctx.store.rows(sql, condition.params)


def _stock_field(partition: str) -> Any:
    def resolve(row: Row, info: GraphQLResolveInfo, **args: Any) -> list[Row]:
        ctx = context_of(info)
        page_window(args.get("limit"), args.get("page"))  # a bad limit is an error even for an empty page
        relation = ("stock", repr(sorted(args.items())))
        fetch = lambda keys: _stock_pages(ctx, partition, keys, args)  # noqa: E731
        return related_many(row, relation, "id", partition, fetch)

    return resolve


def _totals(
    ctx: RequestContext, partition: str, keys: Sequence[Any], where: dict[str, Any] | None
) -> list[Row]:
    condition = stock_where(where).any_of(partition, keys)
    sums = ", ".join(f"sum({name})::INTEGER AS {name}" for name in views.STOCK_QUANTITIES)
    sql = f"SELECT {partition}, {sums} FROM ({views.STOCK}){condition.sql()} GROUP BY {partition}"
    return ctx.store.rows(sql, condition.params)


def _totals_field(partition: str) -> Any:
    def resolve(row: Row, info: GraphQLResolveInfo, where: dict[str, Any] | None = None) -> Row:
        ctx = context_of(info)
        relation = ("stock_totals", repr(where))
        fetch = lambda keys: _totals(ctx, partition, keys, where)  # noqa: E731
        found = related_one(row, relation, "id", partition, fetch)
        return found or dict.fromkeys(views.STOCK_QUANTITIES, 0)

    return resolve


def _catalog(view: str, relation: str, column: str) -> Any:
    def resolve(row: Row, info: GraphQLResolveInfo) -> Row | None:
        ctx = context_of(info)
        return related_one(row, relation, column, "id", lambda ids: views.select_in(ctx, view, "id", ids))

    return resolve


warehouse = ObjectType("Warehouse")
warehouse.set_field("stock", _stock_field("warehouse_id"))
warehouse.set_field("stockTotals", _totals_field("warehouse_id"))

product_variant = ObjectType("ProductVariant")
product_variant.set_field("stock", _stock_field("variant_id"))
product_variant.set_field("stockTotals", _totals_field("variant_id"))

product_size = ObjectType("ProductSize")
product_size.set_field("stockTotals", _totals_field("product_size_id"))

stock = ObjectType("Stock")
stock.set_field(
    "warehouse", lambda row, info: lookup(context_of(info), "warehouses").get(row["warehouse_id"])
)
stock.set_field("productSize", _catalog(views.PRODUCT_SIZES, "product_size", "product_size_id"))
stock.set_field("productVariant", _catalog(views.VARIANTS, "variant", "variant_id"))
stock.set_field("product", _catalog(views.PRODUCTS, "product", "product_id"))

BINDABLES = [warehouse, product_variant, product_size, stock]
