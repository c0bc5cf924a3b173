"""Orders with lines, shipments and returns from the sandbox's GraphQL API into DuckDB, incrementally."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from sandbox.changes import ChangeSet
from sandbox.server import RunningSandbox
from tests.pipelines.loading_support import GENEROUS_QUOTAS, ORDER_FAMILY, count, rows, run_load, table

SandboxFactory = Callable[..., AbstractContextManager[RunningSandbox]]
CHANGES = ChangeSet(
    seed=5, new_orders=6, status_changes=8, old_order_age_days=40, cancelled_lines=6, new_returns=3,
    deleted_returns=2, completed_returns=2, reopened_returns=1, deleted_shipments=1, cancelled_orders=2,
)  # fmt: skip


@pytest.fixture
def sandbox(sandbox_factory: SandboxFactory) -> Iterator[RunningSandbox]:
    with sandbox_factory(orders=400, quotas=GENEROUS_QUOTAS) as running:
        yield running


def truth(sandbox: RunningSandbox, sql: str) -> set[tuple[object, ...]]:
    return {tuple(row.values()) for row in sandbox.state.store.rows(sql)}


def loaded(warehouse: Path, sql: str) -> set[tuple[object, ...]]:
    return set(rows(warehouse, sql))


def assert_family_matches_sandbox(
    sandbox: RunningSandbox, warehouse: Path, since: datetime | None = None
) -> None:
    """Orders (created since `since`) and all that hangs off them equal the sandbox's own data."""
    cut = (since or datetime(1970, 1, 1, tzinfo=UTC)).replace(tzinfo=None)
    scope = f"order_number IN (SELECT order_number FROM orders WHERE created_at >= '{cut}')"
    scoped = f"order_number IN (SELECT order_number FROM centra_raw.orders WHERE created_at >= '{cut}+00')"
    assert loaded(
        warehouse, f"SELECT order_number, status, is_on_hold FROM centra_raw.orders WHERE {scoped}"
    ) == truth(sandbox, f"SELECT order_number, status, is_on_hold FROM orders WHERE {scope}")
    assert loaded(
        warehouse,
        f"SELECT order_line_id, quantity, cancelled_quantity FROM centra_raw.orders__lines WHERE {scoped}",
    ) == truth(sandbox, f"SELECT order_line_id, quantity, cancelled_quantity FROM order_lines WHERE {scope}")
    assert loaded(
        warehouse, f"SELECT shipment_number, is_shipped FROM centra_raw.orders__shipments WHERE {scoped}"
    ) == truth(sandbox, f"SELECT shipment_number, is_shipped FROM shipments WHERE {scope}")
    assert loaded(
        warehouse, f"SELECT return_id, is_completed FROM centra_raw.orders__returns WHERE {scoped}"
    ) == truth(sandbox, f"SELECT return_id, is_completed FROM returns WHERE {scope}")
    assert loaded(
        warehouse, f"SELECT return_line_id FROM centra_raw.orders__returns__lines WHERE {scoped}"
    ) == truth(
        sandbox,
        "SELECT return_line_id FROM return_lines WHERE return_id IN "
        f"(SELECT return_id FROM returns WHERE {scope})",
    )


def test_first_load_equals_the_sandbox_and_a_second_run_changes_nothing(
    sandbox: RunningSandbox, tmp_path: Path
) -> None:
    warehouse = tmp_path / "centra.duckdb"
    run_load(sandbox, warehouse, resources=["orders"])
    sandbox_counts = sandbox.control.truth()
    for loaded_table, sandbox_table in ORDER_FAMILY.items():
        assert count(warehouse, loaded_table) == sandbox_counts[sandbox_table], loaded_table
    assert_family_matches_sandbox(sandbox, warehouse)
    before = {name: table(warehouse, name) for name in ORDER_FAMILY}
    run_load(sandbox, warehouse, resources=["orders"])
    assert {name: table(warehouse, name) for name in ORDER_FAMILY} == before


