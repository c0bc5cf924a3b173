"""dim_customers, agg_daily_sales and customer_cohorts against hand-computed frames, via the DuckDB runner.

On top of the shared canonical dataset (see canonical_inputs.py: customer 1's orders 1001, 1002 across the
DST change, cancelled 1003, wholesale 1004) this adds, all SEK at rate 1, store 1:
- customer 1 registered and customer 2 a guest, sharing anna@example.com: two customers;
- customer 2: 1005 and 1008 on 2026-01-10, the same day as customer 1's first order 1001;
- customer 3, anonymized: 1006 on 2026-02-01 in market 11, 1007 on 2026-03-10 in market 10;
- customer 4: no orders.
"""

from __future__ import annotations

import hashlib
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
from warehouse.registry import REGISTRY, BuildParams

MONEY = pl.Decimal(18, 4)
UTC_TIME = pl.Datetime("us", "UTC")
AS_OF = datetime(2026, 4, 1, tzinfo=UTC)  # 02:00 on 1 April in Stockholm

CUSTOMERS_ROWS = [
    # customer_id, email, first_name, last_name, is_registered
    (1, "anna@example.com", "Anna", "Berg", True),
    (2, "anna@example.com", "Anna", "Berg", False),
    (3, None, None, None, True),
    (4, "olle@example.com", "Olle", None, True),
]

EXTRA_ORDERS_ROWS = [
    # order_number, market_id, customer_id, created_at, shipping
    (1005, 10, 2, "2026-01-10 15:00:00+00", "29"),
    (1006, 11, 3, "2026-02-01 12:00:00+00", "0"),
    (1007, 10, 3, "2026-03-10 09:00:00+00", "0"),
    (1008, 10, 2, "2026-01-10 16:00:00+00", "0"),
]

EXTRA_LINES_ROWS = [
    # order_line_id, order_number, quantity, unit_price, unit_original_price, line_amount
    (16, 1005, 1, "100", "100", "100"),
    (17, 1006, 2, "60", "75", "120"),
    (18, 1007, 1, "50", "50", "50"),
    (19, 1008, 1, "20", "20", "20"),
]


