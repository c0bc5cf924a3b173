"""Change-set steps on records that already went through part of their life (docs/centra-api-reference.md §C11).

Returns are completed and reopened, shipments are deleted before they ship, and whole orders are
cancelled. Each step picks its rows with the change set's seed, stamps `updated_at`, touches the order and
queues the events Centra would.
"""

from __future__ import annotations

from typing import Any

from sandbox.generator.order_changes import ChangeContext


def _pick(ctx: ChangeContext, sql: str, count: int) -> list[int]:
    if count <= 0:
        return []
    keys = [int(row[0]) for row in ctx.store.connection.execute(sql).fetchall()]
    return sorted(ctx.rng.sample(keys, min(count, len(keys))))


def _order_of(ctx: ChangeContext, table: str, key_column: str, key: int) -> dict[str, Any]:
    number = ctx.store.scalar(f"SELECT order_number FROM {table} WHERE {key_column} = ?", [key])
    return ctx.order(int(number))


def complete_returns(ctx: ChangeContext, count: int) -> list[int]:
    """Pending returns are completed (Return COMPLETED)."""
    return_ids = _pick(ctx, "SELECT return_id FROM returns WHERE NOT is_completed ORDER BY 1", count)
    for return_id in return_ids:
        ctx.store.execute(
            "UPDATE returns SET is_completed = true, completed_at = ?, updated_at = ? WHERE return_id = ?",
            [ctx.now, ctx.now, return_id],
        )
        order = _order_of(ctx, "returns", "return_id", return_id)
        ctx.emit("Return", "COMPLETED", return_id, order["store_id"], order["market_id"])
        ctx.touch_order(order)
    return return_ids


def reopen_returns(ctx: ChangeContext, count: int) -> list[int]:
    """Completed returns are un-completed in AMS (Return UPDATED): `completed_at` is cleared."""
    return_ids = _pick(ctx, "SELECT return_id FROM returns WHERE is_completed ORDER BY 1", count)
    for return_id in return_ids:
        ctx.store.execute(
            "UPDATE returns SET is_completed = false, completed_at = NULL, updated_at = ? WHERE return_id = ?",
            [ctx.now, return_id],
        )
        order = _order_of(ctx, "returns", "return_id", return_id)
        ctx.emit("Return", "UPDATED", return_id, order["store_id"], order["market_id"])
        ctx.touch_order(order)
    return return_ids


def delete_unshipped_shipments(ctx: ChangeContext, count: int) -> list[int]:
    """Shipments not yet shipped are deleted (Shipment DELETED); an order left without any goes back to
    CONFIRMED, as its items are no longer on their way."""
    shipment_ids = _pick(
        ctx,
        "SELECT shipment_id FROM shipments s WHERE NOT is_shipped "
        "AND NOT EXISTS (SELECT 1 FROM returns r WHERE r.shipment_id = s.shipment_id) ORDER BY 1",
        count,
    )
    for shipment_id in shipment_ids:
        order = _order_of(ctx, "shipments", "shipment_id", shipment_id)
        ctx.store.execute("DELETE FROM shipment_lines WHERE shipment_id = ?", [shipment_id])
        ctx.store.execute("DELETE FROM shipments WHERE shipment_id = ?", [shipment_id])
        ctx.store.execute(
            "UPDATE orders SET status = 'CONFIRMED' WHERE order_number = ? AND status = 'PROCESSING' "
            "AND NOT EXISTS (SELECT 1 FROM shipments WHERE order_number = ?)",
            [order["order_number"], order["order_number"]],
        )
        ctx.emit("Shipment", "DELETED", shipment_id, order["store_id"], order["market_id"])
        ctx.touch_order(order)
    return shipment_ids


def cancel_orders(ctx: ChangeContext, count: int) -> list[int]:
    """Orders not yet shipped are cancelled whole; line quantities stay as they were (reference A8.1)."""
    numbers = _pick(
        ctx,
        "SELECT order_number FROM orders o WHERE status IN ('PENDING', 'CONFIRMED') "
        "AND NOT EXISTS (SELECT 1 FROM shipments s WHERE s.order_number = o.order_number) ORDER BY 1",
        count,
    )
    for number in numbers:
        ctx.store.execute("UPDATE orders SET status = 'CANCELLED' WHERE order_number = ?", [number])
        ctx.touch_order(ctx.order(number))
    return numbers
