"""fct_shipments, dim_stores, dim_markets and dim_warehouses against hand-computed frames.

The story, added to the hand-written canonical dataset (canonical_inputs, catalog_inputs):
- Stores 1 "Retail" (DIRECT_TO_CONSUMER) and 2 "B2B" (WHOLESALE). Markets 10 "Sweden" (store 1, ["SE"]),
  11 "Wholesale Europe" (store 2, ["NL","DE"]: sorted to DE,NL), 12 "Dormant" (store 1, no countries).
- Countries SE Sweden and NL Netherlands. Warehouse 1 "Main" is ACTIVE in SE; 2 "Outlet" is INACTIVE in DK,
  a country Centra's countries do not list.
- Order 1001 (created 2026-01-10 10:00 UTC) has two shipments: 1001-2, created first (11:00) and not shipped
  yet, no lines; then 1001-1, created 12:00, shipped 2026-01-11 22:00 UTC (36 h after the order, 34 h after
  the shipment), with 2 units of line 11 and 1 of line 12.
- Wholesale order 1004 (created 2026-02-01 09:00 UTC): shipment 1004-1 created 2026-02-03 09:00, shipped
  2026-02-05 23:30 UTC = 00:30 on the 6th in Stockholm (110.5 h after the order, 62.5 h after the shipment).
- Cancelled order 1003 and order 1002 have no shipments.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from tests.warehouse.canonical_inputs import create_canonical_dataset
from warehouse.build import build_reporting
from warehouse.registry import BuildParams

UTC_TIME = pl.Datetime("us", "UTC")
AS_OF = datetime(2026, 4, 1, tzinfo=UTC)

STORES_ROWS = [(1, "Retail", "DIRECT_TO_CONSUMER"), (2, "B2B", "WHOLESALE")]
MARKETS_ROWS = [
    (10, "Sweden", 1, '["SE"]'),
    (11, "Wholesale Europe", 2, '["NL","DE"]'),
    (12, "Dormant", 1, None),
]
COUNTRIES_ROWS = [("SE", 1, "Sweden"), ("NL", 2, "Netherlands")]
WAREHOUSE_UPDATES = [("ACTIVE", "SE", 1), ("INACTIVE", "DK", 2)]
SHIPMENTS_ROWS = [
    # shipment_number, shipment_id, order_number, is_shipped, is_good_to_go, created_at, shipped_at, carrier,
    # service, packages
    ("1001-1", 501, 1001, True, True, "2026-01-10 12:00:00+00", "2026-01-11 22:00:00+00", "PostNord", "MyPack", 1),
    ("1001-2", 502, 1001, False, None, "2026-01-10 11:00:00+00", None, None, None, None),
    ("1004-1", 503, 1004, True, True, "2026-02-03 09:00:00+00", "2026-02-05 23:30:00+00", "DHL", "Freight", 4),
]  # fmt: skip
SHIPMENT_LINES_ROWS = [
    (601, "1001-1", 1001, 11, 2),
    (602, "1001-1", 1001, 12, 1),
    (603, "1004-1", 1004, 15, 10),
]


@pytest.fixture
def connection(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = create_canonical_dataset(tmp_path / "warehouse.duckdb")
    connection.executemany(
        "INSERT INTO centra_raw.stores (store_id, name, store_type) VALUES (?, ?, ?)", STORES_ROWS
    )
    connection.executemany(
        "INSERT INTO centra_raw.markets (market_id, name, store_id, country_codes) VALUES (?, ?, ?, ?)",
        MARKETS_ROWS,
    )
    connection.executemany(
        "INSERT INTO centra_raw.countries (country_code, country_id, name) VALUES (?, ?, ?)", COUNTRIES_ROWS
    )
    connection.executemany(
        "UPDATE centra_raw.warehouses SET status = ?, country_code = ? WHERE warehouse_id = ?",
        WAREHOUSE_UPDATES,
    )
    connection.executemany(
        "INSERT INTO centra_raw.orders__shipments (shipment_number, shipment_id, order_number, is_shipped, "
        "is_good_to_go, created_at, shipped_at, carrier_name, service_name, number_of_packages) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        SHIPMENTS_ROWS,
    )
    connection.executemany(
        "INSERT INTO centra_raw.orders__shipments__lines (shipment_line_id, shipment_number, order_number, "
        "order_line_id, quantity) VALUES (?, ?, ?, ?, ?)",
        SHIPMENT_LINES_ROWS,
    )
    build_reporting(connection, BuildParams(timezone="Europe/Stockholm", as_of=AS_OF))
    yield connection
    connection.close()


def _read(connection: duckdb.DuckDBPyConnection, table: str, order_by: str) -> pl.DataFrame:
    frame = connection.sql(f"SELECT * FROM reporting.{table} ORDER BY {order_by}").pl()
    # DuckDB hands TIMESTAMPTZ back in the session's zone; the stored instant is what we compare
    return frame.with_columns(pl.col(pl.Datetime).dt.convert_time_zone("UTC"))


def _utc(*moments: datetime | None) -> pl.Series:
    return pl.Series(list(moments), dtype=UTC_TIME)


def test_fct_shipments_match_hand_computed_shipments(connection: duckdb.DuckDBPyConnection) -> None:
    expected = pl.DataFrame(
        {
            "shipment_number": ["1001-1", "1001-2", "1004-1"],
            "shipment_id": [501, 502, 503],
            "order_id": ["a1001", "a1001", "a1004"],
            "order_number": [1001, 1001, 1004],
            "store_id": [1, 1, 2],
            "store_type": ["DIRECT_TO_CONSUMER", "DIRECT_TO_CONSUMER", "WHOLESALE"],
            "market_id": [10, 10, 10],
            "country_code": ["SE", "SE", "SE"],
            "is_order_cancelled": [False, False, False],
            "order_created_at": _utc(
                datetime(2026, 1, 10, 10, tzinfo=UTC),
                datetime(2026, 1, 10, 10, tzinfo=UTC),
                datetime(2026, 2, 1, 9, tzinfo=UTC),
            ),
            "order_date": [date(2026, 1, 10), date(2026, 1, 10), date(2026, 2, 1)],
            # 1001-2 was created before 1001-1, so it is the order's first shipment
            "shipment_seq": [2, 1, 1],
            "created_at": _utc(
                datetime(2026, 1, 10, 12, tzinfo=UTC),
                datetime(2026, 1, 10, 11, tzinfo=UTC),
                datetime(2026, 2, 3, 9, tzinfo=UTC),
            ),
            "shipped_at": _utc(
                datetime(2026, 1, 11, 22, tzinfo=UTC), None, datetime(2026, 2, 5, 23, 30, tzinfo=UTC)
            ),
            # 23:30 UTC on 5 February is 00:30 on the 6th in Stockholm (CET)
            "shipped_date": [date(2026, 1, 11), None, date(2026, 2, 6)],
            "is_shipped": [True, False, True],
            "is_good_to_go": [True, False, True],
            "hours_to_ship": [36.0, None, 110.5],
            "hours_created_to_shipped": [34.0, None, 62.5],
            "units": [3, 0, 10],
            "number_of_packages": [1, None, 4],
            "carrier_name": ["PostNord", None, "DHL"],
            "service_name": ["MyPack", None, "Freight"],
            "source_api": ["graphql"] * 3,
        }
    )
    assert_frame_equal(_read(connection, "fct_shipments", "shipment_number"), expected)


def test_dim_stores_name_the_channel(connection: duckdb.DuckDBPyConnection) -> None:
    expected = pl.DataFrame(
        {
            "store_id": [1, 2],
            "store_name": ["Retail", "B2B"],
            "store_type": ["DIRECT_TO_CONSUMER", "WHOLESALE"],
            "channel": ["DTC", "Wholesale"],
            "source_api": ["graphql", "graphql"],
        }
    )
    assert_frame_equal(_read(connection, "dim_stores", "store_id"), expected)


def test_dim_markets_carry_store_channel_and_sorted_countries(connection: duckdb.DuckDBPyConnection) -> None:
    expected = pl.DataFrame(
        {
            "market_id": [10, 11, 12],
            "market_name": ["Sweden", "Wholesale Europe", "Dormant"],
            "store_id": [1, 2, 1],
            "store_name": ["Retail", "B2B", "Retail"],
            "channel": ["DTC", "Wholesale", "DTC"],
            "country_codes": ["SE", "DE,NL", None],
            "country_count": [1, 2, 0],
            "source_api": ["graphql"] * 3,
        }
    )
    assert_frame_equal(_read(connection, "dim_markets", "market_id"), expected)


def test_dim_warehouses_name_status_and_country(connection: duckdb.DuckDBPyConnection) -> None:
    expected = pl.DataFrame(
        {
            "warehouse_id": [1, 2],
            "warehouse_name": ["Main", "Outlet"],
            "status": ["ACTIVE", "INACTIVE"],
            "is_active": [True, False],
            "country_code": ["SE", "DK"],
            "country_name": ["Sweden", None],  # DK is not among Centra's countries
            "source_api": ["graphql", "graphql"],
        }
    )
    assert_frame_equal(_read(connection, "dim_warehouses", "warehouse_id"), expected)
