"""Changes that make a warehouse diverge unless it reconciles: rows deleted in Centra, orders imported late.

Centra deletes orders (with their lines, shipments and returns), product variants with their sizes,
customers (GDPR) and wholesale accounts with their buyers; an import brings orders with an old `createdAt`
that neither a `createdAt` lookback nor the newest-order watermark reaches. Deleted ids are never handed
out again (the highest order number is never deleted; new ids continue after the store's maximum).
Deleted customers and accounts are chosen among those without orders where there are any: Centra keeps
the order history of its customers (it anonymizes rather than deletes them, reference §B).
"""

from __future__ import annotations

from typing import Any

from sandbox.generator.bulk import insert_rows
from sandbox.generator.catalog_index import CatalogIndex
from sandbox.generator.customers import CustomerFactory
from sandbox.generator.order_changes import ChangeContext
from sandbox.generator.orders import OrderFactory
from sandbox.generator.sequences import IdSequences
from sandbox.generator.wholesale import accounts_from_store

DAY_SECONDS = 86_400


def _sample(ctx: ChangeContext, sql: str, count: int) -> list[int]:
    if count <= 0:
        return []
    keys = [int(row[0]) for row in ctx.store.connection.execute(sql).fetchall()]
    return sorted(ctx.rng.sample(keys, min(count, len(keys))))


def _listed(keys: list[int]) -> str:
    return ", ".join(str(key) for key in keys) or "-1"


def import_late_orders(ctx: ChangeContext, count: int, age_days: int) -> list[int]:
    """DTC orders imported now with a `createdAt` about `age_days` ago (± 2 days), numbered after the last."""
    if count <= 0:
        return []
    ids = IdSequences.after_store(ctx.store)
    customer_rows: list[dict[str, Any]] = []
    customers = CustomerFactory.continuing(
        ctx.store, ctx.rng, customer_rows.append, ids.customer, ctx.now_epoch
    )
    factory = OrderFactory(
        ctx.rng, ctx.dataset_seed, CatalogIndex.from_store(ctx.store), customers,
        accounts_from_store(ctx.store, ctx.rng), ids, None,
    )  # fmt: skip
    orders, lines = [], []
    for number in range(ids.order_number, ids.order_number + count):
        placed = ctx.now_epoch - age_days * DAY_SECONDS + ctx.rng.randint(-2 * DAY_SECONDS, 2 * DAY_SECONDS)
        built = factory.build(number, placed, wholesale=False)
        built.order["status"], built.order["is_waiting_for_payment"] = "CONFIRMED", False
        built.order["updated_at"] = ctx.now
        orders.append(built.order)
        lines.extend(built.lines)
    insert_rows(ctx.store, "customers", customer_rows)
    insert_rows(ctx.store, "orders", orders)
    insert_rows(ctx.store, "order_lines", lines)
    for order in orders:
        ctx.emit("Order", "CREATED", order["order_number"], order["store_id"], order["market_id"])
    return [order["order_number"] for order in orders]


def delete_orders(ctx: ChangeContext, count: int, keep: set[int]) -> list[int]:
    numbers = _sample(
        ctx,
        "SELECT order_number FROM orders WHERE order_number < (SELECT max(order_number) FROM orders) "
        f"AND order_number NOT IN ({_listed(sorted(keep))}) ORDER BY 1",
        count,
    )
    for number in numbers:
        order = ctx.order(number)
        shipments = f"SELECT shipment_id FROM shipments WHERE order_number = {number}"
        ctx.store.execute(
            f"DELETE FROM return_lines WHERE return_id IN (SELECT return_id FROM returns WHERE order_number = {number})"
        )
        ctx.store.execute(f"DELETE FROM returns WHERE order_number = {number}")
        ctx.store.execute(f"DELETE FROM shipment_lines WHERE shipment_id IN ({shipments})")
        ctx.store.execute(f"DELETE FROM shipments WHERE order_number = {number}")
        ctx.store.execute(f"DELETE FROM order_lines WHERE order_number = {number}")
        ctx.store.execute(f"DELETE FROM orders WHERE order_number = {number}")
        ctx.emit("Order", "DELETED", number, order["store_id"], order["market_id"])
    return numbers


