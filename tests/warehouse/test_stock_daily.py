"""fct_stock_daily keeps its history across builds: one row per day and key, the day's last snapshot wins."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from tests.warehouse.canonical_inputs import create_canonical_dataset
from tests.warehouse.catalog_inputs import replace_stock
from warehouse.build import BuildError, build_reporting
from warehouse.registry import BuildParams, Registry, previous_version

UTC_TIME = pl.Datetime("us", "UTC")
PARAMS = BuildParams(timezone="Europe/Stockholm", as_of=datetime(2026, 4, 1, tzinfo=UTC))
FIRST = datetime(2026, 3, 31, 21, tzinfo=UTC)  # the dataset's snapshot: 23:00 on 2026-03-31 in Stockholm
LATER = datetime(2026, 3, 31, 21, 45, tzinfo=UTC)  # 23:45, the same day
NEXT_DAY = datetime(2026, 3, 31, 22, 30, tzinfo=UTC)  # 00:30 on 2026-04-01 in Stockholm (CEST)


@pytest.fixture
def connection(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = create_canonical_dataset(tmp_path / "warehouse.duckdb")
    yield connection
    connection.close()


def _stock(connection: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    frame = connection.sql(
        "SELECT * FROM reporting.fct_stock_daily ORDER BY snapshot_date, warehouse_id, size_id"
    ).pl()
    return frame.with_columns(pl.col(pl.Datetime).dt.convert_time_zone("UTC"))


def _expected(rows: list[tuple[date, int, int, int, int, int, datetime]]) -> pl.DataFrame:
    columns = list(zip(*rows, strict=True))
    return pl.DataFrame(
        {
            "snapshot_date": pl.Series(columns[0], dtype=pl.Date),
            "warehouse_id": columns[1],
            "size_id": columns[2],
            "free_to_allocate_quantity": columns[3],
            "physical_quantity": columns[4],
            "allocated_quantity": columns[5],
            "snapshot_at": pl.Series(columns[6], dtype=UTC_TIME),
            "source_api": ["graphql"] * len(rows),  # the dataset's stock is GraphQL's, per warehouse
        }
    )


MARCH_31 = date(2026, 3, 31)
APRIL_1 = date(2026, 4, 1)
FIRST_ROWS = [
    (MARCH_31, 1, 300, 5, 7, 2, FIRST),
    (MARCH_31, 1, 301, 0, 0, 0, FIRST),  # zero stock is a fact, kept
    (MARCH_31, 1, 310, 4, 4, 0, FIRST),
    (MARCH_31, 2, 300, 3, 3, 0, FIRST),
]


def test_the_first_build_keeps_the_snapshot_zero_rows_too(connection: duckdb.DuckDBPyConnection) -> None:
    build_reporting(connection, PARAMS)

    assert_frame_equal(_stock(connection), _expected(FIRST_ROWS))


def test_a_later_snapshot_the_same_day_replaces_its_keys(connection: duckdb.DuckDBPyConnection) -> None:
    build_reporting(connection, PARAMS)
    replace_stock(connection, "2026-03-31 21:45:00+00", [(1, 300, 1, 3, 2), (1, 301, 2, 2, 0)])
    build_reporting(connection, PARAMS)

    expected = [
        (MARCH_31, 1, 300, 1, 3, 2, LATER),
        (MARCH_31, 1, 301, 2, 2, 0, LATER),
        # keys the later snapshot did not list keep the day's last reading of them
        (MARCH_31, 1, 310, 4, 4, 0, FIRST),
        (MARCH_31, 2, 300, 3, 3, 0, FIRST),
    ]
    assert_frame_equal(_stock(connection), _expected(expected))


def test_an_earlier_snapshot_does_not_overwrite_a_later_one(connection: duckdb.DuckDBPyConnection) -> None:
    replace_stock(connection, "2026-03-31 21:45:00+00", [(1, 300, 1, 3, 2)])
    build_reporting(connection, PARAMS)
    replace_stock(connection, "2026-03-31 21:00:00+00", [(1, 300, 5, 7, 2)])
    build_reporting(connection, PARAMS)

    assert_frame_equal(_stock(connection), _expected([(MARCH_31, 1, 300, 1, 3, 2, LATER)]))


def test_a_snapshot_on_a_new_day_adds_rows(connection: duckdb.DuckDBPyConnection) -> None:
    build_reporting(connection, PARAMS)
    replace_stock(connection, "2026-03-31 22:30:00+00", [(1, 300, 4, 6, 2), (1, 301, 0, 0, 0)])
    build_reporting(connection, PARAMS)

    expected = [*FIRST_ROWS, (APRIL_1, 1, 300, 4, 6, 2, NEXT_DAY), (APRIL_1, 1, 301, 0, 0, 0, NEXT_DAY)]
    assert_frame_equal(_stock(connection), _expected(expected))


def test_an_empty_snapshot_keeps_the_history(connection: duckdb.DuckDBPyConnection) -> None:
    build_reporting(connection, PARAMS)
    replace_stock(connection, "2026-04-01 21:00:00+00", [])
    build_reporting(connection, PARAMS)

    assert_frame_equal(_stock(connection), _expected(FIRST_ROWS))


def test_the_snapshot_date_follows_the_configured_timezone(connection: duckdb.DuckDBPyConnection) -> None:
    replace_stock(connection, "2026-03-31 22:30:00+00", [(1, 300, 4, 6, 2)])
    build_reporting(connection, BuildParams(timezone="UTC", as_of=PARAMS.as_of))

    assert connection.sql("SELECT snapshot_date FROM reporting.fct_stock_daily").fetchall() == [(MARCH_31,)]


def _history(registry: Registry, schema: Mapping[str, pl.DataType] | None, inputs: tuple[str, ...]) -> None:
    @registry.table(
        name="history",
        grain="one row per x",
        key=("x",),
        inputs=inputs,
        description="Test table.",
        columns={"x": "X.", "seen": "Y."},
        schema=schema,
    )
    def history(inputs: Mapping[str, pl.LazyFrame], params: BuildParams) -> pl.LazyFrame:
        return pl.concat(
            [inputs[previous_version("history")], pl.LazyFrame({"x": [1], "seen": ["new"]})]
        ).unique("x", keep="first", maintain_order=True)


def test_an_accumulating_table_reads_its_stored_version_in_its_schema(
    connection: duckdb.DuckDBPyConnection,
) -> None:
    registry = Registry()
    _history(registry, {"x": pl.Int64(), "seen": pl.String()}, (previous_version("history"),))
    connection.execute("CREATE SCHEMA reporting")
    connection.execute("CREATE TABLE reporting.history AS SELECT 1::INTEGER AS x")  # no `seen` column yet

    report = build_reporting(connection, PARAMS, registry)

    assert report.rows == {"history": 1}
    assert connection.sql("SELECT x, seen FROM reporting.history").fetchall() == [(1, None)]


def test_an_accumulating_table_must_type_its_columns_and_read_only_itself() -> None:
    with pytest.raises(ValueError, match="needs a schema"):
        _history(Registry(), None, (previous_version("history"),))
    with pytest.raises(ValueError, match=r"only reporting\.\* input allowed is reporting\.history"):
        _history(Registry(), {"x": pl.Int64(), "seen": pl.String()}, ("reporting.fct_orders",))


def test_an_accumulating_table_built_in_other_types_fails(connection: duckdb.DuckDBPyConnection) -> None:
    registry = Registry()
    registry.table(
        name="history",
        grain="one row per x",
        key=("x",),
        inputs=(previous_version("history"),),
        description="Test table.",
        columns={"x": "X."},
        schema={"x": pl.Int32()},
    )(lambda inputs, params: pl.LazyFrame({"x": [1]}))  # Int64

    with pytest.raises(BuildError, match=r"reporting\.history: built types .* differ from the registry's"):
        build_reporting(connection, PARAMS, registry)
