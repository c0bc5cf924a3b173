"""Order-level fields that `/orders` and `/shipments` share: ids, dates, store, customer and the flat
`delivery*`/`billing*` address.

Choices where Centra's behaviour is unknown:
- `orderStatus` is the AMS numeric status as a **string**: "1" Pending, "2" Confirmed, "3" Processing,
  "4" Completed (GraphQL SHIPPED), "5" Archived, "6" Cancelled (reference A4 "Order status enum"; Centra
  documents the field as a string but never shows a value, §E.5).
- `orderDate` is the order's `created_at` (the store keeps no separate order date). `cancelDate` is the
  order's last update when it is cancelled, else the zero date; `preferredDeliveryDate` and
  `estimatedDeliveryDate` are always the zero date `0000-00-00 00:00:00`.
- `customerId` is the customer id as a string, `""` for wholesale orders. `accountId` is `""` without an
  account in `/orders` and `"0"` in `/shipments` (as in each endpoint's documented example).
- Missing texts are `""` except where Centra documents null (`paymentReference`, `paymentMethod`).
- `deliveryName`/`billingName` join first and last name with a space; `deliveryTele` is the phone number,
  `deliveryCell` the cell phone; `billingTele` the billing phone.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sandbox.order_api.lines import text
from sandbox.timefmt import naive_local

ORDER_STATUS_CODES = {
    "PENDING": "1",
    "CONFIRMED": "2",
    "PROCESSING": "3",
    "SHIPPED": "4",
    "ARCHIVED": "5",
    "CANCELLED": "6",
}

ORDERS_SQL = """
SELECT o.*, st.type AS store_type
FROM orders o LEFT JOIN stores st ON st.store_id = o.store_id
{where}
ORDER BY o.order_number
{window}
"""

ZERO_DATE = "0000-00-00 00:00:00"


def full_name(first: str | None, last: str | None) -> str:
    return " ".join(part for part in (first, last) if part)


def order_store(store_type: str | None) -> str:
    return "wholesale" if store_type == "WHOLESALE" else "retail"


def order_header(
    order: Mapping[str, Any], timezone: str, blank_account: str = "", shipment_number: str | None = None
) -> dict[str, Any]:
    """The shared fields in Centra's order; `/shipments` puts its `shipmentId` after `orderCurrency`."""
    cancelled = order["status"] == "CANCELLED"
    shipment_id = {} if shipment_number is None else {"shipmentId": shipment_number}
    return {
        "orderId": str(order["order_number"]),
        "selectionId": order["order_id"],
        "orderDate": naive_local(order["created_at"], timezone),
        "cancelDate": naive_local(order["updated_at"], timezone) if cancelled else ZERO_DATE,
        "preferredDeliveryDate": ZERO_DATE,
        "estimatedDeliveryDate": ZERO_DATE,
        "orderStore": order_store(order["store_type"]),
        "orderCurrency": order["currency_code"],
        **shipment_id,
        "customerId": text(order["customer_id"]),
        "accountId": blank_account if order["account_id"] is None else str(order["account_id"]),
        **delivery_address(order),
        **billing_address(order),
        "poNumber": text(order["purchase_order_number"]),
        "shippingList": "standard",
    }


def delivery_address(order: Mapping[str, Any]) -> dict[str, str]:
    return {
        "deliveryName": full_name(order["shipping_first_name"], order["shipping_last_name"]),
        "deliveryCompany": text(order["shipping_company_name"]),
        "deliveryEmail": text(order["shipping_email"]),
        "deliveryCell": text(order["shipping_cell_phone_number"]),
        "deliveryTele": text(order["shipping_phone_number"]),
        "deliveryAddress": text(order["shipping_address1"]),
        "deliveryCoaddress": text(order["shipping_address2"]),
        "deliveryZipcode": text(order["shipping_zip_code"]),
        "deliveryCity": text(order["shipping_city"]),
        "deliveryState": text(order["shipping_state_or_province"]),
        "deliveryCountry": text(order["shipping_country_code"]),
    }


def billing_address(order: Mapping[str, Any]) -> dict[str, str]:
    return {
        "billingName": full_name(order["billing_first_name"], order["billing_last_name"]),
        "billingCompany": text(order["billing_company_name"]),
        "billingEmail": text(order["billing_email"]),
        "billingTele": text(order["billing_phone_number"]),
        "billingAddress": text(order["billing_address1"]),
        "billingCoaddress": text(order["billing_address2"]),
        "billingZipcode": text(order["billing_zip_code"]),
        "billingCity": text(order["billing_city"]),
        "billingState": text(order["billing_state_or_province"]),
        "billingCountry": text(order["billing_country_code"]),
        "billingVAT": text(order["billing_vat_number"]),
    }
