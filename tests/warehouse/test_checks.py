"""Data-quality checks: all pass on the hand-built dataset, and each deliberate breakage fails exactly its check.

On top of the shared canonical dataset (canonical_inputs.py: orders 1001-1004 in stores 1 and 2, market 10,
DTC customer 1; catalog_inputs.py: sizes 300, 301, 310 and warehouses 1, 2) this adds the rows the
referential checks look for: customer 1, stores 1 and 2, market 10. The latest order (1002) was created
2026-03-29 22:30 UTC, so for the checks run for 2026-03-31 00:00 UTC (25.5 hours later) it is recent.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from tests.warehouse.canonical_inputs import create_canonical_dataset
from warehouse.build import build_reporting
from warehouse.checks import CheckResult, all_checks, run_checks, summarize
from warehouse.registry import REGISTRY, BuildParams

BUILD_PARAMS = BuildParams(timezone="Europe/Stockholm", as_of=datetime(2026, 4, 1, tzinfo=UTC))
CHECKED_AT = datetime(2026, 3, 31, tzinfo=UTC)

SQL_CHECKS = {
    "money_line_gross_minus_discount",
    "money_order_gross_minus_discount",
    "money_order_net_equals_lines",
    "no_negative_quantities",
    "recency_orders",
    "ri_order_lines__orders",
    "ri_orders__customers",
    "ri_orders__markets",
    "ri_orders__stores",
    "ri_stock_daily__products",
    "ri_stock_daily__warehouses",
}


def _add_reference_rows(connection: duckdb.DuckDBPyConnection) -> None:
    connection.execute(
        "INSERT INTO centra_raw.customers (customer_id, email, first_name, last_name, is_registered) "
        "VALUES (1, 'anna@example.com', 'Anna', 'Berg', true)"
    )
    connection.execute(
        "INSERT INTO centra_raw.stores (store_id, name, store_type) "
        "VALUES (1, 'Retail', 'DIRECT_TO_CONSUMER'), (2, 'Wholesale', 'WHOLESALE')"
    )
    connection.execute("INSERT INTO centra_raw.markets (market_id, name, store_id) VALUES (10, 'Sweden', 1)")


@pytest.fixture
def connection(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = create_canonical_dataset(tmp_path / "warehouse.duckdb")
    _add_reference_rows(connection)
    build_reporting(connection, BUILD_PARAMS)
    yield connection
    connection.close()


def _break(connection: duckdb.DuckDBPyConnection, breakage: str) -> None:
    """Run `breakage`; one on a canonical table is followed by a rebuild, as a run would do.

    The referential checks read the reporting dimensions (dim_markets, dim_stores, dim_warehouses), which are
    built from the canonical reference tables: a row deleted from those reaches the checks through the build.
    """
    connection.execute(breakage)
    if breakage.startswith("DELETE FROM centra_raw."):
        build_reporting(connection, BUILD_PARAMS)


def _failed(results: list[CheckResult]) -> dict[str, CheckResult]:
    return {result.name: result for result in results if not result.passed}


def test_every_registered_table_gets_key_checks_and_every_sql_file_a_check() -> None:
    names = {check.name for check in all_checks()}
    for spec in REGISTRY.ordered():
        assert {f"key_unique__{spec.name}", f"key_not_null__{spec.name}"} <= names
    assert names >= SQL_CHECKS
    assert all(check.description for check in all_checks())  # every file has its header comment


def test_every_check_passes_on_the_hand_built_dataset(connection: duckdb.DuckDBPyConnection) -> None:
    results = run_checks(connection, CHECKED_AT)

    assert _failed(results) == {}
    assert len(results) == 2 * len(REGISTRY.ordered()) + len(SQL_CHECKS)
    assert summarize(results) == f"all {len(results)} data-quality checks passed"


def test_a_duplicated_key_row_fails_only_the_key_check(connection: duckdb.DuckDBPyConnection) -> None:
    connection.execute(
        "INSERT INTO reporting.fct_orders SELECT * FROM reporting.fct_orders WHERE order_number = 1001"
    )

    failed = _failed(run_checks(connection, CHECKED_AT))

    assert set(failed) == {"key_unique__fct_orders"}
    assert failed["key_unique__fct_orders"].offending_rows == 1
    assert failed["key_unique__fct_orders"].examples == [{"order_number": 1001, "row_count": 2}]


def test_an_empty_key_fails_only_the_not_null_check(connection: duckdb.DuckDBPyConnection) -> None:
    connection.execute("UPDATE reporting.fct_returns SET return_line_id = NULL WHERE return_line_id = 91")

    failed = _failed(run_checks(connection, CHECKED_AT))

    assert set(failed) == {"key_not_null__fct_returns"}
    assert failed["key_not_null__fct_returns"].offending_rows == 1
    assert failed["key_not_null__fct_returns"].examples == [{"return_line_id": None}]


def test_an_orphan_line_fails_only_lines_to_orders(connection: duckdb.DuckDBPyConnection) -> None:
    connection.execute(
        "INSERT INTO reporting.fct_order_lines SELECT * REPLACE (99 AS order_line_id, 9999 AS order_number) "
        "FROM reporting.fct_order_lines WHERE order_line_id = 11"
    )

    failed = _failed(run_checks(connection, CHECKED_AT))

    assert set(failed) == {"ri_order_lines__orders"}
    assert failed["ri_order_lines__orders"].examples == [
        {"order_line_id": 99, "order_number": 9999, "order_id": "a1001"}
    ]


@pytest.mark.parametrize(
    ("breakage", "check", "example"),
    [
        ("DELETE FROM reporting.dim_customers", "ri_orders__customers", {"order_number": 1001, "customer_id": 1}),
        ("DELETE FROM centra_raw.markets", "ri_orders__markets", {"order_number": 1001, "market_id": 10}),
        ("DELETE FROM centra_raw.stores WHERE store_id = 2", "ri_orders__stores", {"order_number": 1004, "store_id": 2}),
        ("DELETE FROM reporting.dim_products WHERE size_id = 310", "ri_stock_daily__products", {"size_id": 310}),
        ("DELETE FROM centra_raw.warehouses WHERE warehouse_id = 2", "ri_stock_daily__warehouses", {"warehouse_id": 2}),
    ],
)  # fmt: skip
def test_a_missing_parent_fails_only_its_referential_check(
    connection: duckdb.DuckDBPyConnection, breakage: str, check: str, example: dict[str, object]
) -> None:
    # every row of the dataset is GraphQL's: the build makes no Order API member to stand in for the missing one
    _break(connection, breakage)

    failed = _failed(run_checks(connection, CHECKED_AT))

    assert set(failed) == {check}
    first = failed[check].examples[0]
    assert {column: first[column] for column in example} == example


def test_a_line_whose_discount_breaks_gross_minus_discount_fails_only_that_identity(
    connection: duckdb.DuckDBPyConnection,
) -> None:
    connection.execute(
        "UPDATE reporting.fct_order_lines SET discount_amount = discount_amount + 1 WHERE order_line_id = 11"
    )

    failed = _failed(run_checks(connection, CHECKED_AT))

    assert set(failed) == {"money_line_gross_minus_discount"}
    assert failed["money_line_gross_minus_discount"].examples[0]["order_line_id"] == 11
    assert failed["money_line_gross_minus_discount"].examples[0]["difference"] == Decimal("-1")


def test_an_order_whose_lines_do_not_add_up_fails_only_the_order_net_identity(
    connection: duckdb.DuckDBPyConnection,
) -> None:
    # the line stays consistent (gross − discount = net); only Σ line net moves away from the order's net
    connection.execute(
        "UPDATE reporting.fct_order_lines SET net_amount = net_amount + 1, discount_amount = discount_amount - 1 "
        "WHERE order_line_id = 12"
    )

    failed = _failed(run_checks(connection, CHECKED_AT))

    assert set(failed) == {"money_order_net_equals_lines"}
    assert failed["money_order_net_equals_lines"].examples == [
        {
            "order_number": 1001,
            "net_amount": Decimal("210"),
            "lines_net_amount": Decimal("211"),
            "difference": Decimal("-1"),
        }
    ]


def test_a_difference_of_one_rounding_step_passes(connection: duckdb.DuckDBPyConnection) -> None:
    connection.execute(
        "UPDATE reporting.fct_order_lines SET net_amount = net_amount + 0.0001, "
        "discount_amount = discount_amount - 0.0001 WHERE order_line_id = 12"
    )
    connection.execute(
        "UPDATE reporting.fct_orders SET discount_amount = discount_amount + 0.0001 WHERE order_number = 1002"
    )

    assert _failed(run_checks(connection, CHECKED_AT)) == {}


def test_a_negative_quantity_fails_only_its_check_naming_table_row_and_column(
    connection: duckdb.DuckDBPyConnection,
) -> None:
    connection.execute(
        "UPDATE reporting.fct_order_lines SET cancelled_quantity = -1 WHERE order_line_id = 12"
    )
    connection.execute("UPDATE reporting.fct_returns SET quantity = -1 WHERE return_line_id = 91")

    failed = _failed(run_checks(connection, CHECKED_AT))

    assert set(failed) == {"no_negative_quantities"}
    assert failed["no_negative_quantities"].examples == [
        {
            "table_name": "fct_order_lines",
            "key_value": "order_line_id=12",
            "column_name": "cancelled_quantity",
            "value": -1,
        },
        {
            "table_name": "fct_returns",
            "key_value": "return_line_id=91",
            "column_name": "quantity",
            "value": -1,
        },
    ]


def test_an_old_newest_order_is_a_recency_warning_never_a_failure(
    connection: duckdb.DuckDBPyConnection,
) -> None:
    latest = datetime(2026, 3, 29, 22, 30, tzinfo=UTC)

    assert _failed(run_checks(connection, datetime(2026, 3, 31, 22, 30, tzinfo=UTC))) == {}  # exactly 48 h
    results = run_checks(connection, datetime(2026, 3, 31, 22, 31, tzinfo=UTC))
    flagged = _failed(results)
    assert set(flagged) == {"recency_orders"}
    recency = flagged["recency_orders"]
    assert (recency.severity, recency.warned, recency.failed) == ("warning", True, False)
    assert not [result for result in results if result.failed]
    [example] = recency.examples
    assert example["latest_created_at"] == latest
    assert example["recency_hours"] == 48
    assert summarize(results).splitlines()[0] == (
        f"all {len(results)} data-quality checks passed; 1 warning(s): recency_orders"
    )
    assert recency.summary().startswith("recency_orders (warning): 1 offending row(s)")
    # a longer recency passes the same data
    assert _failed(run_checks(connection, datetime(2026, 4, 5, tzinfo=UTC), recency_hours=24 * 7)) == {}


def test_no_orders_at_all_is_a_recency_warning(connection: duckdb.DuckDBPyConnection) -> None:
    connection.execute("DELETE FROM reporting.fct_order_lines")
    connection.execute("DELETE FROM reporting.fct_returns")
    connection.execute("DELETE FROM reporting.fct_orders")

    flagged = _failed(run_checks(connection, CHECKED_AT))

    assert flagged["recency_orders"].warned
    assert flagged["recency_orders"].examples[0]["latest_created_at"] is None


def test_a_severity_line_makes_a_warning_and_a_warning_that_can_not_run_fails(
    connection: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    (tmp_path / "quiet.sql").write_text(
        "-- Orders exist.\n-- Severity: warning\nSELECT 1 AS one FROM reporting.fct_orders LIMIT 1;\n"
    )
    (tmp_path / "broken.sql").write_text(
        "-- Reads a table that is not there.\n-- severity: WARNING\nFROM nope;\n"
    )

    results = {r.name: r for r in run_checks(connection, CHECKED_AT, directory=tmp_path)}

    assert results["quiet"].description == "Orders exist."
    assert (results["quiet"].warned, results["quiet"].failed) == (True, False)
    assert results["broken"].severity == "warning"
    assert results["broken"].failed
    assert summarize(list(results.values())).splitlines()[0].startswith("1 of ")


def test_the_summary_names_failed_checks_and_their_rows(connection: duckdb.DuckDBPyConnection) -> None:
    _break(connection, "DELETE FROM centra_raw.markets")  # rebuilds, so before the reporting update
    connection.execute("UPDATE reporting.fct_order_lines SET quantity = -2 WHERE order_line_id = 15")

    summary = summarize(run_checks(connection, CHECKED_AT))

    lines = summary.splitlines()
    assert lines[0].startswith("2 of ")
    assert lines[0].endswith("data-quality checks failed: no_negative_quantities, ri_orders__markets")
    assert "order_line_id=15" in lines[1]
    assert lines[2].startswith(
        "- ri_orders__markets: 4 offending row(s), e.g. order_number=1001, market_id=10"
    )


def test_a_check_that_can_not_run_fails_with_its_error(
    connection: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    (tmp_path / "broken.sql").write_text(
        "-- Reads a table that does not exist.\nSELECT * FROM reporting.nope;\n"
    )

    [result] = [r for r in run_checks(connection, CHECKED_AT, directory=tmp_path) if r.name == "broken"]

    assert not result.passed
    assert result.error is not None
    assert "nope" in result.error
    assert result.description == "Reads a table that does not exist."


def test_the_build_reports_checks_without_failing_on_them(connection: duckdb.DuckDBPyConnection) -> None:
    assert build_reporting(connection, BUILD_PARAMS).checks is None

    # built for 1 April, the latest order (29 March 22:30 UTC) is 49.5 hours old: a warning, and still built
    report = build_reporting(connection, BUILD_PARAMS, run_checks=True)

    assert report.checks is not None
    assert set(_failed(report.checks)) == {"recency_orders"}
    assert report.rows["fct_orders"] == 4
    recent = build_reporting(connection, BUILD_PARAMS, run_checks=True, recency_hours=72)
    assert recent.checks is not None
    assert _failed(recent.checks) == {}
