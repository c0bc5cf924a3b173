"""fct_returns, dim_products and product_performance against hand-computed frames, via the real runner."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
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
UTC_TIME = pl.Datetime("us", "UTC")
# 02:00 on 2026-04-01 in Stockholm: the 28-day window is 2026-03-04 .. 2026-03-31
PARAMS = BuildParams(timezone="Europe/Stockholm", as_of=datetime(2026, 4, 1, tzinfo=UTC))


@pytest.fixture
def connection(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = create_canonical_dataset(tmp_path / "warehouse.duckdb")
    yield connection
    connection.close()


def _read(connection: duckdb.DuckDBPyConnection, table: str, order_by: str) -> pl.DataFrame:
    frame = connection.sql(f"SELECT * FROM reporting.{table} ORDER BY {order_by}").pl()
    return frame.with_columns(pl.col(pl.Datetime).dt.convert_time_zone("UTC"))


def _money(*values: str) -> pl.Series:
    return pl.Series([Decimal(value) for value in values], dtype=MONEY)


def test_fct_returns_match_hand_computed_return_lines(connection: duckdb.DuckDBPyConnection) -> None:
    # a second, open return: 1 unit of line 13, bought in EUR at 11.23456789
    connection.execute(
        "INSERT INTO centra_raw.orders__returns (return_id, order_number, is_completed, created_at) "
        "VALUES (92, 1002, NULL, '2026-03-31 08:00:00+00')"
    )
    connection.execute(
        "INSERT INTO centra_raw.orders__returns__lines (return_line_id, return_id, order_number, order_line_id, "
        "quantity, amount, currency_code) VALUES (93, 92, 1002, 13, 1, 10, 'EUR')"
    )
    build_reporting(connection, PARAMS)

    expected = pl.DataFrame(
        {
            "return_id": [90, 92],
            "return_line_id": [91, 93],
            "order_id": ["a1001", "a1002"],
            "order_number": [1001, 1002],
            "order_line_id": [11, 13],
            "created_at": pl.Series(
                [datetime(2026, 1, 20, 12, tzinfo=UTC), datetime(2026, 3, 31, 8, tzinfo=UTC)], dtype=UTC_TIME
            ),
            "is_completed": [True, False],  # an unknown state is not completed
            "quantity": [1, 1],
            # 10 EUR × 11.23456789 = 112.3456789
            "amount_base": _money("80", "112.3457"),
            "source_api": ["graphql", "graphql"],
        }
    )
    assert_frame_equal(_read(connection, "fct_returns", "return_line_id"), expected)


def test_dim_products_match_hand_computed_skus(connection: duckdb.DuckDBPyConnection) -> None:
    build_reporting(connection, PARAMS)

    expected = pl.DataFrame(
        {
            "size_id": [300, 301, 310],
            "sku": ["SKU-300", "SKU-301", "SKU-310"],
            "ean": ["EAN300", "EAN301", None],
            "product_id": [100, 100, 110],
            "product_number": ["P-100", "P-100", "P-110"],
            "product_name": ["Tee", "Tee", "Cap"],
            "variant_id": [200, 200, 210],
            "variant_number": ["V-200", "V-200", "V-210"],
            "variant_name": ["Black", "Black", "Red"],
            "size_name": ["S", "M", "One size"],  # 301 has no name of its own: its size chart size's
            "brand_name": ["Acme", "Acme", None],
            "collection_name": ["SS26", "SS26", None],
            "product_status": ["ACTIVE", "ACTIVE", "INACTIVE"],
            "variant_status": ["ACTIVE", "ACTIVE", "INACTIVE"],
            "source_api": ["graphql"] * 3,
        }
    )
    assert_frame_equal(_read(connection, "dim_products", "size_id"), expected)


def test_product_performance_matches_hand_computed_variants(connection: duckdb.DuckDBPyConnection) -> None:
    build_reporting(connection, PARAMS)

    # variant 200 sold lines 11 (2), 12 (1), 13 (3, on 2026-03-30) and 15 (10); line 14's order is cancelled
    expected = pl.DataFrame(
        {
            "variant_id": [200, 210],
            "product_id": [100, 110],
            "units_sold": [16, 0],
            "net_amount_base": _money("947.0370", "0"),  # 160 + 50 + 337.0370 + 400
            "units_returned": [1, 0],
            "return_rate": [1 / 16, None],
            "free_to_allocate_now": [8, 4],  # 5 + 0 + 3 over two warehouses; 4 of the unsold cap
            "sell_through_rate": [16 / 24, 0.0],
            "avg_daily_units_28d": [3 / 28, 0.0],  # only line 13 falls in 2026-03-04 .. 2026-03-31
            "days_of_cover": [8 / (3 / 28), None],
        }
    )
    assert_frame_equal(_read(connection, "product_performance", "variant_id"), expected)


def test_the_28_day_window_ends_the_day_before_as_of(connection: duckdb.DuckDBPyConnection) -> None:
    # as of 2026-03-30 in Stockholm, the sale of that day is not yet in the window
    build_reporting(connection, BuildParams(as_of=datetime(2026, 3, 30, 12, tzinfo=UTC)))

    rows = connection.sql(
        "SELECT avg_daily_units_28d, days_of_cover FROM reporting.product_performance WHERE variant_id = 200"
    ).fetchall()
    assert rows == [(0.0, None)]
