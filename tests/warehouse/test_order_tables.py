"""fct_orders and fct_order_lines against hand-computed frames, built through the real DuckDB runner."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from tests.warehouse.canonical_inputs import create_canonical_dataset
from warehouse.build import build_reporting
from warehouse.registry import BuildParams

MONEY = pl.Decimal(18, 4)
RATE = pl.Decimal(18, 8)
UTC_TIME = pl.Datetime("us", "UTC")
AS_OF = datetime(2026, 4, 1, tzinfo=UTC)


@pytest.fixture
def connection(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = create_canonical_dataset(tmp_path / "warehouse.duckdb")
    yield connection
    connection.close()


def _read(connection: duckdb.DuckDBPyConnection, table: str, order_by: str) -> pl.DataFrame:
    frame = connection.sql(f"SELECT * FROM reporting.{table} ORDER BY {order_by}").pl()
    # DuckDB hands TIMESTAMPTZ back in the session's zone; the stored instant is what we compare
    return frame.with_columns(pl.col(pl.Datetime).dt.convert_time_zone("UTC"))


def _money(*values: str) -> pl.Series:
    return pl.Series([Decimal(value) for value in values], dtype=MONEY)


def test_fct_order_lines_match_hand_computed_lines(connection: duckdb.DuckDBPyConnection) -> None:
    build_reporting(connection, BuildParams(timezone="Europe/Stockholm", as_of=AS_OF))

    expected = pl.DataFrame(
        {
            "order_line_id": [11, 12, 13, 14, 15],
            "order_id": ["a1001", "a1001", "a1002", "a1003", "a1004"],
            "order_number": [1001, 1001, 1002, 1003, 1004],
            # 1002 was created 2026-03-29 22:30 UTC, 00:30 CEST on the 30th in Stockholm
            "order_date": [
                date(2026, 1, 10),
                date(2026, 1, 10),
                date(2026, 3, 30),
                date(2026, 1, 5),
                date(2026, 2, 1),
            ],
            "is_order_cancelled": [False, False, False, True, False],
            "product_id": [100] * 5,
            "variant_id": [200] * 5,
            "size_id": [300, 301, 300, 300, 301],
            "sku": ["SKU-300", "SKU-301", "SKU-300", "SKU-300", "SKU-301"],
            "ean": ["EAN300", "EAN301", "EAN300", "EAN300", "EAN301"],
            "quantity": [2, 1, 3, 0, 10],  # 12 partially, 14 fully cancelled
            "cancelled_quantity": [0, 1, 0, 2, 0],
            "returned_quantity": [1, 0, 0, 0, 0],
            "unit_price_amount": _money("80", "50", "10", "100", "40"),
            "unit_original_price_amount": _money("100", "50", "12.5", "100", "80"),
            "gross_amount": _money("200", "50", "37.5", "0", "800"),
            "discount_amount": _money("40", "0", "7.5", "0", "400"),
            "net_amount": _money("160", "50", "30", "0", "400"),
            "currency_code": ["SEK", "SEK", "EUR", "SEK", "SEK"],
            # 30 EUR × 11.23456789 = 337.0370367
            "net_amount_base": _money("160", "50", "337.0370", "0", "400"),
            "source_api": ["graphql"] * 5,
        }
    )
    assert_frame_equal(_read(connection, "fct_order_lines", "order_line_id"), expected)


def test_fct_orders_match_hand_computed_orders(connection: duckdb.DuckDBPyConnection) -> None:
    build_reporting(connection, BuildParams(timezone="Europe/Stockholm", as_of=AS_OF))

    expected = pl.DataFrame(
        {
            "order_id": ["a1001", "a1002", "a1003", "a1004"],
            "order_number": [1001, 1002, 1003, 1004],
            "store_id": [1, 1, 1, 2],
            "store_type": ["DIRECT_TO_CONSUMER"] * 3 + ["WHOLESALE"],
            "market_id": [10] * 4,
            "pricelist_id": [20] * 4,
            "customer_id": [1, 1, 1, None],
            "account_id": [None, None, None, 7],
            "country_code": ["SE"] * 4,
            "currency_code": ["SEK", "EUR", "SEK", "SEK"],
            "conversion_rate": pl.Series(
                [Decimal("1"), Decimal("11.23456789"), Decimal("1"), Decimal("1")], dtype=RATE
            ),
            "conversion_rate_source": ["order"] * 4,  # GraphQL gave every order its rate
            "status": ["SHIPPED", "CONFIRMED", "CANCELLED", "CONFIRMED"],
            "is_cancelled": [False, False, True, False],
            "created_at": pl.Series(
                [
                    datetime(2026, 1, 10, 10, tzinfo=UTC),
                    datetime(2026, 3, 29, 22, 30, tzinfo=UTC),
                    datetime(2026, 1, 5, 8, tzinfo=UTC),
                    datetime(2026, 2, 1, 9, tzinfo=UTC),
                ],
                dtype=UTC_TIME,
            ),
            "order_date": [date(2026, 1, 10), date(2026, 3, 30), date(2026, 1, 5), date(2026, 2, 1)],
            "units": [3, 3, 0, 10],
            "gross_amount": _money("250", "37.5", "0", "800"),
            "discount_amount": _money("40", "7.5", "0", "400"),
            "net_amount": _money("210", "30", "0", "400"),
            "shipping_amount": _money("49", "5", "0", "0"),
            "tax_amount": _money("42", "7", "0", "100"),
            "grand_total_amount": _money("259", "35", "0", "500"),
            # EUR × 11.23456789: 37.5 → 421.296295875, 7.5 → 84.259259175, 30 → 337.0370367,
            # 5 → 56.17283945, 7 → 78.64197523, 35 → 393.20987615
            "gross_amount_base": _money("250", "421.2963", "0", "800"),
            "discount_amount_base": _money("40", "84.2593", "0", "400"),
            "net_amount_base": _money("210", "337.0370", "0", "400"),
            "shipping_amount_base": _money("49", "56.1728", "0", "0"),
            "tax_amount_base": _money("42", "78.6420", "0", "100"),
            "grand_total_amount_base": _money("259", "393.2099", "0", "500"),
            # 1003 came first but is cancelled; the wholesale order has no customer
            "customer_order_seq": [1, 2, None, None],
            "is_first_order": [True, False, False, False],
            "returned_units": [1, 0, 0, 0],
            "voucher_code": pl.Series([None] * 4, dtype=pl.String),
            "voucher_amount": _money("0", "0", "0", "0"),
            "voucher_amount_base": _money("0", "0", "0", "0"),
            "has_voucher": [False] * 4,
            "source_api": ["graphql"] * 4,
        }
    )
    assert_frame_equal(_read(connection, "fct_orders", "order_number"), expected)


def test_fct_orders_carry_the_voucher_in_order_and_base_currency(
    connection: duckdb.DuckDBPyConnection,
) -> None:
    # 1002 (EUR at 11.23456789) used code SPRING for 5 off; 1001 got an automatic voucher, which has no code
    connection.execute(
        "UPDATE centra_raw.orders SET voucher_code = 'SPRING', voucher_name = 'Spring', voucher_amount = 5 "
        "WHERE order_number = 1002"
    )
    connection.execute(
        "UPDATE centra_raw.orders SET voucher_name = 'Welcome', voucher_amount = 10 WHERE order_number = 1001"
    )
    build_reporting(connection, BuildParams(timezone="Europe/Stockholm", as_of=AS_OF))

    vouchers = _read(connection, "fct_orders", "order_number").select(
        "voucher_code", "voucher_amount", "voucher_amount_base", "has_voucher"
    )

    expected = pl.DataFrame(
        {
            "voucher_code": [None, "SPRING", None, None],
            "voucher_amount": _money("10", "5", "0", "0"),
            "voucher_amount_base": _money("10", "56.1728", "0", "0"),  # 5 × 11.23456789 = 56.17283945
            "has_voucher": [True, True, False, False],
        }
    )
    assert_frame_equal(vouchers, expected)


def test_order_date_follows_the_configured_timezone(connection: duckdb.DuckDBPyConnection) -> None:
    build_reporting(connection, BuildParams(timezone="UTC", as_of=AS_OF))

    dates = connection.sql("SELECT order_date FROM reporting.fct_orders WHERE order_number = 1002").fetchall()
    assert dates == [(date(2026, 3, 29),)]


def test_order_money_identities_hold(connection: duckdb.DuckDBPyConnection) -> None:
    build_reporting(connection, BuildParams(as_of=AS_OF))

    broken = connection.sql(
        """
        SELECT o.order_number
        FROM reporting.fct_orders o
        LEFT JOIN (
            SELECT order_number, sum(net_amount) AS net, sum(quantity) AS units
            FROM reporting.fct_order_lines GROUP BY order_number
        ) l USING (order_number)
        WHERE o.net_amount <> coalesce(l.net, 0) OR o.units <> coalesce(l.units, 0)
           OR o.gross_amount - o.discount_amount <> o.net_amount
        """
    ).fetchall()
    assert broken == []
