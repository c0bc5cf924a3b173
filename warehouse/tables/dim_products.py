"""dim_products: one row per product size (SKU) with its variant, product, brand and collection names."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from warehouse.registry import BuildParams, table
from warehouse.tables.order_api_members import SOURCE_API_DESCRIPTION
from warehouse.tables.reference_inputs import optional_reference

COLUMNS = {
    "size_id": "Centra's product size id: the sellable unit (SKU).",
    "sku": "Stock keeping unit of the product size.",
    "ean": "EAN barcode of the product size.",
    "product_id": "Centra's product id.",
    "product_number": "The brand's product number (style number).",
    "product_name": "Name of the product.",
    "variant_id": "Centra's variant (colour) id.",
    "variant_number": "The brand's variant number.",
    "variant_name": "Name of the variant (colour).",
    "size_name": "Name of the size: the product size's own, else its size chart size's.",
    "brand_name": "Name of the product's brand.",
    "collection_name": "Name of the product's collection.",
    "product_status": "Centra's status of the product (e.g. ACTIVE, INACTIVE).",
    "variant_status": "Centra's status of the variant (e.g. ACTIVE, INACTIVE).",
    "source_api": SOURCE_API_DESCRIPTION,
}


@table(
    name="dim_products",
    grain="one row per product size (SKU)",
    key=("size_id",),
    inputs=("product_sizes", "variants", "products", "brands", "collections", "sizes"),
    description="The catalogue at SKU level: every product size with its variant, product, brand and collection.",
    columns=COLUMNS,
    optional_inputs=optional_reference("brands", "collections", "sizes"),
)
def dim_products(inputs: Mapping[str, pl.LazyFrame], params: BuildParams) -> pl.LazyFrame:
    variants = inputs["variants"].select(
        "variant_id",
        pl.col("product_id").alias("variant_product_id"),
        "variant_number",
        pl.col("name").alias("variant_name"),
        pl.col("status").alias("variant_status"),
    )
    products = inputs["products"].select(
        "product_id",
        "product_number",
        "brand_id",
        "collection_id",
        pl.col("name").alias("product_name"),
        pl.col("status").alias("product_status"),
    )
    brands = inputs["brands"].select("brand_id", pl.col("name").alias("brand_name"))
    collections = inputs["collections"].select("collection_id", pl.col("name").alias("collection_name"))
    chart_sizes = inputs["sizes"].select(
        pl.col("size_id").alias("size_chart_size_id"), pl.col("name").alias("chart_size_name")
    )
    return (
        inputs["product_sizes"]
        .join(variants, on="variant_id", how="left")
        .with_columns(pl.coalesce("product_id", "variant_product_id").alias("product_id"))
        .join(products, on="product_id", how="left")
        .join(brands, on="brand_id", how="left")
        .join(collections, on="collection_id", how="left")
        .join(chart_sizes, on="size_chart_size_id", how="left")
        .with_columns(
            pl.coalesce("size_name", "chart_size_name").alias("size_name"),
            pl.col("_source_api").alias("source_api"),
        )
        .select(list(COLUMNS))
    )
