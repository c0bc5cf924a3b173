"""agg_daily_sales: non-cancelled orders per local day, store, market and currency."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from warehouse.registry import BuildParams, table
from warehouse.tables.money_and_time import as_money

SUMMED_MONEY = ("gross_amount", "discount_amount", "net_amount", "net_amount_base", "shipping_amount")

COLUMNS = {
    "order_date": "Local date, in the Centra instance's timezone, of the orders' creation.",
    "store_id": "Centra's store id.",
    "market_id": "Centra's market id.",
    "currency_code": "ISO code of the orders' currency; the amounts without _base are in it.",
    "orders": "Number of non-cancelled orders.",
    "units": "Σ units (after cancellations) of those orders.",
    "gross_amount": "Σ gross_amount of those orders, in currency_code.",
    "discount_amount": "Σ discount_amount of those orders, in currency_code (gross − net).",
    "net_amount": "Σ net_amount of those orders, in currency_code.",
    "net_amount_base": "Σ net_amount_base of those orders: the base currency.",
    "shipping_amount": "Σ shipping_amount of those orders, in currency_code.",
    "new_customers": (
        "Distinct customers with an order in this row whose first non-cancelled order was on this order_date. "
        "Orders without customer_id (wholesale) count in neither customer column; a customer with orders "
        "in two rows counts in both, so do not sum customers across stores, markets or currencies."
    ),
    "returning_customers": (
        "Distinct customers with an order in this row whose first non-cancelled order was on an earlier day."
    ),
}


@table(
    name="agg_daily_sales",
    grain="one row per order_date × store_id × market_id × currency_code",
    key=("order_date", "store_id", "market_id", "currency_code"),
    inputs=("fct_orders",),
    description="Daily sales (non-cancelled orders), DTC and wholesale, per store, market and currency.",
    columns=COLUMNS,
)
def agg_daily_sales(inputs: Mapping[str, pl.LazyFrame], params: BuildParams) -> pl.LazyFrame:
    sales = inputs["fct_orders"].filter(~pl.col("is_cancelled"))
    first_days = sales.filter(pl.col("customer_order_seq") == 1).select(
        "customer_id", pl.col("order_date").alias("first_order_date")
    )
    customer = pl.col("customer_id")
    first_order_date = pl.col("first_order_date")
    return (
        sales.join(first_days, on="customer_id", how="left")
        .group_by("order_date", "store_id", "market_id", "currency_code")
        .agg(
            pl.len().cast(pl.Int64).alias("orders"),
            pl.col("units").sum().cast(pl.Int64).alias("units"),
            *(as_money(pl.col(column).sum()).alias(column) for column in SUMMED_MONEY),
            customer.filter(first_order_date == pl.col("order_date"))
            .n_unique()
            .cast(pl.Int64)
            .alias("new_customers"),
            customer.filter(first_order_date < pl.col("order_date"))
            .n_unique()
            .cast(pl.Int64)
            .alias("returning_customers"),
        )
        .sort("order_date", "store_id", "market_id", "currency_code", nulls_last=True)
        .select(list(COLUMNS))
    )
