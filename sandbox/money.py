"""Money rules both imitated APIs share, so GraphQL and the Order API always agree on totals.

All prices are tax-included amounts in the order's currency. A line's value is quantity × unit price (after
the line discount); the order's grand total is the line values plus shipping and handling, less the voucher.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

CENT = Decimal("0.01")


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def line_value(line: Mapping[str, Any]) -> Decimal:
    return cents(Decimal(line["quantity"]) * Decimal(line["unit_price"]))


def line_tax(line: Mapping[str, Any]) -> Decimal:
    """The tax included in the line's value."""
    rate = Decimal(line["tax_percent"])
    return cents(line_value(line) * rate / (Decimal(100) + rate))


def order_totals(order: Mapping[str, Any], lines: Iterable[Mapping[str, Any]]) -> dict[str, Decimal | int]:
    """Totals of an order from its row and its line rows (cancelled quantities already taken out)."""
    lines = list(lines)
    items = sum((line_value(line) for line in lines), Decimal("0.00"))
    original = sum(
        (cents(Decimal(line["quantity"]) * Decimal(line["unit_original_price"])) for line in lines),
        Decimal("0.00"),
    )
    voucher = Decimal(order["voucher_amount"] or 0)
    shipping = Decimal(order["shipping_amount"])
    handling = Decimal(order["handling_amount"])
    shipping_tax = cents(shipping * Decimal(25) / Decimal(125))
    return {
        "items": items,
        "items_original": original,
        "line_discounts": original - items,
        "voucher": voucher,
        "shipping": shipping,
        "handling": handling,
        "tax_included": sum((line_tax(line) for line in lines), Decimal("0.00")) + shipping_tax,
        "grand_total": items + shipping + handling - voucher,
        "quantity": sum(int(line["quantity"]) for line in lines),
    }


def json_number(value: Decimal | int | float) -> int | float:
    """A JSON number as Centra writes it: `675` for whole amounts, `675.5` otherwise."""
    as_decimal = Decimal(str(value))
    if as_decimal == as_decimal.to_integral_value():
        return int(as_decimal)
    return float(as_decimal)


def formatted(value: Decimal | int | float, currency_code: str) -> str:
    """Centra's `formattedValue`: thousands separated by a space, two decimals, then the code."""
    amount = cents(Decimal(str(value)))
    sign = "-" if amount < 0 else ""
    whole, fraction = f"{abs(amount):.2f}".split(".")
    groups: list[str] = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return f"{sign}{' '.join(groups)}.{fraction} {currency_code}"
