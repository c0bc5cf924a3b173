"""Order lines as the Order API writes them: `products[]` of `/orders` and `/shipments`.

Choices where Centra's behaviour is unknown:
- SKU: the store keeps the concatenated SKU (= GraphQL `productSize.SKU`). The Order API splits it into
  `sku` (product number), `variantSku` (variant number) and `sizeSku` (size number) so that their
  concatenation is the store's SKU (reference B4). When the parts do not add up to the stored SKU, the
  whole SKU goes in `sku` and the others are `""` (as in Centra's own examples); a size without a SKU
  gives `""` in all three.
- Fully cancelled lines (quantity 0) are **left out** of `products[]`, like GraphQL's default
  `includeFullyCancelled: false`; the Order API has no switch to show them [?]. Totals do not change, since
  such a line is worth 0.
- `taxValue` is the unit tax (Centra: "approximated unit tax value"), `totalTaxValue` the line's tax as
  `money.line_tax` computes it, `priceDiscount` the unit discount (original − price), `priceEachReduction`
  always 0 (its meaning is [?]).
- `warehouses[]` names the first warehouse in the plugin (the sandbox keeps no allocations); `itemQty` is an
  int in `/orders` and a **string** in `/shipments`, as documented.
- Bundles are not imitated: every line has `isBundle: false` and no `isPartOfBundle`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from sandbox.money import cents, json_number, line_tax, line_value
from sandbox.store import Store

LINES_SQL = """
SELECT l.*, p.product_number, v.variant_number, ps.size_number, ps.upc, b.name AS brand_name,
       p.weight_kg, p.harmonized_commodity_code
FROM order_lines l
LEFT JOIN products p ON p.product_id = l.product_id
LEFT JOIN variants v ON v.variant_id = l.variant_id
LEFT JOIN product_sizes ps ON ps.product_size_id = l.product_size_id
LEFT JOIN brands b ON b.brand_id = l.brand_id
WHERE l.order_number IN (SELECT unnest(?::INTEGER[]))
ORDER BY l.order_number, l.order_line_id
"""


def text(value: Any) -> str:
    """Centra's Order API writes a missing text as `""`."""
    return "" if value is None else str(value)


def sku_parts(
    sku: str | None, product_number: str | None, variant_number: str | None, size_number: str | None
) -> tuple[str, str, str]:
    """`(sku, variantSku, sizeSku)` whose concatenation is the stored SKU."""
    if sku is None:
        return "", "", ""
    size = size_number or ""
    if product_number and variant_number is not None and product_number + variant_number + size == sku:
        return product_number, variant_number, size
    return sku, "", ""


def lines_by_order(store: Store, order_numbers: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
    """Every line (cancelled ones too) of the given orders, keyed by order number."""
    grouped: dict[int, list[dict[str, Any]]] = {}
    for line in store.rows(LINES_SQL, [list(order_numbers)]):
        grouped.setdefault(line["order_number"], []).append(line)
    return grouped


def plugin_warehouse_name(store: Store) -> str:
    name = store.scalar(
        "SELECT name FROM warehouses ORDER BY in_order_api_plugin DESC, warehouse_id LIMIT 1",
    )
    return name or "Default"


def is_listed(line: Mapping[str, Any]) -> bool:
    """Whether the Order API shows the line: fully cancelled lines are left out."""
    return int(line["quantity"]) > 0


def _identity(line: Mapping[str, Any]) -> dict[str, Any]:
    sku, variant_sku, size_sku = sku_parts(
        line["sku"], line["product_number"], line["variant_number"], line["size_number"]
    )
    return {
        "lineId": str(line["order_line_id"]),
        "sku": sku,
        "variantSku": variant_sku,
        "sizeSku": size_sku,
        "ean": text(line["ean"]),
    }


def _physical(line: Mapping[str, Any]) -> dict[str, Any]:
    weight = line["weight_kg"]
    return {
        "weight": json_number(weight) if weight is not None else 0,
        "weightUnit": "kg",
        "countryOfOrigin": "",
        "harmCode": text(line["harmonized_commodity_code"]),
        "comment": text(line["comment"]),
    }


def order_product(line: Mapping[str, Any], warehouse_name: str) -> dict[str, Any]:
    """One `/orders` `products[]` entry with every documented price field."""
    quantity = int(line["quantity"])
    price = Decimal(line["unit_price"])
    original = Decimal(line["unit_original_price"])
    rate = Decimal(line["tax_percent"])
    value = line_value(line)
    tax = line_tax(line)
    unit_tax = cents(tax / quantity) if quantity else Decimal("0.00")
    discount = original - price
    return {
        **_identity(line),
        "upc": text(line["upc"]),
        "name": line["product_name"],
        "variant": line["variant_name"],
        "brand": text(line["brand_name"]),
        "size": line["size_name"],
        "qty": quantity,
        "originalPrice": json_number(original),
        "price": json_number(price),
        **_physical(line),
        "otherComment": "",
        "taxPercent": json_number(rate),
        "priceDiscount": json_number(discount),
        "priceDiscountAsPercent": json_number(Decimal(line["discount_percent"])),
        "taxValue": json_number(unit_tax),
        "totalTaxValue": json_number(tax),
        "totalPrice": json_number(value),
        "totalPriceWithoutTax": json_number(value - tax),
        "totalPriceWithTax": json_number(value),
        "anyDiscount": discount > 0,
        "priceEachWithoutTax": json_number(cents(price * 100 / (100 + rate))),
        "priceEachReduction": 0,
        "warehouses": [{"name": warehouse_name, "itemQty": quantity}],
        "isBundle": False,
        "localizedSize": {"localizedSize": line["size_name"], "localizationDefinitionName": ""},
    }


def shipment_product(line: Mapping[str, Any], quantity: int, warehouse_name: str) -> dict[str, Any]:
    """One `/shipments` `products[]` entry: the shipped quantity, the documented (shorter) field set."""
    return {
        **_identity(line),
        "name": line["product_name"],
        "variant": line["variant_name"],
        "size": line["size_name"],
        "qty": quantity,
        "originalPrice": json_number(Decimal(line["unit_original_price"])),
        "price": json_number(Decimal(line["unit_price"])),
        **_physical(line),
        "warehouses": [{"name": warehouse_name, "itemQty": str(quantity)}],
        "isBundle": False,
    }


def tax_breakdown(lines: Iterable[Mapping[str, Any]], shipping_tax: Decimal) -> list[dict[str, Any]]:
    """`taxBreakdown[]`: the lines' tax per rate, with the shipping tax counted at 25 %."""
    by_rate: dict[Decimal, Decimal] = {}
    for line in lines:
        rate = Decimal(line["tax_percent"])
        by_rate[rate] = by_rate.get(rate, Decimal("0.00")) + line_tax(line)
    if shipping_tax:
        by_rate[Decimal(25)] = by_rate.get(Decimal(25), Decimal("0.00")) + shipping_tax
    return [
        {"description": "VAT", "taxPercent": json_number(rate), "value": json_number(value)}
        for rate, value in sorted(by_rate.items())
    ]
