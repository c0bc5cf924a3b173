"""GraphQL order nodes → the canonical columns of orders, lines, shipments and returns (`canonical` makes
the record)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pipelines.centra.families.orders.canonical import order_record as canonical_record
from pipelines.centra.mapping import money, optional_int, optional_text, utc_timestamp
from pipelines.centra.tables import ADDRESS_PARTS

Row = dict[str, Any]
GRAPHQL = "graphql"
_ADDRESS_FIELDS = {
    "first_name": "firstName", "last_name": "lastName", "company_name": "companyName", "address1": "address1",
    "address2": "address2", "city": "city", "zip_code": "zipCode", "state_or_province": "stateOrProvince",
    "email": "email", "phone_number": "phoneNumber", "cell_phone_number": "cellPhoneNumber",
    "vat_number": "vatNumber",
}  # fmt: skip


def _id(value: Any) -> int | None:
    return None if value is None else optional_int(value.get("id"))


def _amount(value: Any) -> Decimal | None:
    return None if value is None else money(value.get("value"))


def _address(prefix: str, address: Any) -> Row:
    address = address or {}
    row: Row = {f"{prefix}_{part}": optional_text(address.get(_ADDRESS_FIELDS[part]))
                for part in ADDRESS_PARTS if part != "country_code"}  # fmt: skip
    row[f"{prefix}_country_code"] = optional_text((address.get("country") or {}).get("code"))
    return row


def _voucher(discounts: list[Any]) -> tuple[Decimal | None, str | None, str | None]:
    """The order's vouchers: summed amount, and the code and name of the first one."""
    amounts = [money((d.get("value") or {}).get("value")) for d in discounts]
    total = sum((a for a in amounts if a is not None), Decimal(0)) if discounts else None
    first = next((d.get("voucher") for d in discounts if d.get("voucher")), None) or {}
    return total, optional_text(first.get("code")), optional_text(first.get("name"))


def order_row(node: Row, timezone: str) -> Row:
    totals = node.get("totals") or {}
    grand_total = node.get("grandTotal") or {}
    voucher_amount, voucher_code, voucher_name = _voucher(node.get("discountsApplied") or [])
    lines = node.get("lines") or []
    items = sum(
        (money((line.get("lineValue") or {}).get("value")) or Decimal(0) for line in lines), Decimal(0)
    )
    store = node.get("store") or {}
    return {
        "order_number": int(node["number"]),
        "order_id": node["id"],
        "store_id": _id(store),
        "store_type": store.get("type"),
        "market_id": _id(node.get("market")),
        "pricelist_id": _id(node.get("pricelist")),
        "customer_id": _id(node.get("customer")),
        "account_id": _id(node.get("account")),
        "buyer_id": _id(node.get("buyer")),
        "purchase_order_number": optional_text(node.get("purchaseOrderNumber")),
        "status": node["status"],
        "is_on_hold": node.get("isOnHold"),
        "is_waiting_for_payment": node.get("isWaitingForPayment"),
        "currency_code": (grand_total.get("currency") or {}).get("code"),
        "conversion_rate": money(grand_total.get("conversionRate")),
        "grand_total_amount": money(grand_total.get("value")),
        "items_amount": items,
        "shipping_amount": _amount(totals.get("shipping")),
        "handling_amount": _amount(totals.get("handling")),
        "tax_included_amount": _amount(totals.get("taxIncluded")),
        "tax_added_amount": _amount(totals.get("taxAdded")),
        "tax_deducted_amount": _amount(totals.get("taxDeducted")),
        "voucher_amount": voucher_amount,
        "voucher_code": voucher_code,
        "voucher_name": voucher_name,
        "payment_method": optional_text((node.get("paymentMethod") or {}).get("uri")),
        "payment_plugin": optional_text((node.get("paymentMethod") or {}).get("plugin")),
        "created_at": utc_timestamp(node.get("createdAt"), timezone),
        "updated_at": utc_timestamp(node.get("updatedAt"), timezone),
        **_address("shipping", node.get("shippingAddress")),
        **_address("billing", node.get("billingAddress")),
    }