def delete_variants(ctx: ChangeContext, count: int) -> tuple[list[int], list[int]]:
    """Variants (never a product's only one, never the highest id) with their sizes, prices and stock;
    ones no order line names first. Returns (variant ids, product size ids)."""
    candidates = (
        "SELECT variant_id FROM variants v WHERE variant_id < (SELECT max(variant_id) FROM variants) "
        "AND (SELECT count(*) FROM variants o WHERE o.product_id = v.product_id) > 1"
    )
    unsold = f"{candidates} AND variant_id NOT IN (SELECT variant_id FROM order_lines) ORDER BY 1"
    variants = _sample(ctx, unsold, count) or _sample(ctx, f"{candidates} ORDER BY 1", count)
    sizes: list[int] = []
    for variant_id in variants:
        product_id = ctx.store.scalar("SELECT product_id FROM variants WHERE variant_id = ?", [variant_id])
        own = [int(row[0]) for row in ctx.store.connection.execute(
            "SELECT product_size_id FROM product_sizes WHERE variant_id = ? ORDER BY 1", [variant_id]).fetchall()]  # fmt: skip
        ctx.store.execute(f"DELETE FROM stock WHERE product_size_id IN ({_listed(own)})")
        ctx.store.execute("DELETE FROM prices WHERE variant_id = ?", [variant_id])
        ctx.store.execute("DELETE FROM product_sizes WHERE variant_id = ?", [variant_id])
        ctx.store.execute("DELETE FROM variants WHERE variant_id = ?", [variant_id])
        ctx.store.execute("UPDATE products SET updated_at = ? WHERE product_id = ?", [ctx.now, product_id])
        ctx.emit("ProductVariant", "DELETED", variant_id, None, None)
        for size_id in own:
            ctx.emit("ProductSize", "DELETED", size_id, None, None)
        ctx.emit("Product", "UPDATED", product_id, None, None)
        sizes.extend(own)
    return variants, sizes


def delete_customers(ctx: ChangeContext, count: int) -> list[int]:
    base = "SELECT customer_id FROM customers WHERE customer_id < (SELECT max(customer_id) FROM customers)"
    without_orders = (
        f"{base} AND customer_id NOT IN (SELECT customer_id FROM orders WHERE customer_id IS NOT NULL)"
    )
    customers = _sample(ctx, f"{without_orders} ORDER BY 1", count)
    for customer_id in customers:
        ctx.store.execute("DELETE FROM customers WHERE customer_id = ?", [customer_id])
        ctx.emit("Customer", "DELETED", customer_id, 1, None)
    return customers


def delete_accounts(ctx: ChangeContext, count: int) -> tuple[list[int], list[int]]:
    """Accounts with their buyers (ones without orders first; an account's orders stay, as history)."""
    base = "SELECT account_id FROM accounts WHERE account_id < (SELECT max(account_id) FROM accounts)"
    unused = f"{base} AND account_id NOT IN (SELECT account_id FROM orders WHERE account_id IS NOT NULL) ORDER BY 1"
    accounts = _sample(ctx, unused, count) or _sample(ctx, f"{base} ORDER BY 1", count)
    buyers = [int(row[0]) for row in ctx.store.connection.execute(
        f"SELECT buyer_id FROM buyers WHERE account_id IN ({_listed(accounts)}) ORDER BY 1").fetchall()]  # fmt: skip
    ctx.store.execute(f"DELETE FROM buyers WHERE account_id IN ({_listed(accounts)})")
    ctx.store.execute(f"DELETE FROM accounts WHERE account_id IN ({_listed(accounts)})")
    for account_id in accounts:
        ctx.emit("Account", "DELETED", account_id, None, None)
    return accounts, buyers
