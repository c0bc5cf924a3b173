"""fct_stock_daily: stock per day, warehouse and size, kept across builds (the day's last snapshot wins).

The canonical `stock` table holds only the current snapshot, so this table reads its own previous version
(`reporting.fct_stock_daily`) and returns it with the current snapshot merged in: a key already stored for
the snapshot's day is replaced when the new snapshot is later, a new key or a new day adds rows.

A day holds one API's stock: GraphQL's is per warehouse, the Order API's summed over its plugin's warehouses
under warehouse 0 (docs/centra-api-reference.md §B3), so a day read through both would count the same units twice. The day
keeps the rows of the API that served its last snapshot.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from warehouse.registry import BuildParams, latest_per_key, previous_version, table
from warehouse.tables.money_and_time import as_utc, local_date
from warehouse.tables.order_api_members import ORDER_API, ORDER_API_WAREHOUSE, SOURCE_API_DESCRIPTION

NAME = "fct_stock_daily"
KEY = ("snapshot_date", "warehouse_id", "size_id")

COLUMNS = {
    "snapshot_date": "Local date, in the Centra instance's timezone, of snapshot_at.",
    "warehouse_id": "Centra's warehouse id.",
    "size_id": "Centra's product size id: the sellable unit (SKU).",
    "free_to_allocate_quantity": "Units free to allocate to new orders at snapshot_at (0 rows are kept).",
    "physical_quantity": "Units physically in the warehouse at snapshot_at.",
    "allocated_quantity": "Units allocated to orders, not yet shipped, at snapshot_at.",
    "snapshot_at": "When the stock was read (UTC): the day's last snapshot of the key.",
    "source_api": SOURCE_API_DESCRIPTION + " A day holds the rows of the API that served its last snapshot.",
}
SCHEMA: dict[str, pl.DataType] = {
    "snapshot_date": pl.Date(),
    "warehouse_id": pl.Int64(),
    "size_id": pl.Int64(),
    "free_to_allocate_quantity": pl.Int64(),
    "physical_quantity": pl.Int64(),
    "allocated_quantity": pl.Int64(),
    "snapshot_at": pl.Datetime("us", "UTC"),
    "source_api": pl.String(),
}


@table(
    name=NAME,
    grain="one row per snapshot_date × warehouse_id × size_id",
    key=KEY,
    inputs=("stock", previous_version(NAME)),
    description=(
        "Stock history per day, warehouse and size, accumulated across builds from each build's current "
        "snapshot; the day's last snapshot wins."
    ),
    columns=COLUMNS,
    schema=SCHEMA,
)
def fct_stock_daily(inputs: Mapping[str, pl.LazyFrame], params: BuildParams) -> pl.LazyFrame:
    current = (
        inputs["stock"]
        .filter(pl.col("snapshot_at").is_not_null())  # a row that can not be dated can not be kept
        .with_columns(
            as_utc(pl.col("snapshot_at")).alias("snapshot_at"),
            local_date(pl.col("snapshot_at"), params.timezone).alias("snapshot_date"),
            pl.col("_source_api").alias("source_api"),
        )
        .select(pl.col(column).cast(dtype) for column, dtype in SCHEMA.items())
    )
    stored = (
        inputs[previous_version(NAME)]
        .select(list(SCHEMA))
        .with_columns(
            # rows built before the column existed: the Order API's stock is the one under warehouse 0
            pl.col("source_api").fill_null(
                pl.when(pl.col("warehouse_id") == ORDER_API_WAREHOUSE)
                .then(pl.lit(ORDER_API))
                .otherwise(pl.lit("graphql"))
            )
        )
    )
    latest = (
        pl.concat([stored, current])
        .sort("snapshot_at")
        .group_by("snapshot_date")
        .agg(pl.col("source_api").last().alias("day_source_api"))
    )
    return (
        # per key, the latest snapshot; the current build's row when the same snapshot is read again
        latest_per_key(stored, current, KEY, ("snapshot_at",))
        .join(latest, on="snapshot_date", how="left")
        .filter(pl.col("source_api") == pl.col("day_source_api"))
        .sort(KEY)
        .select(list(SCHEMA))
    )