def line_rows(node: Row, currency_code: str | None) -> list[Row]:
    number = int(node["number"])
    rows = []
    for line in node.get("lines") or []:
        size = line.get("productSize") or {}
        rows.append(
            {
                "order_line_id": int(line["id"]),
                "order_number": number,
                "product_id": _id(line.get("product")),
                "variant_id": _id(line.get("productVariant")),
                "size_id": _id(size),
                "brand_id": _id(line.get("brand")),
                "sku": optional_text(size.get("SKU")),
                "ean": optional_text(size.get("EAN")),
                "product_name": line.get("productName"),
                "variant_name": line.get("productVariantName"),
                "size_name": line.get("size"),
                "quantity": line.get("quantity"),
                "cancelled_quantity": line.get("cancelledQuantity"),
                "unit_price_amount": _amount(line.get("unitPrice")),
                "unit_original_price_amount": _amount(line.get("unitOriginalPrice")),
                "line_amount": _amount(line.get("lineValue")),
                "discount_percent": money(line.get("discountPercent")),
                "tax_percent": money(line.get("taxPercent")),
                "currency_code": currency_code,
                "comment": optional_text(line.get("comment")),
            }
        )
    return rows


def shipment_rows(node: Row, timezone: str) -> list[Row]:
    number = int(node["number"])
    shipments = []
    for shipment in node.get("shipments") or []:
        carrier = shipment.get("carrierInformation") or {}
        shipments.append(
            {
                "shipment_number": shipment["number"],
                "shipment_id": optional_int(shipment.get("id")),
                "order_number": number,
                "is_good_to_go": shipment.get("isGoodToGo"),
                "is_shipped": shipment.get("isShipped"),
                "is_paid": shipment.get("isPaid"),
                "is_captured": shipment.get("isCaptured"),
                "created_at": utc_timestamp(shipment.get("createdAt"), timezone),
                "updated_at": utc_timestamp(shipment.get("updatedAt"), timezone),
                "shipped_at": utc_timestamp(shipment.get("shippedAt"), timezone),
                "paid_at": utc_timestamp(shipment.get("paidAt"), timezone),
                "captured_at": utc_timestamp(shipment.get("capturedAt"), timezone),
                "tracking_number": optional_text(shipment.get("trackingNumber")),
                "carrier_name": optional_text(carrier.get("carrierName")),
                "service_name": optional_text(carrier.get("serviceName")),
                "number_of_packages": shipment.get("numberOfPackages"),
                "lines": [
                    {
                        "shipment_line_id": int(line["id"]),
                        "shipment_number": shipment["number"],
                        "order_number": number,
                        "order_line_id": _id(line.get("orderLine")),
                        "quantity": line.get("quantity"),
                    }
                    for line in shipment.get("lines") or []
                ],
            }
        )
    return shipments


def return_rows(node: Row, timezone: str, currency_code: str | None) -> list[Row]:
    number = int(node["number"])
    returns = []
    for returned in node.get("returns") or []:
        status = returned.get("status")
        returns.append(
            {
                "return_id": int(returned["id"]),
                "order_number": number,
                "shipment_number": (returned.get("shipment") or {}).get("number"),
                "status": status,
                "is_completed": status == "COMPLETED",
                "created_at": utc_timestamp(returned.get("createdAt"), timezone),
                "updated_at": utc_timestamp(returned.get("updatedAt"), timezone),
                "completed_at": utc_timestamp(returned.get("completedAt"), timezone),
                "return_to_stock": returned.get("returnedToStock"),
                "currency_code": currency_code,
                "comment": optional_text(returned.get("comment")),
                "lines": [
                    {
                        "return_line_id": int(line["id"]),
                        "return_id": int(returned["id"]),
                        "order_number": number,
                        "order_line_id": _id(line.get("orderLine")),
                        "quantity": line.get("quantity"),
                        "amount": _amount(line.get("lineValue")),
                        "currency_code": currency_code,
                    }
                    for line in returned.get("lines") or []
                ],
            }
        )
    return returns


def order_record(node: Row, timezone: str) -> Row:
    """One order with its lines, shipments (with lines) and returns (with lines) nested, canonical names."""
    order = order_row(node, timezone)
    currency = order["currency_code"]
    return canonical_record(
        GRAPHQL,
        order,
        line_rows(node, currency),
        shipment_rows(node, timezone),
        return_rows(node, timezone, currency),
    )
