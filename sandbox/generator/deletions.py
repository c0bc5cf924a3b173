"""Deletions for change sets: what Centra no longer has, so the warehouse must lose it too.

Each step picks its rows with the change set's seed, deletes them with everything keyed by them, and queues
the DELETED events (the `object` of a DELETED event is null, docs/centra-api-reference.md §A10). Two rules hold for all:

- **Ids are never reused.** The row holding the highest id of its table (orders: the highest number) is
  never deleted, because new rows are numbered `max + 1`.
- **Order history stays.** Centra keeps orders and invoices: variants and products no order line refers to
  are preferred (if none is left, order lines keep the deleted ids, and their product fields answer null);
  customers and accounts are deleted only when they have no order (a customer with orders is anonymized
  instead, docs/centra-api-reference.md §B "anonymize"; an account with orders is left alone).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sandbox.generator.order_changes import ChangeContext


def _ids(ctx: ChangeContext, sql: str, params: Iterable[Any] = ()) -> list[int]:
    return [int(row[0]) for row in ctx.store.connection.execute(sql, list(params)).fetchall()]


def _in(keys: Iterable[int]) -> str:
    """A SQL list of the keys; empty, it holds only -1 (no id), so `NOT IN` keeps every row."""
    return "(" + (", ".join(str(int(key)) for key in keys) or "-1") + ")"


def _prefer(ctx: ChangeContext, preferred: list[int], others: list[int], count: int) -> list[int]:
    """`count` keys by the seed, from `preferred` first and then from `others`; sorted."""
    if count <= 0:
        return []
    chosen = ctx.rng.sample(preferred, min(count, len(preferred)))
    chosen += ctx.rng.sample(others, min(count - len(chosen), len(others)))
    return sorted(chosen)


def delete_orders(ctx: ChangeContext, count: int, keep: Iterable[int] = ()) -> list[int]:
    """Orders deleted with their lines, shipments (and lines) and returns (and lines): Order DELETED."""
    if count <= 0:
        return []
    candidates = _ids(
        ctx,
        "SELECT order_number FROM orders WHERE order_number < (SELECT max(order_number) FROM orders) "
        f"AND order_number NOT IN {_in(keep)} ORDER BY 1",
    )
    numbers = _prefer(ctx, candidates, [], count)
    for number in numbers:
        order = ctx.order(number)
        for sql in (
            "DELETE FROM return_lines WHERE return_id IN (SELECT return_id FROM returns WHERE order_number = ?)",
            "DELETE FROM returns WHERE order_number = ?",
            "DELETE FROM shipment_lines WHERE shipment_id IN "
            "(SELECT shipment_id FROM shipments WHERE order_number = ?)",
            "DELETE FROM shipments WHERE order_number = ?",
            "DELETE FROM order_lines WHERE order_number = ?",
            "DELETE FROM orders WHERE order_number = ?",
        ):
            ctx.store.execute(sql, [number])
        ctx.emit("Order", "DELETED", number, order["store_id"], order["market_id"])
    return numbers


def _delete_variant_rows(ctx: ChangeContext, variant_ids: list[int]) -> list[int]:
    """Delete the variants with their sizes, prices and stock; return the deleted size ids."""
    sizes = _ids(
        ctx, f"SELECT product_size_id FROM product_sizes WHERE variant_id IN {_in(variant_ids)} ORDER BY 1"
    )
    ctx.store.execute(f"DELETE FROM stock WHERE product_size_id IN {_in(sizes)}")
    ctx.store.execute(f"DELETE FROM product_sizes WHERE product_size_id IN {_in(sizes)}")
    ctx.store.execute(f"DELETE FROM prices WHERE variant_id IN {_in(variant_ids)}")
    ctx.store.execute(f"DELETE FROM variants WHERE variant_id IN {_in(variant_ids)}")
    return sizes


# Catalog rows that must stay: the highest variant and size ids (their tables' `max + 1` numbering).
_NEWEST_VARIANTS = (
    "SELECT max(variant_id) FROM variants UNION SELECT variant_id FROM product_sizes "
    "WHERE product_size_id = (SELECT max(product_size_id) FROM product_sizes)"
)


def delete_variants(ctx: ChangeContext, count: int) -> tuple[list[int], list[int]]:
    """Variants deleted with their sizes, prices and stock; the product stays (another variant of it
    remains) and is touched: ProductVariant DELETED, ProductSize DELETED per size, Product UPDATED.
    Returns (variant ids, size ids)."""
    if count <= 0:
        return [], []
    base = (
        "SELECT variant_id FROM variants v WHERE variant_id NOT IN (" + _NEWEST_VARIANTS + ") "
        "AND (SELECT count(*) FROM variants o WHERE o.product_id = v.product_id) > 1 AND {} EXISTS "
        "(SELECT 1 FROM order_lines l WHERE l.variant_id = v.variant_id) ORDER BY 1"
    )
    chosen = _prefer(ctx, _ids(ctx, base.format("NOT")), _ids(ctx, base.format("")), count)
    # A product keeps at least one variant: drop choices that would take its last one.
    left: dict[int, int] = dict(
        ctx.store.connection.execute("SELECT product_id, count(*) FROM variants GROUP BY 1").fetchall()
    )
    variant_ids, size_ids = [], []
    for variant_id in chosen:
        product_id = int(
            ctx.store.scalar("SELECT product_id FROM variants WHERE variant_id = ?", [variant_id])
        )
        if left[product_id] <= 1:
            continue
        left[product_id] -= 1
        sizes = _delete_variant_rows(ctx, [variant_id])
        ctx.store.execute("UPDATE products SET updated_at = ? WHERE product_id = ?", [ctx.now, product_id])
        ctx.emit("ProductVariant", "DELETED", variant_id, None, None)
        for size_id in sizes:
            ctx.emit("ProductSize", "DELETED", size_id, None, None)
        ctx.emit("Product", "UPDATED", product_id, None, None)
        variant_ids.append(variant_id)
        size_ids.extend(sizes)
    return variant_ids, size_ids


def delete_products(ctx: ChangeContext, count: int) -> list[int]:
    """Whole products deleted with their variants, sizes, prices and stock: Product DELETED, and
    ProductVariant DELETED for each of its variants."""
    if count <= 0:
        return []
    base = (
        "SELECT product_id FROM products p WHERE product_id < (SELECT max(product_id) FROM products) "
        "AND product_id NOT IN (SELECT product_id FROM variants WHERE variant_id IN ("
        + _NEWEST_VARIANTS
        + ")) "
        "AND {} EXISTS (SELECT 1 FROM order_lines l WHERE l.product_id = p.product_id) ORDER BY 1"
    )
    product_ids = _prefer(ctx, _ids(ctx, base.format("NOT")), _ids(ctx, base.format("")), count)
    for product_id in product_ids:
        variant_ids = _ids(
            ctx, "SELECT variant_id FROM variants WHERE product_id = ? ORDER BY 1", [product_id]
        )
        _delete_variant_rows(ctx, variant_ids)
        ctx.store.execute("DELETE FROM products WHERE product_id = ?", [product_id])
        ctx.emit("Product", "DELETED", product_id, None, None)
        for variant_id in variant_ids:
            ctx.emit("ProductVariant", "DELETED", variant_id, None, None)
    return product_ids


def delete_customers(ctx: ChangeContext, count: int) -> list[int]:
    """Customers without orders deleted under GDPR (newsletter sign-ups, registered never-bought):
    Customer DELETED. Customers with orders are anonymized instead (`anonymized_customers`)."""
    candidates = _ids(
        ctx,
        "SELECT customer_id FROM customers c WHERE customer_id < (SELECT max(customer_id) FROM customers) "
        "AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.customer_id) ORDER BY 1",
    )
    customer_ids = _prefer(ctx, candidates, [], count)
    ctx.store.execute(f"DELETE FROM customers WHERE customer_id IN {_in(customer_ids)}")
    for customer_id in customer_ids:
        ctx.emit("Customer", "DELETED", customer_id, 1, None)
    return customer_ids


def delete_accounts(ctx: ChangeContext, count: int) -> tuple[list[int], list[int]]:
    """Wholesale accounts without orders deleted with their buyers: Account DELETED (the sandbox's guess
    at an event type for accounts, after the webhook plugin's `account` type; Centra's enum is not fully
    documented) and no Buyer event (no such type). Returns (account ids, buyer ids)."""
    candidates = _ids(
        ctx,
        "SELECT account_id FROM accounts a WHERE account_id < (SELECT max(account_id) FROM accounts) "
        "AND account_id NOT IN (SELECT account_id FROM buyers WHERE buyer_id = (SELECT max(buyer_id) FROM buyers)) "
        "AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.account_id = a.account_id) ORDER BY 1",
    )
    account_ids = _prefer(ctx, candidates, [], count)
    buyer_ids = _ids(ctx, f"SELECT buyer_id FROM buyers WHERE account_id IN {_in(account_ids)} ORDER BY 1")
    ctx.store.execute(f"DELETE FROM buyers WHERE account_id IN {_in(account_ids)}")
    ctx.store.execute(f"DELETE FROM accounts WHERE account_id IN {_in(account_ids)}")
    for account_id in account_ids:
        ctx.emit("Account", "DELETED", account_id, 2, None)
    return account_ids, buyer_ids
