"""dim_markets: one row per market, with its name, its store and the countries it sells to."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from warehouse.registry import BuildParams, table
from warehouse.tables.dim_stores import channel

COLUMNS = {
    "market_id": "Centra's market id.",
    "market_name": "Name of the market.",
    "store_id": "Centra's id of the store the market belongs to.",
    "store_name": "Name of the store the market belongs to.",
    "channel": "The store's sales channel: DTC or Wholesale (see dim_stores).",
    "country_codes": "The market's countries (ISO 3166-1 alpha-2), sorted and comma-separated; empty when none.",
    "country_count": "Number of countries in the market.",
}


@table(
    name="dim_markets",
    grain="one row per market",
    key=("market_id",),
    inputs=("markets", "stores"),
    description="Markets with their name, their store and channel, and the countries they sell to.",
    columns=COLUMNS,
)
def dim_markets(inputs: Mapping[str, pl.LazyFrame], params: BuildParams) -> pl.LazyFrame:
    stores = inputs["stores"].select(
        "store_id",
        pl.col("name").alias("store_name"),
        channel(pl.col("store_type")).alias("channel"),
    )
    # country_codes is a JSON array of codes in the canonical table
    codes = pl.col("country_codes").cast(pl.String).str.json_decode(pl.List(pl.String)).list.sort()
    return (
        inputs["markets"]
        .join(stores, on="store_id", how="left")
        .with_columns(
            pl.col("name").alias("market_name"),
            codes.list.join(",").replace("", None).alias("country_codes"),
            codes.list.len().fill_null(0).cast(pl.Int64).alias("country_count"),
        )
        .sort("market_id")
        .select(list(COLUMNS))
    )
