"""dim_stores: one row per store, with its name and sales channel (DTC or wholesale)."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from warehouse.registry import BuildParams, table

CHANNELS = {"DIRECT_TO_CONSUMER": "DTC", "WHOLESALE": "Wholesale"}

COLUMNS = {
    "store_id": "Centra's store id.",
    "store_name": "Name of the store.",
    "store_type": "DIRECT_TO_CONSUMER or WHOLESALE, as Centra reports the store (as on fct_orders).",
    "channel": "DTC for a DIRECT_TO_CONSUMER store, Wholesale for a WHOLESALE store, else store_type.",
}


@table(
    name="dim_stores",
    grain="one row per store",
    key=("store_id",),
    inputs=("stores",),
    description="Stores with their name, Centra store type and sales channel (DTC or Wholesale).",
    columns=COLUMNS,
)
def dim_stores(inputs: Mapping[str, pl.LazyFrame], params: BuildParams) -> pl.LazyFrame:
    return (
        inputs["stores"]
        .with_columns(
            pl.col("name").alias("store_name"),
            channel(pl.col("store_type")).alias("channel"),
        )
        .sort("store_id")
        .select(list(COLUMNS))
    )


def channel(store_type: pl.Expr) -> pl.Expr:
    """DTC or Wholesale for Centra's store types; any other type as Centra reports it."""
    return store_type.replace(CHANNELS)
