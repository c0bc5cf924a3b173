"""fct_shipments: one row per shipment, with its order's store, market and creation, and hours to ship.

Late is not decided here: the threshold is the analyst's (`queries/analysis/late_shipments.sql` takes it as a
parameter); this table gives the hours it is compared with.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from warehouse.registry import BuildParams, table
from warehouse.tables import order_context
from warehouse.tables.money_and_time import as_utc, is_cancelled, local_date
from warehouse.tables.order_api_members import SOURCE_API_DESCRIPTION

SECONDS_PER_HOUR = 3600

COLUMNS = {
    "shipment_number": "Centra's shipment number (e.g. 1001-1), unique over all orders.",
    "shipment_id": "Centra's shipment id.",
    "order_id": "Centra's id (hash) of the order shipped.",
    "order_number": "Centra's order number of the order shipped.",
    "store_id": "Centra's store id of the order.",
    "store_type": "DIRECT_TO_CONSUMER or WHOLESALE, as Centra reports the order's store.",
    "market_id": "Centra's market id of the order.",
    "country_code": "The order's shipping country (ISO 3166-1 alpha-2), else its billing country.",
    "is_order_cancelled": "True when the order's status is CANCELLED.",
    "order_created_at": "When the order was created (UTC).",
    "order_date": "Local date, in the Centra instance's timezone, of order_created_at.",
    "shipment_seq": "1 for the order's first shipment, 2 for the second, ... (by created_at, then number).",
    "created_at": "When the shipment was created (UTC).",
    "shipped_at": "When the shipment was shipped (UTC); empty while it is not.",
    "shipped_date": "Local date, in the Centra instance's timezone, of shipped_at; empty while not shipped.",
    "is_shipped": "True when Centra marks the shipment shipped.",
    "is_good_to_go": "True when Centra marks the shipment good to go (ready to ship).",
    "hours_to_ship": "Hours from order_created_at to shipped_at; empty while not shipped.",
    "hours_created_to_shipped": "Hours from the shipment's created_at to shipped_at; empty while not shipped.",
    "units": "Σ quantity on the shipment's lines; 0 when it has none.",
    "number_of_packages": "Number of packages, as Centra reports it.",
    "carrier_name": "Name of the carrier (e.g. PostNord, DHL Freight).",
    "service_name": "Name of the carrier's service.",
    "source_api": SOURCE_API_DESCRIPTION,
}


def _hours(start: str, end: str) -> pl.Expr:
    return (pl.col(end) - pl.col(start)).dt.total_microseconds() / (SECONDS_PER_HOUR * 1_000_000)


@table(
    name="fct_shipments",
    grain="one row per shipment",
    key=("shipment_number",),
    inputs=("orders__shipments", "orders__shipments__lines", *order_context.INPUTS),
    description=(
        "Shipments, shipped or not, with their order's store, market, country and creation, and the hours "
        "from order to shipping (late-shipment analysis)."
    ),
    columns=COLUMNS,
    partition_by="order_number",
    whole_history=order_context.WHOLE_HISTORY,
    optional_inputs=order_context.OPTIONAL_INPUTS,
)
def fct_shipments(inputs: Mapping[str, pl.LazyFrame], params: BuildParams) -> pl.LazyFrame:
    orders = order_context.with_context(inputs["orders"], inputs).select(
        "order_number",
        "order_id",
        pl.col("_source_api").alias("source_api"),
        "store_id",
        "store_type",
        "market_id",
        pl.coalesce("shipping_country_code", "billing_country_code").alias("country_code"),
        is_cancelled(pl.col("status")).alias("is_order_cancelled"),
        as_utc(pl.col("created_at")).alias("order_created_at"),
        local_date(pl.col("created_at"), params.timezone).alias("order_date"),
    )
    units = (
        inputs["orders__shipments__lines"]
        .group_by("shipment_number")
        .agg(pl.col("quantity").fill_null(0).sum().cast(pl.Int64).alias("units"))
    )
    return (
        inputs["orders__shipments"]
        .join(orders, on="order_number", how="left")
        .join(units, on="shipment_number", how="left")
        .with_columns(
            as_utc(pl.col("created_at")).alias("created_at"),
            as_utc(pl.col("shipped_at")).alias("shipped_at"),
            local_date(pl.col("shipped_at"), params.timezone).alias("shipped_date"),
            pl.col("is_shipped").fill_null(False),
            pl.col("is_good_to_go").fill_null(False),
            pl.col("units").fill_null(0),
        )
        .sort("order_number", "created_at", "shipment_number", nulls_last=True)
        .with_columns(
            (pl.int_range(pl.len()).over("order_number") + 1).cast(pl.Int64).alias("shipment_seq"),
            _hours("order_created_at", "shipped_at").alias("hours_to_ship"),
            _hours("created_at", "shipped_at").alias("hours_created_to_shipped"),
        )
        .sort("shipment_number")
        .select(list(COLUMNS))
    )
