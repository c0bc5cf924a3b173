"""dim_warehouses: one row per warehouse, with its name, status and country."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from warehouse.registry import BuildParams, table
from warehouse.tables.order_api_members import (
    ORDER_API,
    ORDER_API_WAREHOUSE,
    SOURCE_API_DESCRIPTION,
    order_api_warehouse,
)
from warehouse.tables.reference_inputs import optional_reference

COLUMNS = {
    "warehouse_id": f"Centra's warehouse id; {ORDER_API_WAREHOUSE} is the Order API plugin's warehouses summed (its "
    "stock has no per-warehouse breakdown).",
    "warehouse_name": "Name of the warehouse.",
    "status": "Centra's status of the warehouse (ACTIVE, INACTIVE).",
    "is_active": "True when status is ACTIVE.",
    "country_code": "Country of the warehouse (ISO 3166-1 alpha-2); empty when Centra has none.",
    "country_name": "Name of that country, from Centra's countries; empty when unknown.",
    "source_api": SOURCE_API_DESCRIPTION,
}


@table(
    name="dim_warehouses",
    grain="one row per warehouse",
    key=("warehouse_id",),
    inputs=("warehouses", "countries", "fct_stock_daily"),
    description="Warehouses with their name, status and country, to label stock (fct_stock_daily).",
    columns=COLUMNS,
    optional_inputs=optional_reference("warehouses", "countries"),
)
def dim_warehouses(inputs: Mapping[str, pl.LazyFrame], params: BuildParams) -> pl.LazyFrame:
    countries = inputs["countries"].select("country_code", pl.col("name").alias("country_name"))
    warehouses = inputs["warehouses"].select(
        "warehouse_id",
        pl.col("name").alias("warehouse_name"),
        "status",
        "country_code",
        pl.col("_source_api").alias("source_api"),
    )
    named_by_stock = order_api_warehouse(inputs["fct_stock_daily"], inputs["warehouses"]).select(
        "warehouse_id",
        "warehouse_name",
        pl.lit(None, pl.String).alias("status"),
        pl.lit(None, pl.String).alias("country_code"),
        pl.lit(ORDER_API).alias("source_api"),
    )
    return (
        pl.concat([warehouses, named_by_stock], how="vertical_relaxed")
        .join(countries, on="country_code", how="left")
        .with_columns(pl.col("status").str.to_uppercase().eq("ACTIVE").fill_null(False).alias("is_active"))
        .sort("warehouse_id")
        .select(list(COLUMNS))
    )
