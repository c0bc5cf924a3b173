"""`GET orders`: the plugin's visible orders, oldest first, with limit/offset paging (reference B3).

Parameters: `limit` (default 20, no maximum), `offset`, `order` (one number), `customer_id`, `newer_than`
and `older_than` on the order date. Choices where Centra's behaviour is unknown:
- Sort: **ascending order number** (Centra does not say; oldest first matches `/shipments`).
- `newer_than` is exclusive (`>`), `older_than` exclusive (`<`), both on the order date in instance time.
- `order=<n>` for an order that does not exist or that the plugin hides answers HTTP 200
  `{"status":"no","msg":"Order not found","order":<n>}`; other filters that match nothing give `[]`.
- Money: all amounts are JSON numbers in the order currency, computed by `sandbox.money` so they equal the
  GraphQL side. `voucherValue` is the voucher's money off as a **negative** number (like `priceOffAsANumber`),
  so `grandTotalValue = totalItemsPrice + shippingValue + voucherValue + handling`; handling has no field of
  its own. `grandTotalTaxValue` is the tax included in items and shipping and `taxBreakdown` splits it per
  rate (shipping tax at 25 %); `taxAdded`/`taxDeducted` are 0 (prices include tax). `totalItemsPriceTax` is
  negative (items without tax − items with tax), as in Centra's example. There is no conversion rate field
  in `/orders`; `/returns` carries `baseCurrencyRate`.
- `discounts.discount`/`discountAsNumber` are the voucher's money off (negative); `automaticDiscounts` is
  always `[]`. `paymentReference` is a stable UUID-like string, null for `paymentType` "free".
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from sandbox.money import formatted, json_number, line_tax, order_totals
from sandbox.order_api.conditions import Conditions, add_order_visibility
from sandbox.order_api.envelope import ApplicationError, OrderApiRequest
from sandbox.order_api.lines import (
    is_listed,
    lines_by_order,
    order_product,
    plugin_warehouse_name,
    tax_breakdown,
    text,
)
from sandbox.order_api.order_header import ORDER_STATUS_CODES, ORDERS_SQL, order_header
from sandbox.order_api.paging import offset_window
from sandbox.store import Store
from sandbox.timefmt import naive_local


def list_orders(call: OrderApiRequest) -> dict[str, Any]:
    params = call.params
    window = offset_window(params)
    number = params.integer("order")
    conditions = Conditions()
    add_order_visibility(conditions, call.state.settings.order_api)
    conditions.add_if(number, "o.order_number = ?")
    conditions.add_if(params.integer("customer_id"), "o.customer_id = ?")
    conditions.after("o.created_at", params.local_time("newer_than"))
    conditions.before("o.created_at", params.local_time("older_than"))
    store = call.state.store
    orders = store.rows(ORDERS_SQL.format(where=conditions.where(), window=window.sql()), conditions.params)
    if number is not None and not orders:
        raise ApplicationError("Order not found", order=number)
    return {"orders": render_orders(store, orders, call.state.settings.timezone)}


def render_orders(store: Store, orders: Sequence[Mapping[str, Any]], timezone: str) -> list[dict[str, Any]]:
    numbers = [order["order_number"] for order in orders]
    lines = lines_by_order(store, numbers)
    shipments = _shipments_by_order(store, numbers)
    warehouse = plugin_warehouse_name(store)
    return [
        _order(
            order,
            lines.get(order["order_number"], []),
            shipments.get(order["order_number"], []),
            warehouse,
            timezone,
        )
        for order in orders
    ]


def _shipments_by_order(store: Store, numbers: list[int]) -> dict[int, list[dict[str, Any]]]:
    grouped: dict[int, list[dict[str, Any]]] = {}
    sql = "SELECT * FROM shipments WHERE order_number IN (SELECT unnest(?::INTEGER[])) ORDER BY shipment_id"
    for shipment in store.rows(sql, [numbers]):
        grouped.setdefault(shipment["order_number"], []).append(shipment)
    return grouped


def _order(
    order: Mapping[str, Any],
    lines: list[dict[str, Any]],
    shipments: list[dict[str, Any]],
    warehouse: str,
    timezone: str,
) -> dict[str, Any]:
    listed = [line for line in lines if is_listed(line)]
    totals = order_totals(order, listed)
    items = Decimal(totals["items"])
    items_tax = sum((line_tax(line) for line in listed), Decimal("0.00"))
    return {
        "orderId": str(order["order_number"]),
        "orderStatus": ORDER_STATUS_CODES.get(order["status"], "0"),
        **order_header(order, timezone),
        "suspect": 0,
        "internalOrder": int(order["is_internal"]),
        "hold": int(order["is_on_hold"]),
        "waitingForPayment": int(order["is_waiting_for_payment"]),
        "shippingValue": json_number(totals["shipping"]),
        "voucherValue": json_number(-Decimal(totals["voucher"])),
        "grandTotalValue": json_number(totals["grand_total"]),
        "grandTotalTaxValue": json_number(totals["tax_included"]),
        "taxAdded": 0,
        "taxDeducted": 0,
        "internalComment": text(order["internal_comment"]),
        "otherComment": text(order["other_comment"]),
        "marketId": order["market_id"],
        "pricelistId": order["pricelist_id"],
        "ipAddress": "",
        **_payment(order),
        "defaultCarrier": "",
        "shipments": [_shipment_summary(shipment, timezone) for shipment in shipments],
        "totalItemsPrice": json_number(items),
        "totalItemsWithoutTax": json_number(items - items_tax),
        "totalItemsPriceTax": json_number(-items_tax),
        "totalItemsDiscount": json_number(totals["line_discounts"]),
        "taxBreakdown": tax_breakdown(listed, Decimal(totals["tax_included"]) - items_tax),
        "products": [order_product(line, warehouse) for line in listed],
        "discounts": _discounts(order, Decimal(totals["line_discounts"])),
    }


def _payment(order: Mapping[str, Any]) -> dict[str, Any]:
    digest = hashlib.md5(f"payment:{order['order_id']}".encode()).hexdigest()
    reference = f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:]}"
    plugin = order["payment_plugin"]
    return {
        "paymentPlugin": plugin,
        "paymentType": order["payment_type"],
        "paymentDescription": plugin.replace("_", " ").capitalize(),
        "paymentReference": None if order["payment_type"] == "free" else reference,
        "paymentMethod": order["payment_method_uri"],
    }


def _shipment_summary(shipment: Mapping[str, Any], timezone: str) -> dict[str, Any]:
    return {
        "shipmentId": shipment["shipment_number"],
        "shippedDate": naive_local(shipment["shipped_at"], timezone),
        "carrier": text(shipment["carrier_name"]),
        "service": text(shipment["service_name"]),
        "trackingId": text(shipment["tracking_number"]),
        "trackingUrl": "",
        "returnSlipTracking": text(shipment["return_tracking_number"]),
    }


def _discounts(order: Mapping[str, Any], line_discounts: Decimal) -> dict[str, Any]:
    currency = order["currency_code"]
    voucher = Decimal(order["voucher_amount"] or 0)
    vouchers = []
    if order["voucher_code"] is not None and voucher:
        price_off = formatted(-voucher, currency)
        vouchers.append(
            {
                "voucher": order["voucher_code"],
                "name": text(order["voucher_name"]),
                "priceOff": price_off,
                "priceOffAsANumber": float(-voucher),
                "description": "",
                "isCredit": False,
                "originalPriceOff": price_off,
                "originalPriceOffAsNumber": float(-voucher),
            }
        )
    return {
        "anyDiscount": bool(voucher) or line_discounts > 0,
        "discount": formatted(-voucher, currency),
        "discountAsNumber": json_number(-voucher),
        "vouchers": vouchers,
        "automaticDiscounts": [],
    }
