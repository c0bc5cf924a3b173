"""Tables built in parts (`partition_by`) equal the same tables built in one go, and keep their checks."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from sandbox.server import RunningSandbox
from tests.pipelines.loading_support import run_load
from tests.warehouse.canonical_inputs import create_canonical_dataset
from warehouse.build import BuildError, build_reporting
from warehouse.duckdb_scan import KeyRange, StoredTable
from warehouse.partitioned_build import part_ranges
from warehouse.registry import REGISTRY, BuildParams

PARAMS = BuildParams(as_of=datetime(2026, 4, 1, tzinfo=UTC))
IN_ONE_GO = 10**9  # more orders than any test dataset: every table is built in one part


@pytest.fixture
def connection(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = create_canonical_dataset(tmp_path / "warehouse.duckdb")
    yield connection
    connection.close()


def _tables(connection: duckdb.DuckDBPyConnection) -> dict[str, pl.DataFrame]:
    """Every reporting table, sorted by its key (the order of stored rows is no contract)."""
    return {
        spec.name: connection.sql(f"SELECT * FROM reporting.{spec.name} ORDER BY {', '.join(spec.key)}").pl()
        for spec in REGISTRY.ordered()
    }


def _assert_same_tables(parts: dict[str, pl.DataFrame], one_go: dict[str, pl.DataFrame]) -> None:
    assert parts.keys() == one_go.keys()
    for name in one_go:
        assert parts[name].schema == one_go[name].schema, f"reporting.{name}: other types when built in parts"
        assert_frame_equal(parts[name], one_go[name])


def test_the_order_tables_are_declared_partitioned() -> None:
    partitioned = {spec.name for spec in REGISTRY.ordered() if spec.partition_by == "order_number"}

    assert {"fct_order_lines", "fct_orders", "fct_returns"} <= partitioned


def test_one_order_per_part_equals_one_go(connection: duckdb.DuckDBPyConnection) -> None:
    # customer 1's three orders land in three parts: its order sequence still counts all of them
    build_reporting(connection, PARAMS, keys_per_part=IN_ONE_GO)
    one_go = _tables(connection)
    build_reporting(connection, PARAMS, keys_per_part=1)

    _assert_same_tables(_tables(connection), one_go)
    assert one_go["fct_orders"]["customer_order_seq"].to_list() == [1, 2, None, None]


def test_a_loaded_sandbox_built_in_small_parts_equals_one_go(
    shared_sandbox: RunningSandbox, tmp_path: Path
) -> None:
    warehouse = tmp_path / "centra.duckdb"
    run_load(shared_sandbox, warehouse)

    with duckdb.connect(str(warehouse)) as connection:
        params = BuildParams(timezone=shared_sandbox.state.settings.timezone, as_of=PARAMS.as_of)
        build_reporting(connection, params, keys_per_part=IN_ONE_GO)
        one_go = _tables(connection)
        build_reporting(connection, params, keys_per_part=7)
        parts = _tables(connection)

    _assert_same_tables(parts, one_go)
    repeat_customers = one_go["fct_orders"].filter(pl.col("customer_order_seq") > 1).height
    assert repeat_customers > 0  # else the sequence across parts was not exercised
    assert one_go["fct_orders"]["has_voucher"].any()


def test_a_key_duplicated_across_parts_fails_the_build(connection: duckdb.DuckDBPyConnection) -> None:
    # line 11 again, on another order: each part alone has unique keys
    connection.execute(
        "INSERT INTO centra_raw.orders__lines (order_line_id, order_number, quantity, line_amount) "
        "VALUES (11, 1004, 1, 1)"
    )

    with pytest.raises(BuildError, match=r"reporting\.fct_order_lines: 1 duplicate.*order_line_id=11"):
        build_reporting(connection, PARAMS, keys_per_part=1)


def test_parts_cover_every_row_once_nulls_in_the_first(connection: duckdb.DuckDBPyConnection) -> None:
    connection.execute("INSERT INTO centra_raw.orders__lines (order_line_id, order_number) VALUES (16, NULL)")
    lines = StoredTable('centra_raw."orders__lines"')

    ranges = part_ranges(connection, StoredTable('centra_raw."orders"'), "order_number", keys_per_part=3)
    read = [lines.scan(connection, part).select("order_line_id").collect() for part in ranges]

    assert ranges == [
        KeyRange("order_number", None, 1004, with_nulls=True),
        KeyRange("order_number", 1004, None),
    ]
    assert [sorted(frame["order_line_id"]) for frame in read] == [[11, 12, 13, 14, 16], [15]]


def test_a_key_range_reads_the_same_rows_from_duckdb_and_from_memory(
    connection: duckdb.DuckDBPyConnection,
) -> None:
    part = KeyRange("order_id", "a1002", "a1004")
    orders = StoredTable('centra_raw."orders"')

    from_duckdb = orders.scan(connection, part).select("order_number").collect()
    from_memory = orders.scan(connection).collect().filter(part.expression()).select("order_number")

    assert sorted(from_duckdb["order_number"]) == sorted(from_memory["order_number"]) == [1002, 1003]
