"""Changes to orders after generation, for change sets: new orders, status moves, line cancellations and
new returns. They reuse the generator's order, shipment and return builders, so a changed order looks like a
generated one; rows are written in the generator's units (epoch seconds, cents) through `bulk`.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sandbox.generator.bulk import insert_rows
from sandbox.generator.catalog_index import CatalogIndex
from sandbox.generator.customers import CustomerFactory
from sandbox.generator.id_sequences import IdSequences
from sandbox.generator.lifecycle import (
    carrier_for,
    return_rows,
    shipment_line_rows,
    shipment_row,
    tracking_number,
)
from sandbox.generator.orders import OrderFactory
from sandbox.generator.wholesale import accounts_from_store
from sandbox.store import Store

ACTIVE_STATUSES = ("PENDING", "CONFIRMED", "PROCESSING")
NEXT_STATUS = {
    "PENDING": "CONFIRMED",
    "CONFIRMED": "PROCESSING",
    "PROCESSING": "SHIPPED",
    "SHIPPED": "ARCHIVED",
}
# What the shipment and return builders read from an order, in their units.
_ORDER_COLUMNS = (
    "order_number, store_id, market_id, status, is_on_hold, payment_type, currency_code, shipping_country_code, "
    "(shipping_amount * 100)::BIGINT AS shipping_amount"
)

Emit = Callable[[str, str, "str | int", "int | None", "int | None"], None]


@dataclass
class ChangeContext:
    """What every change needs: the store, the seeded randomness, the instance's now and the event queue."""

    store: Store
    rng: random.Random
    now: datetime  # naive UTC, as the store keeps it
    now_epoch: int
    dataset_seed: int  # orders' hashes derive from the dataset's seed, as the generator's do
    emit: Emit

    def order(self, order_number: int) -> dict[str, Any]:
        rows = self.store.rows(f"SELECT {_ORDER_COLUMNS} FROM orders WHERE order_number = ?", [order_number])
        return rows[0]

    def touch_order(self, order: dict[str, Any]) -> None:
        """Set the order's updated_at to now and queue Order UPDATED."""
        self.store.execute(
            "UPDATE orders SET updated_at = ? WHERE order_number = ?", [self.now, order["order_number"]]
        )
        self.emit("Order", "UPDATED", order["order_number"], order["store_id"], order["market_id"])


def add_orders(ctx: ChangeContext, count: int, line_count: int | None = None) -> list[int]:
    """New PENDING orders placed now, numbered after the last order; new guests are created on the way.

    `line_count` gives each order exactly that many lines (else the generator's usual mix)."""
    if count <= 0:
        return []
    ids = IdSequences.after_store(ctx.store)
    customer_rows: list[dict[str, Any]] = []
    customers = CustomerFactory.continuing(
        ctx.store, ctx.rng, customer_rows.append, ids.customer, ctx.now_epoch
    )
    accounts = accounts_from_store(ctx.store, ctx.rng)
    catalog = CatalogIndex.from_store(ctx.store)
    factory = OrderFactory(ctx.rng, ctx.dataset_seed, catalog, customers, accounts, ids, line_count)
    orders, lines = [], []
    for number in range(ids.order_number, ids.order_number + count):
        built = factory.build(number, ctx.now_epoch, wholesale=None if accounts.accounts else False)
        waiting = built.order["payment_type"] in ("inv", "3rd", "prepaid") and ctx.rng.random() < 0.3
        built.order["is_waiting_for_payment"] = waiting
        orders.append(built.order)
        lines.extend(built.lines)
    insert_rows(ctx.store, "customers", customer_rows)
    insert_rows(ctx.store, "orders", orders)
    insert_rows(ctx.store, "order_lines", lines)
    for order in orders:
        ctx.emit("Order", "CREATED", order["order_number"], order["store_id"], order["market_id"])
    return [order["order_number"] for order in orders]


