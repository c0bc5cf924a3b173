"""customer_cohorts: customers by the month of their first order, and what each cohort did month by month."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from zoneinfo import ZoneInfo

import polars as pl

from warehouse.registry import BuildParams, table
from warehouse.tables.money_and_time import MONEY, as_money

COLUMNS = {
    "cohort_month": "First day of the local month of the cohort's customers' first non-cancelled order.",
    "months_since_first_order": (
        "Local calendar months from cohort_month to the month of activity: 0 is the cohort month itself. "
        "Every month from 0 up to the build's month (BuildParams.as_of, local), or to the cohort's last "
        "active month if later, is present, zero-filled when no customer of the cohort ordered in it."
    ),
    "cohort_customers": "Number of customers in the cohort (dim_customers with this cohort_month).",
    "active_customers": "Distinct customers of the cohort with a non-cancelled order in this month.",
    "orders": "Non-cancelled orders the cohort's customers placed in this month.",
    "net_amount_base": "Σ net_amount_base of those orders: the base currency.",
    "cumulative_net_amount_base_per_customer": (
        "Σ net_amount_base of the cohort's non-cancelled orders from month 0 through this month, "
        "divided by cohort_customers."
    ),
    "retention_rate": "active_customers / cohort_customers (1.0 in month 0).",
}


@table(
    name="customer_cohorts",
    grain="one row per cohort_month × months_since_first_order",
    key=("cohort_month", "months_since_first_order"),
    inputs=("dim_customers", "fct_orders"),
    description=(
        "Monthly cohorts of DTC customers by their first non-cancelled order: size, activity, revenue and "
        "retention in each following month (local months in the instance timezone)."
    ),
    columns=COLUMNS,
)
def customer_cohorts(inputs: Mapping[str, pl.LazyFrame], params: BuildParams) -> pl.LazyFrame:
    customers = inputs["dim_customers"].filter(pl.col("cohort_month").is_not_null())
    cohorts = customers.group_by("cohort_month").agg(pl.len().cast(pl.Int64).alias("cohort_customers"))
    months_since = (_month_index(pl.col("order_date")) - _month_index(pl.col("cohort_month"))).alias(
        "months_since_first_order"
    )
    activity = (
        inputs["fct_orders"]
        .filter(~pl.col("is_cancelled") & pl.col("customer_id").is_not_null())
        .join(customers.select("customer_id", "cohort_month"), on="customer_id", how="inner")
        .group_by("cohort_month", months_since)
        .agg(
            pl.col("customer_id").n_unique().cast(pl.Int64).alias("active_customers"),
            pl.len().cast(pl.Int64).alias("orders"),
            pl.col("net_amount_base").sum().alias("net_amount_base"),
        )
    )
    last_active = activity.group_by("cohort_month").agg(
        pl.col("months_since_first_order").max().alias("last_active")
    )
    as_of_month = _month_index(pl.lit(_local_month(params)))
    months = (
        cohorts.join(last_active, on="cohort_month", how="left")
        .with_columns(
            pl.max_horizontal(
                as_of_month - _month_index(pl.col("cohort_month")), pl.col("last_active").fill_null(0)
            ).alias("last_month")
        )
        .with_columns(
            pl.int_ranges(0, pl.col("last_month") + 1, dtype=pl.Int64).alias("months_since_first_order")
        )
        .explode("months_since_first_order")
    )
    zero = pl.lit(0).cast(MONEY)
    per_customer = (
        pl.col("net_amount_base").cum_sum().over("cohort_month", order_by="months_since_first_order")
    )
    return (
        months.join(activity, on=["cohort_month", "months_since_first_order"], how="left")
        .with_columns(
            pl.col("active_customers").fill_null(0),
            pl.col("orders").fill_null(0),
            as_money(pl.col("net_amount_base").fill_null(zero)).alias("net_amount_base"),
        )
        .with_columns(
            as_money(per_customer / pl.col("cohort_customers")).alias(
                "cumulative_net_amount_base_per_customer"
            ),
            (pl.col("active_customers") / pl.col("cohort_customers")).alias("retention_rate"),
        )
        .sort("cohort_month", "months_since_first_order")
        .select(list(COLUMNS))
    )


def _month_index(day: pl.Expr) -> pl.Expr:
    """Months since year 0 of a date, so the difference of two is a count of calendar months."""
    return day.dt.year().cast(pl.Int64) * 12 + day.dt.month().cast(pl.Int64) - 1


def _local_month(params: BuildParams) -> date:
    """First day of the local month, in the instance timezone, of the moment the build is for."""
    return params.as_of.astimezone(ZoneInfo(params.timezone)).date().replace(day=1)
