"""One order as it looks when placed: the order row and its lines, before any lifecycle (see `lifecycle`).

Money is in integer cents of the order's currency, rates in micro-units (see `bulk`). Prices come from the
order's pricelist; lines copy the catalog's names, SKU and EAN as they were at checkout.
"""

from __future__ import annotations

import hashlib
import math
import random
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import accumulate
from typing import Any

from sandbox.generator.catalog_index import CatalogIndex
from sandbox.generator.customers import Address, CustomerFactory, Person, random_address
from sandbox.generator.id_sequences import IdSequences
from sandbox.generator.people_data import PEOPLE
from sandbox.generator.reference import CURRENCIES, MARKETS, PRICELISTS, TAX_BASIS_POINTS
from sandbox.generator.wholesale import AccountInfo, Accounts

WHOLESALE_SHARE = 0.1
VOUCHER_SHARE = 0.15
BASE_RATES = {code: rate for _, code, _, rate in CURRENCIES}
SHIPPING_CENTS = {"SEK": 4900, "EUR": 595, "USD": 995, "GBP": 495, "DKK": 3900, "NOK": 5900}
FREE_SHIPPING_FROM_CENTS = {
    "SEK": 100000,
    "EUR": 10000,
    "USD": 10000,
    "GBP": 9000,
    "DKK": 75000,
    "NOK": 100000,
}
INVOICE_FEE_CENTS = {"SEK": 2900, "EUR": 295, "USD": 0, "GBP": 0, "DKK": 2500, "NOK": 3900}
# (code, name, percent off the items; None = free shipping)
VOUCHERS: tuple[tuple[str, str, int | None], ...] = (
    ("WELCOME10", "Welcome 10 %", 10),
    ("NEWSLETTER15", "Newsletter 15 %", 15),
    ("BLACKWEEK20", "Black Week 20 %", 20),
    ("FRIENDS25", "Friends & family 25 %", 25),
    ("FRAKTFRI", "Fri frakt", None),
)
# (uri, plugin, type, weight)
DTC_PAYMENTS: tuple[tuple[str, str, str, float], ...] = (
    ("adyen-drop-in", "adyen_drop_in", "cc", 0.45),
    ("klarna-checkout", "klarna_checkout_v3", "inv", 0.27),
    ("paypal", "paypal_checkout", "3rd", 0.18),
    ("bank-prepayment", "prepayment", "prepaid", 0.10),
)
FREE_PAYMENT = ("free", "free", "free")
WHOLESALE_PAYMENT = ("invoice", "invoice", "inv")
OTHER_COMMENTS = (
    "Leave at the door, please",
    "Gift wrap, please",
    "Bitte beim Nachbarn abgeben",
    "Ring twice",
)
INTERNAL_COMMENTS = (
    "Customer called about delivery time",
    "Fraud check passed",
    "Replacement for damaged item",
)
DTC_MARKET_BY_COUNTRY = {c: m.market_id for m in MARKETS if m.store_id == 1 for c in m.countries}
PRICELIST_BY_STORE_COUNTRY = {
    (p.store_id, c): p.pricelist_id for p in PRICELISTS if p.status == "ACTIVE" for c in p.countries
}
CURRENCY_BY_PRICELIST = {p.pricelist_id: p.currency_code for p in PRICELISTS}
LINE_COUNTS = (1, 2, 3, 4, 5)
LINE_COUNT_CUMULATIVE = list(accumulate((0.15, 0.25, 0.25, 0.2, 0.15)))
DTC_QUANTITIES = (1, 2, 3)
DTC_QUANTITY_CUMULATIVE = list(accumulate((0.88, 0.1, 0.02)))
DTC_PAYMENT_CUMULATIVE = list(accumulate(payment[3] for payment in DTC_PAYMENTS))


def order_hash(seed: int, order_number: int) -> str:
    """Centra's `Order.id`: a 32-hex hash, here derived from the seed and the number."""
    return hashlib.md5(f"{seed}:{order_number}".encode()).hexdigest()


def conversion_rate(rng: random.Random, currency: str, at: int) -> int:
    """The base rate at order time in micro-units: a slow drift plus a little noise (SEK is exactly 1)."""
    base = BASE_RATES[currency]
    if currency == "SEK":
        return base
    drift = 0.03 * math.sin(at / (86_400 * 180) * 2 * math.pi) + rng.gauss(0, 0.002)
    return round(base * (1 + drift))


