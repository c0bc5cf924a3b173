"""fct_order_lines: every order line with current quantities, returns and gross/discount/net money."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from warehouse.registry import BuildParams, table
from warehouse.tables import order_context
from warehouse.tables.money_and_time import as_money, in_base_currency, is_cancelled, local_date
from warehouse.tables.order_api_members import SOURCE_API_DESCRIPTION, line_ids_by_sku

COLUMNS = {
    "order_line_id": "Centra's id of the order line.",
    "order_id": "Centra's id (hash) of the order the line belongs to.",
    "order_number": "Centra's order number of the order the line belongs to.",
    "order_date": "Local date, in the Centra instance's timezone, of the order's creation.",
    "is_order_cancelled": "True when the order's status is CANCELLED; sales exclude these lines.",
    "product_id": "Centra's product id (for an Order API line: that of the catalog's size with its SKU, else EAN).",
    "variant_id": "Centra's variant (colour) id.",
    "size_id": "Centra's product size id: the sellable unit (SKU).",
    "sku": "Stock keeping unit of the product size.",
    "ean": "EAN barcode of the product size.",
    "quantity": "Units ordered now, after cancellations; 0 for a fully cancelled line.",
    "cancelled_quantity": "Units cancelled from the line.",
    "returned_quantity": "Units on return lines for this line (completed or not).",
    "unit_price_amount": "Price of one unit after line discounts, in the order's currency.",
    "unit_original_price_amount": "Price of one unit before discounts, in the order's currency.",
    "gross_amount": "unit_original_price_amount × quantity, in the order's currency.",
    "discount_amount": "gross_amount − net_amount, in the order's currency.",
    "net_amount": "The line's value after line discounts (Centra's line value), in the order's currency.",
    "currency_code": "ISO code of the order's currency.",
    "net_amount_base": "net_amount × the order's conversion_rate: the base currency (see fct_orders."
    "conversion_rate_source).",
    "source_api": SOURCE_API_DESCRIPTION,
}


@table(
    name="fct_order_lines",
    grain="one row per order line (fully cancelled lines too)",
    key=("order_line_id",),
    inputs=(*order_context.INPUTS, "orders__lines", "orders__returns__lines", "product_sizes"),
    description="Order lines with current quantities, returned units and gross, discount and net amounts.",
    columns=COLUMNS,
    partition_by="order_number",
    whole_history=order_context.WHOLE_HISTORY,
    optional_inputs=order_context.OPTIONAL_INPUTS,
)
def fct_order_lines(inputs: Mapping[str, pl.LazyFrame], params: BuildParams) -> pl.LazyFrame:
    orders = order_context.with_context(inputs["orders"], inputs).select(
        "order_number",
        "order_id",
        "conversion_rate",
        pl.col("_source_api").alias("source_api"),
        local_date(pl.col("created_at"), params.timezone).alias("order_date"),
        is_cancelled(pl.col("status")).alias("is_order_cancelled"),
    )
    returned = (
        inputs["orders__returns__lines"]
        .group_by("order_line_id")
        .agg(pl.col("quantity").fill_null(0).sum().cast(pl.Int64).alias("returned_quantity"))
    )
    quantity = pl.col("quantity").fill_null(0).cast(pl.Int64)
    unit_original_price = pl.coalesce("unit_original_price_amount", "unit_price_amount")
    return (
        line_ids_by_sku(inputs["orders__lines"], inputs["product_sizes"])
        .join(orders, on="order_number", how="left")
        .join(returned, on="order_line_id", how="left")
        .with_columns(
            quantity.alias("quantity"),
            pl.col("cancelled_quantity").fill_null(0).cast(pl.Int64),
            pl.col("returned_quantity").fill_null(0),
            as_money(unit_original_price * quantity).alias("gross_amount"),
            as_money(pl.col("line_amount")).alias("net_amount"),
        )
        .with_columns(
            as_money(pl.col("gross_amount") - pl.col("net_amount")).alias("discount_amount"),
            in_base_currency(pl.col("net_amount"), pl.col("conversion_rate")).alias("net_amount_base"),
        )
        .select(list(COLUMNS))
    )
