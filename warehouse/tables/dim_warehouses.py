"""dim_warehouses: one row per warehouse, with its name, status and country."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from warehouse.registry import BuildParams, table

COLUMNS = {
    "warehouse_id": "Centra's warehouse id.",
    "warehouse_name": "Name of the warehouse.",
    "status": "Centra's status of the warehouse (ACTIVE, INACTIVE).",
    "is_active": "True when status is ACTIVE.",
    "country_code": "Country of the warehouse (ISO 3166-1 alpha-2); empty when Centra has none.",
    "country_name": "Name of that country, from Centra's countries; empty when unknown.",
}


@table(
    name="dim_warehouses",
    grain="one row per warehouse",
    key=("warehouse_id",),
    inputs=("warehouses", "countries"),
    description="Warehouses with their name, status and country, to label stock (fct_stock_daily).",
    columns=COLUMNS,
)
def dim_warehouses(inputs: Mapping[str, pl.LazyFrame], params: BuildParams) -> pl.LazyFrame:
    countries = inputs["countries"].select("country_code", pl.col("name").alias("country_name"))
    return (
        inputs["warehouses"]
        .join(countries, on="country_code", how="left")
        .with_columns(
            pl.col("name").alias("warehouse_name"),
            pl.col("status").str.to_uppercase().eq("ACTIVE").fill_null(False).alias("is_active"),
        )
        .sort("warehouse_id")
        .select(list(COLUMNS))
    )
