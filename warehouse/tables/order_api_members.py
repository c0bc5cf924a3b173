"""Stores, markets, warehouses and line ids for rows the Order API served, resolved from what it does name.

The Order API names an order's market (`marketId`) and the kind of its store (`orderStore`: retail or
wholesale) but not the store's id; its stock is summed over the plugin's warehouses with no breakdown
(docs/centra-api-reference.md §B3); its order lines carry SKU and EAN but no product, variant or size id. So:
- an order's store is its market's store (`markets`, kept from the last GraphQL run); else the only store of
  its kind; else a store standing for its kind (`ORDER_API_STORES`, negative ids), listed in `dim_stores`;
- a market the Order API's orders name and `markets` does not know is listed in `dim_markets` without a
  name;
- the Order API's stock lands under warehouse 0, `ORDER_API_WAREHOUSE`, listed in `dim_warehouses` as the
  plugin's warehouses summed;
- a line without ids takes them from the product size with its SKU (else its EAN) in the catalog.
Every id an Order API row carries is then in its dimension, so joins lose none of its rows. An id a GraphQL
row carries that its dimension lacks is not papered over: the referential checks fail on it, as before.
"""

from __future__ import annotations

import polars as pl

from pipelines.centra.families.stock.order_api import ORDER_API_WAREHOUSE_ID

ORDER_API = "order_api"
ORDER_API_WAREHOUSE = ORDER_API_WAREHOUSE_ID  # stock the Order API served, summed over its warehouses
ORDER_API_WAREHOUSE_NAME = "Order API plugin warehouses (summed)"
# store_type -> (id, name) of the store that stands for every store of that kind
ORDER_API_STORES: dict[str, tuple[int, str]] = {
    "DIRECT_TO_CONSUMER": (-1, "Direct-to-consumer store (unnamed: served by the Order API)"),
    "WHOLESALE": (-2, "Wholesale store (unnamed: served by the Order API)"),
}
_STAND_INS = pl.LazyFrame(
    {
        "store_type": list(ORDER_API_STORES),
        "stand_in_store_id": [store_id for store_id, _ in ORDER_API_STORES.values()],
        "stand_in_store_name": [name for _, name in ORDER_API_STORES.values()],
    },
    schema={"store_type": pl.String, "stand_in_store_id": pl.Int64, "stand_in_store_name": pl.String},
)


def order_store_ids(orders: pl.LazyFrame, markets: pl.LazyFrame, stores: pl.LazyFrame) -> pl.LazyFrame:
    """order_number, store_id: the store Centra reported, else, for an Order API order, its market's, the only
    one of its kind, or the stand-in of its kind."""
    market_stores = markets.select("market_id", pl.col("store_id").alias("market_store_id"))
    only_of_kind = (
        stores.group_by("store_type")
        .agg(pl.col("store_id").first().alias("kind_store_id"), pl.len().alias("stores"))
        .filter(pl.col("stores") == 1)
        .select("store_type", "kind_store_id")
    )
    return (
        orders.select("order_number", "store_id", "market_id", "store_type", "_source_api")
        .join(market_stores, on="market_id", how="left")
        .join(only_of_kind, on="store_type", how="left")
        .join(_STAND_INS.select("store_type", "stand_in_store_id"), on="store_type", how="left")
        .select(
            "order_number",
            pl.when(pl.col("_source_api") == ORDER_API)
            .then(pl.coalesce("store_id", "market_store_id", "kind_store_id", "stand_in_store_id"))
            .otherwise(pl.col("store_id"))  # a GraphQL order's store is what Centra said
            .alias("store_id"),
        )
    )


def stand_in_stores(fct_orders: pl.LazyFrame) -> pl.LazyFrame:
    """store_id, store_name, store_type of the stand-in stores the orders use."""
    used = fct_orders.filter(pl.col("store_id") < 0).select("store_id").unique()
    return _STAND_INS.select(
        pl.col("stand_in_store_id").alias("store_id"),
        pl.col("stand_in_store_name").alias("store_name"),
        "store_type",
    ).join(used, on="store_id", how="semi")


def unknown_markets(fct_orders: pl.LazyFrame, markets: pl.LazyFrame) -> pl.LazyFrame:
    """market_id, store_id of the markets the Order API's orders name that `markets` does not hold."""
    return (
        fct_orders.filter(pl.col("market_id").is_not_null() & (pl.col("source_api") == ORDER_API))
        .join(markets.select("market_id"), on="market_id", how="anti")
        .group_by("market_id")
        .agg(pl.col("store_id").drop_nulls().min().alias("store_id"))
    )


def order_api_warehouse(stock_daily: pl.LazyFrame, warehouses: pl.LazyFrame) -> pl.LazyFrame:
    """warehouse_id, warehouse_name of the Order API's warehouse 0, when the stock history has it."""
    return (
        stock_daily.filter(pl.col("warehouse_id") == ORDER_API_WAREHOUSE)
        .select("warehouse_id")
        .unique()
        .join(warehouses.select("warehouse_id"), on="warehouse_id", how="anti")
        .with_columns(pl.lit(ORDER_API_WAREHOUSE_NAME).alias("warehouse_name"))
    )


def line_ids_by_sku(lines: pl.LazyFrame, product_sizes: pl.LazyFrame) -> pl.LazyFrame:
    """`lines` with product_id, variant_id and size_id filled from the catalog where they are empty: the
    product size with the line's SKU, else the one with its EAN (a SKU or EAN on several sizes matches none)."""
    sizes = product_sizes.select("size_id", "variant_id", "product_id", "sku", "ean")

    def by(column: str) -> pl.LazyFrame:
        unique = sizes.filter(pl.col(column).is_not_null()).filter(pl.len().over(column) == 1)
        return unique.select(
            column,
            *(pl.col(name).alias(f"{name}_by_{column}") for name in ("product_id", "variant_id", "size_id")),
        )

    filled = lines.join(by("sku"), on="sku", how="left").join(by("ean"), on="ean", how="left")
    return filled.with_columns(
        pl.coalesce(name, f"{name}_by_sku", f"{name}_by_ean").alias(name)
        for name in ("product_id", "variant_id", "size_id")
    ).drop(
        f"{name}_by_{column}" for name in ("product_id", "variant_id", "size_id") for column in ("sku", "ean")
    )


SOURCE_API_DESCRIPTION = (
    "Which Centra API served the row: graphql or order_api. What an order_api row can not hold is listed in "
    "docs/data_dictionary.md (Order API gaps)."
)
