"""currency_rates: the rate Centra applied to each currency on each local day, kept across builds.

Centra captures a rate from the order's currency to the base currency on every order (GraphQL's
`conversionRate`; in the Order API only a return's `baseCurrencyRate` carries it). An order the Order API
re-reads while GraphQL is out loses its own rate in the canonical tables (a merge keeps the row as last
loaded), so the rates seen are kept here, like stock history: this table reads its own previous version and
adds each build's days. Per currency and day, the rate of the latest order created that day wins (the
highest, among orders created at the same moment).
`conversion_rates.py` reads it to fill the rate of an order that has none.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from warehouse.registry import BuildParams, latest_per_key, previous_version, table
from warehouse.tables.money_and_time import as_utc, local_date

NAME = "currency_rates"
KEY = ("currency_code", "rate_date")
RATE = pl.Decimal(18, 8)
COLUMNS = {
    "currency_code": "ISO code of the order currency.",
    "rate_date": "Local date, in the Centra instance's timezone, of the orders the rate was seen on.",
    "conversion_rate": "Rate from the currency to the base currency that Centra captured on that day's latest "
    "order (through GraphQL, or a return's baseCurrencyRate through the Order API).",
    "seen_on_order_at": "When that order was created (UTC).",
}
SCHEMA: dict[str, pl.DataType] = {
    "currency_code": pl.String(),
    "rate_date": pl.Date(),
    "conversion_rate": RATE,
    "seen_on_order_at": pl.Datetime("us", "UTC"),
}


@table(
    name=NAME,
    grain="one row per currency × local day with an order whose rate Centra gave",
    key=KEY,
    inputs=("orders", previous_version(NAME)),
    description=(
        "The conversion rate Centra applied per currency and day, accumulated across builds; fills the rate "
        "of an order the Order API served without one (fct_orders.conversion_rate_source)."
    ),
    columns=COLUMNS,
    schema=SCHEMA,
)
def currency_rates(inputs: Mapping[str, pl.LazyFrame], params: BuildParams) -> pl.LazyFrame:
    seen = (
        inputs["orders"]
        .filter(
            pl.col("conversion_rate").is_not_null()
            & pl.col("currency_code").is_not_null()
            & pl.col("created_at").is_not_null()
        )
        .select(
            "currency_code",
            local_date(pl.col("created_at"), params.timezone).alias("rate_date"),
            pl.col("conversion_rate").cast(RATE),
            as_utc(pl.col("created_at")).cast(SCHEMA["seen_on_order_at"]).alias("seen_on_order_at"),
        )
    )
    stored = inputs[previous_version(NAME)].select(list(SCHEMA))
    return (
        # per day, the latest order's rate (the highest of orders created at the same moment, so that the
        # result does not depend on row order); this build's where the same order is seen again
        latest_per_key(stored, seen, KEY, ("seen_on_order_at", "conversion_rate"))
        .sort(KEY)
        .select(list(SCHEMA))
    )
