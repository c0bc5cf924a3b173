"""An incremental build equals a full rebuild of the same canonical tables, table by table, row by row, for
random change sets: new orders, late imports, status changes, cancelled lines, deleted returns, anonymized
customers, orders moved between customers, orders the Order API served, catalog and store changes, deletes.

`make test` runs a bounded, derandomized number of examples; `make test-incremental-long` runs many more
(`INCREMENTAL_EXAMPLES`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from bench.build_reporting import create_dataset
from warehouse.build import build_reporting
from warehouse.build_state import ORDER_FINGERPRINTS
from warehouse.publish import publish_reporting, published_path
from warehouse.registry import REGISTRY, BuildParams

ORDERS = 240
ORDER_API_ORDERS = 4  # orders 1-4 came from the Order API: lines without ids, found in the catalog by SKU
PRODUCTS = 12  # × 15 sizes: a small catalog keeps each build under a second
PARAMS = BuildParams(as_of=datetime(2026, 1, 1, tzinfo=UTC))
EXAMPLES = int(os.environ.get("INCREMENTAL_EXAMPLES", "12"))
LONG_RUN = "INCREMENTAL_EXAMPLES" in os.environ

order_numbers = st.integers(1, ORDERS)
customer_ids = st.integers(1, ORDERS // 3 + 1)

# Each change is SQL on `centra_raw`, as a load, the scrub or reconciliation would leave it.
CHANGES = {
    "new_order": st.tuples(st.just("new_order"), order_numbers, customer_ids, st.integers(0, 700)),
    "status": st.tuples(
        st.just("status"), order_numbers, st.sampled_from(["CANCELLED", "ARCHIVED", "SHIPPED"])
    ),
    "cancel_line": st.tuples(st.just("cancel_line"), order_numbers),
    "delete_return": st.tuples(st.just("delete_return"), order_numbers),
    "anonymize": st.tuples(st.just("anonymize"), customer_ids),
    "move_customer": st.tuples(st.just("move_customer"), order_numbers, customer_ids),
    "order_api": st.tuples(st.just("order_api"), order_numbers),
    "catalog": st.tuples(st.just("catalog"), st.integers(1, 2 * ORDER_API_ORDERS)),
    "market_store": st.tuples(st.just("market_store"), st.integers(1, 4), st.sampled_from([1, 2])),
    "delete_order": st.tuples(st.just("delete_order"), order_numbers),
    "stock": st.tuples(st.just("stock"), st.integers(1, 40)),
}
change_sets = st.lists(st.one_of(*CHANGES.values()), min_size=0, max_size=8)


def apply(connection: duckdb.DuckDBPyConnection, change: tuple[object, ...], serial: int) -> None:
    kind, *args = change
    raw = "centra_raw"
    if (
        kind == "new_order"
    ):  # a copy of an order under a new number, for a customer, created `days` after the start
        source, customer, days = args
        number = 10_000 + serial
        connection.execute(
            f"""INSERT INTO {raw}.orders SELECT * REPLACE ({number} AS order_number, {customer} AS customer_id,
                    TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_days({days}) AS created_at)
                FROM {raw}.orders WHERE order_number = {source}"""
        )
        connection.execute(
            f"""INSERT INTO {raw}.orders__lines SELECT * REPLACE ({number} * 10 + order_line_id % 10 AS order_line_id,
                    {number} AS order_number) FROM {raw}.orders__lines WHERE order_number = {source}"""
        )
    elif kind == "status":
        number, status = args
        connection.execute(f"UPDATE {raw}.orders SET status = '{status}' WHERE order_number = {number}")
    elif kind == "cancel_line":
        (number,) = args
        connection.execute(
            f"""UPDATE {raw}.orders__lines SET cancelled_quantity = quantity, quantity = 0
                WHERE order_line_id = (SELECT min(order_line_id) FROM {raw}.orders__lines WHERE order_number = {number})"""
        )
    elif kind == "delete_return":
        (number,) = args
        connection.execute(f"DELETE FROM {raw}.orders__returns__lines WHERE order_number = {number}")
        connection.execute(f"DELETE FROM {raw}.orders__returns WHERE order_number = {number}")
    elif kind == "anonymize":  # what pipelines/privacy.py leaves: no email, no names, addresses blanked
        (customer,) = args
        connection.execute(
            f"UPDATE {raw}.customers SET email = NULL, first_name = NULL, last_name = NULL WHERE customer_id = {customer}"
        )
        connection.execute(
            f"""UPDATE {raw}.orders SET shipping_first_name = NULL, shipping_last_name = NULL,
                shipping_address1 = NULL, billing_email = NULL WHERE customer_id = {customer}"""
        )
    elif kind == "move_customer":
        number, customer = args
        connection.execute(f"UPDATE {raw}.orders SET customer_id = {customer} WHERE order_number = {number}")
    elif kind == "order_api":  # the Order API re-read them: no rate, no store, lines without ids
        (numbers,) = args
        listed = ", ".join(str(number) for number in (numbers if isinstance(numbers, tuple) else (numbers,)))
        connection.execute(
            f"""UPDATE {raw}.orders SET _source_api = 'order_api', conversion_rate = NULL, store_id = NULL
                WHERE order_number IN ({listed})"""
        )
        connection.execute(
            f"""UPDATE {raw}.orders__lines SET product_id = NULL, variant_id = NULL, size_id = NULL
                WHERE order_number IN ({listed})"""
        )
    elif kind == "catalog":  # the SKU of an order's first line moves to another size in the catalog
        (number,) = args
        connection.execute(
            f"""UPDATE {raw}.product_sizes SET sku = (SELECT sku FROM {raw}.product_sizes WHERE size_id = (
                    SELECT max(size_id) FROM {raw}.product_sizes)) || '-{serial}'
                WHERE sku = (SELECT sku FROM {raw}.orders__lines WHERE order_number = {number}
                             ORDER BY order_line_id LIMIT 1)"""
        )
        connection.execute(
            f"""UPDATE {raw}.product_sizes SET sku = (SELECT sku FROM {raw}.orders__lines
                    WHERE order_number = {number} ORDER BY order_line_id LIMIT 1)
                WHERE size_id = (SELECT max(size_id) FROM {raw}.product_sizes)"""
        )
    elif kind == "market_store":
        market, store = args
        connection.execute(f"UPDATE {raw}.markets SET store_id = {store} WHERE market_id = {market}")
    elif kind == "delete_order":  # reconciliation removes an order with its children
        (number,) = args
        for table in ("orders__returns__lines", "orders__returns", "orders__lines", "orders"):
            connection.execute(f"DELETE FROM {raw}.{table} WHERE order_number = {number}")
    elif kind == "stock":
        (step,) = args
        connection.execute(
            f"""UPDATE {raw}.stock SET free_to_allocate_quantity = (free_to_allocate_quantity + {step}) % 40,
                snapshot_at = snapshot_at + to_hours({step})"""
        )
    else:
        raise AssertionError(f"unknown change {kind}")


@pytest.fixture(scope="module")
def built_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse with the canonical tables and one full build, copied by each example."""
    path = tmp_path_factory.mktemp("incremental") / "base.duckdb"
    with duckdb.connect(str(path)) as connection:
        create_dataset(connection, ORDERS, products=PRODUCTS)
        apply(connection, ("order_api", tuple(range(1, ORDER_API_ORDERS + 1))), 0)
        report = build_reporting(connection, PARAMS)
        assert not report.incremental
    return path


