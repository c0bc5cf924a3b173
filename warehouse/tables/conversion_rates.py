"""Each order's rate to the base currency, and where it came from: never a silent NULL.

GraphQL gives every order the rate Centra captured on it (`conversionRate`). The Order API's `/orders`
gives none; its `/returns` do (`baseCurrencyRate`), so the load fills the rate of an order that has a
return (`pipelines/centra/families/orders/order_api.py`). For an order without one, the build takes, in this order:
- `base_currency`: the order is in the base currency (`currencies.is_base`, from the last GraphQL run): 1;
- `same_day`: inferred: the rate Centra applied to the currency that local day (`currency_rates`, which
  keeps the rates seen across builds, so an order GraphQL loaded before the Order API re-read it finds its
  own day's rate);
- `nearest_day`: inferred: the currency's rate on the nearest day that has one;
- `unknown`: no rate was ever seen for the currency; the `*_base` amounts are then NULL, and say why.
`conversion_rate_source` is `order` for a rate Centra gave for the order itself.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from warehouse.registry import BuildParams
from warehouse.tables.currency_rates import RATE
from warehouse.tables.money_and_time import local_date

SOURCE_DESCRIPTION = (
    "Where conversion_rate comes from: order (Centra's rate on the order, from GraphQL or a return's "
    "baseCurrencyRate through the Order API); base_currency (the order is in the base currency: 1); inferred "
    "for an Order API order without a rate: same_day (Centra's rate for the currency that local day, "
    "currency_rates) or nearest_day (on the nearest day with one); unknown (no rate ever seen for the "
    "currency: the *_base amounts are empty)."
)


def order_conversion_rates(inputs: Mapping[str, pl.LazyFrame], params: BuildParams) -> pl.LazyFrame:
    """order_number, conversion_rate, conversion_rate_source for every order."""
    orders = inputs["orders"].select(
        "order_number",
        "currency_code",
        "conversion_rate",
        local_date(pl.col("created_at"), params.timezone).alias("order_date"),
    )
    known = (
        inputs["currency_rates"]
        .select("currency_code", "rate_date", pl.col("conversion_rate").alias("day_rate"))
        .sort("rate_date")
    )
    missing = orders.filter(pl.col("conversion_rate").is_null())
    nearest = (
        missing.filter(pl.col("order_date").is_not_null() & pl.col("currency_code").is_not_null())
        .sort("order_date")
        .join_asof(
            known,
            left_on="order_date",
            right_on="rate_date",
            by="currency_code",
            strategy="nearest",
            check_sortedness=False,  # both sides sorted above; polars can not check it within `by` groups
        )
        .select("order_number", "day_rate", (pl.col("rate_date") == pl.col("order_date")).alias("same_day"))
    )
    base = (
        inputs["currencies"]
        .filter(pl.col("is_base").fill_null(False))
        .select("currency_code", pl.lit(True).alias("is_base_currency"))
        .unique("currency_code")
    )
    filled = (
        missing.join(base, on="currency_code", how="left")
        .join(nearest, on="order_number", how="left")
        .select(
            "order_number",
            pl.when(pl.col("is_base_currency"))
            .then(pl.lit(1).cast(RATE))
            .otherwise(pl.col("day_rate").cast(RATE))
            .alias("conversion_rate"),
            pl.when(pl.col("is_base_currency"))
            .then(pl.lit("base_currency"))
            .when(pl.col("day_rate").is_not_null() & pl.col("same_day"))
            .then(pl.lit("same_day"))
            .when(pl.col("day_rate").is_not_null())
            .then(pl.lit("nearest_day"))
            .otherwise(pl.lit("unknown"))
            .alias("conversion_rate_source"),
        )
    )
    given = orders.filter(pl.col("conversion_rate").is_not_null()).select(
        "order_number", pl.col("conversion_rate").cast(RATE), pl.lit("order").alias("conversion_rate_source")
    )
    return pl.concat([given, filled])
