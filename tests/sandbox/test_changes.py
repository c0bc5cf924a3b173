"""Change sets: each kind changes what it says, stamps `updated_at`, queues its events, and keeps the data sound."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

import pytest

from sandbox.changes import ChangeSet, apply_change_set
from sandbox.generator import generate
from sandbox.settings import SandboxSettings
from sandbox.state import SandboxState
from tests.sandbox.test_generator import CONSISTENCY_CHECKS, INTEGRITY_CHECKS, fingerprint

ORDERS = 1500
LISTENED_TYPES = ("Order", "Return", "Customer", "Product", "ProductVariant", "Shipment")


def sandbox(events_enabled: bool = True, listen: bool = True, seed: int = 3) -> SandboxState:
    settings = SandboxSettings(
        orders=ORDERS, seed=seed, events_enabled=events_enabled, clock_follows_real_time=False
    )
    state = SandboxState.empty(settings)
    generate(state.store, settings)
    state.clock.advance(timedelta(hours=2))
    if listen:
        for object_type in LISTENED_TYPES:
            state.store.execute(
                "INSERT INTO event_listeners VALUES ('centra-elt', ?, [], ?, ?)",
                [object_type, state.clock.now_naive_utc(), state.clock.now_naive_utc()],
            )
    return state


@pytest.fixture
def state() -> SandboxState:
    return sandbox()


def events(state: SandboxState) -> Counter[tuple[str, str, str]]:
    rows = state.store.connection.execute(
        "SELECT object_type, change_type, object_key FROM events"
    ).fetchall()
    return Counter(rows)


def now(state: SandboxState) -> datetime:
    return state.clock.now_naive_utc()


def test_new_orders_continue_the_sequence_as_pending_orders_placed_now(state: SandboxState) -> None:
    last = state.store.scalar("SELECT max(order_number) FROM orders")
    before = state.store.counts()
    result = apply_change_set(state, ChangeSet(seed=1, new_orders=25))
    assert result.new_order_numbers == list(range(last + 1, last + 26))
    rows = state.store.rows(
        "SELECT o.*, (SELECT count(*) FROM order_lines ol WHERE ol.order_number = o.order_number) AS lines "
        "FROM orders o WHERE order_number > ? ORDER BY order_number",
        [last],
    )
    assert [row["order_number"] for row in rows] == result.new_order_numbers
    assert {row["status"] for row in rows} == {"PENDING"}
    assert {(row["created_at"], row["updated_at"]) for row in rows} == {(now(state), now(state))}
    assert all(1 <= row["lines"] <= 5 for row in rows)
    assert len({row["order_id"] for row in rows}) == 25
    assert state.store.counts()["orders"] == before["orders"] + 25
    assert events(state) == Counter({("Order", "CREATED", str(n)): 1 for n in result.new_order_numbers})
    assert result.events_emitted == 25
    for name, sql in INTEGRITY_CHECKS.items():
        assert state.store.rows(sql + " LIMIT 1") == [], name


def test_status_changes_move_old_and_recent_orders_forward(state: SandboxState) -> None:
    before = {
        row["order_number"]: row
        for row in state.store.rows("SELECT order_number, status, is_on_hold, created_at FROM orders")
    }
    result = apply_change_set(state, ChangeSet(seed=2, status_changes=30, old_order_age_days=40))
    assert len(result.status_changed_order_numbers) == 30
    after = {
        row["order_number"]: row
        for row in state.store.rows("SELECT order_number, status, is_on_hold, updated_at FROM orders")
    }
    flow = ["PENDING", "CONFIRMED", "PROCESSING", "SHIPPED", "ARCHIVED"]
    for number in result.status_changed_order_numbers:
        old, new = before[number], after[number]
        assert new["updated_at"] == now(state)
        if old["is_on_hold"] != new["is_on_hold"]:
            assert old["status"] == new["status"]
        else:
            assert flow.index(new["status"]) == flow.index(old["status"]) + 1
    ages = [(now(state) - before[n]["created_at"]).days for n in result.status_changed_order_numbers]
    assert any(34 <= age <= 46 for age in ages)
    assert any(age < 10 for age in ages)
    unshipped = state.store.rows(
        "SELECT * FROM orders o JOIN shipments s USING (order_number) "
        "WHERE o.status IN ('SHIPPED', 'ARCHIVED') AND NOT s.is_shipped"
    )
    assert unshipped == []
    missing = state.store.rows(
        "SELECT * FROM orders ANTI JOIN shipments USING (order_number) WHERE status IN ('PROCESSING', 'SHIPPED')"
    )
    assert missing == []
    assert events(state) == Counter(
        {("Order", "UPDATED", str(n)): 1 for n in result.status_changed_order_numbers}
    )


def test_cancelled_lines_lose_units_and_their_orders_are_touched(state: SandboxState) -> None:
    apply_change_set(state, ChangeSet(seed=9, new_orders=20))
    state.store.execute("DELETE FROM events")
    before = {r["order_line_id"]: r for r in state.store.rows("SELECT * FROM order_lines")}
    result = apply_change_set(state, ChangeSet(seed=4, cancelled_lines=15))
    assert len(result.cancelled_line_ids) == 15
    after = {r["order_line_id"]: r for r in state.store.rows("SELECT * FROM order_lines")}
    for line_id in result.cancelled_line_ids:
        cancelled = after[line_id]["cancelled_quantity"] - before[line_id]["cancelled_quantity"]
        assert cancelled >= 1
        assert after[line_id]["quantity"] == before[line_id]["quantity"] - cancelled
    changed = {k for k in after if after[k] != before[k]}
    assert changed == set(result.cancelled_line_ids)
    orders = {after[line_id]["order_number"] for line_id in result.cancelled_line_ids}
    stamps = state.store.rows(
        f"SELECT DISTINCT updated_at FROM orders WHERE order_number IN ({', '.join(map(str, orders))})"
    )
    assert stamps == [{"updated_at": now(state)}]
    empty = state.store.rows("SELECT order_number FROM order_lines GROUP BY ALL HAVING sum(quantity) = 0")
    assert empty == []
    assert {key[:2] for key in events(state)} == {("Order", "UPDATED")}
    assert {key[2] for key in events(state)} == {str(n) for n in orders}


def test_new_returns_are_pending_and_within_what_was_shipped(state: SandboxState) -> None:
    result = apply_change_set(state, ChangeSet(seed=5, new_returns=10))
    assert len(result.new_return_ids) == 10
    ids = ", ".join(map(str, result.new_return_ids))
    returns = state.store.rows(f"SELECT * FROM returns WHERE return_id IN ({ids})")
    assert {(r["is_completed"], r["created_at"]) for r in returns} == {(False, now(state))}
    over_returned = state.store.rows(
        "SELECT sl.shipment_line_id FROM shipment_lines sl JOIN return_lines rl USING (shipment_line_id) "
        "GROUP BY sl.shipment_line_id, sl.quantity HAVING sum(rl.quantity) > sl.quantity"
    )
    assert over_returned == []
    assert state.store.scalar(f"SELECT count(*) FROM return_lines WHERE return_id IN ({ids})") >= 10
    queued = events(state)
    assert {k for k in queued if k[0] == "Return"} == {
        ("Return", "CREATED", str(i)) for i in result.new_return_ids
    }
    touched = {str(r["order_number"]) for r in returns}
    assert {k[2] for k in queued if k[0] == "Order"} == touched


def test_deleted_returns_disappear_with_their_lines(state: SandboxState) -> None:
    before = state.store.counts()
    result = apply_change_set(state, ChangeSet(seed=6, deleted_returns=5))
    assert len(result.deleted_return_ids) == 5
    ids = ", ".join(map(str, result.deleted_return_ids))
    assert state.store.scalar(f"SELECT count(*) FROM returns WHERE return_id IN ({ids})") == 0
    assert state.store.scalar(f"SELECT count(*) FROM return_lines WHERE return_id IN ({ids})") == 0
    assert state.store.counts()["returns"] == before["returns"] - 5
    assert {k for k in events(state) if k[0] == "Return"} == {
        ("Return", "DELETED", str(i)) for i in result.deleted_return_ids
    }


def test_anonymized_customers_and_their_orders_lose_personal_data(state: SandboxState) -> None:
    result = apply_change_set(state, ChangeSet(seed=7, anonymized_customers=6))
    assert len(result.anonymized_customer_ids) == 6
    ids = ", ".join(map(str, result.anonymized_customer_ids))
    customers = state.store.rows(f"SELECT * FROM customers WHERE customer_id IN ({ids})")
    assert {(c["is_anonymized"], c["email"], c["last_name"], c["updated_at"]) for c in customers} == {
        (True, None, None, now(state))
    }
    orders = state.store.rows(f"SELECT * FROM orders WHERE customer_id IN ({ids})")
    assert {(o["billing_email"], o["shipping_address1"], o["updated_at"]) for o in orders} <= {
        (None, None, now(state))
    }
    queued = events(state)
    assert {k for k in queued if k[0] == "Customer"} == {
        ("Customer", "UPDATED", str(i)) for i in result.anonymized_customer_ids
    }


def test_renamed_products_keep_historic_names_on_order_lines(state: SandboxState) -> None:
    names = dict(state.store.connection.execute("SELECT product_id, name FROM products").fetchall())
    line_names_before = state.store.rows("SELECT order_line_id, product_name FROM order_lines ORDER BY 1")
    result = apply_change_set(state, ChangeSet(seed=8, renamed_products=4))
    assert len(result.renamed_product_ids) == 4
    for product_id in result.renamed_product_ids:
        row = state.store.rows("SELECT name, updated_at FROM products WHERE product_id = ?", [product_id])[0]
        assert row["name"] != names[product_id]
        assert row["updated_at"] == now(state)
    assert (
        state.store.rows("SELECT order_line_id, product_name FROM order_lines ORDER BY 1")
        == line_names_before
    )
    variants = state.store.connection.execute(
        "SELECT variant_id FROM variants WHERE product_id IN "
        f"({', '.join(map(str, result.renamed_product_ids))})"
    ).fetchall()
    expected = {("Product", "UPDATED", str(i)) for i in result.renamed_product_ids}
    expected |= {("ProductVariant", "DEPENDENT_DATA_CHANGED", str(v)) for (v,) in variants}
    assert set(events(state)) == expected


def test_stock_changes_move_physical_stock_without_events(state: SandboxState) -> None:
    before = {
        (r["warehouse_id"], r["product_size_id"]): r["physical_quantity"]
        for r in state.store.rows("SELECT * FROM stock")
    }
    result = apply_change_set(state, ChangeSet(seed=10, stock_changes=40))
    assert len(result.changed_stock) == 40
    after = {(r["warehouse_id"], r["product_size_id"]): r for r in state.store.rows("SELECT * FROM stock")}
    for key in result.changed_stock:
        assert after[key]["physical_quantity"] != before[key]
        assert after[key]["physical_quantity"] >= after[key]["allocated_quantity"]
        assert after[key]["updated_at"] == now(state)
    assert sum(1 for key in after if after[key]["physical_quantity"] != before[key]) == 40
    assert result.events_emitted == 0
    assert events(state) == Counter()


def test_pending_returns_get_completed_and_completed_ones_reopened(state: SandboxState) -> None:
    result = apply_change_set(state, ChangeSet(seed=8, completed_returns=3, reopened_returns=2))
    assert len(result.completed_return_ids) == 3
    assert len(result.reopened_return_ids) == 2
    assert not set(result.completed_return_ids) & set(result.reopened_return_ids)
    for return_id in result.completed_return_ids:
        row = state.store.rows("SELECT * FROM returns WHERE return_id = ?", [return_id])[0]
        assert row["is_completed"]
        assert row["completed_at"] == row["updated_at"] == now(state)
    for return_id in result.reopened_return_ids:
        row = state.store.rows("SELECT * FROM returns WHERE return_id = ?", [return_id])[0]
        assert not row["is_completed"]
        assert row["completed_at"] is None
        assert row["updated_at"] == now(state)
    queued = events(state)
    assert {k for k in queued if k[0] == "Return"} == {
        *(("Return", "COMPLETED", str(i)) for i in result.completed_return_ids),
        *(("Return", "UPDATED", str(i)) for i in result.reopened_return_ids),
    }


def test_unshipped_shipments_are_deleted_and_their_orders_touched(state: SandboxState) -> None:
    unshipped = state.store.scalar("SELECT count(*) FROM shipments WHERE NOT is_shipped")
    assert unshipped > 0
    result = apply_change_set(state, ChangeSet(seed=9, deleted_shipments=1))
    assert len(result.deleted_shipment_ids) == 1
    shipment_id = result.deleted_shipment_ids[0]
    assert state.store.scalar("SELECT count(*) FROM shipments WHERE shipment_id = ?", [shipment_id]) == 0
    assert state.store.scalar("SELECT count(*) FROM shipment_lines WHERE shipment_id = ?", [shipment_id]) == 0
    assert ("Shipment", "DELETED", str(shipment_id)) in events(state)
    assert (
        state.store.rows(
            "SELECT order_number FROM orders WHERE status = 'PROCESSING' AND order_number NOT IN "
            "(SELECT order_number FROM shipments)"
        )
        == []
    )


def test_whole_orders_are_cancelled_with_their_line_quantities_kept(state: SandboxState) -> None:
    candidates = state.store.scalar("SELECT count(*) FROM orders WHERE status IN ('PENDING', 'CONFIRMED')")
    assert candidates >= 2
    before = {
        row["order_line_id"]: row["quantity"]
        for row in state.store.rows("SELECT order_line_id, quantity FROM order_lines")
    }
    result = apply_change_set(state, ChangeSet(seed=10, cancelled_orders=2))
    numbers = ", ".join(map(str, result.cancelled_order_numbers))
    assert len(result.cancelled_order_numbers) == 2
    assert {
        r["status"] for r in state.store.rows(f"SELECT status FROM orders WHERE order_number IN ({numbers})")
    } == {"CANCELLED"}
    after = {
        row["order_line_id"]: row["quantity"]
        for row in state.store.rows("SELECT order_line_id, quantity FROM order_lines")
    }
    assert after == before
    assert {k for k in events(state) if k[0] == "Order"} == {
        ("Order", "UPDATED", str(n)) for n in result.cancelled_order_numbers
    }


EVERYTHING = ChangeSet(
    seed=11, new_orders=10, status_changes=10, cancelled_lines=5, new_returns=4, deleted_returns=3,
    anonymized_customers=2, renamed_products=2, stock_changes=5, completed_returns=2, reopened_returns=2,
    deleted_shipments=1, cancelled_orders=2,
)  # fmt: skip


@pytest.mark.parametrize(("enabled", "listen"), [(False, True), (True, False)])
def test_no_events_without_the_events_system_or_a_listener(enabled: bool, listen: bool) -> None:
    state = sandbox(events_enabled=enabled, listen=listen)
    result = apply_change_set(state, EVERYTHING)
    assert result.new_order_numbers
    assert result.events_emitted == 0
    assert state.store.scalar("SELECT count(*) FROM events") == 0


def test_a_full_change_set_counts_its_events_and_keeps_integrity(state: SandboxState) -> None:
    result = apply_change_set(state, EVERYTHING)
    assert result.events_emitted == state.store.scalar("SELECT count(*) FROM events") > 0
    for name, sql in INTEGRITY_CHECKS.items():
        assert state.store.rows(sql + " LIMIT 1") == [], name
    # Renamed products leave historic names on lines, and the clock has moved past the generated end.
    expected_to_differ = {"lines copy the catalog's names", "orders within two years of the end"}
    for name, sql in CONSISTENCY_CHECKS.items():
        if name not in expected_to_differ:
            assert state.store.rows(sql + " LIMIT 1") == [], name
    for table in ("orders", "customers", "products", "shipments", "returns"):
        sql = f"SELECT * FROM {table} WHERE updated_at < created_at OR updated_at > ?"
        assert state.store.rows(sql, [now(state)]) == [], table


def test_same_seed_same_changes_and_another_seed_differs() -> None:
    first, second, third = sandbox(), sandbox(), sandbox()
    result_first = apply_change_set(first, EVERYTHING)
    result_second = apply_change_set(second, EVERYTHING)
    assert result_first == result_second
    assert fingerprint(first.store) == fingerprint(second.store)
    other = apply_change_set(third, ChangeSet(**{**EVERYTHING.__dict__, "seed": 12}))
    assert other != result_first
