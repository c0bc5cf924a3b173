"""What happens to an order after checkout, up to the dataset's end: confirmation, line cancellations,
holds, shipments (sometimes two), payment capture, archiving and returns.

Each step has a time; only steps at or before the end happened. The order's status is the last step that
happened and its `updated_at` the latest change to it or to its lines, shipments and returns.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any, Literal

from sandbox.generator.id_sequences import IdSequences
from sandbox.generator.orders import SHIPPING_CENTS, BuiltOrder

MINUTE, HOUR, DAY = 60, 3_600, 86_400
ORDER_CANCEL_SHARE = 0.035
STUCK_ON_HOLD_SHARE = 0.01
RETURN_SHARE = 0.08
CARRIERS = {
    "SE": (("PostNord", "MyPack Home"), ("Budbee", "Home Delivery"), ("PostNord", "MyPack Collect")),
    "NORDICS": (("PostNord", "MyPack Collect"), ("Bring", "PickUp Parcel")),
    "EU": (("DHL Express", "Express Worldwide"), ("DPD", "Classic")),
    "GB": (("DHL Express", "Express Worldwide"), ("Royal Mail", "Tracked 48")),
    "US": (("UPS", "Standard"), ("DHL Express", "Express Worldwide")),
    "WHOLESALE": (("DB Schenker", "System"), ("DHL Freight", "Euroconnect")),
}
PREPAYMENT = {
    "payment_method_uri": "bank-prepayment",
    "payment_plugin": "prepayment",
    "payment_type": "prepaid",
}
Stuck = Literal["awaiting_payment", "on_hold", "backordered"]
RETURN_COMMENTS = (
    "Too small",
    "Too big",
    "Fel storlek",
    "Farbe gefällt nicht",
    "Damaged on arrival",
    "Godkänd retur",
)


@dataclass
class Fulfilment:
    """The rows an order's lifecycle adds next to the order and its lines."""

    shipments: list[dict[str, Any]] = field(default_factory=list)
    shipment_lines: list[dict[str, Any]] = field(default_factory=list)
    returns: list[dict[str, Any]] = field(default_factory=list)
    return_lines: list[dict[str, Any]] = field(default_factory=list)


def carrier_for(rng: random.Random, country: str | None, wholesale: bool) -> tuple[str, str]:
    if wholesale:
        region = "WHOLESALE"
    elif country in ("SE", "GB", "US"):
        region = country
    elif country in ("DK", "NO", "FI"):
        region = "NORDICS"
    else:
        region = "EU"
    return rng.choice(CARRIERS[region])


def tracking_number(rng: random.Random, carrier: str) -> str:
    if carrier == "PostNord":
        return f"UA{rng.randrange(10**8, 10**9)}SE"
    if carrier == "UPS":
        return "1Z" + "".join(rng.choice("0123456789ABCDEFGHJKLMNPRSTVWXYZ") for _ in range(16))
    if carrier == "Royal Mail":
        return f"RM{rng.randrange(10**8, 10**9)}GB"
    return str(rng.randrange(10**9, 10**10))


def shipment_row(
    rng: random.Random,
    ids: IdSequences,
    order: dict[str, Any],
    suffix: int,
    created: int,
    shipped: int | None,
    end: int,
) -> dict[str, Any]:
    """A shipment of `order` created (good to go) at `created` and shipped at `shipped` (None: not yet)."""
    wholesale = order["store_id"] == 2
    kind = order["payment_type"]
    paid = captured = None
    if kind in ("prepaid", "free"):
        paid = created
        captured = created if kind == "prepaid" else None
    elif shipped is not None and wholesale:
        paid = shipped + rng.randrange(20 * DAY, 45 * DAY)  # invoice paid on terms
    elif shipped is not None:
        paid = captured = shipped  # authorised at checkout, captured when shipped
    paid = paid if paid is not None and paid <= end else None
    carrier = service = tracking = return_tracking = None
    if shipped is not None:
        carrier, service = carrier_for(rng, order["shipping_country_code"], wholesale)
        tracking = tracking_number(rng, carrier)
        return_tracking = tracking_number(rng, carrier) if rng.random() < 0.3 else None
    changes = [t for t in (created, shipped, paid, captured) if t is not None]
    return {
        "shipment_id": ids.next_shipment(),
        "shipment_number": f"{order['order_number']}-{suffix}",
        "order_number": order["order_number"],
        "is_good_to_go": shipped is not None or rng.random() < 0.7,
        "is_shipped": shipped is not None,
        "is_paid": paid is not None,
        "is_captured": captured is not None,
        "paid_at": paid,
        "captured_at": captured,
        "shipped_at": shipped,
        "tracking_number": tracking,
        "return_tracking_number": return_tracking,
        "carrier_name": carrier,
        "service_name": service,
        "number_of_packages": rng.randint(1, 5) if wholesale else 1,
        "shipping_amount": order["shipping_amount"] if suffix == 1 else 0,
        "created_at": created,
        "updated_at": max(changes),
    }


