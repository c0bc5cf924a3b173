"""dim_customers: one row per DTC customer with their lifetime order metrics and cohort."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

import polars as pl

from pipelines.anonymized import is_anonymized
from warehouse.registry import BuildParams, table
from warehouse.tables.money_and_time import MONEY, as_money, local_date
from warehouse.tables.order_api_members import SOURCE_API_DESCRIPTION

COLUMNS = {
    "customer_id": "Centra's DTC customer id.",
    "email": (
        "The customer's email as Centra has it or, when the build hashes PII (BuildParams.hash_pii), the "
        "SHA-256 hex of the trimmed, lower-cased email; empty for an anonymized customer. A guest and a "
        "registered customer may share an email: they are two customers."
    ),
    "is_anonymized": (
        "True when Centra has anonymized the customer: email empty or a placeholder "
        "(anonymized-…@anonymized.invalid and the like) and first and last name empty or placeholders "
        "(pipelines/anonymized.py); such a customer's email is empty here."
    ),
    "first_order_at": "created_at (UTC) of the customer's first non-cancelled order; empty without orders.",
    "last_order_at": "created_at (UTC) of the customer's latest non-cancelled order; empty without orders.",
    "orders_count": "Number of the customer's non-cancelled orders; 0 without orders.",
    "units": "Σ units over the customer's non-cancelled orders; 0 without orders.",
    "lifetime_net_amount_base": "Σ net_amount_base over the customer's non-cancelled orders; 0 without orders.",
    "avg_order_value_base": "lifetime_net_amount_base / orders_count; empty without orders.",
    "returned_units": "Σ returned_units over the customer's non-cancelled orders; 0 without orders.",
    "cohort_month": (
        "First day of the local month (instance timezone) of the customer's first non-cancelled order; "
        "empty without orders."
    ),
    "first_market_id": "market_id of the customer's first non-cancelled order; empty without orders.",
    "source_api": SOURCE_API_DESCRIPTION,
}


@table(
    name="dim_customers",
    grain="one row per customer",
    key=("customer_id",),
    inputs=("customers", "fct_orders"),
    description=(
        "DTC customers as Centra has them (centra_raw.customers), with lifetime metrics over their "
        "non-cancelled orders and the month of their first one."
    ),
    columns=COLUMNS,
)
def dim_customers(inputs: Mapping[str, pl.LazyFrame], params: BuildParams) -> pl.LazyFrame:
    sales = inputs["fct_orders"].filter(~pl.col("is_cancelled") & pl.col("customer_id").is_not_null())
    lifetime = sales.group_by("customer_id").agg(
        pl.col("created_at").min().alias("first_order_at"),
        pl.col("created_at").max().alias("last_order_at"),
        pl.len().cast(pl.Int64).alias("orders_count"),
        pl.col("units").sum().cast(pl.Int64).alias("units"),
        pl.col("net_amount_base").sum().alias("lifetime_net_amount_base"),
        pl.col("returned_units").sum().cast(pl.Int64).alias("returned_units"),
    )
    first_orders = sales.filter(pl.col("customer_order_seq") == 1).select(
        "customer_id",
        local_date(pl.col("created_at"), params.timezone).dt.month_start().alias("cohort_month"),
        pl.col("market_id").alias("first_market_id"),
    )
    zero = pl.lit(0).cast(MONEY)
    return (
        inputs["customers"]
        .join(lifetime, on="customer_id", how="left")
        .join(first_orders, on="customer_id", how="left")
        .with_columns(
            pl.col("_source_api").alias("source_api"),
            is_anonymized(pl.col("email"), pl.col("first_name"), pl.col("last_name")).alias("is_anonymized"),
        )
        .with_columns(
            pl.when(pl.col("is_anonymized"))
            .then(pl.lit(None, pl.String))
            .otherwise(customer_email(pl.col("email"), params))
            .alias("email"),
            pl.col("orders_count").fill_null(0),
            pl.col("units").fill_null(0),
            pl.col("returned_units").fill_null(0),
            as_money(pl.col("lifetime_net_amount_base").fill_null(zero)).alias("lifetime_net_amount_base"),
            as_money(pl.col("lifetime_net_amount_base") / pl.col("orders_count")).alias(
                "avg_order_value_base"
            ),
        )
        .select(list(COLUMNS))
    )


def customer_email(email: pl.Expr, params: BuildParams) -> pl.Expr:
    """The email as the reporting schema shows it: the one place PII hashing belongs.

    Unchanged, or with `params.hash_pii` the SHA-256 hex of the trimmed, lower-cased email (stable across
    builds and machines, so it still joins to a CRM export hashed the same way); NULL stays NULL.
    """
    if not params.hash_pii:
        return email
    return email.str.strip_chars().str.to_lowercase().map_elements(_sha256_hex, return_dtype=pl.String)


def _sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