def _tables(path: Path) -> dict[str, pl.DataFrame]:
    with duckdb.connect(str(path), read_only=True) as connection:
        return {
            spec.name: connection.sql(f"SELECT * FROM reporting.{spec.name} ORDER BY ALL").pl()
            for spec in REGISTRY.ordered()
        }


@pytest.fixture
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("example")
    yield path
    shutil.rmtree(path, ignore_errors=True)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not LONG_RUN,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rounds=st.lists(change_sets, min_size=1, max_size=2))
# Every kind of change at once, on distinct orders, so none hides another's missed rebuild.
@example(
    rounds=[
        [
            ("catalog", 1),
            ("market_store", 2, 2),
            ("new_order", 10, 5, 0),
            ("move_customer", 20, 7),
            ("delete_order", 30),
            ("delete_return", 40),
            ("anonymize", 9),
            ("status", 50, "CANCELLED"),
            ("cancel_line", 60),
            ("stock", 3),
        ]
    ]
)
@example(rounds=[[("order_api", 70)], [("catalog", 70)]])  # the catalog changes after the order was built
def test_an_incremental_build_equals_a_full_rebuild(
    built_base: Path, workdir: Path, rounds: list[list[tuple[object, ...]]]
) -> None:
    incremental, full = workdir / "incremental.duckdb", workdir / "full.duckdb"
    shutil.copy(built_base, incremental)
    serial = 0
    for changes in rounds:
        with duckdb.connect(str(incremental)) as connection:
            for change in changes:
                serial += 1
                apply(connection, change, serial)
        shutil.copy(incremental, full)
        with duckdb.connect(str(incremental)) as connection:
            report = build_reporting(connection, PARAMS)
        assert report.incremental, report.full_build_reason
        with duckdb.connect(str(full)) as connection:
            assert not build_reporting(connection, PARAMS, full_refresh=True).incremental
        _assert_same_tables(_tables(incremental), _tables(full))


def _assert_same_tables(got: dict[str, pl.DataFrame], expected: dict[str, pl.DataFrame]) -> None:
    assert got.keys() == expected.keys()
    for name, frame in expected.items():
        try:
            assert_frame_equal(got[name], frame, check_exact=True)
        except AssertionError as error:
            raise AssertionError(f"reporting.{name} differs from a full rebuild: {error}") from None


