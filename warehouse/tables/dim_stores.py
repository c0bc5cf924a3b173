"""dim_stores: one row per store, with its name and sales channel (DTC or wholesale)."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from warehouse.registry import BuildParams, table
from warehouse.tables.order_api_members import ORDER_API, SOURCE_API_DESCRIPTION, stand_in_stores
from warehouse.tables.reference_inputs import optional_reference

CHANNELS = {"DIRECT_TO_CONSUMER": "DTC", "WHOLESALE": "Wholesale"}

COLUMNS = {
    "store_id": "Centra's store id; -1 and -2 stand for a DTC and a wholesale store the Order API did not name "
    "(orders it served while no GraphQL run had loaded the stores).",
    "store_name": "Name of the store.",
    "store_type": "DIRECT_TO_CONSUMER or WHOLESALE, as Centra reports the store (as on fct_orders).",
    "channel": "DTC for a DIRECT_TO_CONSUMER store, Wholesale for a WHOLESALE store, else store_type.",
    "source_api": SOURCE_API_DESCRIPTION,
}


@table(
    name="dim_stores",
    grain="one row per store",
    key=("store_id",),
    inputs=("stores", "fct_orders"),
    description="Stores with their name, Centra store type and sales channel (DTC or Wholesale).",
    columns=COLUMNS,
    optional_inputs=optional_reference("stores"),
)
def dim_stores(inputs: Mapping[str, pl.LazyFrame], params: BuildParams) -> pl.LazyFrame:
    stores = inputs["stores"].select(
        "store_id",
        pl.col("name").alias("store_name"),
        "store_type",
        pl.col("_source_api").alias("source_api"),
    )
    stand_ins = stand_in_stores(inputs["fct_orders"]).with_columns(pl.lit(ORDER_API).alias("source_api"))
    return (
        pl.concat([stores, stand_ins], how="vertical_relaxed")
        .with_columns(channel(pl.col("store_type")).alias("channel"))
        .sort("store_id")
        .select(list(COLUMNS))
    )


def channel(store_type: pl.Expr) -> pl.Expr:
    """DTC or Wholesale for Centra's store types; any other type as Centra reports it."""
    return store_type.replace(CHANNELS)