def in_sale(at: int) -> bool:
    day = datetime.fromtimestamp(at, UTC)
    return (
        (day.month == 12 and day.day >= 26)
        or day.month == 1
        or (day.month == 6 and day.day >= 20)
        or (day.month == 11 and 20 <= day.day <= 30)
    )


@dataclass
class BuiltOrder:
    """An order row, its line rows, and what the lifecycle needs to know about them."""

    order: dict[str, Any]
    lines: list[dict[str, Any]]
    voucher_percent: int | None
    is_wholesale: bool


@dataclass
class OrderFactory:
    rng: random.Random
    seed: int
    catalog: CatalogIndex
    customers: CustomerFactory
    accounts: Accounts
    ids: IdSequences
    line_count: int | None = None  # every order this many lines (a change set's huge order); None: drawn

    def build(self, order_number: int, at: int, wholesale: bool | None = None) -> BuiltOrder:
        if wholesale is None:  # without accounts (wholesale off) the draw stays, the order is DTC
            wholesale = self.rng.random() < WHOLESALE_SHARE and bool(self.accounts.accounts)
        if wholesale:
            account = self.accounts.pick(self.rng, at)
            return self._wholesale(order_number, at, account)
        return self._dtc(order_number, at, self.customers.for_order(at))

    def build_for_customer(self, order_number: int, at: int, person: Person) -> BuiltOrder:
        """A DTC order of the given (existing) customer, e.g. one imported late with an old date."""
        return self._dtc(order_number, at, person)

    def _dtc(self, order_number: int, at: int, person: Person) -> BuiltOrder:
        rng = self.rng
        country = person.address.country_code
        pricelist_id = PRICELIST_BY_STORE_COUNTRY[(1, country)]
        currency = CURRENCY_BY_PRICELIST[pricelist_id]
        order = self._base(order_number, at, 1, DTC_MARKET_BY_COUNTRY[country], pricelist_id, currency)
        order["customer_id"] = person.customer_id
        lines = self._lines(
            order_number, at, pricelist_id, TAX_BASIS_POINTS[country], wholesale_discount=None
        )
        items = sum(line["quantity"] * line["unit_price"] for line in lines)
        gift = rng.random() < 0.005
        voucher = None if gift or rng.random() >= VOUCHER_SHARE else rng.choice(VOUCHERS)
        shipping = 0 if gift or items >= FREE_SHIPPING_FROM_CENTS[currency] else SHIPPING_CENTS[currency]
        voucher_percent: int | None = None
        if gift:
            order.update(voucher_code="INFLUENCER", voucher_name="Influencer gifting", voucher_amount=items)
            voucher_percent = 100
        elif voucher is not None:
            code, name, voucher_percent = voucher
            amount = shipping if voucher_percent is None else (items * voucher_percent + 50) // 100
            order.update(voucher_code=code, voucher_name=name, voucher_amount=amount)
        uri, plugin, kind, _ = rng.choices(DTC_PAYMENTS, cum_weights=DTC_PAYMENT_CUMULATIVE)[0]
        if gift:
            uri, plugin, kind = FREE_PAYMENT
        order.update(
            payment_method_uri=uri, payment_plugin=plugin, payment_type=kind, shipping_amount=shipping
        )
        if kind == "inv" and rng.random() < 0.2:
            order["handling_amount"] = INVOICE_FEE_CENTS[currency]
        shipping_address, company = person.address, None
        if rng.random() < 0.1:  # sent to a workplace or a friend
            shipping_address = random_address(rng, country)
            company = f"{shipping_address.city} Office" if rng.random() < 0.2 else None
        self._address(order, "shipping", person, shipping_address, company)
        self._address(order, "billing", person, person.address, None)
        order["shipping_cell_phone_number"] = (
            f"{PEOPLE[country].phone_prefix}{rng.randrange(10**7, 10**8)}" if rng.random() < 0.3 else None
        )
        return BuiltOrder(order, lines, voucher_percent, is_wholesale=False)

    def _wholesale(self, order_number: int, at: int, account: AccountInfo) -> BuiltOrder:
        rng = self.rng
        currency = CURRENCY_BY_PRICELIST[account.pricelist_id]
        order = self._base(order_number, at, 2, account.market_id, account.pricelist_id, currency)
        buyer = account.buyers[rng.randrange(len(account.buyers))]
        country = account.address.country_code
        tax = 2500 if country == "SE" else 0  # other countries: reverse charge or export
        lines = self._lines(order_number, at, account.pricelist_id, tax, account.discount_basis_points)
        uri, plugin, kind = WHOLESALE_PAYMENT
        order.update(
            account_id=account.account_id,
            buyer_id=buyer.buyer_id,
            payment_method_uri=uri,
            payment_plugin=plugin,
            payment_type=kind,
            shipping_amount=rng.choice((0, 0, 15000 if currency == "SEK" else 1500)),
            purchase_order_number=f"PO-{rng.randrange(10000, 99999)}" if rng.random() < 0.85 else None,
            billing_vat_number=account.vat_number,
        )
        person = Person(0, buyer.email, buyer.first_name, buyer.last_name, True, account.address)
        self._address(order, "shipping", person, account.address, account.name)
        self._address(order, "billing", person, account.address, account.name)
        return BuiltOrder(order, lines, None, is_wholesale=True)

    def _base(
        self, number: int, at: int, store_id: int, market_id: int, pricelist_id: int, currency: str
    ) -> dict[str, Any]:
        rng = self.rng
        internal = rng.random() < 0.003
        return {
            "order_number": number,
            "order_id": order_hash(self.seed, number),
            "store_id": store_id,
            "market_id": market_id,
            "pricelist_id": pricelist_id,
            "customer_id": None,
            "account_id": None,
            "buyer_id": None,
            "status": "PENDING",
            "is_on_hold": False,
            "is_waiting_for_payment": False,
            "is_internal": internal,
            "currency_code": currency,
            "conversion_rate": conversion_rate(rng, currency, at),
            "shipping_amount": 0,
            "handling_amount": 0,
            "voucher_code": None,
            "voucher_name": None,
            "voucher_amount": None,
            "purchase_order_number": None,
            "internal_comment": "Staff purchase"
            if internal
            else (rng.choice(INTERNAL_COMMENTS) if rng.random() < 0.02 else None),
            "other_comment": rng.choice(OTHER_COMMENTS) if rng.random() < 0.03 else None,
            "billing_vat_number": None,
            "created_at": at,
            "updated_at": at,
        }

    def _address(
        self, order: dict, prefix: str, person: Person, address: Address, company: str | None
    ) -> None:
        order[f"{prefix}_first_name"] = person.first_name
        order[f"{prefix}_last_name"] = person.last_name
        order[f"{prefix}_company_name"] = company
        order[f"{prefix}_address1"] = address.address1
        order[f"{prefix}_address2"] = address.address2
        order[f"{prefix}_city"] = address.city
        order[f"{prefix}_zip_code"] = address.zip_code
        order[f"{prefix}_state_or_province"] = address.state
        order[f"{prefix}_country_code"] = address.country_code
        order[f"{prefix}_email"] = person.email
        order[f"{prefix}_phone_number"] = address.phone_number
        if prefix == "shipping":
            order["shipping_cell_phone_number"] = None

    def _lines(
        self, number: int, at: int, pricelist_id: int, tax: int, wholesale_discount: int | None
    ) -> list[dict[str, Any]]:
        rng = self.rng
        sale = in_sale(at)
        lines = []
        count = self.line_count or rng.choices(LINE_COUNTS, cum_weights=LINE_COUNT_CUMULATIVE)[0]
        for _ in range(count):
            product, variant, size = self.catalog.pick(rng, at)
            original = self.catalog.prices[(variant.variant_id, pricelist_id)]
            if wholesale_discount is not None:
                quantity = rng.choice((6, 12, 12, 18, 24, 36, 48))
                discount = wholesale_discount
            else:
                quantity = rng.choices(DTC_QUANTITIES, cum_weights=DTC_QUANTITY_CUMULATIVE)[0]
                discount = 0
                if rng.random() < (0.35 if sale else 0.05):
                    discount = rng.choice((10, 20, 30, 40, 50) if sale else (10, 20)) * 100
            lines.append(
                {
                    "order_line_id": self.ids.next_order_line(),
                    "order_number": number,
                    "product_id": product.product_id,
                    "variant_id": variant.variant_id,
                    "product_size_id": size.product_size_id,
                    "brand_id": product.brand_id,
                    "product_name": product.name,
                    "variant_name": variant.name,
                    "size_name": size.name,
                    "sku": size.sku,
                    "ean": size.ean,
                    "quantity": quantity,
                    "cancelled_quantity": 0,
                    "unit_price": (original * (10000 - discount) + 5000) // 10000,
                    "unit_original_price": original,
                    "discount_percent": discount,
                    "tax_percent": tax,
                    "comment": "Embroidery: initials" if rng.random() < 0.005 else None,
                }
            )
        return lines
