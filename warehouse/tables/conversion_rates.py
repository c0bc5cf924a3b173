"""Each order's rate to the base currency, and where it came from: never a silent NULL.

GraphQL gives every order the rate Centra captured on it (`conversionRate`). The Order API's `/orders`
gives none; its `/returns` do (`baseCurrencyRate`), so the load fills the rate of an order that has a
return (`order_api_orders`). For the other orders the build takes, in this order:
- `base_currency`: the order is in the base currency (`currencies.is_base`, from the last GraphQL run): 1;
- `nearest_order`: inferred: the rate of the order in the same currency created nearest in time whose rate
  is known (from GraphQL, or from a return);
- `unknown`: no rate is known for the currency at all; the `*_base` amounts are then NULL, and say why.
`conversion_rate_source` is `order` for a rate Centra gave for the order itself.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from warehouse.registry import BuildParams
from warehouse.tables.reference_inputs import optional_reference

RATE = pl.Decimal(18, 8)
SOURCES = ("order", "base_currency", "nearest_order", "unknown")
SOURCE_DESCRIPTION = (
    "Where conversion_rate comes from: order (Centra's rate on the order, from GraphQL or from a return's "
    "baseCurrencyRate in the Order API), base_currency (the order is in the base currency: 1), nearest_order "
    "(inferred: an Order API order without a rate takes that of the order in its currency created nearest in "
    "time) or unknown (no rate known for the currency: the *_base amounts are empty)."
)
INPUTS = ("orders", "currencies")
OPTIONAL_INPUTS = optional_reference("currencies")


def order_conversion_rates(inputs: Mapping[str, pl.LazyFrame], params: BuildParams) -> pl.LazyFrame:
    """order_number, conversion_rate, conversion_rate_source for every order (whole history: the nearest
    known rate may be on an order of another part)."""
    orders = inputs["orders"].select("order_number", "currency_code", "created_at", "conversion_rate")
    known = (
        orders.filter(
            pl.col("conversion_rate").is_not_null()
            & pl.col("created_at").is_not_null()
            & pl.col("currency_code").is_not_null()
        )
        .select("currency_code", "created_at", pl.col("conversion_rate").alias("nearest_rate"))
        .sort("created_at")
    )
    missing = orders.filter(pl.col("conversion_rate").is_null())
    nearest = (
        missing.filter(pl.col("created_at").is_not_null() & pl.col("currency_code").is_not_null())
        .sort("created_at")
        .join_asof(known, on="created_at", by="currency_code", strategy="nearest")
        .select("order_number", "nearest_rate")
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
            .otherwise(pl.col("nearest_rate").cast(RATE))
            .alias("conversion_rate"),
            pl.when(pl.col("is_base_currency"))
            .then(pl.lit("base_currency"))
            .when(pl.col("nearest_rate").is_not_null())
            .then(pl.lit("nearest_order"))
            .otherwise(pl.lit("unknown"))
            .alias("conversion_rate_source"),
        )
    )
    given = orders.filter(pl.col("conversion_rate").is_not_null()).select(
        "order_number", pl.col("conversion_rate").cast(RATE), pl.lit("order").alias("conversion_rate_source")
    )
    return pl.concat([given, filled])