def shipment_line_rows(
    ids: IdSequences, shipment_id: int, lines: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    return [
        {
            "shipment_line_id": ids.next_shipment_line(),
            "shipment_id": shipment_id,
            "order_line_id": line["order_line_id"],
            "quantity": line["quantity"],
        }
        for line in lines
        if line["quantity"] > 0
    ]


def return_rows(
    rng: random.Random,
    ids: IdSequences,
    order: dict[str, Any],
    shipment: dict[str, Any],
    shipped_lines: list[dict[str, Any]],
    unit_prices: dict[int, int],
    created: int,
    completed: int | None,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A return of some units of a shipment; `unit_prices` maps order line id to its unit price (cents)."""
    return_id = ids.next_return()
    chosen = rng.sample(shipped_lines, rng.randint(1, len(shipped_lines)))
    lines = []
    for shipment_line in chosen:
        quantity = 1 if rng.random() < 0.8 else rng.randint(1, shipment_line["quantity"])
        lines.append(
            {
                "return_line_id": ids.next_return_line(),
                "return_id": return_id,
                "order_line_id": shipment_line["order_line_id"],
                "shipment_line_id": shipment_line["shipment_line_id"],
                "quantity": quantity,
                "amount": quantity * unit_prices[shipment_line["order_line_id"]],
            }
        )
    damaged = rng.random() < 0.1
    everything = len(chosen) == len(shipped_lines) and all(
        line["quantity"] == shipment_line["quantity"]
        for line, shipment_line in zip(lines, chosen, strict=True)
    )
    row = {
        "return_id": return_id,
        "order_number": order["order_number"],
        "shipment_id": shipment["shipment_id"],
        "is_completed": completed is not None,
        "completed_at": completed,
        "return_to_stock": not damaged,
        "comment": "Damaged on arrival"
        if damaged
        else (rng.choice(RETURN_COMMENTS) if rng.random() < 0.5 else None),
        "return_cost": SHIPPING_CENTS[order["currency_code"]] if rng.random() < 0.3 else 0,
        "shipping_refund": shipment["shipping_amount"] if everything and rng.random() < 0.3 else 0,
        "created_at": created,
        "updated_at": completed if completed is not None else created,
    }
    return row, lines


@dataclass
class Lifecycle:
    rng: random.Random
    ids: IdSequences
    end: int
    returns_enabled: bool = True  # False: a shop that has had no returns (yet)

    def settle(self, built: BuiltOrder, stuck: Stuck | None = None) -> Fulfilment:
        """Move the order along to the end, mutating its row and lines; return the rows it added.

        `stuck` forces an order to stop early (so even a tiny dataset holds such orders): "awaiting_payment"
        stays PENDING waiting for a prepayment, "on_hold" is held at confirmation and never released,
        "backordered" stays PROCESSING with its shipment good to go but never shipped.
        """
        rng, end, order = self.rng, self.end, built.order
        placed = order["created_at"]
        slow = built.is_wholesale
        confirmed = placed + (rng.randrange(HOUR, 3 * DAY) if slow else rng.randrange(2 * MINUTE, 6 * HOUR))
        changes = [placed]
        if stuck == "awaiting_payment":
            if order["payment_type"] not in ("inv", "3rd", "prepaid"):
                order.update(PREPAYMENT)
            order["is_waiting_for_payment"] = True
            return self._finish(built, changes, Fulfilment())
        if stuck == "backordered":
            confirmed = min(confirmed, end)
        elif stuck is None and rng.random() < ORDER_CANCEL_SHARE:
            cancelled = placed + rng.randrange(10 * MINUTE, 3 * DAY)
            if confirmed < cancelled and confirmed <= end:
                self._set(order, "CONFIRMED", confirmed, changes)
            if cancelled <= end:
                self._set(order, "CANCELLED", cancelled, changes)
            return self._finish(built, changes, Fulfilment())
        if confirmed <= end:
            self._set(order, "CONFIRMED", confirmed, changes)
        if stuck == "on_hold" or rng.random() < STUCK_ON_HOLD_SHARE:
            order["is_on_hold"] = True  # held at confirmation (fraud check) and never released
            return self._finish(built, changes, Fulfilment())
        processing = confirmed + (rng.randrange(DAY, 20 * DAY) if slow else rng.randrange(2 * HOUR, 2 * DAY))
        if stuck == "backordered":
            processing = min(processing, end)
        self._cancel_lines(built, confirmed, processing, changes)
        fulfilment = Fulfilment()
        if processing <= end:
            self._set(order, "PROCESSING", processing, changes)
            self._ship(built, processing, changes, fulfilment, held_back=stuck == "backordered")
        return self._finish(built, changes, fulfilment)

    def _set(self, order: dict[str, Any], status: str, at: int, changes: list[int]) -> None:
        order["status"] = status
        changes.append(at)

    def _cancel_lines(self, built: BuiltOrder, confirmed: int, processing: int, changes: list[int]) -> None:
        """Some units are cancelled between confirmation and picking; at least one line keeps a unit."""
        rng = self.rng
        for index, line in enumerate(built.lines):
            at = rng.randrange(confirmed, max(processing, confirmed + 1))
            if at > self.end:
                continue
            roll = rng.random()
            if line["quantity"] >= 2 and roll < 0.25:
                cancelled = rng.randint(1, line["quantity"] - 1)
            elif index > 0 and roll > 0.97:
                cancelled = line["quantity"]
            else:
                continue
            line["quantity"] -= cancelled
            line["cancelled_quantity"] += cancelled
            changes.append(at)
        if built.voucher_percent is not None and built.order["voucher_amount"] is not None:
            items = sum(line["quantity"] * line["unit_price"] for line in built.lines)
            built.order["voucher_amount"] = min(built.order["voucher_amount"], items)

    def _ship(
        self, built: BuiltOrder, processing: int, changes: list[int], fulfilment: Fulfilment, held_back: bool
    ) -> None:
        rng, end, order = self.rng, self.end, built.order
        slow = built.is_wholesale
        shippable = [line for line in built.lines if line["quantity"] > 0]
        groups = [shippable]
        if len(shippable) >= 2 and rng.random() < 0.1:
            split = rng.randint(1, len(shippable) - 1)
            groups = [shippable[:split], shippable[split:]]
        shipped_at = processing + (rng.randrange(DAY, 7 * DAY) if slow else rng.randrange(HOUR, 2 * DAY))
        created = processing
        all_shipped = True
        for suffix, group in enumerate(groups, start=1):
            if suffix > 1:
                created = processing + rng.randrange(HOUR, 2 * DAY)
                shipped_at = max(created, shipped_at) + rng.randrange(DAY, 7 * DAY)
            if created > end:
                all_shipped = False
                continue
            shipped = shipped_at if shipped_at <= end and not held_back else None
            all_shipped = all_shipped and shipped is not None
            shipment = shipment_row(rng, self.ids, order, suffix, created, shipped, end)
            shipment["is_good_to_go"] = shipment["is_good_to_go"] or held_back
            lines = shipment_line_rows(self.ids, shipment["shipment_id"], group)
            fulfilment.shipments.append(shipment)
            fulfilment.shipment_lines.extend(lines)
            changes.append(shipment["updated_at"])
        if all_shipped:
            self._set(order, "SHIPPED", shipped_at, changes)
            archived = shipped_at + rng.randrange(60 * DAY, 400 * DAY)
            if rng.random() < 0.55 and archived <= end:
                self._set(order, "ARCHIVED", archived, changes)
        self._maybe_return(built, fulfilment, changes)

    def _maybe_return(self, built: BuiltOrder, fulfilment: Fulfilment, changes: list[int]) -> None:
        rng = self.rng
        shipped = [s for s in fulfilment.shipments if s["shipped_at"] is not None]
        if not shipped or rng.random() >= RETURN_SHARE:
            return
        shipment = rng.choice(shipped)
        created = shipment["shipped_at"] + rng.randrange(3 * DAY, 30 * DAY)
        if created > self.end:
            return
        completed: int | None = created + rng.randrange(DAY, 14 * DAY)
        if rng.random() < 0.06 or (completed or 0) > self.end:
            completed = None  # still pending (a few never complete)
        shipped_lines = [
            line for line in fulfilment.shipment_lines if line["shipment_id"] == shipment["shipment_id"]
        ]
        prices = {line["order_line_id"]: line["unit_price"] for line in built.lines}
        row, lines = return_rows(
            rng, self.ids, built.order, shipment, shipped_lines, prices, created, completed
        )
        if not self.returns_enabled:  # drawn all the same: the rest of the dataset stays as with returns
            return
        fulfilment.returns.append(row)
        fulfilment.return_lines.extend(lines)
        changes.append(row["updated_at"])

    def _finish(self, built: BuiltOrder, changes: list[int], fulfilment: Fulfilment) -> Fulfilment:
        rng, order = self.rng, built.order
        last = max(changes)
        if order["status"] in ("PENDING", "CONFIRMED", "PROCESSING") and not order["is_on_hold"]:
            if rng.random() < 0.04:
                order["is_on_hold"] = True
                last = min(self.end, last + rng.randrange(HOUR))
            if order["status"] == "PENDING" and order["payment_type"] in ("inv", "3rd", "prepaid"):
                order["is_waiting_for_payment"] = order["is_waiting_for_payment"] or rng.random() < 0.5
        order["updated_at"] = max(last, order["created_at"])
        return fulfilment
