"""Order API `/orders` and `/returns` entries → the canonical columns of orders, lines, shipments and returns (`canonical` makes the record).

Reconciliation as in docs/centra-api-reference.md §B4: string ids to ints, `""` and the zero date to NULL, 0/1 flags to
booleans, amounts (numbers or numeric strings) to Decimal, naive times read in the instance's timezone.
What the Order API does not carry stays NULL (README "Order API fallback" lists every such column):
store and buyer ids, the conversion rate (but for orders with a return: its `baseCurrencyRate`), handling, `updated_at`, split person names, a line's product /
variant / size / brand ids and cancelled quantity, most shipment state, a return's status and line amounts.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pipelines.centra.families.orders.canonical import order_record as canonical_record
from pipelines.centra.mapping import flag, money, optional_int, optional_text, utc_timestamp
from pipelines.centra.order_api_client import ORDER_API

Row = dict[str, Any]

# `orderStatus` is the AMS numeric status as a string (docs/centra-api-reference.md §E.5 leaves its values open; these are
# the sandbox's codes, in AMS order). An unknown code is kept as it came, so it shows up downstream.
ORDER_STATUSES = {
    "1": "PENDING",
    "2": "CONFIRMED",
    "3": "PROCESSING",
    "4": "SHIPPED",
    "5": "ARCHIVED",
    "6": "CANCELLED",
}
STORE_TYPES = {"retail": "DIRECT_TO_CONSUMER", "wholesale": "WHOLESALE"}
_SHIPPING = {
    "company_name": "deliveryCompany", "address1": "deliveryAddress", "address2": "deliveryCoaddress",
    "city": "deliveryCity", "zip_code": "deliveryZipcode", "state_or_province": "deliveryState",
    "country_code": "deliveryCountry", "email": "deliveryEmail", "phone_number": "deliveryTele",
    "cell_phone_number": "deliveryCell",
}  # fmt: skip
_BILLING = {
    "company_name": "billingCompany", "address1": "billingAddress", "address2": "billingCoaddress",
    "city": "billingCity", "zip_code": "billingZipcode", "state_or_province": "billingState",
    "country_code": "billingCountry", "email": "billingEmail", "phone_number": "billingTele",
    "vat_number": "billingVAT",
}  # fmt: skip


def joined_sku(entry: Row) -> str | None:
    """The store SKU: the Order API splits it into `sku` + `variantSku` + `sizeSku` (docs/centra-api-reference.md §B4)."""
    return optional_text("".join(str(entry.get(part) or "") for part in ("sku", "variantSku", "sizeSku")))


def _address(prefix: str, order: Row, fields: dict[str, str]) -> Row:
    return {f"{prefix}_{part}": optional_text(order.get(name)) for part, name in fields.items()}


def _vouchers(order: Row) -> tuple[Decimal | None, str | None, str | None]:
    """Money off as a positive amount (the Order API writes it negative), and the first voucher."""
    discounts = order.get("discounts") or {}
    vouchers = discounts.get("vouchers") or []
    value = money(order.get("voucherValue"))
    amount = -value if value is not None and (vouchers or value) else None
    first = vouchers[0] if vouchers else {}
    return amount, optional_text(first.get("voucher")), optional_text(first.get("name"))


def order_row(order: Row, timezone: str) -> Row:
    voucher_amount, voucher_code, voucher_name = _vouchers(order)
    status = str(order.get("orderStatus") or "")
    return {
        "order_number": int(order["orderId"]),
        "order_id": optional_text(order.get("selectionId")),
        "store_type": STORE_TYPES.get(str(order.get("orderStore")), optional_text(order.get("orderStore"))),
        "market_id": optional_int(order.get("marketId")),
        "pricelist_id": optional_int(order.get("pricelistId")),
        "customer_id": optional_int(order.get("customerId")),
        "account_id": optional_int(order.get("accountId")) or None,  # "0" and "" mean no account
        "purchase_order_number": optional_text(order.get("poNumber")),
        "status": ORDER_STATUSES.get(status, status or None),
        "is_on_hold": flag(order.get("hold")),
        "is_waiting_for_payment": flag(order.get("waitingForPayment")),
        "currency_code": optional_text(order.get("orderCurrency")),
        "grand_total_amount": money(order.get("grandTotalValue")),
        "items_amount": money(order.get("totalItemsPrice")),
        "shipping_amount": money(order.get("shippingValue")),
        "tax_included_amount": money(order.get("grandTotalTaxValue")),
        "tax_added_amount": money(order.get("taxAdded")),
        "tax_deducted_amount": money(order.get("taxDeducted")),
        "voucher_amount": voucher_amount,
        "voucher_code": voucher_code,
        "voucher_name": voucher_name,
        "payment_method": optional_text(order.get("paymentMethod")),
        "payment_plugin": optional_text(order.get("paymentPlugin")),
        "created_at": utc_timestamp(order.get("orderDate"), timezone),
        **_address("shipping", order, _SHIPPING),
        **_address("billing", order, _BILLING),
    }


def line_rows(order: Row, currency_code: str | None) -> list[Row]:
    """`products[]`: fully cancelled lines are not listed by the Order API, so they have no row."""
    number = int(order["orderId"])
    return [
        {
            "order_line_id": int(line["lineId"]),
            "order_number": number,
            "sku": joined_sku(line),
            "ean": optional_text(line.get("ean")),
            "product_name": optional_text(line.get("name")),
            "variant_name": optional_text(line.get("variant")),
            "size_name": optional_text(line.get("size")),
            "quantity": optional_int(line.get("qty")),
            "unit_price_amount": money(line.get("price")),
            "unit_original_price_amount": money(line.get("originalPrice")),
            "line_amount": money(line.get("totalPrice")),
            "discount_percent": money(line.get("priceDiscountAsPercent")),
            "tax_percent": money(line.get("taxPercent")),
            "currency_code": currency_code,
            "comment": optional_text(line.get("comment")),
        }
        for line in order.get("products") or []
    ]


def shipment_rows(order: Row, timezone: str) -> list[Row]:
    """The `/orders` shipment summaries; `is_shipped` is read from a real `shippedDate` [I]."""
    number = int(order["orderId"])
    rows: list[Row] = []
    for shipment in order.get("shipments") or []:
        shipped_at = utc_timestamp(shipment.get("shippedDate"), timezone)
        rows.append(
            {
                "shipment_number": str(shipment["shipmentId"]),
                "order_number": number,
                "is_shipped": shipped_at is not None,
                "shipped_at": shipped_at,
                "tracking_number": optional_text(shipment.get("trackingId")),
                "carrier_name": optional_text(shipment.get("carrier")),
                "service_name": optional_text(shipment.get("service")),
                "lines": [],  # the Order API has no shipment line ids: orders__shipments__lines gets no rows
            }
        )
    return rows


def return_row(entry: Row, timezone: str) -> Row:
    """One `/returns` entry; a missing `completed` key means not completed (docs/centra-api-reference.md §B3)."""
    return_id = int(entry["returnId"])
    number = int(entry["orderId"])
    currency = optional_text(entry.get("currency"))
    return {
        "return_id": return_id,
        "order_number": number,
        "shipment_number": optional_text(entry.get("shipment")),
        "is_completed": bool(entry.get("completed", False)),
        "created_at": utc_timestamp(entry.get("date"), timezone),
        "return_to_stock": flag(entry.get("returnToStock")),
        "currency_code": currency,
        "comment": optional_text(entry.get("comment")),
        "lines": [
            {
                "return_line_id": int(line["returnLineId"]),
                "return_id": return_id,
                "order_number": number,
                "order_line_id": optional_int(line.get("orderLineId")),
                "quantity": optional_int(line.get("quantity")),
                "currency_code": currency,
            }
            for line in entry.get("products") or []
        ],
    }


def order_record(
    order: Row, returns: list[Row], timezone: str, conversion_rate: Decimal | None = None
) -> Row:
    """One order with lines, shipments and its returns (already mapped by `return_row`) nested;
    `conversion_rate` is the order's rate where a return of it gave one (`/orders` has none)."""
    row = order_row(order, timezone) | {"conversion_rate": conversion_rate}
    return canonical_record(
        ORDER_API,
        row,
        line_rows(order, row["currency_code"]),
        shipment_rows(order, timezone),
        sorted(returns, key=lambda entry: entry["return_id"]),
    )
