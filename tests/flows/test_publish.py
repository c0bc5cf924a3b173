"""The published snapshot: only `reporting`, comments kept, replaced atomically under open readers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from warehouse.publish import publish_reporting, published_path


def _working_file(path: Path, orders: int) -> None:
    with duckdb.connect(str(path)) as connection:
        connection.execute("CREATE SCHEMA IF NOT EXISTS centra_raw")
        connection.execute(
            "CREATE OR REPLACE TABLE centra_raw.customers AS SELECT 'secret@example.com' AS email"
        )
        connection.execute("CREATE SCHEMA IF NOT EXISTS reporting")
        connection.execute(
            f"CREATE OR REPLACE TABLE reporting.fct_orders AS SELECT range AS order_id FROM range({orders})"
        )
        connection.execute("COMMENT ON TABLE reporting.fct_orders IS 'One row per order.'")
        connection.execute("COMMENT ON COLUMN reporting.fct_orders.order_id IS 'Centra''s order id.'")


def _count_in_another_process(published: Path) -> int:
    code = (
        "import duckdb, sys; c = duckdb.connect(sys.argv[1], read_only=True); "
        "print(c.execute('SELECT count(*) FROM reporting.fct_orders').fetchone()[0])"
    )
    return int(subprocess.check_output([sys.executable, "-c", code, str(published)], text=True))


def _publish(path: Path) -> Path:
    with duckdb.connect(str(path)) as connection:
        report = publish_reporting(connection, published_path(path))
    assert report.tables == 1
    return report.path


def test_the_snapshot_holds_the_reporting_schema_with_comments_and_nothing_else(tmp_path: Path) -> None:
    working = tmp_path / "centra.duckdb"
    _working_file(working, 3)
    published = _publish(working)
    assert published == tmp_path / "centra_reporting.duckdb"
    with duckdb.connect(str(published), read_only=True) as reader:
        tables = reader.execute("SELECT schema_name, table_name, comment FROM duckdb_tables()").fetchall()
        assert tables == [("reporting", "fct_orders", "One row per order.")]
        assert reader.execute(
            "SELECT comment FROM duckdb_columns() WHERE table_name = 'fct_orders'"
        ).fetchall() == [("Centra's order id.",)]
    assert b"secret@example.com" not in published.read_bytes()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_a_reader_keeps_its_snapshot_while_a_new_one_replaces_it(tmp_path: Path) -> None:
    working = tmp_path / "centra.duckdb"
    _working_file(working, 3)
    published = _publish(working)
    reader = duckdb.connect(str(published), read_only=True)
    try:
        _working_file(working, 5)
        _publish(working)  # the writer is never blocked by the open reader
        assert reader.execute("SELECT count(*) FROM reporting.fct_orders").fetchone() == (3,)
        # Another process (a BI tool) opening the file now gets the new snapshot. (Within one process
        # DuckDB hands a new connection the database instance still open, so ask another process.)
        assert _count_in_another_process(published) == 5
    finally:
        reader.close()


def test_nothing_to_publish_is_an_error_and_leaves_the_old_snapshot(tmp_path: Path) -> None:
    working = tmp_path / "centra.duckdb"
    _working_file(working, 2)
    published = _publish(working)
    with duckdb.connect(str(working)) as connection:
        connection.execute("DROP SCHEMA reporting CASCADE")
        with pytest.raises(RuntimeError, match="build the reporting tables first"):
            publish_reporting(connection, published)
    with duckdb.connect(str(published), read_only=True) as reader:
        assert reader.execute("SELECT count(*) FROM reporting.fct_orders").fetchone() == (2,)
