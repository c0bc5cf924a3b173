"""Rows the Order API served (`_source_api` = 'order_api') through the real reporting build.

The Order API's orders carry no conversion rate (unless they have a return), no store id (only the kind of
store and the market) and lines without product, variant or size ids; its stock is summed under warehouse 0.
Each test builds a small hand-written `centra_raw` of its own (the timezone is Europe/Stockholm) and checks
what the reporting tables make of it, value by value.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from tests.warehouse.canonical_inputs import all_canonical_tables, create_empty_canonical_tables
from warehouse.build import build_reporting
from warehouse.checks import CheckResult
from warehouse.partitioned_build import DEFAULT_KEYS_PER_PART
from warehouse.registry import REGISTRY, BuildParams
from warehouse.tables.order_api_members import ORDER_API_STORES, ORDER_API_WAREHOUSE_NAME
from warehouse.tables.reference_inputs import REFERENCE_TABLES

MONEY = pl.Decimal(18, 4)
RATE = pl.Decimal(18, 8)
UTC_TIME = pl.Datetime("us", "UTC")
PARAMS = BuildParams(timezone="Europe/Stockholm", as_of=datetime(2026, 4, 2, tzinfo=UTC))
RECENCY_HOURS = 24 * 365  # the stories are weeks old: recency is not what these tests are about
GRAPHQL, ORDER_API = "graphql", "order_api"
DTC, WHOLESALE = "DIRECT_TO_CONSUMER", "WHOLESALE"
DTC_STAND_IN = ORDER_API_STORES[DTC][1]
WHOLESALE_STAND_IN = ORDER_API_STORES[WHOLESALE][1]


@pytest.fixture
def connection(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """Every canonical table, empty (root tables with `_source_api` defaulting to 'graphql')."""
    connection = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    create_empty_canonical_tables(connection, all_canonical_tables())
    yield connection
    connection.close()


def _order(
    connection: duckdb.DuckDBPyConnection,
    number: int,
    *,
    api: str,
    created_at: str = "2026-03-01 12:00:00+00",
    currency: str = "SEK",
    rate: str | None = None,
    store_id: int | None = None,
    store_type: str = DTC,
    market_id: int | None = 10,
    line_amount: str = "21",
    grand_total: str = "30",
) -> None:
    """An order (no customer) with one line, `number` × 10: 2 units at 10.5, worth `line_amount`."""
    connection.execute(
        "INSERT INTO centra_raw.orders (order_number, order_id, store_id, store_type, market_id, status, "
        "currency_code, conversion_rate, created_at, grand_total_amount, _source_api) "
        "VALUES (?, ?, ?, ?, ?, 'CONFIRMED', ?, ?, ?, ?, ?)",
        [number, f"h{number}", store_id, store_type, market_id, currency, rate, created_at, grand_total, api],
    )
    connection.execute(
        "INSERT INTO centra_raw.orders__lines (order_line_id, order_number, quantity, unit_price_amount, "
        "line_amount, currency_code) VALUES (?, ?, 2, 10.5, ?, ?)",
        [number * 10, number, line_amount, currency],
    )


def _read(connection: duckdb.DuckDBPyConnection, table: str, order_by: str, *columns: str) -> pl.DataFrame:
    selected = ", ".join(columns) if columns else "*"
    frame = connection.sql(f"SELECT {selected} FROM reporting.{table} ORDER BY {order_by}").pl()
    # DuckDB hands TIMESTAMPTZ back in the session's zone; the stored instant is what we compare
    return frame.with_columns(pl.col(pl.Datetime).dt.convert_time_zone("UTC"))


def _money(*values: str | None) -> pl.Series:
    return pl.Series([None if value is None else Decimal(value) for value in values], dtype=MONEY)


def _rates(*values: str | None) -> pl.Series:
    return pl.Series([None if value is None else Decimal(value) for value in values], dtype=RATE)


def _not_passed(checks: list[CheckResult] | None) -> dict[str, CheckResult]:
    assert checks is not None
    return {check.name: check for check in checks if not check.passed}


# --- a. conversion rates --------------------------------------------------------------------------------


# one order per part: the nearest known rate is on an order of another part
@pytest.mark.parametrize("keys_per_part", [DEFAULT_KEYS_PER_PART, 1])
def test_each_order_gets_its_rate_and_says_where_it_came_from(
    connection: duckdb.DuckDBPyConnection, keys_per_part: int
) -> None:
    connection.execute(
        "INSERT INTO centra_raw.currencies (currency_code, name, is_base) "
        "VALUES ('SEK', 'Krona', true), ('EUR', 'Euro', false), ('NOK', 'Krone', false)"
    )
    # the EUR orders whose rate is known: two from GraphQL, one from the Order API with a return
    _order(connection, 2001, api=GRAPHQL, currency="EUR", rate="11", created_at="2026-03-01 00:00:00+00")
    _order(connection, 2002, api=GRAPHQL, currency="EUR", rate="11.5", created_at="2026-03-10 00:00:00+00")
    _order(connection, 3001, api=ORDER_API, currency="EUR", rate="11.2", created_at="2026-03-05 00:00:00+00")
    # Order API orders without a rate
    _order(connection, 3002, api=ORDER_API, currency="SEK")
    # 2 March: 2001 (1 March) is 1 day away, 3001 (5 March) 3 days: the earlier one is nearer
    _order(connection, 3003, api=ORDER_API, currency="EUR", created_at="2026-03-02 00:00:00+00")
    # 9 March: 2002 (10 March) is 1 day away, 3001 (5 March) 4 days: the later one is nearer
    _order(connection, 3004, api=ORDER_API, currency="EUR", created_at="2026-03-09 00:00:00+00")
    # no NOK order has a rate (the EUR ones do not count)
    _order(connection, 3005, api=ORDER_API, currency="NOK", created_at="2026-03-05 00:00:00+00")
    # 6 March: 3001 (5 March, its rate from a return) is 1 day away, 2002 4 days
    _order(connection, 3006, api=ORDER_API, currency="EUR", created_at="2026-03-06 00:00:00+00")
    # 10 March, later that day than 2002: Centra's rate for EUR that local day
    _order(connection, 3007, api=ORDER_API, currency="EUR", created_at="2026-03-10 12:00:00+00")

    build_reporting(connection, PARAMS, keys_per_part=keys_per_part)

    orders = _read(
        connection,
        "fct_orders",
        "order_number",
        "order_number",
        "source_api",
        "conversion_rate",
        "conversion_rate_source",
        "net_amount",
        "net_amount_base",
        "grand_total_amount_base",
    )
    expected = pl.DataFrame(
        {
            "order_number": [2001, 2002, 3001, 3002, 3003, 3004, 3005, 3006, 3007],
            "source_api": [GRAPHQL, GRAPHQL, *[ORDER_API] * 7],
            "conversion_rate": _rates("11", "11.5", "11.2", "1", "11", "11.5", None, "11.2", "11.5"),
            "conversion_rate_source": [
                "order",
                "order",
                "order",  # the rate the load took from the order's return
                "base_currency",
                "nearest_day",  # 2001's day
                "nearest_day",  # 2002's day
                "unknown",
                "nearest_day",  # 3001's day
                "same_day",  # 2002's day
            ],
            "net_amount": _money(*["21"] * 9),
            # 21 × 11 = 231, 21 × 11.5 = 241.5, 21 × 11.2 = 235.2; grand totals 30 × the same rates
            "net_amount_base": _money("231", "241.5", "235.2", "21", "231", "241.5", None, "235.2", "241.5"),
            "grand_total_amount_base": _money("330", "345", "336", "30", "330", "345", None, "336", "345"),
        }
    )
    assert_frame_equal(orders, expected)

    lines = _read(
        connection, "fct_order_lines", "order_line_id", "order_line_id", "source_api", "net_amount_base"
    )
    expected_lines = pl.DataFrame(
        {
            "order_line_id": [20010, 20020, 30010, 30020, 30030, 30040, 30050, 30060, 30070],
            "source_api": [GRAPHQL, GRAPHQL, *[ORDER_API] * 7],
            # the order's rate, whatever its source
            "net_amount_base": _money("231", "241.5", "235.2", "21", "231", "241.5", None, "235.2", "241.5"),
        }
    )
    assert_frame_equal(lines, expected_lines)


def test_an_order_the_order_api_re_read_takes_its_days_rate_kept_from_an_earlier_build(
    connection: duckdb.DuckDBPyConnection,
) -> None:
    _order(connection, 2001, api=GRAPHQL, currency="EUR", rate="11", created_at="2026-03-01 08:00:00+00")
    _order(connection, 2002, api=GRAPHQL, currency="EUR", rate="11.5", created_at="2026-03-03 08:00:00+00")
    build_reporting(connection, PARAMS)
    # the Order API re-reads 2001: its merge leaves no rate on the canonical row
    connection.execute(
        "UPDATE centra_raw.orders SET conversion_rate = NULL, _source_api = 'order_api' WHERE order_number = 2001"
    )

    build_reporting(connection, PARAMS)

    assert _read(connection, "fct_orders", "order_number", "order_number", "conversion_rate", "conversion_rate_source").rows() == [
        (2001, Decimal("11.00000000"), "same_day"),
        (2002, Decimal("11.50000000"), "order"),
    ]  # fmt: skip
    assert _read(connection, "currency_rates", "rate_date", "currency_code", "rate_date", "conversion_rate").rows() == [
        ("EUR", date(2026, 3, 1), Decimal("11.00000000")),
        ("EUR", date(2026, 3, 3), Decimal("11.50000000")),
    ]  # fmt: skip


def test_a_return_of_an_order_without_a_rate_takes_the_inferred_rate(
    connection: duckdb.DuckDBPyConnection,
) -> None:
    _order(connection, 2001, api=GRAPHQL, currency="EUR", rate="11", created_at="2026-03-01 00:00:00+00")
    _order(connection, 3003, api=ORDER_API, currency="EUR", created_at="2026-03-02 00:00:00+00")
    connection.execute(
        "INSERT INTO centra_raw.orders__returns (return_id, order_number, is_completed, created_at) "
        "VALUES (70, 3003, true, '2026-03-04 00:00:00+00')"
    )
    connection.execute(
        "INSERT INTO centra_raw.orders__returns__lines (return_line_id, return_id, order_number, order_line_id, "
        "quantity, amount, currency_code) VALUES (71, 70, 3003, 30030, 1, 10.5, 'EUR')"
    )

    build_reporting(connection, PARAMS)

    returns = _read(
        connection, "fct_returns", "return_line_id", "return_line_id", "source_api", "amount_base"
    )
    # 10.5 EUR × 2001's 11 = 115.5
    expected = pl.DataFrame(
        {"return_line_id": [71], "source_api": [ORDER_API], "amount_base": _money("115.5")}
    )
    assert_frame_equal(returns, expected)


# --- b. stores and markets ------------------------------------------------------------------------------


def _stores_and_markets(connection: duckdb.DuckDBPyConnection) -> None:
    """Stores 1 Retail and 3 Outlet (both DTC), 2 B2B (the only wholesale one); market 10 belongs to 3."""
    connection.execute(
        "INSERT INTO centra_raw.stores (store_id, name, store_type) "
        f"VALUES (1, 'Retail', '{DTC}'), (2, 'B2B', '{WHOLESALE}'), (3, 'Outlet', '{DTC}')"
    )
    connection.execute(
        "INSERT INTO centra_raw.markets (market_id, name, store_id, country_codes) VALUES (10, 'Sweden', 3, '[\"SE\"]')"
    )
    # GraphQL names the store: its own, though its market belongs to store 3
    _order(connection, 2101, api=GRAPHQL, store_id=1, market_id=10)
    _order(connection, 4001, api=ORDER_API, market_id=10)  # the market's store: 3
    _order(connection, 4002, api=ORDER_API, store_type=WHOLESALE, market_id=99)  # the only wholesale store: 2
    _order(connection, 4003, api=ORDER_API, market_id=98)  # unknown market, two DTC stores: the stand-in -1


def test_an_order_api_order_takes_its_markets_store_else_the_only_one_of_its_kind_else_a_stand_in(
    connection: duckdb.DuckDBPyConnection,
) -> None:
    _stores_and_markets(connection)

    report = build_reporting(connection, PARAMS, run_checks=True, recency_hours=RECENCY_HOURS)

    orders = _read(connection, "fct_orders", "order_number", "order_number", "store_id", "market_id")
    expected_orders = pl.DataFrame(
        {"order_number": [2101, 4001, 4002, 4003], "store_id": [1, 3, 2, -1], "market_id": [10, 10, 99, 98]}
    )
    assert_frame_equal(orders, expected_orders)
    # the stand-in DTC store is listed; the wholesale one is not, no order uses it
    expected_stores = pl.DataFrame(
        {
            "store_id": [-1, 1, 2, 3],
            "store_name": [DTC_STAND_IN, "Retail", "B2B", "Outlet"],
            "store_type": [DTC, DTC, WHOLESALE, DTC],
            "channel": ["DTC", "DTC", "Wholesale", "DTC"],
            "source_api": [ORDER_API, GRAPHQL, GRAPHQL, GRAPHQL],
        }
    )
    assert_frame_equal(_read(connection, "dim_stores", "store_id"), expected_stores)
    # markets 98 and 99 are only named by Order API orders: no name, the store their orders resolved to
    expected_markets = pl.DataFrame(
        {
            "market_id": [10, 98, 99],
            "market_name": ["Sweden", None, None],
            "store_id": [3, -1, 2],
            "store_name": ["Outlet", DTC_STAND_IN, "B2B"],
            "channel": ["DTC", "DTC", "Wholesale"],
            "country_codes": ["SE", None, None],
            "country_count": [1, 0, 0],
            "source_api": [GRAPHQL, ORDER_API, ORDER_API],
        }
    )
    assert_frame_equal(_read(connection, "dim_markets", "market_id"), expected_markets)
    assert _not_passed(report.checks) == {}  # ri_orders__markets and ri_orders__stores among them
    assert report.checks is not None
    assert {"ri_orders__markets", "ri_orders__stores"} <= {check.name for check in report.checks}


def test_without_stores_or_markets_an_order_api_order_gets_the_stand_in_of_its_kind(
    connection: duckdb.DuckDBPyConnection,
) -> None:
    _order(connection, 4101, api=ORDER_API, market_id=20)
    _order(connection, 4102, api=ORDER_API, store_type=WHOLESALE, market_id=21)
    _order(connection, 4103, api=ORDER_API, store_type=WHOLESALE, market_id=21)

    report = build_reporting(connection, PARAMS, run_checks=True, recency_hours=RECENCY_HOURS)

    orders = _read(connection, "fct_orders", "order_number", "order_number", "store_id")
    assert_frame_equal(orders, pl.DataFrame({"order_number": [4101, 4102, 4103], "store_id": [-1, -2, -2]}))
    expected_stores = pl.DataFrame(
        {
            "store_id": [-2, -1],
            "store_name": [WHOLESALE_STAND_IN, DTC_STAND_IN],
            "store_type": [WHOLESALE, DTC],
            "channel": ["Wholesale", "DTC"],
            "source_api": [ORDER_API, ORDER_API],
        }
    )
    assert_frame_equal(_read(connection, "dim_stores", "store_id"), expected_stores)
    markets = _read(
        connection,
        "dim_markets",
        "market_id",
        "market_id",
        "market_name",
        "store_id",
        "store_name",
        "source_api",
    )
    expected_markets = pl.DataFrame(
        {
            "market_id": [20, 21],
            "market_name": pl.Series([None, None], dtype=pl.String),
            "store_id": [-1, -2],
            "store_name": [DTC_STAND_IN, WHOLESALE_STAND_IN],
            "source_api": [ORDER_API, ORDER_API],
        }
    )
    assert_frame_equal(markets, expected_markets)
    assert _not_passed(report.checks) == {}


def test_a_graphql_order_naming_an_unknown_market_still_fails_the_market_check(
    connection: duckdb.DuckDBPyConnection,
) -> None:
    _stores_and_markets(connection)
    _order(connection, 2102, api=GRAPHQL, store_id=1, market_id=97)

    report = build_reporting(connection, PARAMS, run_checks=True, recency_hours=RECENCY_HOURS)

    # the Order API's unknown markets are listed, GraphQL's is not
    assert connection.sql("SELECT market_id FROM reporting.dim_markets ORDER BY 1").fetchall() == [
        (10,),
        (98,),
        (99,),
    ]
    failed = _not_passed(report.checks)
    assert set(failed) == {"ri_orders__markets"}
    assert failed["ri_orders__markets"].examples == [{"order_number": 2102, "market_id": 97}]


# --- c. no reference tables -----------------------------------------------------------------------------


def test_the_build_runs_without_any_reference_table(connection: duckdb.DuckDBPyConnection) -> None:
    """A warehouse only the Order API ever loaded: no stores, markets, warehouses, countries, currencies,
    brands, collections nor sizes."""
    assert set(REFERENCE_TABLES) == {
        "stores", "markets", "warehouses", "countries", "currencies", "brands", "collections", "sizes",
    }  # fmt: skip
    for name in REFERENCE_TABLES:
        connection.execute(f'DROP TABLE centra_raw."{name}"')
    connection.execute(
        "INSERT INTO centra_raw.products (product_id, name, brand_id, collection_id, _source_api) "
        "VALUES (100, 'Tee', 1, 5, 'order_api')"
    )
    connection.execute(
        "INSERT INTO centra_raw.variants (variant_id, product_id, name, _source_api) "
        "VALUES (200, 100, 'Black', 'order_api')"
    )
    connection.execute(
        "INSERT INTO centra_raw.product_sizes (size_id, variant_id, product_id, size_chart_size_id, sku, "
        "_source_api) VALUES (300, 200, 100, 70, 'TEE-S', 'order_api')"
    )
    connection.execute(
        "INSERT INTO centra_raw.stock (warehouse_id, size_id, free_to_allocate_quantity, physical_quantity, "
        "allocated_quantity, snapshot_at, _source_api) VALUES (0, 300, 4, 5, 1, '2026-03-31 08:00:00+00', "
        "'order_api')"
    )
    _order(connection, 4201, api=ORDER_API, currency="EUR", rate="11.2", created_at="2026-03-05 00:00:00+00")
    _order(connection, 4202, api=ORDER_API, currency="EUR", created_at="2026-03-06 00:00:00+00")
    _order(connection, 4203, api=ORDER_API, currency="SEK", store_type=WHOLESALE, market_id=11)
    connection.execute("UPDATE centra_raw.orders__lines SET sku = 'TEE-S'")

    report = build_reporting(connection, PARAMS, run_checks=True, recency_hours=RECENCY_HOURS)

    assert set(report.rows) == {spec.name for spec in REGISTRY.ordered()}
    orders = _read(
        connection,
        "fct_orders",
        "order_number",
        "order_number",
        "store_id",
        "conversion_rate",
        "conversion_rate_source",
        "net_amount_base",
    )
    expected_orders = pl.DataFrame(
        {
            "order_number": [4201, 4202, 4203],
            "store_id": [-1, -1, -2],
            "conversion_rate": _rates("11.2", "11.2", None),
            # with no currencies table, SEK is not known to be the base currency, and no SEK order has a rate
            "conversion_rate_source": ["order", "nearest_day", "unknown"],
            "net_amount_base": _money("235.2", "235.2", None),
        }
    )
    assert_frame_equal(orders, expected_orders)
    assert connection.sql("SELECT store_id, store_name FROM reporting.dim_stores ORDER BY 1").fetchall() == [
        (-2, WHOLESALE_STAND_IN),
        (-1, DTC_STAND_IN),
    ]
    assert connection.sql(
        "SELECT market_id, market_name, store_id FROM reporting.dim_markets ORDER BY 1"
    ).fetchall() == [(10, None, -1), (11, None, -2)]
    assert connection.sql(
        "SELECT warehouse_id, warehouse_name, status, is_active, country_name, source_api "
        "FROM reporting.dim_warehouses"
    ).fetchall() == [(0, ORDER_API_WAREHOUSE_NAME, None, False, None, ORDER_API)]
    # brands, collections and size charts unknown: the catalogue still lists the size
    assert connection.sql(
        "SELECT size_id, product_name, variant_name, size_name, brand_name, collection_name, source_api "
        "FROM reporting.dim_products"
    ).fetchall() == [(300, "Tee", "Black", None, None, None, ORDER_API)]
    assert connection.sql(
        "SELECT order_line_id, size_id FROM reporting.fct_order_lines ORDER BY 1"
    ).fetchall() == [
        (42010, 300),
        (42020, 300),
        (42030, 300),
    ]
    assert _not_passed(report.checks) == {}


# --- d. line ids by SKU, then EAN -----------------------------------------------------------------------

PRODUCT_SIZES_ROWS = [
    # size_id, variant_id, product_id, sku, ean
    (500, 200, 100, "TEE-S", "7300000000500"),
    (501, 201, 100, "TEE-M", "7300000000501"),
    (502, 210, 110, "CAP-DUP", None),  # a SKU on two sizes
    (503, 211, 110, "CAP-DUP", "7300000000503"),
    (504, 220, 120, "BAG-1", "7300000000999"),  # an EAN on two sizes
    (505, 221, 120, "BAG-2", "7300000000999"),
]
LINES_ROWS = [
    # order_line_id, sku, ean
    (43011, "TEE-S", None),  # by SKU: 500
    (43012, "TEE-S-OLD", "7300000000501"),  # SKU unknown, by EAN: 501
    (43013, "TEE-S", "7300000000501"),  # SKU and EAN name different sizes: the SKU's, 500
    (43014, "CAP-DUP", None),  # the SKU is on two sizes, no EAN: nothing
    (43015, "CAP-DUP", "7300000000503"),  # the SKU is on two sizes, the EAN on one: 503
    (43016, "NOPE", "7300000000999"),  # SKU unknown, the EAN on two sizes: nothing
    (43017, None, None),  # nothing to go by
]


def test_order_api_lines_take_their_ids_from_the_size_with_their_sku_else_their_ean(
    connection: duckdb.DuckDBPyConnection,
) -> None:
    connection.executemany(
        "INSERT INTO centra_raw.product_sizes (size_id, variant_id, product_id, sku, ean) VALUES (?, ?, ?, ?, ?)",
        PRODUCT_SIZES_ROWS,
    )
    _order(connection, 4301, api=ORDER_API)
    connection.execute("DELETE FROM centra_raw.orders__lines")
    connection.executemany(
        "INSERT INTO centra_raw.orders__lines (order_line_id, order_number, sku, ean, quantity, line_amount) "
        "VALUES (?, 4301, ?, ?, 1, 10)",
        LINES_ROWS,
    )
    # a GraphQL line keeps the ids Centra gave it, though its SKU is another size's in the catalogue
    _order(connection, 2301, api=GRAPHQL)
    connection.execute(
        "UPDATE centra_raw.orders__lines SET product_id = 190, variant_id = 290, size_id = 590, sku = 'TEE-M' "
        "WHERE order_number = 2301"
    )

    build_reporting(connection, PARAMS)

    lines = _read(
        connection, "fct_order_lines", "order_line_id", "order_line_id", "product_id", "variant_id", "size_id"
    )
    expected = pl.DataFrame(
        {
            "order_line_id": [23010, 43011, 43012, 43013, 43014, 43015, 43016, 43017],
            "product_id": [190, 100, 100, 100, None, 110, None, None],
            "variant_id": [290, 200, 201, 200, None, 211, None, None],
            "size_id": [590, 500, 501, 500, None, 503, None, None],
        }
    )
    assert_frame_equal(lines, expected)


# --- e. one API per stock day ---------------------------------------------------------------------------

MARCH_31, APRIL_1 = date(2026, 3, 31), date(2026, 4, 1)


def _replace_stock(
    connection: duckdb.DuckDBPyConnection, snapshot_at: str, api: str, rows: list[tuple[int, int, int]]
) -> None:
    """A new current snapshot of (warehouse_id, size_id, free_to_allocate) rows (physical = free + 1,
    allocated 1), served by `api`."""
    connection.execute("DELETE FROM centra_raw.stock")
    connection.executemany(
        "INSERT INTO centra_raw.stock (warehouse_id, size_id, free_to_allocate_quantity, physical_quantity, "
        "allocated_quantity, snapshot_at, _source_api) VALUES (?, ?, ?, ?, 1, ?, ?)",
        [(warehouse, size, free, free + 1, snapshot_at, api) for warehouse, size, free in rows],
    )


def _stock(connection: duckdb.DuckDBPyConnection) -> list[tuple[object, ...]]:
    return connection.sql(
        "SELECT snapshot_date, warehouse_id, size_id, free_to_allocate_quantity, physical_quantity, "
        "allocated_quantity, strftime(snapshot_at AT TIME ZONE 'UTC', '%Y-%m-%d %H:%M'), source_api "
        "FROM reporting.fct_stock_daily ORDER BY snapshot_date, warehouse_id, size_id"
    ).fetchall()


def _stock_catalogue(connection: duckdb.DuckDBPyConnection) -> None:
    connection.execute(
        "INSERT INTO centra_raw.warehouses (warehouse_id, name, status, country_code) "
        "VALUES (1, 'Main', 'ACTIVE', 'SE'), (2, 'Outlet', 'INACTIVE', 'SE')"
    )
    connection.execute("INSERT INTO centra_raw.countries (country_code, name) VALUES ('SE', 'Sweden')")
    connection.execute(
        "INSERT INTO centra_raw.product_sizes (size_id, variant_id, product_id, sku) "
        "VALUES (300, 200, 100, 'TEE-S'), (301, 200, 100, 'TEE-M')"
    )


def test_a_stock_day_keeps_the_rows_of_the_api_that_served_its_last_snapshot(
    connection: duckdb.DuckDBPyConnection,
) -> None:
    _stock_catalogue(connection)
    # 31 March (Stockholm): GraphQL per warehouse at 08:00 UTC, then the Order API, summed, at 14:00 UTC
    _replace_stock(connection, "2026-03-31 08:00:00+00", GRAPHQL, [(1, 300, 5), (2, 300, 3)])
    build_reporting(connection, PARAMS)
    assert _stock(connection) == [
        (MARCH_31, 1, 300, 5, 6, 1, "2026-03-31 08:00", GRAPHQL),
        (MARCH_31, 2, 300, 3, 4, 1, "2026-03-31 08:00", GRAPHQL),
    ]
    _replace_stock(connection, "2026-03-31 14:00:00+00", ORDER_API, [(0, 300, 8), (0, 301, 0)])
    build_reporting(connection, PARAMS)
    march_31 = [
        (MARCH_31, 0, 300, 8, 9, 1, "2026-03-31 14:00", ORDER_API),
        (MARCH_31, 0, 301, 0, 1, 1, "2026-03-31 14:00", ORDER_API),
    ]
    assert _stock(connection) == march_31  # not 8 + 5 + 3 units of size 300 that day
    # 1 April: the Order API at 06:00 UTC, then GraphQL again at 08:00 UTC
    _replace_stock(connection, "2026-04-01 06:00:00+00", ORDER_API, [(0, 300, 7)])
    build_reporting(connection, PARAMS)
    assert _stock(connection) == [*march_31, (APRIL_1, 0, 300, 7, 8, 1, "2026-04-01 06:00", ORDER_API)]
    _replace_stock(connection, "2026-04-01 08:00:00+00", GRAPHQL, [(1, 300, 4)])
    report = build_reporting(connection, PARAMS, run_checks=True, recency_hours=RECENCY_HOURS)

    assert _stock(connection) == [*march_31, (APRIL_1, 1, 300, 4, 5, 1, "2026-04-01 08:00", GRAPHQL)]
    assert connection.sql(
        "SELECT warehouse_id, warehouse_name, status, is_active, country_code, country_name, source_api "
        "FROM reporting.dim_warehouses ORDER BY warehouse_id"
    ).fetchall() == [
        (0, ORDER_API_WAREHOUSE_NAME, None, False, None, None, ORDER_API),
        (1, "Main", "ACTIVE", True, "SE", "Sweden", GRAPHQL),
        (2, "Outlet", "INACTIVE", False, "SE", "Sweden", GRAPHQL),
    ]
    assert ORDER_API_WAREHOUSE_NAME == "Order API plugin warehouses (summed)"
    checks = _not_passed(report.checks)
    assert set(checks) == {"recency_orders"}  # there are no orders in this story: a warning only
    assert checks["recency_orders"].warned
    assert report.checks is not None
    assert "ri_stock_daily__warehouses" in {check.name for check in report.checks}


def test_dim_warehouses_lists_warehouse_0_only_when_the_stock_history_has_it(
    connection: duckdb.DuckDBPyConnection,
) -> None:
    _stock_catalogue(connection)
    _replace_stock(connection, "2026-03-31 08:00:00+00", GRAPHQL, [(1, 300, 5)])

    build_reporting(connection, PARAMS)

    assert connection.sql("SELECT warehouse_id FROM reporting.dim_warehouses ORDER BY 1").fetchall() == [
        (1,),
        (2,),
    ]


def test_stored_stock_rows_from_before_source_api_get_it_from_their_warehouse(
    connection: duckdb.DuckDBPyConnection,
) -> None:
    _stock_catalogue(connection)
    connection.execute("CREATE SCHEMA reporting")
    connection.execute(
        "CREATE TABLE reporting.fct_stock_daily AS "
        "SELECT * FROM (VALUES (DATE '2026-03-30', 0, 300, 2, 3, 1, TIMESTAMPTZ '2026-03-30 08:00:00+00'), "
        "(DATE '2026-03-31', 1, 300, 5, 6, 1, TIMESTAMPTZ '2026-03-31 08:00:00+00')) "
        "AS t(snapshot_date, warehouse_id, size_id, free_to_allocate_quantity, physical_quantity, "
        "allocated_quantity, snapshot_at)"
    )

    build_reporting(connection, PARAMS)  # no current snapshot: the stored history is what is left

    assert _stock(connection) == [
        (date(2026, 3, 30), 0, 300, 2, 3, 1, "2026-03-30 08:00", ORDER_API),
        (MARCH_31, 1, 300, 5, 6, 1, "2026-03-31 08:00", GRAPHQL),
    ]
