"""Late imports and deletions (issue 15): what a reconciliation against Centra must find.

Each kind changes the store as it says, keeps the data sound, never frees an id for reuse, queues its events
and is the same for the same seed. What the APIs serve afterwards is in test_deletions_over_http.py.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

import pytest

from sandbox.changes import ChangeSet, apply_change_set
from sandbox.generator import generate
from sandbox.settings import SandboxSettings
from sandbox.state import SandboxState
from sandbox.truth import truth
from tests.sandbox.test_generator import CONSISTENCY_CHECKS, INTEGRITY_CHECKS, fingerprint

ORDERS = 1500
LISTENED_TYPES = ("Order", "Return", "Customer", "Product", "ProductVariant", "ProductSize", "Account")
DELETIONS = ChangeSet(
    seed=11, deleted_orders=6, deleted_variants=3, deleted_products=2, deleted_customers=4, deleted_accounts=2
)
# Contiguous numbers in creation order: a late import breaks it on purpose (that is what it imitates), and a
# deleted order leaves a gap.
ORDER_SEQUENCE = frozenset({"order numbers follow creation time"})


def sandbox(seed: int = 3) -> SandboxState:
    settings = SandboxSettings(orders=ORDERS, seed=seed, events_enabled=True, clock_follows_real_time=False)
    state = SandboxState.empty(settings)
    generate(state.store, settings)
    state.clock.advance(timedelta(hours=2))
    now = state.clock.now_naive_utc()
    for object_type in LISTENED_TYPES:
        state.store.execute(
            "INSERT INTO event_listeners VALUES ('centra-elt', ?, [], ?, ?)", [object_type, now, now]
        )
    return state


@pytest.fixture
def state() -> SandboxState:
    return sandbox()


def events(state: SandboxState) -> Counter[tuple[str, str, str]]:
    return Counter(
        state.store.connection.execute("SELECT object_type, change_type, object_key FROM events").fetchall()
    )


def ids(state: SandboxState, sql: str) -> set[int]:
    return {int(row[0]) for row in state.store.connection.execute(sql).fetchall()}


def assert_sound(state: SandboxState, exempt: frozenset[str] = frozenset()) -> None:
    for name, sql in {**INTEGRITY_CHECKS, **CONSISTENCY_CHECKS}.items():
        if name not in exempt:
            assert state.store.rows(sql + " LIMIT 1") == [], name


def test_late_imports_are_new_numbers_with_an_old_created_at_updated_now(state: SandboxState) -> None:
    last = state.store.scalar("SELECT max(order_number) FROM orders")
    customers_before = state.store.counts()["customers"]
    now = state.clock.now_naive_utc()
    result = apply_change_set(state, ChangeSet(seed=1, late_imports=12, late_import_age_days=200))
    assert result.late_import_order_numbers == list(range(last + 1, last + 13))
    rows = state.store.rows(
        "SELECT o.*, (SELECT count(*) FROM order_lines l WHERE l.order_number = o.order_number) AS lines, "
        "(SELECT count(*) FROM shipments s WHERE s.order_number = o.order_number AND s.is_shipped) AS shipped, "
        "c.created_at AS customer_created_at FROM orders o JOIN customers c USING (customer_id) "
        f"WHERE order_number > {last} ORDER BY order_number"
    )
    assert len(rows) == 12
    for row in rows:
        assert abs((now - row["created_at"]) - timedelta(days=200)) <= timedelta(days=2)
        assert row["updated_at"] == now
        assert (row["store_id"], row["account_id"]) == (1, None)
        assert row["customer_created_at"] <= row["created_at"]  # an existing customer, who existed then
        assert 1 <= row["lines"] <= 5
        assert row["status"] in ("SHIPPED", "CONFIRMED")
        assert (row["shipped"] > 0) == (row["status"] == "SHIPPED")
    assert {row["status"] for row in rows} == {"SHIPPED", "CONFIRMED"}
    assert state.store.counts()["customers"] == customers_before  # no guest was created for them
    assert events(state) == Counter(
        {("Order", "CREATED", str(n)): 1 for n in result.late_import_order_numbers}
    )
    assert_sound(state, ORDER_SEQUENCE)
    # They fall on local days a createdAt window closed long ago.
    days = truth(state).order_numbers_by_day
    zone = ZoneInfo(state.settings.timezone)
    for row in rows:
        local_day = row["created_at"].replace(tzinfo=UTC).astimezone(zone).date()
        assert row["order_number"] in days[local_day]


def test_deleted_orders_vanish_with_everything_keyed_by_them(state: SandboxState) -> None:
    with_children = ids(
        state,
        "SELECT order_number FROM orders o WHERE EXISTS (SELECT 1 FROM returns r WHERE r.order_number = o.order_number)",
    )
    highest = state.store.scalar("SELECT max(order_number) FROM orders")
    result = apply_change_set(state, ChangeSet(seed=2, deleted_orders=300))
    numbers = result.deleted_order_numbers
    assert len(numbers) == 300
    assert highest not in numbers
    assert with_children & set(numbers)  # some had shipments and returns
    listed = ", ".join(map(str, numbers))
    for table in ("orders", "order_lines", "shipments", "returns"):
        assert state.store.scalar(f"SELECT count(*) FROM {table} WHERE order_number IN ({listed})") == 0, (
            table
        )
    assert_sound(state, ORDER_SEQUENCE)  # no orphaned shipment lines or return lines
    assert events(state) == Counter({("Order", "DELETED", str(n)): 1 for n in numbers})
    assert state.store.rows("SELECT * FROM events WHERE object_type = 'Order' AND store_id IS NULL") == []
    # New orders continue after the highest number: no deleted number comes back.
    added = apply_change_set(state, ChangeSet(seed=3, new_orders=3)).new_order_numbers
    assert added == [highest + 1, highest + 2, highest + 3]


def test_deleted_variants_go_with_sizes_prices_and_stock_and_touch_their_product(state: SandboxState) -> None:
    referenced = ids(state, "SELECT DISTINCT variant_id FROM order_lines")
    preferred = (
        ids(
            state,
            "SELECT variant_id FROM variants v WHERE variant_id < (SELECT max(variant_id) FROM variants) "
            "AND (SELECT count(*) FROM variants o WHERE o.product_id = v.product_id) > 1",
        )
        - referenced
    )
    now = state.clock.now_naive_utc()
    result = apply_change_set(state, ChangeSet(seed=4, deleted_variants=5))
    assert len(result.deleted_variant_ids) == 5
    # Variants no order line refers to come first.
    assert len(set(result.deleted_variant_ids) & preferred) == min(5, len(preferred))
    variants = ", ".join(map(str, result.deleted_variant_ids))
    sizes = ", ".join(map(str, result.deleted_size_ids))
    assert result.deleted_size_ids
    assert state.store.scalar(f"SELECT count(*) FROM variants WHERE variant_id IN ({variants})") == 0
    assert state.store.scalar(f"SELECT count(*) FROM product_sizes WHERE variant_id IN ({variants})") == 0
    assert state.store.scalar(f"SELECT count(*) FROM prices WHERE variant_id IN ({variants})") == 0
    assert state.store.scalar(f"SELECT count(*) FROM stock WHERE product_size_id IN ({sizes})") == 0
    assert state.store.rows("SELECT * FROM products ANTI JOIN variants USING (product_id)") == []
    products = {key for _, change, key in events(state) if change == "UPDATED"}
    stamps = state.store.rows(
        f"SELECT DISTINCT updated_at FROM products WHERE product_id IN ({', '.join(products)})"
    )
    assert stamps == [{"updated_at": now}]
    queued = events(state)
    assert {k for k in queued if k[0] == "ProductVariant"} == {
        ("ProductVariant", "DELETED", str(i)) for i in result.deleted_variant_ids
    }
    assert {k for k in queued if k[0] == "ProductSize"} == {
        ("ProductSize", "DELETED", str(i)) for i in result.deleted_size_ids
    }
    assert {k[:2] for k in queued if k[0] == "Product"} == {("Product", "UPDATED")}
    still_referenced = set(result.deleted_variant_ids) & referenced
    checks = dict(INTEGRITY_CHECKS)
    if still_referenced:  # order history keeps the ids of what is gone
        checks.pop("line product, variant, size agree")
    for name, sql in checks.items():
        assert state.store.rows(sql + " LIMIT 1") == [], name


def test_deleted_products_go_whole_and_unordered_ones_first(state: SandboxState) -> None:
    unordered = ids(state, "SELECT product_id FROM products ANTI JOIN order_lines USING (product_id)")
    variants_before = {
        int(p): {int(v) for v in vs}
        for p, vs in state.store.connection.execute(
            "SELECT product_id, list(variant_id) FROM variants GROUP BY 1"
        ).fetchall()
    }
    result = apply_change_set(state, ChangeSet(seed=5, deleted_products=3))
    assert len(result.deleted_product_ids) == 3
    eligible = unordered - {max(variants_before)}
    assert len(set(result.deleted_product_ids) & eligible) == min(3, len(eligible))
    products = ", ".join(map(str, result.deleted_product_ids))
    assert state.store.scalar(f"SELECT count(*) FROM products WHERE product_id IN ({products})") == 0
    assert state.store.scalar(f"SELECT count(*) FROM variants WHERE product_id IN ({products})") == 0
    for name in ("size variant", "price variant", "stock size", "variant product"):
        assert state.store.rows(INTEGRITY_CHECKS[name] + " LIMIT 1") == [], name
    gone_variants = set().union(*(variants_before[p] for p in result.deleted_product_ids))
    queued = events(state)
    assert {k for k in queued if k[0] == "Product"} == {
        ("Product", "DELETED", str(i)) for i in result.deleted_product_ids
    }
    assert {k for k in queued if k[0] == "ProductVariant"} == {
        ("ProductVariant", "DELETED", str(i)) for i in gone_variants
    }


def test_deleted_customers_are_ones_without_orders(state: SandboxState) -> None:
    without_orders = ids(state, "SELECT customer_id FROM customers ANTI JOIN orders USING (customer_id)")
    assert len(without_orders) >= 10  # the seeded data has sign-ups who never bought
    highest = state.store.scalar("SELECT max(customer_id) FROM customers")
    result = apply_change_set(state, ChangeSet(seed=6, deleted_customers=8))
    assert len(result.deleted_customer_ids) == 8
    assert set(result.deleted_customer_ids) <= without_orders - {highest}
    assert ids(state, "SELECT customer_id FROM customers") & set(result.deleted_customer_ids) == set()
    assert events(state) == Counter({("Customer", "DELETED", str(i)): 1 for i in result.deleted_customer_ids})
    assert_sound(state)


def test_deleted_accounts_are_prospects_without_orders_and_take_their_buyers(state: SandboxState) -> None:
    without_orders = ids(state, "SELECT account_id FROM accounts ANTI JOIN orders USING (account_id)")
    assert len(without_orders) >= 3  # prospects: registered, never ordered
    buyers_of = {
        int(a): {int(b) for b in bs}
        for a, bs in state.store.connection.execute(
            "SELECT account_id, list(buyer_id) FROM buyers GROUP BY 1"
        ).fetchall()
    }
    result = apply_change_set(state, ChangeSet(seed=7, deleted_accounts=2))
    assert len(result.deleted_account_ids) == 2
    assert set(result.deleted_account_ids) <= without_orders
    assert set(result.deleted_buyer_ids) == set().union(*(buyers_of[a] for a in result.deleted_account_ids))
    assert ids(state, "SELECT account_id FROM accounts") & set(result.deleted_account_ids) == set()
    assert ids(state, "SELECT buyer_id FROM buyers") & set(result.deleted_buyer_ids) == set()
    assert events(state) == Counter({("Account", "DELETED", str(i)): 1 for i in result.deleted_account_ids})
    assert_sound(state)
    # Asked for more than there are: only accounts without orders, never the newest.
    more = apply_change_set(state, ChangeSet(seed=8, deleted_accounts=100)).deleted_account_ids
    assert ids(state, "SELECT account_id FROM accounts ANTI JOIN orders USING (account_id)") == {
        max(ids(state, "SELECT account_id FROM accounts"))
    } - set(more)


def test_the_same_seed_deletes_and_imports_the_same_rows() -> None:
    first, second, other = sandbox(), sandbox(), sandbox()
    changes = ChangeSet(**{**DELETIONS.__dict__, "late_imports": 4})
    results = [apply_change_set(s, c) for s, c in ((first, changes), (second, changes))]
    other_result = apply_change_set(other, ChangeSet(**{**changes.__dict__, "seed": 12}))
    assert results[0] == results[1]
    assert fingerprint(first.store) == fingerprint(second.store)
    assert other_result.deleted_order_numbers != results[0].deleted_order_numbers


def test_the_seeded_dataset_has_deletable_customers_and_accounts_at_every_size() -> None:
    for orders in (60, 400, 5000):
        settings = SandboxSettings(orders=orders, clock_follows_real_time=False)
        state = SandboxState.empty(settings)
        generate(state.store, settings)
        result = apply_change_set(state, ChangeSet(seed=1, deleted_customers=3, deleted_accounts=3))
        assert len(result.deleted_customer_ids) == 3, orders
        assert len(result.deleted_account_ids) == 3, orders
        state.store.close()


def test_without_wholesale_there_are_no_accounts_to_delete() -> None:
    settings = SandboxSettings(orders=200, wholesale_enabled=False, clock_follows_real_time=False)
    state = SandboxState.empty(settings)
    generate(state.store, settings)
    assert state.store.counts()["accounts"] == 0
    assert apply_change_set(state, ChangeSet(deleted_accounts=2)).deleted_account_ids == []


def test_truth_lists_the_keys_after_changes(state: SandboxState) -> None:
    before = truth(state)
    result = apply_change_set(state, ChangeSet(**{**DELETIONS.__dict__, "late_imports": 3}))
    after = truth(state)
    assert after.order_numbers == (before.order_numbers - set(result.deleted_order_numbers)) | set(
        result.late_import_order_numbers
    )
    assert after.customer_ids == before.customer_ids - set(result.deleted_customer_ids)
    assert after.account_ids == before.account_ids - set(result.deleted_account_ids)
    assert after.buyer_ids == before.buyer_ids - set(result.deleted_buyer_ids)
    assert after.product_ids == before.product_ids - set(result.deleted_product_ids)
    assert set(result.deleted_variant_ids) <= before.variant_ids - after.variant_ids
    assert set(result.deleted_size_ids) <= before.product_size_ids - after.product_size_ids
    gone_returns = {
        r for r, n in before.return_order_numbers.items() if n in set(result.deleted_order_numbers)
    }
    assert after.return_ids == before.return_ids - gone_returns
    counts = state.store.counts()
    assert len(after.order_numbers) == counts["orders"]
    assert sum(map(len, after.order_numbers_by_month().values())) == counts["orders"]
    assert (len(after.customer_ids), len(after.variant_ids), len(after.product_size_ids)) == (
        counts["customers"], counts["variants"], counts["product_sizes"],
    )  # fmt: skip