def test_money_timestamps_and_ids_equal_the_sandbox_values(sandbox: RunningSandbox, tmp_path: Path) -> None:
    warehouse = tmp_path / "centra.duckdb"
    run_load(sandbox, warehouse, resources=["orders"])
    expected = truth(
        sandbox,
        "SELECT order_number, order_id, currency_code, conversion_rate, created_at FROM orders",
    )
    got = loaded(
        warehouse,
        "SELECT order_number, order_id, currency_code, conversion_rate, created_at FROM centra_raw.orders",
    )
    assert {(n, i, c, Decimal(r), t.astimezone(UTC).replace(tzinfo=None)) for n, i, c, r, t in got} == {
        (n, i, c, Decimal(r), t) for n, i, c, r, t in expected
    }
    assert {c for _, _, c, _, _ in got} >= {"SEK", "EUR"}
    summer = [t for *_, t in got if t.astimezone(UTC).month in (6, 7, 8)]
    winter = [t for *_, t in got if t.astimezone(UTC).month in (12, 1, 2)]
    assert summer
    assert winter
    assert loaded(
        warehouse, "SELECT order_line_id, unit_price_amount, line_amount FROM centra_raw.orders__lines"
    ) == {
        (i, Decimal(p), Decimal(q) * Decimal(p))
        for i, p, q in truth(sandbox, "SELECT order_line_id, unit_price, quantity FROM order_lines")
    }


def test_without_updated_at_a_lookback_run_reflects_changes_on_recent_orders(
    sandbox: RunningSandbox, tmp_path: Path
) -> None:
    warehouse = tmp_path / "centra.duckdb"
    assert run_load(sandbox, warehouse, resources=["orders"])["orders_strategy"] == "backfill"
    result = sandbox.control.apply_change_set(CHANGES)
    assert result.status_changed_order_numbers
    assert run_load(sandbox, warehouse, resources=["orders"])["orders_strategy"] == "created_at_lookback"
    newest = rows(warehouse, "SELECT max(created_at) FROM centra_raw.orders")[0][0]
    window_start = newest.astimezone(UTC) - timedelta(days=60)
    assert_family_matches_sandbox(sandbox, warehouse, since=window_start)
    assert set(result.new_order_numbers) <= {
        n for (n,) in rows(warehouse, "SELECT order_number FROM centra_raw.orders")
    }
    # A reconcile run with a long lookback catches the rest (changes on orders older than the window).
    run_load(sandbox, warehouse, resources=["orders"], reconcile=True, order_lookback_days=3650)
    assert_family_matches_sandbox(sandbox, warehouse)


def test_with_updated_at_every_change_arrives(sandbox_factory: SandboxFactory, tmp_path: Path) -> None:
    warehouse = tmp_path / "centra.duckdb"
    with sandbox_factory(orders=400, quotas=GENEROUS_QUOTAS, order_updated_at=True) as sandbox:
        run_load(sandbox, warehouse, resources=["orders"])
        sandbox.control.apply_change_set(CHANGES)
        state = run_load(sandbox, warehouse, resources=["orders"], order_lookback_days=0)
        assert state["orders_strategy"] == "updated_at"
        assert count(warehouse, "orders") == sandbox.control.truth()["orders"]
        assert_family_matches_sandbox(sandbox, warehouse)


def test_orders_read_again_in_the_overlap_are_loaded_again_only_when_their_updated_at_moved(
    sandbox_factory: SandboxFactory, tmp_path: Path
) -> None:
    warehouse = tmp_path / "centra.duckdb"
    whole_history = {"updated_at_overlap_minutes": 60 * 24 * 366 * 30}  # every order is read again
    with sandbox_factory(orders=400, quotas=GENEROUS_QUOTAS, order_updated_at=True) as sandbox:
        first = run_load(sandbox, warehouse, resources=["orders"], **whole_history)
        assert len(first["orders_recent"]) == sandbox.control.truth()["orders"]
        mark = datetime.fromisoformat(first["orders_updated_max"]).astimezone(UTC).replace(tzinfo=None)
        sandbox.control.apply_change_set(CHANGES)
        changed = truth(sandbox, f"SELECT order_number FROM orders WHERE updated_at > '{mark}'")
        assert 0 < len(changed) < sandbox.control.truth()["orders"]

        second = run_load(sandbox, warehouse, resources=["orders"], order_lookback_days=0, **whole_history)
        assert second["orders_strategy"] == "updated_at"
        newest_load = "(SELECT max(_dlt_load_id) FROM centra_raw.orders)"
        assert (
            loaded(
                warehouse, f"SELECT order_number FROM centra_raw.orders WHERE _dlt_load_id = {newest_load}"
            )
            == changed
        )
        assert count(warehouse, "orders") == sandbox.control.truth()["orders"]
        assert_family_matches_sandbox(sandbox, warehouse)

        # Nothing changed since: every order is read again (and remembered again), none is loaded again.
        before = {name: table(warehouse, name) for name in ORDER_FAMILY}
        last_load = rows(warehouse, "SELECT max(_dlt_load_id) FROM centra_raw.orders")[0][0]
        third = run_load(sandbox, warehouse, resources=["orders"], order_lookback_days=0, **whole_history)
        assert len(third["orders_recent"]) == sandbox.control.truth()["orders"]
        assert rows(
            warehouse, "SELECT count(*) FROM centra_raw.orders WHERE _dlt_load_id > ?", [last_load]
        ) == [(0,)]
        assert {name: table(warehouse, name) for name in ORDER_FAMILY} == before