def test_no_change_rebuilds_no_order_and_a_change_only_its_orders(built_base: Path, workdir: Path) -> None:
    path = workdir / "warehouse.duckdb"
    shutil.copy(built_base, path)
    with duckdb.connect(str(path)) as connection:
        assert build_reporting(connection, PARAMS).rebuilt_orders == 0
        connection.execute("UPDATE centra_raw.orders SET status = 'ARCHIVED' WHERE order_number IN (5, 6)")
        report = build_reporting(connection, PARAMS)
        assert report.incremental
        assert report.rebuilt_orders == 2
        assert report.rows["fct_orders"] == ORDERS
        fingerprints = connection.execute(f"SELECT count(*) FROM {ORDER_FINGERPRINTS}").fetchone()
        assert fingerprints == (ORDERS,)


# A build in a process of its own, as every scheduled run is: its string hashing is seeded anew.
_BUILD_IN_A_CHILD = """
import sys, duckdb
from tests.warehouse.test_incremental_build import PARAMS
from warehouse.build import build_reporting
with duckdb.connect(sys.argv[1]) as connection:
    print(build_reporting(connection, PARAMS).rebuilt_orders)
"""


def test_a_build_in_another_process_finds_the_same_fingerprints(built_base: Path, workdir: Path) -> None:
    # A fingerprint once hashed its columns in a set's order, which differs per process (PYTHONHASHSEED):
    # every run saw every order as changed and rebuilt them all.
    path = workdir / "warehouse.duckdb"
    shutil.copy(built_base, path)
    for seed in ("1", "2", "3"):
        child = subprocess.run(
            [sys.executable, "-c", _BUILD_IN_A_CHILD, str(path)],
            capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": seed}, check=True,
        )  # fmt: skip
        assert child.stdout.split() == ["0"], child.stderr[-2000:]


def test_a_full_build_happens_on_request_and_when_a_definition_changed(
    built_base: Path, workdir: Path
) -> None:
    path = workdir / "warehouse.duckdb"
    shutil.copy(built_base, path)
    with duckdb.connect(str(path)) as connection:
        assert (
            build_reporting(connection, PARAMS, full_refresh=True).full_build_reason
            == "a full refresh was asked for"
        )
        other_zone = BuildParams(timezone="UTC", as_of=PARAMS.as_of)
        reason = build_reporting(connection, other_zone).full_build_reason
        assert reason is not None
        assert "fct_orders" in reason
        assert build_reporting(connection, other_zone).incremental


def test_more_changed_orders_than_a_part_are_built_whole(built_base: Path, workdir: Path) -> None:
    path, full = workdir / "warehouse.duckdb", workdir / "full.duckdb"
    shutil.copy(built_base, path)
    with duckdb.connect(str(path)) as connection:
        connection.execute("UPDATE centra_raw.orders SET status = 'ARCHIVED' WHERE order_number <= 5")
    shutil.copy(path, full)
    with duckdb.connect(str(path)) as connection:
        report = build_reporting(connection, PARAMS, keys_per_part=4)
        assert report.full_build_reason == "5 orders changed, more than the 4 of one part"
    with duckdb.connect(str(full)) as connection:
        build_reporting(connection, PARAMS, full_refresh=True)
    _assert_same_tables(_tables(path), _tables(full))
    with duckdb.connect(str(path)) as connection:
        assert build_reporting(connection, PARAMS).rebuilt_orders == 0  # its record was written all the same


def test_the_snapshot_is_updated_in_place_only_over_the_build_before(
    built_base: Path, workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = workdir / "warehouse.duckdb"
    shutil.copy(built_base, path)
    snapshot = published_path(path)

    def build_and_publish(change_sql: str, publish: bool = True) -> bool | None:
        with duckdb.connect(str(path)) as connection:
            connection.execute(change_sql)
            assert build_reporting(connection, PARAMS).incremental
            incremental = publish_reporting(connection, snapshot).incremental if publish else None
        if publish:
            _assert_same_tables(_tables(snapshot), _tables(path))  # every table, row by row
        return incremental

    with duckdb.connect(str(path)) as connection:
        assert not publish_reporting(connection, snapshot).incremental  # the first: no snapshot yet
    status = "UPDATE centra_raw.orders SET status = 'ARCHIVED' WHERE order_number IN ({})"
    assert build_and_publish(status.format("5, 6")) is True
    gone = "DELETE FROM centra_raw.orders__lines WHERE order_number = 7; DELETE FROM centra_raw.orders WHERE order_number = 7"
    assert build_and_publish(gone) is True  # an order gone: its rows leave the snapshot too
    build_and_publish(status.format("8"), publish=False)  # a build that was not published (a check failed)
    assert build_and_publish(status.format("9")) is False  # so the snapshot is two builds old: copied whole
    assert build_and_publish(status.format("10")) is True
    os.utime(snapshot, ns=(1, 1))  # someone else touched the file
    assert build_and_publish(status.format("11")) is False
    monkeypatch.setattr("warehouse.publish.FULL_COPY_EVERY", 2)
    assert build_and_publish(status.format("12")) is True
    assert build_and_publish(status.format("13")) is False  # the chain's length: a whole copy again
