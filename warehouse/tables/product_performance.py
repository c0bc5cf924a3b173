"""product_performance: per variant, what sold, what came back, what is left and how long it lasts."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from warehouse.registry import BuildParams, table
from warehouse.tables.money_and_time import as_money, local_date

WINDOW_DAYS = 28

COLUMNS = {
    "variant_id": "Centra's variant (colour) id.",
    "product_id": "Centra's product id.",
    "units_sold": "Σ quantity of the variant's lines on non-cancelled orders, after cancellations (all time).",
    "net_amount_base": "Σ net_amount_base of the variant's lines on non-cancelled orders (all time).",
    "units_returned": "Σ returned units (completed returns or not) of the variant's lines on non-cancelled orders.",
    "return_rate": "units_returned / units_sold; empty when nothing sold.",
    "free_to_allocate_now": "Σ free to allocate of the variant's sizes over all warehouses in the current stock snapshot.",
    "sell_through_rate": (
        "units_sold / (units_sold + free_to_allocate_now); empty when both are 0 or the sum is not positive."
    ),
    "avg_daily_units_28d": (
        "Units sold (non-cancelled orders) over the 28 local days before the local date of the build's as_of, "
        "divided by 28."
    ),
    "days_of_cover": "free_to_allocate_now / avg_daily_units_28d; empty when nothing sold in those 28 days.",
}


@table(
    name="product_performance",
    grain="one row per variant",
    key=("variant_id",),
    inputs=("fct_order_lines", "variants", "product_sizes", "stock"),
    description=(
        "Sales, returns, current stock, sell-through and cover per variant (every catalogue variant and every "
        "variant sold), non-cancelled orders only."
    ),
    columns=COLUMNS,
)
def product_performance(inputs: Mapping[str, pl.LazyFrame], params: BuildParams) -> pl.LazyFrame:
    as_of_date = pl.lit(params.as_of).pipe(local_date, params.timezone)
    window_start = as_of_date - pl.duration(days=WINDOW_DAYS)
    in_window = pl.col("order_date").is_between(window_start, as_of_date - pl.duration(days=1))
    sold_lines = inputs["fct_order_lines"].filter(
        ~pl.col("is_order_cancelled") & pl.col("variant_id").is_not_null()
    )
    sales = sold_lines.group_by("variant_id").agg(
        pl.col("product_id").drop_nulls().first().alias("sold_product_id"),
        pl.col("quantity").sum().cast(pl.Int64).alias("units_sold"),
        as_money(pl.col("net_amount_base").sum()).alias("net_amount_base"),
        pl.col("returned_quantity").sum().cast(pl.Int64).alias("units_returned"),
        pl.col("quantity").filter(in_window).sum().cast(pl.Int64).alias("units_28d"),
    )
    stock_now = (
        inputs["stock"]
        .join(inputs["product_sizes"].select("size_id", "variant_id"), on="size_id", how="inner")
        .group_by("variant_id")
        .agg(pl.col("free_to_allocate_quantity").sum().cast(pl.Int64).alias("free_to_allocate_now"))
    )
    variants = (
        pl.concat(
            [
                inputs["variants"].select("variant_id", "product_id"),
                sales.select("variant_id", pl.col("sold_product_id").alias("product_id")),
            ]
        )
        .group_by("variant_id")
        .agg(pl.col("product_id").drop_nulls().first())
    )
    zero_money = pl.lit(0).cast(pl.Decimal(18, 4))
    units_sold = pl.col("units_sold")
    on_offer = units_sold + pl.col("free_to_allocate_now")
    avg_daily = pl.col("avg_daily_units_28d")
    return (
        variants.join(sales, on="variant_id", how="left")
        .join(stock_now, on="variant_id", how="left")
        .with_columns(
            units_sold.fill_null(0),
            pl.col("net_amount_base").fill_null(zero_money),
            pl.col("units_returned").fill_null(0),
            pl.col("free_to_allocate_now").fill_null(0),
            (pl.col("units_28d").fill_null(0) / WINDOW_DAYS).alias("avg_daily_units_28d"),
        )
        .with_columns(
            pl.when(units_sold > 0).then(pl.col("units_returned") / units_sold).alias("return_rate"),
            pl.when(on_offer > 0).then(units_sold / on_offer).alias("sell_through_rate"),
            pl.when(avg_daily > 0).then(pl.col("free_to_allocate_now") / avg_daily).alias("days_of_cover"),
        )
        .sort("variant_id")
        .select(list(COLUMNS))
    )
