"""The seeded dataset: deterministic, complete, internally consistent, and full of Centra's awkward cases."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from sandbox.generator import generate
from sandbox.settings import SandboxSettings
from sandbox.state import SandboxState
from sandbox.store import ENTITY_TABLES, Store

ORDERS = 2000
NOW = "TIMESTAMP '2026-11-01 09:00:00'"


def build(orders: int = ORDERS, seed: int = 1) -> Store:
    settings = SandboxSettings(orders=orders, seed=seed, clock_follows_real_time=False)
    state = SandboxState.empty(settings)
    generate(state.store, settings)
    return state.store


def fingerprint(store: Store) -> str:
    digest = hashlib.sha256()
    for table in ENTITY_TABLES:
        for row in store.connection.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall():
            digest.update(repr(row).encode())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def store() -> Iterator[Store]:
    built = build()
    yield built
    built.close()


def count(store: Store, sql: str) -> int:
    return int(store.scalar(f"SELECT count(*) FROM ({sql})"))


def test_same_seed_gives_identical_tables_and_another_seed_differs() -> None:
    first, second, other = build(400, seed=7), build(400, seed=7), build(400, seed=8)
    assert fingerprint(first) == fingerprint(second)
    assert fingerprint(first) != fingerprint(other)


def test_every_entity_table_is_filled_and_orders_match_the_setting(store: Store) -> None:
    counts = store.counts()
    assert [table for table, rows in counts.items() if rows == 0] == []
    assert counts["orders"] == ORDERS
    assert 2.5 <= counts["order_lines"] / ORDERS <= 3.5
    assert count(store, "SELECT 1 FROM events UNION ALL SELECT 1 FROM event_listeners") == 0


# Each query returns offending rows: a foreign key that does not resolve, or rows that disagree.
INTEGRITY_CHECKS = {
    "market store": "SELECT * FROM markets m ANTI JOIN stores s USING (store_id)",
    "market countries": "SELECT * FROM market_countries mc ANTI JOIN markets USING (market_id)",
    "market country codes": "SELECT * FROM market_countries mc ANTI JOIN countries c ON c.code = mc.country_code",
    "pricelist store": "SELECT * FROM pricelists ANTI JOIN stores USING (store_id)",
    "pricelist currency": "SELECT * FROM pricelists p ANTI JOIN currencies c ON c.code = p.currency_code",
    "pricelist countries": "SELECT * FROM pricelist_countries ANTI JOIN pricelists USING (pricelist_id)",
    "warehouse country": "SELECT * FROM warehouses w ANTI JOIN countries c ON c.code = w.country_code "
    "WHERE w.country_code IS NOT NULL",
    "size chart": "SELECT * FROM sizes ANTI JOIN size_charts USING (size_chart_id)",
    "product brand": "SELECT * FROM products ANTI JOIN brands USING (brand_id)",
    "product collection": "SELECT * FROM products p ANTI JOIN collections USING (collection_id) "
    "WHERE p.collection_id IS NOT NULL",
    "variant product": "SELECT * FROM variants ANTI JOIN products USING (product_id)",
    "size variant": "SELECT * FROM product_sizes ANTI JOIN variants USING (variant_id)",
    "size in the product's chart": "SELECT * FROM product_sizes ps JOIN variants v USING (variant_id) "
    "JOIN products p USING (product_id) JOIN sizes s USING (size_id) WHERE s.size_chart_id <> p.size_chart_id",
    "price variant": "SELECT * FROM prices ANTI JOIN variants USING (variant_id)",
    "price pricelist": "SELECT * FROM prices ANTI JOIN pricelists USING (pricelist_id)",
    "stock warehouse": "SELECT * FROM stock ANTI JOIN warehouses USING (warehouse_id)",
    "stock size": "SELECT * FROM stock ANTI JOIN product_sizes USING (product_size_id)",
    "customer country": "SELECT * FROM customers cu ANTI JOIN countries c ON c.code = cu.country_code",
    "account market": "SELECT * FROM accounts ANTI JOIN markets USING (market_id)",
    "account pricelist": "SELECT * FROM accounts ANTI JOIN pricelists USING (pricelist_id)",
    "buyer account": "SELECT * FROM buyers ANTI JOIN accounts USING (account_id)",
    "order store": "SELECT * FROM orders ANTI JOIN stores USING (store_id)",
    "order market of its store": "SELECT * FROM orders o ANTI JOIN markets m "
    "ON m.market_id = o.market_id AND m.store_id = o.store_id",
    "order pricelist of its store and currency": "SELECT * FROM orders o ANTI JOIN pricelists p "
    "ON p.pricelist_id = o.pricelist_id AND p.store_id = o.store_id AND p.currency_code = o.currency_code",
    "order customer": "SELECT * FROM orders o ANTI JOIN customers USING (customer_id) WHERE o.customer_id IS NOT NULL",
    "order account": "SELECT * FROM orders o ANTI JOIN accounts USING (account_id) WHERE o.account_id IS NOT NULL",
    "order buyer of its account": "SELECT * FROM orders o ANTI JOIN buyers b "
    "ON b.buyer_id = o.buyer_id AND b.account_id = o.account_id WHERE o.buyer_id IS NOT NULL",
    "DTC order has a customer only": "SELECT * FROM orders WHERE store_id = 1 "
    "AND (customer_id IS NULL OR account_id IS NOT NULL OR buyer_id IS NOT NULL)",
    "wholesale order has account and buyer": "SELECT * FROM orders WHERE store_id = 2 "
    "AND (customer_id IS NOT NULL OR account_id IS NULL OR buyer_id IS NULL)",
    "line order": "SELECT * FROM order_lines ANTI JOIN orders USING (order_number)",
    "line brand": "SELECT * FROM order_lines ANTI JOIN brands USING (brand_id)",
    "line product, variant, size agree": "SELECT * FROM order_lines ol ANTI JOIN ("
    "SELECT v.product_id, v.variant_id, ps.product_size_id FROM variants v JOIN product_sizes ps USING (variant_id)"
    ") c USING (product_id, variant_id, product_size_id)",
    "shipment order": "SELECT * FROM shipments ANTI JOIN orders USING (order_number)",
    "shipment line shipment": "SELECT * FROM shipment_lines ANTI JOIN shipments USING (shipment_id)",
    "shipment line of the same order": "SELECT * FROM shipment_lines sl JOIN shipments s USING (shipment_id) "
    "ANTI JOIN order_lines ol ON ol.order_line_id = sl.order_line_id AND ol.order_number = s.order_number",
    "return shipment of the same order": "SELECT * FROM returns r ANTI JOIN shipments s "
    "ON s.shipment_id = r.shipment_id AND s.order_number = r.order_number",
    "return line return": "SELECT * FROM return_lines ANTI JOIN returns USING (return_id)",
    "return line shipment line of the return's shipment": "SELECT * FROM return_lines rl "
    "JOIN returns r USING (return_id) ANTI JOIN shipment_lines sl ON sl.shipment_line_id = rl.shipment_line_id "
    "AND sl.shipment_id = r.shipment_id AND sl.order_line_id = rl.order_line_id",
}


@pytest.mark.parametrize("check", INTEGRITY_CHECKS)
def test_referential_integrity(store: Store, check: str) -> None:
    assert store.rows(INTEGRITY_CHECKS[check] + " LIMIT 5") == []


TIMED_TABLES = ("products", "variants", "customers", "accounts", "buyers", "orders", "shipments", "returns")


@pytest.mark.parametrize("table", TIMED_TABLES)
def test_updated_at_never_precedes_created_at_nor_passes_the_end(store: Store, table: str) -> None:
    assert count(store, f"SELECT * FROM {table} WHERE updated_at < created_at OR updated_at > {NOW}") == 0


CONSISTENCY_CHECKS = {
    "order numbers follow creation time": "SELECT * FROM (SELECT order_number, "
    "row_number() OVER (ORDER BY created_at, order_number) + 1000 AS expected FROM orders) "
    "WHERE order_number <> expected",
    "order ids are unique 32-hex hashes": "SELECT order_id FROM orders GROUP BY order_id "
    "HAVING count(*) > 1 OR NOT regexp_full_match(order_id, '[0-9a-f]{32}')",
    "orders within two years of the end": f"SELECT * FROM orders WHERE created_at < {NOW} - INTERVAL 730 DAY "
    f"OR created_at > {NOW}",
    "order updated after its shipments and returns": "SELECT * FROM orders o JOIN ("
    "SELECT order_number, updated_at FROM shipments UNION ALL SELECT order_number, updated_at FROM returns"
    ") c USING (order_number) WHERE c.updated_at > o.updated_at",
    "stock quantities": "SELECT * FROM stock WHERE allocated_quantity < 0 "
    "OR physical_quantity < allocated_quantity OR incoming_quantity < 0",
    "sku is product + variant + size number": "SELECT * FROM product_sizes ps JOIN variants v USING (variant_id) "
    "JOIN products p USING (product_id) WHERE ps.sku IS DISTINCT FROM "
    "p.product_number || v.variant_number || ps.size_number",
    "line quantities": "SELECT * FROM order_lines WHERE quantity < 0 OR cancelled_quantity < 0 "
    "OR quantity + cancelled_quantity = 0",
    "line discount": "SELECT * FROM order_lines WHERE unit_price > unit_original_price "
    "OR (discount_percent = 0) <> (unit_price = unit_original_price)",
    "shipped quantity within the line's": "SELECT ol.order_line_id FROM order_lines ol "
    "JOIN shipment_lines sl USING (order_line_id) GROUP BY ol.order_line_id, ol.quantity "
    "HAVING sum(sl.quantity) > ol.quantity",
    "shipment numbers": "SELECT * FROM shipments WHERE NOT regexp_full_match(shipment_number, "
    "order_number::VARCHAR || '-[12]')",
    "unshipped shipments carry no carrier": "SELECT * FROM shipments WHERE NOT is_shipped "
    "AND (shipped_at IS NOT NULL OR carrier_name IS NOT NULL OR tracking_number IS NOT NULL)",
    "shipped shipments carry a carrier": "SELECT * FROM shipments WHERE is_shipped "
    "AND (shipped_at IS NULL OR carrier_name IS NULL OR service_name IS NULL OR shipped_at < created_at)",
    "payment flags match their times": "SELECT * FROM shipments WHERE is_paid <> (paid_at IS NOT NULL) "
    "OR is_captured <> (captured_at IS NOT NULL)",
    "shipped orders have every shipment shipped": "SELECT * FROM orders o JOIN shipments s USING (order_number) "
    "WHERE o.status IN ('SHIPPED', 'ARCHIVED') AND NOT s.is_shipped",
    "orders before processing have no shipments": "SELECT * FROM orders o JOIN shipments s USING (order_number) "
    "WHERE o.status IN ('PENDING', 'CONFIRMED', 'CANCELLED')",
    "shipped orders have shipments": "SELECT * FROM orders o ANTI JOIN shipments s USING (order_number) "
    "WHERE o.status IN ('PROCESSING', 'SHIPPED', 'ARCHIVED')",
    "returned quantity within the shipped": "SELECT * FROM return_lines rl "
    "JOIN shipment_lines sl USING (shipment_line_id) WHERE rl.quantity < 1 OR rl.quantity > sl.quantity",
    "return amount is quantity × unit price": "SELECT * FROM return_lines rl JOIN order_lines ol "
    "USING (order_line_id) WHERE rl.amount <> rl.quantity * ol.unit_price",
    "returns only on shipped shipments": "SELECT * FROM returns r JOIN shipments s USING (shipment_id) "
    "WHERE NOT s.is_shipped OR r.created_at < s.shipped_at",
    "completed returns have a completion time": "SELECT * FROM returns "
    "WHERE is_completed <> (completed_at IS NOT NULL) OR completed_at < created_at",
    "lines copy the catalog's names": "SELECT * FROM order_lines ol JOIN products p USING (product_id) "
    "JOIN variants v USING (variant_id) JOIN product_sizes ps USING (product_size_id) "
    "WHERE ol.product_name <> p.name OR ol.variant_name <> v.name OR ol.size_name <> ps.description "
    "OR ol.sku IS DISTINCT FROM ps.sku OR ol.ean IS DISTINCT FROM ps.ean",
    "lines priced from the order's pricelist": "SELECT * FROM order_lines ol JOIN orders o USING (order_number) "
    "JOIN prices p ON p.variant_id = ol.variant_id AND p.pricelist_id = o.pricelist_id "
    "WHERE p.price <> ol.unit_original_price",
    "lines only for products that existed": "SELECT * FROM order_lines ol JOIN orders o USING (order_number) "
    "JOIN products p USING (product_id) WHERE p.created_at > o.created_at",
    "one email at most twice, registered + guest": "SELECT email FROM customers WHERE email IS NOT NULL "
    "GROUP BY email HAVING count(*) > 2 OR count(*) = 2 AND count(DISTINCT is_registered) < 2",
    "vouchers never exceed the items": "SELECT o.order_number FROM orders o JOIN order_lines ol "
    "USING (order_number) GROUP BY o.order_number, o.voucher_amount "
    "HAVING o.voucher_amount > sum(ol.quantity * ol.unit_price)",
    "base currency": "SELECT * FROM currencies WHERE is_base <> (code = 'SEK') OR is_base <> (base_rate = 1)",
    "conversion rate near the currency's": "SELECT * FROM orders o JOIN currencies c ON c.code = o.currency_code "
    "WHERE abs(o.conversion_rate / c.base_rate - 1) > 0.05",
}


# Centra's ids are auto-increments: a row created later never has a lower id.
ID_TABLES = {
    "products": "product_id", "variants": "variant_id", "customers": "customer_id", "accounts": "account_id",
    "shipments": "shipment_id", "returns": "return_id",
}  # fmt: skip
for _table, _key in ID_TABLES.items():
    CONSISTENCY_CHECKS[f"{_table} ids follow creation time"] = (
        f"SELECT * FROM (SELECT created_at, lag(created_at) OVER (ORDER BY {_key}) AS previous FROM {_table}) "
        "WHERE created_at < previous"
    )
CONSISTENCY_CHECKS["order line ids follow order numbers"] = (
    "SELECT * FROM (SELECT order_number, lag(order_number) OVER (ORDER BY order_line_id) AS previous "
    "FROM order_lines) WHERE order_number < previous"
)


@pytest.mark.parametrize("check", CONSISTENCY_CHECKS)
def test_consistency(store: Store, check: str) -> None:
    assert store.rows(CONSISTENCY_CHECKS[check] + " LIMIT 5") == []


FEATURES = {
    "shared email pair": "SELECT email FROM customers WHERE email IS NOT NULL GROUP BY email "
    "HAVING count(*) = 2 AND bool_or(is_registered) AND bool_or(NOT is_registered)",
    "guest customers": "SELECT * FROM customers WHERE NOT is_registered",
    "customers without orders": "SELECT * FROM customers ANTI JOIN orders USING (customer_id)",
    "non-ASCII names": "SELECT * FROM customers WHERE first_name IN ('Åsa', 'Zoë', 'José', 'Jürgen', '娜') "
    "OR last_name IN ('Öberg', '李')",
    "non-ASCII product names": "SELECT * FROM products WHERE name IN ('Tröja Åre', 'Jacke Größe')",
    "NULL address parts": "SELECT * FROM customers WHERE NOT is_anonymized "
    "AND address2 IS NULL AND state IS NULL AND address1 IS NOT NULL",
    "NULL phone": "SELECT * FROM orders WHERE shipping_phone_number IS NULL AND shipping_address1 IS NOT NULL",
    "US states": "SELECT * FROM orders WHERE shipping_state_or_province IS NOT NULL",
    "NULL EANs": "SELECT * FROM product_sizes WHERE ean IS NULL",
    "NULL SKUs": "SELECT * FROM product_sizes WHERE sku IS NULL",
    "inactive products": "SELECT * FROM products WHERE status = 'INACTIVE'",
    "inactive variants of active products": "SELECT * FROM variants v JOIN products p USING (product_id) "
    "WHERE v.status = 'INACTIVE' AND p.status = 'ACTIVE'",
    "partially cancelled lines": "SELECT * FROM order_lines WHERE quantity > 0 AND cancelled_quantity > 0",
    "fully cancelled lines": "SELECT * FROM order_lines WHERE quantity = 0 AND cancelled_quantity > 0",
    "line discounts": "SELECT * FROM order_lines WHERE unit_price < unit_original_price AND discount_percent > 0",
    "on-hold orders": "SELECT * FROM orders WHERE is_on_hold",
    "vouchers": "SELECT * FROM orders WHERE voucher_code IS NOT NULL AND voucher_amount > 0",
    "wholesale orders": "SELECT * FROM orders WHERE store_id = 2 AND purchase_order_number IS NOT NULL",
    "non-base currency orders": "SELECT * FROM orders WHERE currency_code <> 'SEK' AND conversion_rate <> 1",
    "cancelled orders": "SELECT * FROM orders WHERE status = 'CANCELLED'",
    "archived orders": "SELECT * FROM orders WHERE status = 'ARCHIVED'",
    "two shipments on one order": "SELECT * FROM shipments WHERE shipment_number LIKE '%-2'",
    "pending returns": "SELECT * FROM returns WHERE NOT is_completed AND completed_at IS NULL",
    "completed returns": "SELECT * FROM returns WHERE is_completed",
    "zero stock": "SELECT * FROM stock WHERE physical_quantity = 0",
    "two warehouses in the Order API plugin": "SELECT count(*) FROM warehouses WHERE in_order_api_plugin HAVING count(*) = 2",
    "shipping and handling": "SELECT * FROM orders WHERE shipping_amount > 0 AND handling_amount > 0",
    "every payment type": "SELECT count(DISTINCT payment_type) AS kinds FROM orders HAVING kinds = 5",
}


@pytest.mark.parametrize("feature", FEATURES)
def test_dataset_holds_the_awkward_cases(store: Store, feature: str) -> None:
    assert count(store, FEATURES[feature]) > 0


SMALL_DATASET_FEATURES = (
    "shared email pair", "guest customers", "non-ASCII names", "non-ASCII product names", "on-hold orders",
    "NULL EANs", "zero stock",
)  # fmt: skip


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_even_a_small_dataset_holds_the_cases_other_tests_rely_on(seed: int) -> None:
    small = build(150, seed=seed)
    for feature in SMALL_DATASET_FEATURES:
        assert count(small, FEATURES[feature]) > 0, feature
    assert count(small, "SELECT * FROM orders WHERE is_waiting_for_payment AND status = 'PENDING'") > 0
    assert count(small, "SELECT * FROM customers WHERE is_anonymized") > 0
    assert count(small, "SELECT * FROM shipments WHERE is_good_to_go AND NOT is_shipped") > 0
    small.close()


@pytest.mark.parametrize("orders", [0, 1, 2, 12])
def test_tiny_datasets_generate_without_errors(orders: int) -> None:
    tiny = build(orders)
    assert tiny.counts()["orders"] == orders
    assert tiny.counts()["products"] > 0
    tiny.close()


def test_orders_fall_on_both_stockholm_offsets_and_around_each_switch(store: Store) -> None:
    zone = ZoneInfo("Europe/Stockholm")
    created = [
        row[0].replace(tzinfo=UTC)
        for row in store.connection.execute("SELECT created_at FROM orders").fetchall()
    ]
    assert {at.astimezone(zone).utcoffset() for at in created} == {timedelta(hours=1), timedelta(hours=2)}
    hour = timedelta(hours=1)
    near_switch = {
        at.date()
        for at in created
        if (at - hour).astimezone(zone).utcoffset() != (at + hour).astimezone(zone).utcoffset()
    }
    assert len(near_switch) == 4  # two springs and two autumns in the two years


def test_anonymized_customers_lose_pii_but_keep_their_orders(store: Store) -> None:
    anonymized = store.rows("SELECT * FROM customers WHERE is_anonymized")
    assert anonymized
    for customer in anonymized:
        blank = (
            "email",
            "first_name",
            "last_name",
            "phone_number",
            "address1",
            "address2",
            "zip_code",
            "city",
        )
        assert {name: customer[name] for name in blank} == dict.fromkeys(blank)
        assert customer["country_code"] is not None
    orders = store.rows(
        "SELECT o.* FROM orders o JOIN customers c USING (customer_id) WHERE c.is_anonymized ORDER BY order_number"
    )
    assert orders
    assert {(o["shipping_email"], o["billing_last_name"], o["shipping_address1"]) for o in orders} == {
        (None, None, None)
    }
    assert all(o["shipping_country_code"] for o in orders)


def test_recent_orders_are_more_frequent_than_old_ones(store: Store) -> None:
    first_year, second_year = store.connection.execute(
        f"SELECT count(*) FILTER (created_at < {NOW} - INTERVAL 365 DAY), "
        f"count(*) FILTER (created_at >= {NOW} - INTERVAL 365 DAY) FROM orders"
    ).fetchone() or (0, 0)
    assert second_year > first_year * 1.1


def test_about_nine_in_ten_orders_are_direct_to_consumer(store: Store) -> None:
    share = store.scalar("SELECT avg((store_id = 1)::INTEGER) FROM orders")
    assert 0.85 <= share <= 0.95


def test_timestamps_derive_from_the_settings_end_not_the_wall_clock() -> None:
    end = datetime(2019, 6, 1, 12, 0)
    settings = SandboxSettings(orders=200, seed=2, now=end.replace(tzinfo=UTC), clock_follows_real_time=False)
    state = SandboxState.empty(settings)
    generate(state.store, settings)
    for table in TIMED_TABLES:
        first, last = state.store.connection.execute(
            f"SELECT min(created_at), max(updated_at) FROM {table}"
        ).fetchone() or (
            None,
            None,
        )
        assert last <= end, table
        assert first >= end - timedelta(days=730 + 900), table
    state.store.close()


def test_the_default_sized_dataset_is_sound() -> None:
    """The 20,000 orders a sandbox serves by default: rare paths show up here that 2,000 orders miss."""
    default = build(SandboxSettings().orders, seed=SandboxSettings().seed)
    for name, sql in {**INTEGRITY_CHECKS, **CONSISTENCY_CHECKS}.items():
        assert default.rows(sql + " LIMIT 1") == [], name
    default.close()


def test_a_young_quiet_dtc_shop_has_no_returns_no_wholesale_and_no_recent_orders() -> None:
    settings = SandboxSettings(
        orders=1500, seed=3, clock_follows_real_time=False,
        returns_enabled=False, wholesale_enabled=False, quiet_days=30,
    )  # fmt: skip
    state = SandboxState.empty(settings)
    generate(state.store, settings)
    shop, usual = state.store, build(1500, seed=3)
    counts = shop.counts()
    emptied = {"returns", "return_lines", "accounts", "buyers"}
    assert {table for table, rows in counts.items() if rows == 0} == emptied
    assert counts["orders"] == 1500
    assert count(shop, "SELECT * FROM orders WHERE store_id = 2 OR account_id IS NOT NULL") == 0
    newest = shop.scalar("SELECT max(created_at) FROM orders")
    assert newest < datetime(2026, 10, 2, 9, 0)  # 30 days before the clock's now
    assert newest > datetime(2026, 9, 25)  # the shop traded until its quiet spell
    # The lifecycle still runs up to now: orders placed before the quiet spell ship during it.
    assert shop.scalar("SELECT max(shipped_at) FROM shipments") > newest
    for name, sql in {**INTEGRITY_CHECKS, **CONSISTENCY_CHECKS}.items():
        assert shop.rows(sql + " LIMIT 1") == [], name
    assert count(usual, "SELECT * FROM returns") > 0  # the same seed with the defaults has them all
    assert count(usual, "SELECT * FROM orders WHERE store_id = 2") > 0
    shop.close()
    usual.close()


def test_a_quiet_spell_must_leave_some_of_the_two_years() -> None:
    settings = SandboxSettings(orders=50, clock_follows_real_time=False, quiet_days=730)
    with pytest.raises(ValueError, match="quiet_days"):
        generate(SandboxState.empty(settings).store, settings)


def test_a_longer_history_spreads_the_orders_over_it_and_stays_sound() -> None:
    settings = SandboxSettings(orders=1500, seed=4, clock_follows_real_time=False, history_days=3 * 365)
    state = SandboxState.empty(settings)
    generate(state.store, settings)
    shop, now = state.store, settings.now.replace(tzinfo=None)
    oldest = shop.scalar("SELECT min(created_at) FROM orders")
    assert now - timedelta(days=3 * 365) <= oldest < now - timedelta(days=3 * 365 - 30)
    two_years_back = shop.scalar(
        "SELECT count(*) FROM orders WHERE created_at < ?", [now - timedelta(days=730)]
    )
    assert two_years_back > 100  # the third year has orders too
    for name, sql in {**INTEGRITY_CHECKS, **CONSISTENCY_CHECKS}.items():
        if name != "orders within two years of the end":  # three years here, checked above
            assert shop.rows(sql + " LIMIT 1") == [], name
    shop.close()
