"""dim_markets: one row per market, with its name, its store and the countries it sells to."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from warehouse.registry import BuildParams, table
from warehouse.tables.order_api_members import ORDER_API, SOURCE_API_DESCRIPTION, unknown_markets
from warehouse.tables.reference_inputs import optional_reference

COLUMNS = {
    "market_id": "Centra's market id.",
    "market_name": "Name of the market; empty for a market only the Order API's orders named (no GraphQL run "
    "has loaded it).",
    "store_id": "Centra's id of the store the market belongs to.",
    "store_name": "Name of the store the market belongs to.",
    "channel": "The store's sales channel: DTC or Wholesale (see dim_stores).",
    "country_codes": "The market's countries (ISO 3166-1 alpha-2), sorted and comma-separated; empty when none.",
    "country_count": "Number of countries in the market.",
    "source_api": SOURCE_API_DESCRIPTION,
}


@table(
    name="dim_markets",
    grain="one row per market",
    key=("market_id",),
    inputs=("markets", "dim_stores", "fct_orders"),
    description="Markets with their name, their store and channel, and the countries they sell to.",
    columns=COLUMNS,
    optional_inputs=optional_reference("markets"),
)
def dim_markets(inputs: Mapping[str, pl.LazyFrame], params: BuildParams) -> pl.LazyFrame:
    stores = inputs["dim_stores"].select("store_id", "store_name", "channel")
    # country_codes is a JSON array of codes in the canonical table
    codes = pl.col("country_codes").cast(pl.String).str.json_decode(pl.List(pl.String)).list.sort()
    markets = inputs["markets"].select(
        "market_id",
        pl.col("name").alias("market_name"),
        "store_id",
        codes.list.join(",").replace("", None).alias("country_codes"),
        codes.list.len().fill_null(0).cast(pl.Int64).alias("country_count"),
        pl.col("_source_api").alias("source_api"),
    )
    named_by_orders = unknown_markets(inputs["fct_orders"], inputs["markets"]).select(
        "market_id",
        pl.lit(None, pl.String).alias("market_name"),
        "store_id",
        pl.lit(None, pl.String).alias("country_codes"),
        pl.lit(0, pl.Int64).alias("country_count"),
        pl.lit(ORDER_API).alias("source_api"),
    )
    return (
        pl.concat([markets, named_by_orders], how="vertical_relaxed")
        .join(stores, on="store_id", how="left")
        .sort("market_id")
        .select(list(COLUMNS))
    )