def test_the_default_overlap_keeps_only_the_orders_behind_the_watermark_in_state(
    sandbox_factory: SandboxFactory, tmp_path: Path
) -> None:
    warehouse = tmp_path / "centra.duckdb"
    with sandbox_factory(orders=400, quotas=GENEROUS_QUOTAS, order_updated_at=True) as sandbox:
        state = run_load(sandbox, warehouse, resources=["orders"])
        mark = datetime.fromisoformat(state["orders_updated_max"])
        recent = {int(number): datetime.fromisoformat(at) for number, at in state["orders_recent"].items()}
        behind = rows(
            warehouse,
            "SELECT order_number FROM centra_raw.orders WHERE updated_at >= ?",
            [mark - timedelta(minutes=10)],
        )
        assert set(recent) == {number for (number,) in behind}
        assert recent  # the newest order at least
        assert all(mark - timedelta(minutes=10) <= at <= mark for at in recent.values())


def test_with_events_every_change_arrives_and_events_are_confirmed_after_commit(
    sandbox_factory: SandboxFactory, tmp_path: Path
) -> None:
    warehouse = tmp_path / "centra.duckdb"
    with sandbox_factory(orders=400, quotas=GENEROUS_QUOTAS, events_enabled=True) as sandbox:
        store = sandbox.state.store
        assert (
            run_load(sandbox, warehouse, resources=["orders"], use_events=True)["orders_strategy"]
            == "backfill"
        )
        assert store.scalar("SELECT count(*) FROM event_listeners WHERE integration_name = 'centra-elt'") == 3
        result = sandbox.control.apply_change_set(CHANGES)
        assert result.events_emitted > 0
        state = run_load(sandbox, warehouse, resources=["orders"], use_events=True, order_lookback_days=0)
        assert state["orders_strategy"] == "events"
        assert_family_matches_sandbox(sandbox, warehouse)
        processed = set(state["orders_events_to_confirm"])
        assert processed
        # Committed but not yet confirmed: the next run confirms them before reading more.
        assert store.scalar("SELECT count(*) FROM events WHERE confirmed_at IS NOT NULL") == 0
        run_load(sandbox, warehouse, resources=["orders"], use_events=True)
        confirmed = {
            row["event_id"]
            for row in store.rows("SELECT event_id FROM events WHERE confirmed_at IS NOT NULL")
        }
        assert confirmed == processed


def test_a_queue_longer_than_one_batch_is_drained_in_rounds(
    sandbox_factory: SandboxFactory, tmp_path: Path
) -> None:
    warehouse = tmp_path / "centra.duckdb"
    with sandbox_factory(orders=400, quotas=GENEROUS_QUOTAS, events_enabled=True) as sandbox:
        run_load(sandbox, warehouse, resources=["orders"], use_events=True)
        sandbox.control.apply_change_set(
            ChangeSet(seed=9, new_orders=150, status_changes=120, cancelled_lines=40)
        )
        assert sandbox.state.store.scalar("SELECT count(*) FROM events") > 200
        run_load(sandbox, warehouse, resources=["orders"], use_events=True)
        assert_family_matches_sandbox(sandbox, warehouse)
