"""The build runner: contracts enforced, comments written, repeatable, all-or-nothing."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from tests.warehouse.canonical_inputs import create_canonical_dataset
from warehouse.build import BuildError, build_reporting
from warehouse.registry import REGISTRY, BuildParams, Registry

PARAMS = BuildParams(as_of=datetime(2026, 4, 1, tzinfo=UTC))


@pytest.fixture
def connection(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = create_canonical_dataset(tmp_path / "warehouse.duckdb")
    yield connection
    connection.close()


def _lines_per_size(registry: Registry, key: tuple[str, ...], columns: Mapping[str, str]) -> None:
    @registry.table(
        name="lines_per_size",
        grain="one row per size",
        key=key,
        inputs=("orders__lines",),
        description="Test table.",
        columns=columns,
    )
    def lines_per_size(inputs: Mapping[str, pl.LazyFrame], params: BuildParams) -> pl.LazyFrame:
        return inputs["orders__lines"].select("size_id", "order_line_id")


def _reporting_tables(connection: duckdb.DuckDBPyConnection) -> list[str]:
    rows = connection.sql(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'reporting' ORDER BY 1"
    ).fetchall()
    return [name for (name,) in rows]


def test_a_duplicate_key_fails_the_build_naming_table_and_key(connection: duckdb.DuckDBPyConnection) -> None:
    registry = Registry()
    _lines_per_size(registry, ("size_id",), {"size_id": "Size.", "order_line_id": "Line."})

    with pytest.raises(BuildError, match=r"reporting\.lines_per_size: 2 duplicate.*\(size_id\).*size_id=300"):
        build_reporting(connection, PARAMS, registry)
    assert _reporting_tables(connection) == []


def test_a_column_missing_from_the_registry_fails_the_build(connection: duckdb.DuckDBPyConnection) -> None:
    registry = Registry()
    _lines_per_size(registry, ("order_line_id",), {"order_line_id": "Line."})

    with pytest.raises(BuildError, match=r"columns \['size_id'\] are not described"):
        build_reporting(connection, PARAMS, registry)


def test_a_missing_canonical_table_is_named(tmp_path: Path) -> None:
    connection = duckdb.connect(str(tmp_path / "empty.duckdb"))
    connection.execute("CREATE SCHEMA centra_raw")

    with pytest.raises(
        BuildError,
        match=r"(?s)- centra_raw\.orders: expected a table, found none.*- centra_raw\.orders__lines: .*centra-elt run",
    ):
        build_reporting(connection, PARAMS)


def test_a_failed_build_keeps_the_previous_tables(connection: duckdb.DuckDBPyConnection) -> None:
    build_reporting(connection, PARAMS)
    before = connection.sql("SELECT * FROM reporting.fct_orders ORDER BY order_number").pl()
    connection.execute("INSERT INTO centra_raw.orders (order_number, status) VALUES (1001, 'PENDING')")

    with pytest.raises(BuildError, match=r"reporting\.fct_order_lines: .*duplicate"):
        build_reporting(connection, PARAMS)
    after = connection.sql("SELECT * FROM reporting.fct_orders ORDER BY order_number").pl()
    assert_frame_equal(after, before)


def test_every_table_and_column_has_its_comment(connection: duckdb.DuckDBPyConnection) -> None:
    report = build_reporting(connection, PARAMS)

    assert set(report.rows) == {spec.name for spec in REGISTRY.ordered()}
    assert (report.rows["fct_order_lines"], report.rows["fct_orders"]) == (5, 4)
    tables = dict(
        connection.sql(
            "SELECT table_name, comment FROM duckdb_tables() WHERE schema_name = 'reporting'"
        ).fetchall()
    )
    assert set(tables) == {spec.name for spec in REGISTRY.ordered()}
    columns = connection.sql(
        "SELECT table_name, column_name, comment FROM duckdb_columns() WHERE schema_name = 'reporting'"
    ).fetchall()
    for table_name, column_name, comment in columns:
        assert comment == REGISTRY[table_name].columns[column_name], (table_name, column_name)
    for name, comment in tables.items():
        assert comment.startswith(REGISTRY[name].description)
        assert REGISTRY[name].grain in comment
    assert len(columns) == sum(len(spec.columns) for spec in REGISTRY.ordered())


def test_building_twice_gives_identical_tables(connection: duckdb.DuckDBPyConnection) -> None:
    def snapshot() -> dict[str, pl.DataFrame]:
        return {
            name: connection.sql(f"SELECT * FROM reporting.{name} ORDER BY ALL").pl()
            for name in _reporting_tables(connection)
        }

    build_reporting(connection, PARAMS)
    first = snapshot()
    build_reporting(connection, PARAMS)
    second = snapshot()

    assert first.keys() == second.keys()
    for name in first:
        assert_frame_equal(second[name], first[name])


def test_tables_build_after_the_reporting_tables_they_read() -> None:
    order = [spec.name for spec in REGISTRY.ordered()]
    for position, name in enumerate(order):
        upstream = [other for other in REGISTRY[name].inputs if other in REGISTRY]
        assert all(order.index(other) < position for other in upstream), name


def test_a_dependency_cycle_is_refused() -> None:
    registry = Registry()
    for name, upstream in (("a_table", "b_table"), ("b_table", "a_table")):
        registry.table(
            name=name,
            grain="one row per x",
            key=("x",),
            inputs=(upstream,),
            description="-",
            columns={"x": "-"},
        )(lambda inputs, params: pl.LazyFrame())

    with pytest.raises(ValueError, match="cycle: a_table -> b_table -> a_table"):
        registry.ordered()


def test_a_grain_must_be_written_as_one_row_per() -> None:
    with pytest.raises(ValueError, match="one row per"):
        Registry().table(name="t", grain="orders", key=("x",), inputs=(), description="-", columns={"x": "-"})
