"""Every analysis query runs unchanged on a published-style copy of a real warehouse and returns rows.

One warehouse for the module: the 400-order sandbox loaded into DuckDB, the reporting tables built, and
only the `reporting` schema copied into a second file (what BI tools open), opened read-only.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from sandbox.server import serve_in_thread
from sandbox.settings import SandboxSettings
from tests.conftest import SMALL_ORDERS
from tests.pipelines.loading_support import GENEROUS_QUOTAS, run_load
from tests.queries.support import HEADER_FIELDS, AnalysisQuery, analysis_queries
from warehouse.build import build_reporting
from warehouse.publish import publish_reporting
from warehouse.registry import BuildParams

QUERIES = analysis_queries()


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The published-style file: only `reporting.*` of a warehouse built from the 400-order sandbox."""
    folder = tmp_path_factory.mktemp("analysis")
    working, published = folder / "centra.duckdb", folder / "centra_reporting.duckdb"
    settings = SandboxSettings(orders=SMALL_ORDERS, quotas=GENEROUS_QUOTAS)
    with serve_in_thread(settings) as sandbox:
        run_load(sandbox, working)
    with duckdb.connect(str(working)) as connection:
        # as of the sandbox's last order, so the 28-day sales window (days of cover) has sales in it
        build_reporting(connection, BuildParams(timezone=settings.timezone, as_of=settings.now))
        publish_reporting(connection, published)
    return published


@pytest.fixture
def reader(published: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with duckdb.connect(str(published), read_only=True) as connection:
        yield connection


def test_there_is_an_analysis_query_per_question() -> None:
    assert len(QUERIES) >= 12


def test_the_published_copy_holds_only_the_reporting_schema(reader: duckdb.DuckDBPyConnection) -> None:
    schemas = reader.execute(
        "SELECT DISTINCT schema_name FROM duckdb_tables() WHERE database_name = current_database()"
    ).fetchall()
    assert schemas == [("reporting",)]


@pytest.mark.parametrize("query", QUERIES, ids=[query.name for query in QUERIES])
def test_query_header_says_question_grain_and_parameters(query: AnalysisQuery) -> None:
    header = query.header()

    assert [field for field in HEADER_FIELDS if field not in header] == []
    assert "?" in query.sql.split("-- Grain:")[0], "the question is asked as a question"
    assert header["Grain"].startswith("one row per ")


@pytest.mark.parametrize("query", QUERIES, ids=[query.name for query in QUERIES])
def test_query_runs_unchanged_on_the_published_file(
    query: AnalysisQuery, reader: duckdb.DuckDBPyConnection
) -> None:
    result = reader.execute(query.sql)
    columns = [column[0] for column in result.description or []]
    rows = result.fetchall()

    assert rows, f"{query.path.name} returned no rows on the sandbox warehouse"
    assert len(columns) == len(set(columns)), f"{query.path.name} repeats a column name"


def _run(connection: duckdb.DuckDBPyConnection, name: str) -> list[dict[str, object]]:
    result = connection.execute((Path(QUERIES[0].path.parent) / f"{name}.sql").read_text(encoding="utf-8"))
    columns = [column[0] for column in result.description or []]
    return [dict(zip(columns, row, strict=True)) for row in result.fetchall()]


def test_net_sales_by_market_month_adds_up_to_the_non_cancelled_orders(
    reader: duckdb.DuckDBPyConnection,
) -> None:
    rows = _run(reader, "net_sales_by_market_month")
    total_orders, total_net = reader.execute(
        "SELECT count(*), sum(net_amount_base) FROM reporting.fct_orders WHERE NOT is_cancelled"
    ).fetchone() or (0, None)

    assert sum(int(str(row["orders"])) for row in rows) == total_orders
    assert sum((Decimal(str(row["net_sales_base"])) for row in rows), Decimal(0)) == total_net
    assert all(not str(row["market_name"]).startswith("market ") for row in rows)  # every market has a name


def test_the_funnel_starts_with_every_order_and_never_grows(reader: duckdb.DuckDBPyConnection) -> None:
    rows = _run(reader, "order_status_funnel")
    (orders,) = reader.execute("SELECT count(*) FROM reporting.fct_orders").fetchone() or (0,)

    assert sum(int(str(row["orders"])) for row in rows if row["stage"] == "placed") == orders
    for channel in {row["channel"] for row in rows}:
        counts = [int(str(row["orders"])) for row in rows if row["channel"] == channel]
        assert counts == sorted(counts, reverse=True), channel


def test_late_shipments_follow_the_threshold_variable(reader: duckdb.DuckDBPyConnection) -> None:
    default = _run(reader, "late_shipment_rate_by_carrier_month")
    reader.execute("SET VARIABLE late_after_hours = 1000000")
    never_late = _run(reader, "late_shipment_rate_by_carrier_month")
    (shipped,) = reader.execute(
        "SELECT count(*) FROM reporting.fct_shipments WHERE is_shipped AND NOT is_order_cancelled"
    ).fetchone() or (0,)

    assert sum(int(str(row["shipments"])) for row in default) == shipped
    assert sum(int(str(row["late_shipments"])) for row in default) > 0
    assert sum(int(str(row["late_shipments"])) for row in never_late) == 0
