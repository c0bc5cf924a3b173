"""Money rounding and local days, through the pure table functions with polars frames passed straight in."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import polars as pl
from polars.testing import assert_frame_equal

from warehouse.registry import REGISTRY, BuildParams
from warehouse.tables.money_and_time import in_base_currency, local_date

MONEY = pl.Decimal(18, 4)
RATE = pl.Decimal(18, 8)


def test_base_amounts_round_half_away_from_zero() -> None:
    frame = pl.DataFrame(
        {
            "amount": pl.Series([Decimal("0.0001"), Decimal("-0.0001"), Decimal("0.0003")], dtype=MONEY),
            "rate": pl.Series([Decimal("0.5"), Decimal("0.5"), Decimal("0.5")], dtype=RATE),
        }
    )

    result = frame.select(in_base_currency(pl.col("amount"), pl.col("rate")).alias("base"))

    expected = pl.DataFrame(
        {"base": pl.Series([Decimal("0.0001"), Decimal("-0.0001"), Decimal("0.0002")], dtype=MONEY)}
    )
    assert_frame_equal(result, expected)


def test_local_date_crosses_midnight_on_both_dst_changes() -> None:
    instants = pl.Series(
        [
            datetime(2026, 3, 29, 22, 30, tzinfo=UTC),  # 00:30 CEST on 30 March
            datetime(2026, 10, 25, 22, 30, tzinfo=UTC),  # 23:30 CET on 25 October (clocks went back)
            datetime(2026, 10, 24, 22, 30, tzinfo=UTC),  # 00:30 CEST on 25 October
        ],
        dtype=pl.Datetime("us", "UTC"),
    )

    result = pl.DataFrame({"at": instants}).select(local_date(pl.col("at"), "Europe/Stockholm"))

    assert result["at"].to_list() == [date(2026, 3, 30), date(2026, 10, 25), date(2026, 10, 25)]


def test_an_order_without_lines_has_zero_units_and_amounts() -> None:
    orders = pl.LazyFrame(
        {
            "order_number": [5001],
            "order_id": ["a5001"],
            "store_id": [1],
            "store_type": ["DIRECT_TO_CONSUMER"],
            "market_id": [10],
            "pricelist_id": [20],
            "customer_id": [3],
            "account_id": pl.Series([None], dtype=pl.Int64),
            "shipping_country_code": pl.Series([None], dtype=pl.String),
            "billing_country_code": ["DE"],
            "currency_code": ["EUR"],
            "conversion_rate": pl.Series([Decimal("11")], dtype=RATE),
            "status": ["PENDING"],
            "created_at": pl.Series([datetime(2026, 5, 1, 12, tzinfo=UTC)], dtype=pl.Datetime("us", "UTC")),
            "shipping_amount": pl.Series([Decimal("5")], dtype=MONEY),
            "tax_included_amount": pl.Series([None], dtype=MONEY),
            "tax_added_amount": pl.Series([Decimal("1")], dtype=MONEY),
            "grand_total_amount": pl.Series([Decimal("6")], dtype=MONEY),
            "voucher_amount": pl.Series([None], dtype=MONEY),
            "voucher_code": pl.Series([None], dtype=pl.String),
            "voucher_name": pl.Series([None], dtype=pl.String),
            "_source_api": ["graphql"],
        }
    )
    no_lines = pl.LazyFrame(
        schema={"order_number": pl.Int64, "quantity": pl.Int64, "gross_amount": MONEY, "net_amount": MONEY}
    )
    no_returns = pl.LazyFrame(schema={"order_number": pl.Int64, "quantity": pl.Int64})
    spec = REGISTRY["fct_orders"]
    # the reference tables (markets, stores, currencies) are optional: empty, as the build passes them absent
    no_reference = {name: pl.LazyFrame(schema=dict(types)) for name, types in spec.optional_inputs.items()}
    inputs = {
        "orders": orders,
        "fct_order_lines": no_lines,
        "orders__returns__lines": no_returns,
        "currency_rates": pl.LazyFrame(schema=REGISTRY["currency_rates"].schema),
        **no_reference,
    }

    result = spec.build(inputs, BuildParams()).collect()

    row = result.row(0, named=True)
    assert (row["units"], row["gross_amount"], row["net_amount"], row["discount_amount"]) == (0, 0, 0, 0)
    assert (row["tax_amount"], row["shipping_amount_base"], row["grand_total_amount_base"]) == (1, 55, 66)
    assert (row["country_code"], row["customer_order_seq"], row["is_first_order"]) == ("DE", 1, True)
    assert row["order_date"] == date(2026, 5, 1)
    assert (row["conversion_rate_source"], row["store_id"], row["source_api"]) == ("order", 1, "graphql")
