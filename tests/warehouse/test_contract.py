"""The raw → reporting contract: a build checks its inputs against the canonical definitions first."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipelines.centra.tables import CANONICAL_TABLES, RECONCILIATION_CHECKS
from tests.warehouse.canonical_inputs import create_canonical_dataset
from warehouse.build import BuildError, build_reporting
from warehouse.canonical import OPTIONAL_COLUMNS, is_compatible
from warehouse.contract import columns_read
from warehouse.registry import REGISTRY, BuildParams, Registry

PARAMS = BuildParams(as_of=datetime(2026, 4, 1, tzinfo=UTC))
DEFINED_IN_TABLES_PY = {
    spec.name for root in (*CANONICAL_TABLES, RECONCILIATION_CHECKS) for spec in root.all_tables()
}


@pytest.fixture
def built(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """The canonical test dataset, built once: a later failed build must leave these tables as they are."""
    connection = create_canonical_dataset(tmp_path / "warehouse.duckdb")
    build_reporting(connection, PARAMS)
    yield connection
    connection.close()


def _reporting_contents(connection: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[object, ...]]]:
    names = [
        name
        for (name,) in connection.sql(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'reporting' ORDER BY 1"
        ).fetchall()
    ]
    return {
        name: connection.sql(f'SELECT * FROM reporting."{name}" ORDER BY ALL').fetchall() for name in names
    }


def _fails_and_keeps_reporting(connection: duckdb.DuckDBPyConnection, pattern: str) -> str:
    before = _reporting_contents(connection)
    with pytest.raises(BuildError, match=pattern) as failure:
        build_reporting(connection, PARAMS)
    assert _reporting_contents(connection) == before
    staging = connection.sql(
        "SELECT count(*) FROM duckdb_schemas() WHERE schema_name = 'reporting_staging'"
    ).fetchone()
    assert staging == (0,)
    return str(failure.value)


def test_a_missing_column_fails_naming_table_column_expected_and_found(
    built: duckdb.DuckDBPyConnection,
) -> None:
    built.execute("ALTER TABLE centra_raw.orders__lines DROP COLUMN line_amount")

    message = _fails_and_keeps_reporting(
        built,
        r"centra_raw\.orders__lines\.line_amount: expected DECIMAL\(18,4\) \(`money` in "
        r"pipelines/centra/tables\.py\), found no such column \(read by fct_order_lines\)",
    )
    assert "centra-elt run --full-refresh" in message
    assert "nothing was built" in message


def test_a_column_of_the_wrong_type_fails_naming_both_types(built: duckdb.DuckDBPyConnection) -> None:
    built.execute("ALTER TABLE centra_raw.orders ALTER COLUMN created_at TYPE VARCHAR")

    message = _fails_and_keeps_reporting(
        built,
        r"centra_raw\.orders\.created_at: expected TIMESTAMP WITH TIME ZONE \(`timestamp` .*\), "
        r"found VARCHAR "
        r"\(read by currency_rates, fct_order_lines, fct_orders, fct_returns, fct_shipments\)",
    )
    assert message.count("\n- ") == 1  # one problem, one line


def test_a_missing_table_fails_naming_it_and_what_reads_it(built: duckdb.DuckDBPyConnection) -> None:
    built.execute("DROP TABLE centra_raw.stock")

    message = _fails_and_keeps_reporting(
        built,
        r"centra_raw\.stock: expected a table, found none \(read by fct_stock_daily, product_performance\)",
    )
    assert "centra-elt run" in message


def test_every_problem_is_named_at_once(built: duckdb.DuckDBPyConnection) -> None:
    built.execute("ALTER TABLE centra_raw.orders__lines DROP COLUMN line_amount")
    built.execute("ALTER TABLE centra_raw.customers ALTER COLUMN customer_id TYPE VARCHAR")

    message = _fails_and_keeps_reporting(built, r"orders__lines\.line_amount")
    assert "centra_raw.customers.customer_id: expected BIGINT" in message


def test_an_absent_optional_column_is_read_as_null(built: duckdb.DuckDBPyConnection) -> None:
    assert "cancelled_quantity" in OPTIONAL_COLUMNS["orders__lines"]  # the Order API can not fill it
    built.execute("ALTER TABLE centra_raw.orders__lines DROP COLUMN cancelled_quantity")

    report = build_reporting(built, PARAMS)

    assert report.absent_optional_columns == {"orders__lines": ["cancelled_quantity"]}
    cancelled = built.sql("SELECT DISTINCT cancelled_quantity FROM reporting.fct_order_lines").fetchall()
    assert cancelled == [(0,)]  # as fct_order_lines reads a NULL one


def test_a_column_no_reporting_table_reads_may_be_absent(built: duckdb.DuckDBPyConnection) -> None:
    reads = columns_read(REGISTRY)
    assert "comment" not in reads["fct_order_lines"]["orders__lines"]
    built.execute("ALTER TABLE centra_raw.orders__lines DROP COLUMN comment")

    report = build_reporting(built, PARAMS)

    assert report.absent_optional_columns == {}
    assert report.rows["fct_order_lines"] == 5


def test_a_narrower_integer_is_read_as_bigint(built: duckdb.DuckDBPyConnection) -> None:
    built.execute("ALTER TABLE centra_raw.orders__lines ALTER COLUMN quantity TYPE INTEGER")

    assert build_reporting(built, PARAMS).rows["fct_order_lines"] == 5


@pytest.mark.parametrize(
    ("kind", "stored", "compatible"),
    [
        ("bigint", "INTEGER", True),
        ("bigint", "VARCHAR", False),
        ("money", "DECIMAL(38,9)", True),
        ("money", "DOUBLE", False),
        ("timestamp", "TIMESTAMP WITH TIME ZONE", True),
        ("timestamp", "TIMESTAMP", False),
        ("json", "VARCHAR", True),
        ("text", "JSON", False),
    ],
)
def test_compatible_types(kind: str, stored: str, compatible: bool) -> None:
    assert is_compatible(kind, stored) is compatible  # type: ignore[arg-type]


def test_every_reporting_table_reads_only_canonical_tables_and_columns() -> None:
    reads = columns_read(REGISTRY)  # raises on an unknown input or a column tables.py does not define

    assert set(reads) == {spec.name for spec in REGISTRY.ordered()}
    for spec in REGISTRY.ordered():
        assert set(spec.canonical_inputs) <= DEFINED_IN_TABLES_PY
        assert all(name in REGISTRY or name.startswith("reporting.") for name in spec.reporting_inputs)
        assert set(reads[spec.name]) == set(spec.canonical_inputs)
    assert "voucher_name" in reads["fct_orders"]["orders"]  # read by has_voucher
    assert "billing_email" not in reads["fct_orders"]["orders"]


def _one_table(registry: Registry, inputs: tuple[str, ...], reads: str) -> None:
    @registry.table(
        name="lines_per_size",
        grain="one row per size",
        key=("size_id",),
        inputs=inputs,
        description="Test table.",
        columns={"size_id": "..."},
    )
    def lines_per_size(frames: Mapping[str, pl.LazyFrame], params: BuildParams) -> pl.LazyFrame:
        return frames[inputs[0]].select(pl.col(reads).alias("size_id")).unique()


def test_an_input_that_is_not_a_canonical_table_is_rejected(built: duckdb.DuckDBPyConnection) -> None:
    registry = Registry()
    _one_table(registry, ("order_lines",), "size_id")

    with pytest.raises(
        BuildError, match=r"unknown inputs: lines_per_size reads order_lines: name a table defined in"
    ):
        build_reporting(built, PARAMS, registry)


def test_a_column_the_canonical_table_does_not_define_is_rejected(built: duckdb.DuckDBPyConnection) -> None:
    registry = Registry()
    _one_table(registry, ("orders__lines",), "size_number")

    with pytest.raises(
        BuildError, match=r"reporting table lines_per_size reads a column its inputs do not have"
    ):
        build_reporting(built, PARAMS, registry)


def test_an_optional_input_must_be_a_canonical_table() -> None:
    registry = Registry()
    with pytest.raises(ValueError, match=r"optional inputs \['shops'\] are not canonical tables"):
        registry.table(
            name="x",
            grain="one row per x",
            key=("x",),
            inputs=("shops",),
            description="Test table.",
            columns={"x": "..."},
            optional_inputs={"shops": {"x": pl.Int64()}},
        )
