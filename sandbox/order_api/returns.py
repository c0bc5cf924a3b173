"""`GET returns`: returns of visible orders, newest first, with limit + page paging (reference B3).

Parameters: `limit` (default 20 [?]), `page` (1-based), `return` (id), `shipment` (number "N-1"), `order`,
`selection` (the order's 32-hex selection id), `customer_id`, `newer_than` (inclusive) and `older_than`
(exclusive) on the return's creation time, as documented.

Types as documented: `returnId`, `shipmentId`, `orderId`, `customerId` and line ids are **ints** here
(strings in `/orders`); `customerId` is null for wholesale orders [?].

Choices where Centra's behaviour is unknown:
- The `completed` key is **missing** on pending returns with an odd id, and `false` on pending returns
  with an even id (Centra's example has one of each kind; a client must read a missing key as "not
  completed").
- Sort: creation time descending, then return id descending.
- `size` is null when the product's size chart has a single size ("One Size" products; Centra's example
  has a null size); `comment` is null when the return has none.
- `currency` is the order currency, `baseCurrency` the instance's base currency, `baseCurrencyRate` the
  order's conversion rate (the same number GraphQL gives as `conversionRate`).
- `products[].price` is the order line's unit price ("unit price as seen on shipment"); `taxValue` is the
  tax included in the refunded line amounts; `handlingCost`, `voucherValue` and `taxDeduction` are 0;
  `createdFrom` is always "Order API".
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sandbox.money import cents, json_number
from sandbox.order_api.conditions import Conditions, add_order_visibility
from sandbox.order_api.envelope import OrderApiRequest
from sandbox.order_api.lines import sku_parts, text
from sandbox.order_api.paging import page_window
from sandbox.store import Store
from sandbox.timefmt import naive_local

RETURNS_SQL = """
SELECT r.*, o.order_id AS selection_id, o.customer_id, o.market_id, o.pricelist_id, o.currency_code,
       o.conversion_rate, s.shipment_number
FROM returns r
JOIN orders o ON o.order_number = r.order_number
LEFT JOIN shipments s ON s.shipment_id = r.shipment_id
{where}
ORDER BY r.created_at DESC, r.return_id DESC
{window}
"""

RETURN_LINES_SQL = """
SELECT rl.*, l.product_id, l.variant_id, l.product_name, l.variant_name, l.size_name, l.sku, l.ean,
       l.unit_price, l.tax_percent, p.product_number, v.variant_number, ps.size_number, ps.upc,
       b.name AS brand_name,
       (SELECT count(*) FROM sizes z WHERE z.size_chart_id = p.size_chart_id) AS sizes_in_chart
FROM return_lines rl
JOIN order_lines l ON l.order_line_id = rl.order_line_id
LEFT JOIN products p ON p.product_id = l.product_id
LEFT JOIN variants v ON v.variant_id = l.variant_id
LEFT JOIN product_sizes ps ON ps.product_size_id = l.product_size_id
LEFT JOIN brands b ON b.brand_id = l.brand_id
WHERE rl.return_id IN (SELECT unnest(?::INTEGER[]))
ORDER BY rl.return_line_id
"""


def list_returns(call: OrderApiRequest) -> dict[str, Any]:
    params = call.params
    window, _ = page_window(params)
    conditions = Conditions()
    add_order_visibility(conditions, call.state.settings.order_api)
    conditions.add_if(params.integer("return"), "r.return_id = ?")
    conditions.add_if(params.text("shipment"), "s.shipment_number = ?")
    conditions.add_if(params.integer("order"), "r.order_number = ?")
    conditions.add_if(params.text("selection"), "o.order_id = ?")
    conditions.add_if(params.integer("customer_id"), "o.customer_id = ?")
    conditions.after("r.created_at", params.local_time("newer_than"), inclusive=True)
    conditions.before("r.created_at", params.local_time("older_than"))
    store = call.state.store
    returns = store.rows(RETURNS_SQL.format(where=conditions.where(), window=window.sql()), conditions.params)
    return {"returns": _render(store, returns, call.state.settings.timezone)}


def _render(store: Store, returns: list[dict[str, Any]], timezone: str) -> list[dict[str, Any]]:
    lines: dict[int, list[dict[str, Any]]] = {}
    for line in store.rows(RETURN_LINES_SQL, [[entry["return_id"] for entry in returns]]):
        lines.setdefault(line["return_id"], []).append(line)
    base_currency = store.scalar("SELECT code FROM currencies WHERE is_base ORDER BY currency_id LIMIT 1")
    return [_return(entry, lines.get(entry["return_id"], []), base_currency, timezone) for entry in returns]


def _return(
    entry: Mapping[str, Any], lines: list[dict[str, Any]], base_currency: str | None, timezone: str
) -> dict[str, Any]:
    return_id = entry["return_id"]
    hides_completed = not entry["is_completed"] and return_id % 2 == 1
    completed = {} if hides_completed else {"completed": bool(entry["is_completed"])}
    tax = sum((_included_tax(line) for line in lines), Decimal("0.00"))
    return {
        "returnId": return_id,
        **completed,
        "shipment": entry["shipment_number"],
        "shipmentId": entry["shipment_id"],
        "orderId": entry["order_number"],
        "selectionId": entry["selection_id"],
        "customerId": entry["customer_id"],
        "date": naive_local(entry["created_at"], timezone),
        "marketId": entry["market_id"],
        "pricelistId": entry["pricelist_id"],
        "returnCost": json_number(entry["return_cost"]),
        "shippingCost": json_number(entry["shipping_refund"]),
        "handlingCost": 0,
        "voucherValue": 0,
        "taxValue": json_number(tax),
        "taxDeduction": 0,
        "currency": entry["currency_code"],
        "baseCurrency": base_currency,
        "baseCurrencyRate": json_number(entry["conversion_rate"]),
        "returnToStock": bool(entry["return_to_stock"]),
        "comment": entry["comment"],
        "createdFrom": "Order API",
        "products": [_return_line(line) for line in lines],
    }


def _included_tax(line: Mapping[str, Any]) -> Decimal:
    rate = Decimal(line["tax_percent"])
    return cents(Decimal(line["amount"]) * rate / (Decimal(100) + rate))


def _return_line(line: Mapping[str, Any]) -> dict[str, Any]:
    sku, variant_sku, size_sku = sku_parts(
        line["sku"], line["product_number"], line["variant_number"], line["size_number"]
    )
    return {
        "returnLineId": line["return_line_id"],
        "shipmentLineId": line["shipment_line_id"],
        "orderLineId": line["order_line_id"],
        "productId": line["product_id"],
        "variantId": line["variant_id"],
        "productName": line["product_name"],
        "productBrand": text(line["brand_name"]),
        "variantName": line["variant_name"],
        "size": None if line["sizes_in_chart"] == 1 else line["size_name"],
        "sku": sku,
        "variantSku": variant_sku,
        "sizeSku": size_sku,
        "ean": text(line["ean"]),
        "upc": text(line["upc"]),
        "quantity": line["quantity"],
        "price": json_number(line["unit_price"]),
    }
