"""fct_orders: one row per order, DTC and wholesale, with its money in its own and the base currency."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from warehouse.registry import BuildParams, table
from warehouse.tables import order_context
from warehouse.tables.conversion_rates import SOURCE_DESCRIPTION
from warehouse.tables.money_and_time import as_money, as_utc, in_base_currency, is_cancelled, local_date
from warehouse.tables.order_api_members import SOURCE_API_DESCRIPTION

MONEY_COLUMNS = (
    "gross_amount",
    "discount_amount",
    "net_amount",
    "shipping_amount",
    "tax_amount",
    "grand_total_amount",
)

COLUMNS = {
    "order_id": "Centra's id (hash) of the order.",
    "order_number": "Centra's order number.",
    "store_id": "Centra's store id (for an Order API order: its market's store; see dim_stores).",
    "store_type": "DIRECT_TO_CONSUMER or WHOLESALE, as Centra reports the store.",
    "market_id": "Centra's market id.",
    "pricelist_id": "Centra's pricelist id.",
    "customer_id": "Centra's DTC customer id; empty for wholesale orders.",
    "account_id": "Centra's wholesale account id; empty for DTC orders.",
    "country_code": "Shipping country (ISO 3166-1 alpha-2), else the billing country.",
    "currency_code": "ISO code of the order's currency.",
    "conversion_rate": "Rate from the order's currency to the base currency, captured on the order (see "
    "conversion_rate_source).",
    "conversion_rate_source": SOURCE_DESCRIPTION,
    "status": "Centra's order status (PENDING, CONFIRMED, PROCESSING, SHIPPED, ARCHIVED, CANCELLED).",
    "is_cancelled": "True when status is CANCELLED; sales exclude these orders.",
    "created_at": "When the order was created (UTC).",
    "order_date": "Local date, in the Centra instance's timezone, of created_at.",
    "units": "Σ line quantity, after cancellations.",
    "gross_amount": "Σ unit_original_price_amount × quantity over the lines, in the order's currency.",
    "discount_amount": "gross_amount − net_amount, in the order's currency.",
    "net_amount": "Σ line value after line discounts, in the order's currency.",
    "shipping_amount": "Shipping as Centra reports it, in the order's currency.",
    "tax_amount": "Tax in the grand total as Centra reports it (tax included + tax added), order's currency.",
    "grand_total_amount": "Grand total as Centra reports it, in the order's currency.",
    **{f"{column}_base": f"{column} × conversion_rate: the base currency." for column in MONEY_COLUMNS},
    "customer_order_seq": (
        "1 for the customer's first non-cancelled order, 2 for the second, ... (by created_at); "
        "empty for cancelled orders and orders without a customer_id."
    ),
    "is_first_order": "True when customer_order_seq = 1.",
    "returned_units": "Σ quantity on the order's return lines (completed or not).",
    "voucher_code": "Code of the order's voucher (the first, when several); empty without one or when automatic.",
    "voucher_amount": (
        "Money off the order by its vouchers (their sum), in the order's currency; 0 without a voucher. "
        "Positive: grand_total_amount = Σ line net amounts + shipping + handling − voucher_amount. Loaded "
        "from GraphQL discountsApplied values as they are; the Order API's voucherValue is negative and the "
        "load flips it. Not in discount_amount, which is line discounts only."
    ),
    "voucher_amount_base": "voucher_amount × conversion_rate: the base currency.",
    "has_voucher": "True when a voucher applies to the order (Centra reports a voucher amount, code or name).",
    "source_api": SOURCE_API_DESCRIPTION,
}


def customer_order_seqs(inputs: Mapping[str, pl.LazyFrame], params: BuildParams) -> pl.LazyFrame:
    """Each customer's non-cancelled orders numbered 1, 2, ... by creation (order number breaks ties).

    It needs every order of a customer, so it reads the whole `orders` (four columns) even when
    fct_orders is built in parts; fct_orders receives it as the input `customer_order_seqs`."""
    return (
        inputs["orders"]
        .filter(~is_cancelled(pl.col("status")) & pl.col("customer_id").is_not_null())
        .sort("created_at", "order_number")
        .select(
            "order_number",
            (pl.int_range(pl.len()).over("customer_id") + 1).cast(pl.Int64).alias("customer_order_seq"),
        )
    )


@table(
    name="fct_orders",
    grain="one row per order",
    key=("order_number",),
    inputs=(*order_context.INPUTS, "orders__returns__lines", "fct_order_lines"),
    description="Orders, DTC and wholesale, cancelled ones flagged, with amounts in order and base currency.",
    columns=COLUMNS,
    partition_by="order_number",
    whole_history={"customer_order_seqs": customer_order_seqs, **order_context.WHOLE_HISTORY},
    optional_inputs=order_context.OPTIONAL_INPUTS,
)
def fct_orders(inputs: Mapping[str, pl.LazyFrame], params: BuildParams) -> pl.LazyFrame:
    line_totals = (
        inputs["fct_order_lines"]
        .group_by("order_number")
        .agg(
            pl.col("quantity").sum().cast(pl.Int64).alias("units"),
            pl.col("gross_amount").sum().alias("gross_amount"),
            pl.col("net_amount").sum().alias("net_amount"),
        )
    )
    returned = (
        inputs["orders__returns__lines"]
        .group_by("order_number")
        .agg(pl.col("quantity").fill_null(0).sum().cast(pl.Int64).alias("returned_units"))
    )
    zero = pl.lit(0).cast(pl.Decimal(18, 4))
    orders = (
        order_context.with_context(inputs["orders"], inputs)
        .join(line_totals, on="order_number", how="left")
        .join(returned, on="order_number", how="left")
        .with_columns(
            as_utc(pl.col("created_at")).alias("created_at"),
            local_date(pl.col("created_at"), params.timezone).alias("order_date"),
            is_cancelled(pl.col("status")).alias("is_cancelled"),
            pl.coalesce("shipping_country_code", "billing_country_code").alias("country_code"),
            pl.col("_source_api").alias("source_api"),
            pl.col("units").fill_null(0),
            pl.col("returned_units").fill_null(0),
            as_money(pl.col("gross_amount").fill_null(zero)).alias("gross_amount"),
            as_money(pl.col("net_amount").fill_null(zero)).alias("net_amount"),
            as_money(pl.col("shipping_amount")).alias("shipping_amount"),
            as_money(
                pl.col("tax_included_amount").fill_null(zero) + pl.col("tax_added_amount").fill_null(zero)
            ).alias("tax_amount"),
            as_money(pl.col("grand_total_amount")).alias("grand_total_amount"),
            as_money(pl.col("voucher_amount").fill_null(zero)).alias("voucher_amount"),
            pl.any_horizontal(
                pl.col(column).is_not_null() for column in ("voucher_amount", "voucher_code", "voucher_name")
            ).alias("has_voucher"),
        )
        .with_columns(as_money(pl.col("gross_amount") - pl.col("net_amount")).alias("discount_amount"))
        .with_columns(
            in_base_currency(pl.col(column), pl.col("conversion_rate")).alias(f"{column}_base")
            for column in (*MONEY_COLUMNS, "voucher_amount")
        )
    )
    return (
        orders.join(inputs["customer_order_seqs"], on="order_number", how="left")
        .with_columns(pl.col("customer_order_seq").eq(1).fill_null(False).alias("is_first_order"))
        .select(list(COLUMNS))
    )