@pytest.fixture
def connection(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = create_canonical_dataset(tmp_path / "warehouse.duckdb")
    connection.executemany(
        "INSERT INTO centra_raw.customers (customer_id, email, first_name, last_name, is_registered) "
        "VALUES (?, ?, ?, ?, ?)",
        CUSTOMERS_ROWS,
    )
    connection.executemany(
        "INSERT INTO centra_raw.orders (order_number, order_id, store_id, store_type, market_id, pricelist_id, "
        "customer_id, status, currency_code, conversion_rate, created_at, shipping_amount) "
        "VALUES (?, 'a' || ?, 1, 'DIRECT_TO_CONSUMER', ?, 20, ?, 'SHIPPED', 'SEK', 1, ?, ?)",
        [
            (number, number, market, customer, at, shipping)
            for number, market, customer, at, shipping in EXTRA_ORDERS_ROWS
        ],
    )
    connection.executemany(
        "INSERT INTO centra_raw.orders__lines (order_line_id, order_number, product_id, variant_id, size_id, "
        "quantity, cancelled_quantity, unit_price_amount, unit_original_price_amount, line_amount, currency_code) "
        "VALUES (?, ?, 100, 200, 300, ?, 0, ?, ?, ?, 'SEK')",
        EXTRA_LINES_ROWS,
    )
    build_reporting(connection, BuildParams(timezone="Europe/Stockholm", as_of=AS_OF))
    yield connection
    connection.close()


def _read(connection: duckdb.DuckDBPyConnection, table: str, order_by: str) -> pl.DataFrame:
    frame = connection.sql(f"SELECT * FROM reporting.{table} ORDER BY {order_by}").pl()
    # DuckDB hands TIMESTAMPTZ back in the session's zone; the stored instant is what we compare
    return frame.with_columns(pl.col(pl.Datetime).dt.convert_time_zone("UTC"))


def _money(*values: str | None) -> pl.Series:
    return pl.Series([None if value is None else Decimal(value) for value in values], dtype=MONEY)


def test_dim_customers_match_hand_computed_customers(connection: duckdb.DuckDBPyConnection) -> None:
    expected = pl.DataFrame(
        {
            "customer_id": [1, 2, 3, 4],
            # a registered customer and a guest sharing an email stay two customers
            "email": ["anna@example.com", "anna@example.com", None, "olle@example.com"],
            # 4 lacks a last name only: not anonymized
            "is_anonymized": [False, False, True, False],
            # 1's cancelled 1003 (5 January) is not its first order
            "first_order_at": pl.Series(
                [
                    datetime(2026, 1, 10, 10, tzinfo=UTC),
                    datetime(2026, 1, 10, 15, tzinfo=UTC),
                    datetime(2026, 2, 1, 12, tzinfo=UTC),
                    None,
                ],
                dtype=UTC_TIME,
            ),
            "last_order_at": pl.Series(
                [
                    datetime(2026, 3, 29, 22, 30, tzinfo=UTC),
                    datetime(2026, 1, 10, 16, tzinfo=UTC),
                    datetime(2026, 3, 10, 9, tzinfo=UTC),
                    None,
                ],
                dtype=UTC_TIME,
            ),
            "orders_count": [2, 2, 2, 0],
            "units": [6, 2, 3, 0],
            # 1: 210 + 30 EUR × 11.23456789 (337.0370); 2: 100 + 20; 3: 120 + 50
            "lifetime_net_amount_base": _money("547.0370", "120", "170", "0"),
            "avg_order_value_base": _money("273.5185", "60", "85", None),
            "returned_units": [1, 0, 0, 0],
            "cohort_month": [date(2026, 1, 1), date(2026, 1, 1), date(2026, 2, 1), None],
            "first_market_id": [10, 10, 11, None],
            "source_api": ["graphql"] * 4,
        }
    )
    assert_frame_equal(_read(connection, "dim_customers", "customer_id"), expected)


def test_agg_daily_sales_match_hand_computed_days(connection: duckdb.DuckDBPyConnection) -> None:
    expected = pl.DataFrame(
        {
            # cancelled 1003 (5 January) is absent; 1002 falls on 30 March in Stockholm (DST)
            "order_date": [
                date(2026, 1, 10),
                date(2026, 2, 1),
                date(2026, 2, 1),
                date(2026, 3, 10),
                date(2026, 3, 30),
            ],
            "store_id": [1, 1, 2, 1, 1],
            "market_id": [10, 11, 10, 10, 10],
            "currency_code": ["SEK", "SEK", "SEK", "SEK", "EUR"],
            # 10 January: 1001, 1005, 1008; 1 February: 1006, and wholesale 1004 in store 2
            "orders": [3, 1, 1, 1, 1],
            "units": [5, 2, 10, 1, 3],
            "gross_amount": _money("370", "150", "800", "50", "37.5"),
            "discount_amount": _money("40", "30", "400", "0", "7.5"),
            "net_amount": _money("330", "120", "400", "50", "30"),
            "net_amount_base": _money("330", "120", "400", "50", "337.0370"),
            "shipping_amount": _money("78", "0", "0", "0", "5"),
            # 10 January: customers 1 and 2 (two orders, counted once); wholesale counts in neither
            "new_customers": [2, 1, 0, 0, 0],
            "returning_customers": [0, 0, 0, 1, 1],
        }
    )
    assert_frame_equal(
        _read(connection, "agg_daily_sales", "order_date, store_id, market_id, currency_code"), expected
    )


def test_customer_cohorts_match_hand_computed_cohorts(connection: duckdb.DuckDBPyConnection) -> None:
    expected = pl.DataFrame(
        {
            # months run up to April, the month of as_of; quiet months are zero-filled
            "cohort_month": [date(2026, 1, 1)] * 4 + [date(2026, 2, 1)] * 3,
            "months_since_first_order": [0, 1, 2, 3, 0, 1, 2],
            "cohort_customers": [2, 2, 2, 2, 1, 1, 1],
            "active_customers": [2, 0, 1, 0, 1, 1, 0],
            "orders": [3, 0, 1, 0, 1, 1, 0],
            # January: 1001 + 1005 + 1008 = 330; March: 1002 = 337.0370
            "net_amount_base": _money("330", "0", "337.0370", "0", "120", "50", "0"),
            # (330 + 337.0370) / 2 = 333.5185
            "cumulative_net_amount_base_per_customer": _money(
                "165", "165", "333.5185", "333.5185", "120", "170", "170"
            ),
            "retention_rate": [1.0, 0.0, 0.5, 0.0, 1.0, 1.0, 0.0],
        }
    )
    assert_frame_equal(
        _read(connection, "customer_cohorts", "cohort_month, months_since_first_order"), expected
    )


def test_sales_totals_agree_across_the_tables(connection: duckdb.DuckDBPyConnection) -> None:
    totals = connection.sql(
        """
        SELECT
            (SELECT sum(net_amount_base) FROM reporting.fct_orders WHERE NOT is_cancelled),
            (SELECT sum(net_amount_base) FROM reporting.agg_daily_sales),
            (SELECT sum(lifetime_net_amount_base) FROM reporting.dim_customers),
            (SELECT sum(net_amount_base) FROM reporting.customer_cohorts),
            (SELECT sum(orders_count) FROM reporting.dim_customers),
            (SELECT sum(orders) FROM reporting.customer_cohorts)
        """
    ).fetchone()
    # everything but wholesale 1004 (400) belongs to a customer
    assert totals == (
        Decimal("1237.0370"),
        Decimal("1237.0370"),
        Decimal("837.0370"),
        Decimal("837.0370"),
        6,
        6,
    )


def _fct_orders(*rows: tuple[int, int, datetime, str]) -> pl.LazyFrame:
    """fct_orders with the columns the customer tables read: (order_number, customer_id, created_at, net)."""
    created = pl.Series([at for _, _, at, _ in rows], dtype=UTC_TIME)
    return pl.LazyFrame(
        {
            "order_number": [number for number, _, _, _ in rows],
            "customer_id": [customer for _, customer, _, _ in rows],
            "market_id": [10] * len(rows),
            "is_cancelled": [False] * len(rows),
            "created_at": created,
            "order_date": created.dt.convert_time_zone("Europe/Stockholm").dt.date(),
            "units": [1] * len(rows),
            "net_amount_base": _money(*(net for _, _, _, net in rows)),
            "returned_units": [0] * len(rows),
            "customer_order_seq": list(range(1, len(rows) + 1)),
        }
    )


def test_cohort_month_is_the_local_month_and_reaches_past_as_of() -> None:
    # 23:30 UTC on 31 January is 00:30 on 1 February in Stockholm; the second order comes after as_of
    orders = _fct_orders(
        (1, 5, datetime(2026, 1, 31, 23, 30, tzinfo=UTC), "10"),
        (2, 5, datetime(2026, 4, 2, 12, tzinfo=UTC), "20"),
    )
    customers = pl.LazyFrame(
        {
            "customer_id": [5],
            "email": ["x@example.com"],
            "first_name": ["X"],
            "last_name": ["Y"],
            "_source_api": ["graphql"],
        }
    )
    params = BuildParams(timezone="Europe/Stockholm", as_of=datetime(2026, 2, 15, tzinfo=UTC))

    dim = REGISTRY["dim_customers"].function({"customers": customers, "fct_orders": orders}, params).collect()
    cohorts = (
        REGISTRY["customer_cohorts"]
        .function({"dim_customers": dim.lazy(), "fct_orders": orders}, params)
        .collect()
    )

    assert dim["cohort_month"].to_list() == [date(2026, 2, 1)]
    assert cohorts["months_since_first_order"].to_list() == [0, 1, 2]
    assert cohorts["cumulative_net_amount_base_per_customer"].to_list() == [
        Decimal("10"),
        Decimal("10"),
        Decimal("30"),
    ]


def test_hash_pii_hashes_emails_and_no_reporting_column_holds_names_addresses_or_phones(
    connection: duckdb.DuckDBPyConnection,
) -> None:
    connection.execute("UPDATE centra_raw.customers SET email = '  Olle@Example.COM ' WHERE customer_id = 4")
    build_reporting(connection, BuildParams(timezone="Europe/Stockholm", as_of=AS_OF, hash_pii=True))

    emails = dict(connection.execute("SELECT customer_id, email FROM reporting.dim_customers").fetchall())
    anna = hashlib.sha256(b"anna@example.com").hexdigest()
    assert emails == {1: anna, 2: anna, 3: None, 4: hashlib.sha256(b"olle@example.com").hexdigest()}
    assert connection.execute(
        "SELECT is_anonymized FROM reporting.dim_customers WHERE customer_id = 3"
    ).fetchone() == (True,)
    columns = [
        row[0]
        for row in connection.execute(
            "SELECT table_name || '.' || column_name FROM information_schema.columns "
            "WHERE table_schema = 'reporting'"
        ).fetchall()
    ]
    assert columns
    forbidden = ("first_name", "last_name", "address", "phone")
    assert [column for column in columns if any(word in column for word in forbidden)] == []
    text = connection.execute(
        "SELECT string_agg(CAST(COLUMNS(*) AS VARCHAR), ' ') FROM reporting.dim_customers"
    ).fetchall()
    assert not any("@" in str(value) for value in text[0])
