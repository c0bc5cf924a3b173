"""Change sets: what happens to a Centra instance between two pipeline runs.

A change set is applied in one transaction at the instance clock's now. Which rows change is decided by
`random.Random(seed)` over rows read in key order, so the same seed on the same store content changes the same
rows. Every changed row gets `updated_at = now` (line, shipment and return changes also touch their order),
and the events Centra would queue are emitted through `sandbox.events.emit`:

| change                | rows                                   | events                                              |
|-----------------------|----------------------------------------|-----------------------------------------------------|
| new_orders            | orders + lines (PENDING), new guests    | Order CREATED                                       |
| status_changes        | orders, shipments                      | Order UPDATED                                       |
| cancelled_lines       | order lines, unshipped shipment lines  | Order UPDATED                                       |
| new_returns           | returns + lines (pending)              | Return CREATED, Order UPDATED                       |
| deleted_returns       | returns + lines deleted                | Return DELETED, Order UPDATED                       |
| anonymized_customers  | customers and their orders' addresses  | Customer UPDATED, Order UPDATED                     |
| renamed_products      | products (order lines keep old names)  | Product UPDATED, ProductVariant DEPENDENT_DATA_CHANGED |
| stock_changes         | stock                                  | none: Centra confirms no stock events, stock is polled |
| completed_returns     | pending returns completed              | Return COMPLETED, Order UPDATED                     |
| reopened_returns      | completed returns un-completed         | Return UPDATED, Order UPDATED                       |
| deleted_shipments     | unshipped shipments deleted            | Shipment DELETED, Order UPDATED                     |
| cancelled_orders      | unshipped orders cancelled whole       | Order UPDATED                                       |
| late_imports          | orders + lines, old createdAt, new numbers | Order CREATED (SHIPPED + shipment, or CONFIRMED) |
| deleted_orders        | orders, lines, shipments, returns      | Order DELETED                                       |
| deleted_variants      | variants, sizes, prices, stock         | ProductVariant/ProductSize DELETED, Product UPDATED |
| deleted_products      | products, variants, sizes, prices, stock | Product DELETED, ProductVariant DELETED           |
| deleted_customers     | customers without orders (GDPR)        | Customer DELETED                                    |
| deleted_accounts      | accounts without orders, their buyers  | Account DELETED                                     |

Deletions never remove the row with the highest id (or order number) of its table, so no id is handed out
twice; what they prefer and why is in `generator/deletions.py`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any

from sandbox.events import emit
from sandbox.generator.anonymization import anonymize
from sandbox.generator.deletions import (
    delete_accounts,
    delete_customers,
    delete_orders,
    delete_products,
    delete_variants,
)
from sandbox.generator.late_imports import import_late_orders
from sandbox.generator.later_changes import (
    cancel_orders,
    complete_returns,
    delete_unshipped_shipments,
    reopen_returns,
)
from sandbox.generator.order_changes import ChangeContext, add_orders, add_returns, cancel_lines, move_orders
from sandbox.settings import AnonymizationStyle
from sandbox.state import SandboxState

RENAME_SUFFIXES = ("Merino", "Organic", "Re:Wool", "Lätt", "Größe 2", "Édition")


@dataclass(frozen=True)
class ChangeSet:
    """How many of each change to make; `seed` makes the choice of affected rows deterministic."""

    seed: int = 0
    new_orders: int = 0
    new_order_lines: int | None = (
        None  # each new order has exactly this many lines (e.g. 500); None: usual mix
    )
    status_changes: int = 0  # orders moved along PENDING -> CONFIRMED -> PROCESSING -> SHIPPED (or archived)
    old_order_age_days: int = 40  # status changes pick orders about this old
    cancelled_lines: int = 0  # a unit (or the whole line) cancelled on existing orders
    new_returns: int = 0  # returns created on shipped orders
    deleted_returns: int = 0  # existing returns deleted
    anonymized_customers: int = 0
    renamed_products: int = 0
    stock_changes: int = 0  # (warehouse, size) rows whose physical quantity moves
    completed_returns: int = 0  # pending returns completed
    reopened_returns: int = 0  # completed returns un-completed
    deleted_shipments: int = 0  # shipments deleted before they shipped
    cancelled_orders: int = 0  # unshipped orders cancelled whole
    late_imports: int = 0  # orders imported now with a createdAt about `late_import_age_days` back
    late_import_age_days: int = 200
    deleted_orders: int = 0  # orders deleted with everything keyed by them
    deleted_variants: int = 0  # variants deleted with their sizes, prices and stock
    deleted_products: int = 0  # whole products deleted
    deleted_customers: int = 0  # customers without orders deleted (GDPR)
    deleted_accounts: int = 0  # wholesale accounts without orders deleted with their buyers


@dataclass
class ChangeSetResult:
    """The keys each change touched, so tests can check the pipeline saw every one."""

    new_order_numbers: list[int] = field(default_factory=list)
    status_changed_order_numbers: list[int] = field(default_factory=list)
    cancelled_line_ids: list[int] = field(default_factory=list)
    new_return_ids: list[int] = field(default_factory=list)
    deleted_return_ids: list[int] = field(default_factory=list)
    anonymized_customer_ids: list[int] = field(default_factory=list)
    renamed_product_ids: list[int] = field(default_factory=list)
    changed_stock: list[tuple[int, int]] = field(default_factory=list)  # (warehouse_id, product_size_id)
    completed_return_ids: list[int] = field(default_factory=list)
    reopened_return_ids: list[int] = field(default_factory=list)
    deleted_shipment_ids: list[int] = field(default_factory=list)
    cancelled_order_numbers: list[int] = field(default_factory=list)
    late_import_order_numbers: list[int] = field(default_factory=list)
    deleted_order_numbers: list[int] = field(default_factory=list)
    deleted_variant_ids: list[int] = field(default_factory=list)
    deleted_size_ids: list[int] = field(default_factory=list)
    deleted_product_ids: list[int] = field(default_factory=list)
    deleted_customer_ids: list[int] = field(default_factory=list)
    deleted_account_ids: list[int] = field(default_factory=list)
    deleted_buyer_ids: list[int] = field(default_factory=list)
    events_emitted: int = 0


def apply_change_set(state: SandboxState, change_set: ChangeSet) -> ChangeSetResult:
    result = ChangeSetResult()
    now = state.clock.now_naive_utc()

    def queue(
        object_type: str, change_type: str, key: str | int, store_id: int | None, market_id: int | None
    ) -> None:
        result.events_emitted += emit(
            state.store,
            enabled=state.settings.events_enabled,
            at=now,
            object_type=object_type,
            change_type=change_type,
            object_key=key,
            store_id=store_id,
            market_id=market_id,
        )

    ctx = ChangeContext(
        store=state.store,
        rng=random.Random(change_set.seed),
        now=now,
        now_epoch=int(now.replace(tzinfo=UTC).timestamp()),
        dataset_seed=state.settings.seed,
        emit=queue,
    )
    with state.store.transaction():
        result.new_order_numbers = add_orders(ctx, change_set.new_orders, change_set.new_order_lines)
        result.late_import_order_numbers = import_late_orders(
            ctx, change_set.late_imports, change_set.late_import_age_days
        )
        result.status_changed_order_numbers = move_orders(
            ctx, change_set.status_changes, change_set.old_order_age_days
        )
        result.cancelled_line_ids = cancel_lines(ctx, change_set.cancelled_lines)
        result.new_return_ids = add_returns(ctx, change_set.new_returns)
        result.deleted_return_ids = _delete_returns(
            ctx, change_set.deleted_returns, set(result.new_return_ids)
        )
        result.anonymized_customer_ids = _anonymize_customers(
            ctx, change_set.anonymized_customers, state.settings.anonymization_style
        )
        result.renamed_product_ids = _rename_products(ctx, change_set.renamed_products)
        result.changed_stock = _change_stock(ctx, change_set.stock_changes)
        result.completed_return_ids = complete_returns(ctx, change_set.completed_returns)
        result.reopened_return_ids = reopen_returns(ctx, change_set.reopened_returns)
        result.deleted_shipment_ids = delete_unshipped_shipments(ctx, change_set.deleted_shipments)
        result.cancelled_order_numbers = cancel_orders(ctx, change_set.cancelled_orders)
        result.deleted_order_numbers = delete_orders(
            ctx,
            change_set.deleted_orders,
            keep={
                *result.new_order_numbers,
                *result.late_import_order_numbers,
                *result.status_changed_order_numbers,
                *result.cancelled_order_numbers,
            },
        )
        result.deleted_variant_ids, result.deleted_size_ids = delete_variants(
            ctx, change_set.deleted_variants
        )
        result.deleted_product_ids = delete_products(ctx, change_set.deleted_products)
        result.deleted_customer_ids = delete_customers(ctx, change_set.deleted_customers)
        result.deleted_account_ids, result.deleted_buyer_ids = delete_accounts(
            ctx, change_set.deleted_accounts
        )
    return result


def _sample_keys(ctx: ChangeContext, sql: str, count: int) -> list[Any]:
    """`count` keys drawn by the change set's seed from the query's rows (read in key order)."""
    if count <= 0:
        return []
    keys = [row[0] if len(row) == 1 else tuple(row) for row in ctx.store.connection.execute(sql).fetchall()]
    return ctx.rng.sample(keys, min(count, len(keys)))


def _delete_returns(ctx: ChangeContext, count: int, keep: set[int]) -> list[int]:
    # The highest return id is never deleted, so `max + 1` never hands a deleted id out again.
    kept = ", ".join(str(i) for i in sorted(keep)) or "-1"
    candidates = _sample_keys(
        ctx,
        "SELECT return_id FROM returns WHERE return_id < (SELECT max(return_id) FROM returns) "
        f"AND return_id NOT IN ({kept}) ORDER BY 1",
        count,
    )
    deleted = []
    for return_id in sorted(candidates):
        order = ctx.order(
            int(ctx.store.scalar("SELECT order_number FROM returns WHERE return_id = ?", [return_id]))
        )
        ctx.store.execute("DELETE FROM return_lines WHERE return_id = ?", [return_id])
        ctx.store.execute("DELETE FROM returns WHERE return_id = ?", [return_id])
        ctx.emit("Return", "DELETED", return_id, order["store_id"], order["market_id"])
        ctx.touch_order(order)
        deleted.append(return_id)
    return deleted


def _anonymize_customers(ctx: ChangeContext, count: int, style: AnonymizationStyle) -> list[int]:
    customer_ids = sorted(
        _sample_keys(ctx, "SELECT customer_id FROM customers WHERE NOT is_anonymized ORDER BY 1", count)
    )
    if not customer_ids:
        return []
    orders = ctx.store.rows(
        "SELECT order_number, store_id, market_id FROM orders WHERE customer_id IN "
        f"({', '.join(str(i) for i in customer_ids)}) ORDER BY order_number"
    )
    anonymize(ctx.store.connection, customer_ids, [ctx.now] * len(customer_ids), style)
    for customer_id in customer_ids:
        ctx.emit("Customer", "UPDATED", customer_id, 1, None)
    for order in orders:
        ctx.emit("Order", "UPDATED", order["order_number"], order["store_id"], order["market_id"])
    return customer_ids


def _rename_products(ctx: ChangeContext, count: int) -> list[int]:
    product_ids = sorted(_sample_keys(ctx, "SELECT product_id FROM products ORDER BY 1", count))
    for product_id in product_ids:
        name = ctx.store.scalar("SELECT name FROM products WHERE product_id = ?", [product_id])
        base = name.split(" (")[0]
        new_name = f"{base} ({ctx.rng.choice(RENAME_SUFFIXES)})"
        if new_name == name:
            new_name = f"{base} (Ny)"
        ctx.store.execute(
            "UPDATE products SET name = ?, updated_at = ? WHERE product_id = ?",
            [new_name, ctx.now, product_id],
        )
        ctx.emit("Product", "UPDATED", product_id, None, None)
        for (variant_id,) in ctx.store.connection.execute(
            "SELECT variant_id FROM variants WHERE product_id = ? ORDER BY variant_id", [product_id]
        ).fetchall():
            ctx.emit("ProductVariant", "DEPENDENT_DATA_CHANGED", variant_id, None, None)
    return product_ids


def _change_stock(ctx: ChangeContext, count: int) -> list[tuple[int, int]]:
    """Deliveries and counts move physical stock (never below what is allocated). No events: polled."""
    keys = sorted(
        _sample_keys(
            ctx,
            "SELECT warehouse_id, product_size_id FROM stock WHERE warehouse_id IN "
            "(SELECT warehouse_id FROM warehouses WHERE status = 'ACTIVE') ORDER BY 1, 2",
            count,
        )
    )
    for warehouse_id, product_size_id in keys:
        physical, allocated = ctx.store.connection.execute(
            "SELECT physical_quantity, allocated_quantity FROM stock WHERE warehouse_id = ? AND product_size_id = ?",
            [warehouse_id, product_size_id],
        ).fetchone() or (0, 0)
        moved = max(allocated, physical + ctx.rng.choice((-3, -2, -1, 1, 2, 5, 10, 20)))
        ctx.store.execute(
            "UPDATE stock SET physical_quantity = ?, updated_at = ? WHERE warehouse_id = ? AND product_size_id = ?",
            [moved if moved != physical else physical + 1, ctx.now, warehouse_id, product_size_id],
        )
    return keys