def _status_candidates(ctx: ChangeContext, count: int, old_age_days: int) -> list[int]:
    """About half the orders are ~`old_age_days` old (±5 days), the rest the most recent open ones."""
    old = [
        row[0]
        for row in ctx.store.connection.execute(
            "SELECT order_number FROM orders WHERE status NOT IN ('CANCELLED', 'ARCHIVED') "
            "AND created_at BETWEEN ?::TIMESTAMP - to_days(?) AND ?::TIMESTAMP - to_days(?) ORDER BY order_number",
            [ctx.now, old_age_days + 5, ctx.now, max(old_age_days - 5, 0)],
        ).fetchall()
    ]
    chosen = ctx.rng.sample(old, min(len(old), (count + 1) // 2))
    taken = set(chosen)
    for query in (
        "SELECT order_number FROM orders WHERE status IN ('PENDING', 'CONFIRMED', 'PROCESSING') "
        "ORDER BY order_number DESC LIMIT 2000",
        "SELECT order_number FROM orders WHERE status = 'SHIPPED' ORDER BY order_number DESC LIMIT 2000",
    ):
        pool = [row[0] for row in ctx.store.connection.execute(query).fetchall() if row[0] not in taken]
        extra = ctx.rng.sample(pool, min(len(pool), count - len(chosen)))
        chosen.extend(extra)
        taken.update(extra)
    return chosen


def move_orders(ctx: ChangeContext, count: int, old_age_days: int) -> list[int]:
    """Move orders one step along their flow, or put them on / take them off hold."""
    moved = []
    for order_number in _status_candidates(ctx, count, old_age_days):
        order = ctx.order(order_number)
        status, hold = order["status"], order["is_on_hold"]
        if hold:
            hold = False  # released after a check
        elif status in ACTIVE_STATUSES and ctx.rng.random() < 0.1:
            hold = True
        else:
            status = NEXT_STATUS[status]
            if status == "PROCESSING":
                _create_shipment(ctx, order, shipped=False)
            elif status == "SHIPPED":
                ship_everything(ctx, order)
        ctx.store.execute(
            "UPDATE orders SET status = ?, is_on_hold = ?, "
            "is_waiting_for_payment = is_waiting_for_payment AND ? WHERE order_number = ?",
            [status, hold, status == "PENDING", order_number],
        )
        ctx.touch_order(order)
        moved.append(order_number)
    return moved


def _unshipped_quantities(ctx: ChangeContext, order_number: int) -> list[dict[str, Any]]:
    """Each line's quantity not yet in any shipment, as shipment-line input."""
    return ctx.store.rows(
        "SELECT ol.order_line_id, ol.quantity - coalesce(sum(sl.quantity), 0)::INTEGER AS quantity "
        "FROM order_lines ol LEFT JOIN shipment_lines sl USING (order_line_id) WHERE ol.order_number = ? "
        "GROUP BY ol.order_line_id, ol.quantity ORDER BY ol.order_line_id",
        [order_number],
    )


def _create_shipment(ctx: ChangeContext, order: dict[str, Any], shipped: bool) -> None:
    lines = [line for line in _unshipped_quantities(ctx, order["order_number"]) if line["quantity"] > 0]
    if not lines:
        return
    ids = IdSequences.after_store(ctx.store)
    suffix = int(
        ctx.store.scalar("SELECT count(*) FROM shipments WHERE order_number = ?", [order["order_number"]])
    )
    at = ctx.now_epoch
    shipment = shipment_row(ctx.rng, ids, order, suffix + 1, at, at if shipped else None, at)
    shipment["is_good_to_go"] = True
    insert_rows(ctx.store, "shipments", [shipment])
    insert_rows(ctx.store, "shipment_lines", shipment_line_rows(ids, shipment["shipment_id"], lines))


def ship_everything(ctx: ChangeContext, order: dict[str, Any]) -> None:
    """Complete the order's open shipments (creating one for anything not yet in a shipment)."""
    _create_shipment(ctx, order, shipped=True)
    open_shipments = ctx.store.rows(
        "SELECT shipment_id, paid_at FROM shipments WHERE order_number = ? AND NOT is_shipped ORDER BY shipment_id",
        [order["order_number"]],
    )
    wholesale = order["store_id"] == 2
    captured_now = not wholesale and order["payment_type"] not in ("prepaid", "free")
    for shipment in open_shipments:
        carrier, service = carrier_for(ctx.rng, order["shipping_country_code"], wholesale)
        ctx.store.execute(
            "UPDATE shipments SET is_good_to_go = true, is_shipped = true, shipped_at = $now, carrier_name = $c, "
            "service_name = $s, tracking_number = $t, is_paid = is_paid OR $cap, "
            "paid_at = CASE WHEN $cap THEN coalesce(paid_at, $now) ELSE paid_at END, "
            "is_captured = is_captured OR $cap, "
            "captured_at = CASE WHEN $cap THEN coalesce(captured_at, $now) ELSE captured_at END, "
            "updated_at = $now WHERE shipment_id = $id",
            {
                "now": ctx.now,
                "c": carrier,
                "s": service,
                "t": tracking_number(ctx.rng, carrier),
                "cap": captured_now,
                "id": shipment["shipment_id"],
            },
        )


def cancel_lines(ctx: ChangeContext, count: int) -> list[int]:
    """Cancel one unit of unshipped lines (sometimes the whole line); every order keeps at least one unit."""
    candidates = ctx.store.rows(
        "SELECT ol.order_line_id, ol.order_number, ol.quantity FROM order_lines ol JOIN orders o USING (order_number) "
        "WHERE o.status IN ('PENDING', 'CONFIRMED', 'PROCESSING') AND ol.quantity > 0 AND ol.order_line_id NOT IN ("
        "SELECT sl.order_line_id FROM shipment_lines sl JOIN shipments s USING (shipment_id) WHERE s.is_shipped) "
        "ORDER BY ol.order_line_id DESC LIMIT 5000"
    )
    ctx.rng.shuffle(candidates)
    remaining = {
        number: int(units)
        for number, units in ctx.store.connection.execute(
            "SELECT order_number, sum(quantity) FROM order_lines WHERE order_number IN "
            "(SELECT order_number FROM orders WHERE status IN ('PENDING', 'CONFIRMED', 'PROCESSING')) GROUP BY ALL"
        ).fetchall()
    }
    cancelled: list[int] = []
    for line in candidates:
        if len(cancelled) >= count:
            break
        units = line["quantity"] if ctx.rng.random() < 0.3 else 1
        if remaining[line["order_number"]] - units <= 0:
            continue
        remaining[line["order_number"]] -= units
        _cancel_units(ctx, line["order_line_id"], units)
        ctx.touch_order(ctx.order(line["order_number"]))
        cancelled.append(line["order_line_id"])
    return cancelled


def _cancel_units(ctx: ChangeContext, order_line_id: int, units: int) -> None:
    store, now = ctx.store, ctx.now
    store.execute(
        "UPDATE order_lines SET quantity = quantity - ?, cancelled_quantity = cancelled_quantity + ? "
        "WHERE order_line_id = ?",
        [units, units, order_line_id],
    )
    # A picked-but-unshipped shipment follows the line; an emptied shipment line goes away.
    store.execute(
        "UPDATE shipments SET updated_at = ? WHERE shipment_id IN "
        "(SELECT shipment_id FROM shipment_lines WHERE order_line_id = ?)",
        [now, order_line_id],
    )
    store.execute(
        "UPDATE shipment_lines SET quantity = (SELECT quantity FROM order_lines WHERE order_line_id = ?) "
        "WHERE order_line_id = ?",
        [order_line_id, order_line_id],
    )
    store.execute("DELETE FROM shipment_lines WHERE order_line_id = ? AND quantity = 0", [order_line_id])
    store.execute(
        "UPDATE orders SET voucher_amount = least(voucher_amount, (SELECT sum(quantity * unit_price) "
        "FROM order_lines ol WHERE ol.order_number = orders.order_number)) "
        "WHERE order_number = (SELECT order_number FROM order_lines WHERE order_line_id = ?) "
        "AND voucher_amount IS NOT NULL",
        [order_line_id],
    )


def add_returns(ctx: ChangeContext, count: int) -> list[int]:
    """Pending returns of still-unreturned units on recently shipped orders."""
    orders = [
        row[0]
        for row in ctx.store.connection.execute(
            "SELECT order_number FROM orders WHERE status IN ('SHIPPED', 'ARCHIVED') "
            "ORDER BY order_number DESC LIMIT 5000"
        ).fetchall()
    ]
    ctx.rng.shuffle(orders)
    created: list[int] = []
    for order_number in orders:
        if len(created) >= count:
            break
        returnable = ctx.store.rows(
            "SELECT s.shipment_id, (s.shipping_amount * 100)::BIGINT AS shipping_amount, sl.shipment_line_id, "
            "sl.order_line_id, sl.quantity - coalesce(r.returned, 0)::INTEGER AS quantity, "
            "(ol.unit_price * 100)::BIGINT AS unit_price "
            "FROM shipments s JOIN shipment_lines sl USING (shipment_id) JOIN order_lines ol USING (order_line_id) "
            "LEFT JOIN (SELECT shipment_line_id, sum(quantity) AS returned FROM return_lines GROUP BY ALL) r "
            "USING (shipment_line_id) WHERE s.order_number = ? AND s.is_shipped "
            "AND sl.quantity > coalesce(r.returned, 0) ORDER BY sl.shipment_line_id",
            [order_number],
        )
        if not returnable:
            continue
        shipment_id = ctx.rng.choice(sorted({line["shipment_id"] for line in returnable}))
        lines = [line for line in returnable if line["shipment_id"] == shipment_id]
        order = ctx.order(order_number)
        ids = IdSequences.after_store(ctx.store)
        prices = {line["order_line_id"]: line["unit_price"] for line in lines}
        shipment = {"shipment_id": shipment_id, "shipping_amount": lines[0]["shipping_amount"]}
        row, return_lines = return_rows(ctx.rng, ids, order, shipment, lines, prices, ctx.now_epoch, None)
        insert_rows(ctx.store, "returns", [row])
        insert_rows(ctx.store, "return_lines", return_lines)
        ctx.emit("Return", "CREATED", row["return_id"], order["store_id"], order["market_id"])
        ctx.touch_order(order)
        created.append(row["return_id"])
    return created
