"""`GET shipments`: shipments of visible orders in one state, oldest first, limit/offset (reference B3).

Parameters: `status` (`goodtogo` default, `inprogress`, `completed`), `limit` (default 20; 1–100 for
`inprogress` and `completed` as documented, any positive number for `goodtogo`), `offset`, `order`,
`newer_than`/`older_than` (exclusive, on the shipment's creation time). It is not a queue: good-to-go
shipments come back until they are completed.

Choices where Centra's behaviour is unknown:
- States: `goodtogo` = good to go and not shipped, `inprogress` = neither good to go nor shipped,
  `completed` = shipped. Another value answers HTTP 200 `{"status":"no","msg":"Unknown status"}`.
- Sort: shipment creation time, then shipment id. `shipmentDate` is the creation time.
- Money is the shipment's own: `grandTotalValue` = shipped quantities × unit price + the shipment's
  shipping, `voucherValue` 0, tax as in `/orders` (shipping tax at 25 %).
- `paid` is 0/1; `shouldCapture` is 1 until the shipment is captured; `invoices` appears only on captured
  shipments (Centra: "only set if any invoices exist"); `proforma`/`deliveryNote` are sandbox URLs;
  `shippingTerms`/`paymentTerms` are left out (the sandbox keeps no terms).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sandbox.money import json_number, line_tax, order_totals
from sandbox.order_api.conditions import Conditions, add_order_visibility
from sandbox.order_api.envelope import ApplicationError, OrderApiRequest
from sandbox.order_api.lines import (
    lines_by_order,
    plugin_warehouse_name,
    shipment_product,
    tax_breakdown,
    text,
)
from sandbox.order_api.order_header import ORDERS_SQL, order_header
from sandbox.order_api.paging import offset_window
from sandbox.store import Store
from sandbox.timefmt import naive_local

MAX_LIMIT = 100
STATE_CONDITIONS = {
    "goodtogo": "s.is_good_to_go AND NOT s.is_shipped",
    "inprogress": "NOT s.is_good_to_go AND NOT s.is_shipped",
    "completed": "s.is_shipped",
}

SHIPMENTS_SQL = """
SELECT s.* FROM shipments s JOIN orders o ON o.order_number = s.order_number
{where}
ORDER BY s.created_at, s.shipment_id
{window}
"""


def list_shipments(call: OrderApiRequest) -> dict[str, Any]:
    params = call.params
    state_name = params.text("status") or "goodtogo"
    if state_name not in STATE_CONDITIONS:
        raise ApplicationError("Unknown status")
    window = offset_window(params, maximum=None if state_name == "goodtogo" else MAX_LIMIT)
    conditions = Conditions()
    add_order_visibility(conditions, call.state.settings.order_api)
    conditions.add(STATE_CONDITIONS[state_name])
    conditions.add_if(params.integer("order"), "s.order_number = ?")
    conditions.after("s.created_at", params.local_time("newer_than"))
    conditions.before("s.created_at", params.local_time("older_than"))
    store = call.state.store
    shipments = store.rows(
        SHIPMENTS_SQL.format(where=conditions.where(), window=window.sql()), conditions.params
    )
    return {"shipments": _render(store, shipments, call.state.settings.timezone, call.base_url)}


def _render(
    store: Store, shipments: list[dict[str, Any]], timezone: str, base_url: str
) -> list[dict[str, Any]]:
    numbers = sorted({shipment["order_number"] for shipment in shipments})
    orders_sql = ORDERS_SQL.format(where="WHERE o.order_number IN (SELECT unnest(?::INTEGER[]))", window="")
    orders = {order["order_number"]: order for order in store.rows(orders_sql, [numbers])}
    lines = {
        line["order_line_id"]: line for group in lines_by_order(store, numbers).values() for line in group
    }
    shipped = _shipped_quantities(store, [shipment["shipment_id"] for shipment in shipments])
    warehouse = plugin_warehouse_name(store)
    rendered = []
    for shipment in shipments:
        shipment_lines = [
            (lines[line_id], quantity) for line_id, quantity in shipped.get(shipment["shipment_id"], [])
        ]
        order = orders[shipment["order_number"]]
        rendered.append(_shipment(shipment, order, shipment_lines, warehouse, timezone, base_url))
    return rendered


def _shipped_quantities(store: Store, shipment_ids: list[int]) -> dict[int, list[tuple[int, int]]]:
    sql = (
        "SELECT shipment_id, order_line_id, quantity FROM shipment_lines "
        "WHERE shipment_id IN (SELECT unnest(?::INTEGER[])) ORDER BY shipment_line_id"
    )
    grouped: dict[int, list[tuple[int, int]]] = {}
    for row in store.rows(sql, [shipment_ids]):
        grouped.setdefault(row["shipment_id"], []).append((row["order_line_id"], row["quantity"]))
    return grouped


def _shipment(
    shipment: Mapping[str, Any],
    order: Mapping[str, Any],
    shipment_lines: list[tuple[dict[str, Any], int]],
    warehouse: str,
    timezone: str,
    base_url: str,
) -> dict[str, Any]:
    number = shipment["shipment_number"]
    as_shipped = [{**line, "quantity": quantity} for line, quantity in shipment_lines]
    charges = {"voucher_amount": None, "shipping_amount": shipment["shipping_amount"], "handling_amount": 0}
    totals = order_totals(charges, as_shipped)
    items_tax = sum((line_tax(line) for line in as_shipped), Decimal("0.00"))
    shipping_tax = Decimal(totals["tax_included"]) - items_tax
    documents = base_url.rsplit("/", 1)[0]
    invoices = {"invoices": [f"{documents}/invoice?shipment={number}"]} if shipment["is_captured"] else {}
    return {
        **order_header(order, timezone, blank_account="0", shipment_number=number),
        "proforma": f"{documents}/proforma?shipment={number}",
        "deliveryNote": f"{documents}/delnote?shipment={number}",
        "defaultCarrier": text(shipment["carrier_name"]),
        "deliveryService": text(shipment["service_name"]),
        "shipmentDate": naive_local(shipment["created_at"], timezone),
        "trackingNumber": text(shipment["tracking_number"]),
        "trackingUrl": "",
        "returnSlipTracking": text(shipment["return_tracking_number"]),
        **invoices,
        "suspect": 0,
        "hold": int(order["is_on_hold"]),
        "paid": int(shipment["is_paid"]),
        "shouldCapture": int(not shipment["is_captured"]),
        "shippingValue": json_number(totals["shipping"]),
        "voucherValue": 0,
        "grandTotalValue": json_number(totals["grand_total"]),
        "grandTotalTaxValue": json_number(totals["tax_included"]),
        "taxAdded": 0,
        "taxDeducted": 0,
        "internalComment": text(order["internal_comment"]),
        "otherComment": text(order["other_comment"]),
        "taxBreakdown": tax_breakdown(as_shipped, shipping_tax),
        "products": [shipment_product(line, quantity, warehouse) for line, quantity in shipment_lines],
    }
