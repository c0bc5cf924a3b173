"""fct_returns: one row per return line, with its return's dates and state and its amount in base currency."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from warehouse.registry import BuildParams, table
from warehouse.tables import order_context
from warehouse.tables.money_and_time import as_utc, in_base_currency
from warehouse.tables.order_api_members import SOURCE_API_DESCRIPTION

COLUMNS = {
    "return_id": "Centra's id of the return.",
    "return_line_id": "Centra's id of the return line.",
    "order_id": "Centra's id (hash) of the order the returned line was bought on.",
    "order_number": "Centra's order number of the order the returned line was bought on.",
    "order_line_id": "Centra's id of the order line returned.",
    "created_at": "When the return was created (UTC).",
    "is_completed": "True when Centra marks the return completed; returned units count it either way.",
    "quantity": "Units returned on the line.",
    "amount_base": "The return line's amount × the order's conversion_rate: the base currency.",
    "source_api": SOURCE_API_DESCRIPTION,
}


@table(
    name="fct_returns",
    grain="one row per return line",
    key=("return_line_id",),
    inputs=("orders__returns__lines", "orders__returns", *order_context.INPUTS),
    description="Return lines, completed or not, with the return's creation and the amount in base currency.",
    columns=COLUMNS,
    partition_by="order_number",
    whole_history=order_context.WHOLE_HISTORY,
    optional_inputs=order_context.OPTIONAL_INPUTS,
)
def fct_returns(inputs: Mapping[str, pl.LazyFrame], params: BuildParams) -> pl.LazyFrame:
    returns = inputs["orders__returns"].select(
        "return_id",
        as_utc(pl.col("created_at")).alias("created_at"),
        pl.col("is_completed").fill_null(False),
    )
    orders = order_context.with_context(inputs["orders"], inputs).select(
        "order_number", "order_id", "conversion_rate", pl.col("_source_api").alias("source_api")
    )
    return (
        inputs["orders__returns__lines"]
        .join(returns, on="return_id", how="left")
        .join(orders, on="order_number", how="left")
        .with_columns(
            pl.col("quantity").fill_null(0).cast(pl.Int64),
            in_base_currency(pl.col("amount"), pl.col("conversion_rate")).alias("amount_base"),
        )
        .select(list(COLUMNS))
    )
