"""The brand's fixed setup: currencies, countries, stores, markets, pricelists and warehouses.

A Swedish fashion brand selling direct to consumers (Sweden, Nordics, EU, UK, US) and to retailers through a
wholesale store. Base currency SEK; other currencies carry a rate with `amount × base_rate = SEK`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sandbox.generator.bulk import insert_rows
from sandbox.store import Store

DTC_STORE_ID = 1
WHOLESALE_STORE_ID = 2

# (id, code, name, base rate as micro-units: amount × rate = SEK)
CURRENCIES: tuple[tuple[int, str, str, int], ...] = (
    (1, "SEK", "Swedish krona", 1_000_000),
    (2, "EUR", "Euro", 11_452_300),
    (3, "USD", "US dollar", 10_604_100),
    (4, "GBP", "Pound sterling", 13_398_700),
    (5, "DKK", "Danish krone", 1_535_400),
    (6, "NOK", "Norwegian krone", 985_600),
)

# (code, name, continent, is_eu, VAT percent × 100 charged to consumers)
COUNTRIES: tuple[tuple[str, str, str, bool, int], ...] = (
    ("SE", "Sweden", "Europe", True, 2500),
    ("DK", "Denmark", "Europe", True, 2500),
    ("NO", "Norway", "Europe", False, 2500),
    ("FI", "Finland", "Europe", True, 2550),
    ("DE", "Germany", "Europe", True, 1900),
    ("FR", "France", "Europe", True, 2000),
    ("NL", "Netherlands", "Europe", True, 2100),
    ("ES", "Spain", "Europe", True, 2100),
    ("IT", "Italy", "Europe", True, 2200),
    ("AT", "Austria", "Europe", True, 2000),
    ("BE", "Belgium", "Europe", True, 2100),
    ("IE", "Ireland", "Europe", True, 2300),
    ("PL", "Poland", "Europe", True, 2300),
    ("GB", "United Kingdom", "Europe", False, 2000),
    ("US", "United States", "North America", False, 0),
    ("CH", "Switzerland", "Europe", False, 810),
)
TAX_BASIS_POINTS: dict[str, int] = {code: tax for code, _, _, _, tax in COUNTRIES}


@dataclass(frozen=True)
class MarketSpec:
    market_id: int
    name: str
    store_id: int
    comment: str | None
    countries: tuple[str, ...]
    weight: float  # share of the store's orders


MARKETS: tuple[MarketSpec, ...] = (
    MarketSpec(1, "Sweden", DTC_STORE_ID, None, ("SE",), 0.38),
    MarketSpec(2, "Nordics", DTC_STORE_ID, "DK, NO, FI", ("DK", "NO", "FI"), 0.17),
    MarketSpec(3, "EU", DTC_STORE_ID, "Euro area and Poland", ("DE", "FR", "NL", "ES", "IT", "AT", "BE", "IE", "PL"), 0.25),
    MarketSpec(4, "United Kingdom", DTC_STORE_ID, None, ("GB",), 0.09),
    MarketSpec(5, "United States", DTC_STORE_ID, "Ships from Rotterdam", ("US",), 0.11),
    MarketSpec(6, "Wholesale Europe", WHOLESALE_STORE_ID, None, ("DE", "NL", "FR", "BE", "AT", "CH", "GB"), 0.6),
    MarketSpec(7, "Wholesale Nordics", WHOLESALE_STORE_ID, None, ("SE", "DK", "NO", "FI"), 0.4),
)  # fmt: skip


@dataclass(frozen=True)
class PricelistSpec:
    pricelist_id: int
    name: str
    status: str
    currency_code: str
    store_id: int
    countries: tuple[str, ...]


PRICELISTS: tuple[PricelistSpec, ...] = (
    PricelistSpec(1, "Retail SEK", "ACTIVE", "SEK", DTC_STORE_ID, ("SE",)),
    PricelistSpec(2, "Retail DKK", "ACTIVE", "DKK", DTC_STORE_ID, ("DK",)),
    PricelistSpec(3, "Retail NOK", "ACTIVE", "NOK", DTC_STORE_ID, ("NO",)),
    PricelistSpec(4, "Retail EUR", "ACTIVE", "EUR", DTC_STORE_ID, ("FI", "DE", "FR", "NL", "ES", "IT", "AT", "BE", "IE", "PL")),
    PricelistSpec(5, "Retail GBP", "ACTIVE", "GBP", DTC_STORE_ID, ("GB",)),
    PricelistSpec(6, "Retail USD", "ACTIVE", "USD", DTC_STORE_ID, ("US",)),
    PricelistSpec(7, "Wholesale EUR", "ACTIVE", "EUR", WHOLESALE_STORE_ID, ("DE", "NL", "FR", "BE", "AT", "CH", "GB")),
    PricelistSpec(8, "Wholesale SEK", "ACTIVE", "SEK", WHOLESALE_STORE_ID, ("SE", "DK", "NO", "FI")),
    PricelistSpec(9, "Outlet SEK (retired)", "INACTIVE", "SEK", DTC_STORE_ID, ()),
)  # fmt: skip

# (id, name, status, country, threshold, in the Order API plugin)
WAREHOUSES: tuple[tuple[int, str, str, str | None, int, bool], ...] = (
    (1, "Stockholm Central", "ACTIVE", "SE", 0, True),
    (2, "Webshop Virtual", "ACTIVE", "SE", 2, True),
    (3, "Rotterdam 3PL", "ACTIVE", "NL", 0, False),
    (4, "Flagship Drottninggatan", "ACTIVE", "SE", 1, False),
    (5, "Göteborg (closed)", "INACTIVE", None, 0, False),
)
ACTIVE_WAREHOUSE_IDS = frozenset(row[0] for row in WAREHOUSES if row[2] == "ACTIVE")


def insert_reference(store: Store) -> None:
    insert_rows(
        store,
        "currencies",
        (
            {"currency_id": i, "code": code, "name": name, "is_base": rate == 1_000_000, "base_rate": rate}
            for i, code, name, rate in CURRENCIES
        ),
    )
    insert_rows(
        store,
        "countries",
        (
            {"country_id": i, "code": code, "name": name, "continent": continent, "is_eu": is_eu}
            for i, (code, name, continent, is_eu, _) in enumerate(COUNTRIES, start=1)
        ),
    )
    insert_rows(
        store,
        "stores",
        [
            {"store_id": DTC_STORE_ID, "name": "Norrsken Retail", "type": "DIRECT_TO_CONSUMER"},
            {"store_id": WHOLESALE_STORE_ID, "name": "Norrsken Wholesale", "type": "WHOLESALE"},
        ],
    )
    insert_rows(
        store,
        "markets",
        (
            {"market_id": m.market_id, "name": m.name, "store_id": m.store_id, "comment": m.comment}
            for m in MARKETS
        ),
    )
    insert_rows(
        store,
        "market_countries",
        ({"market_id": m.market_id, "country_code": code} for m in MARKETS for code in m.countries),
    )
    insert_rows(
        store,
        "pricelists",
        (
            {
                "pricelist_id": p.pricelist_id,
                "name": p.name,
                "status": p.status,
                "currency_code": p.currency_code,
                "store_id": p.store_id,
            }
            for p in PRICELISTS
        ),
    )
    insert_rows(
        store,
        "pricelist_countries",
        ({"pricelist_id": p.pricelist_id, "country_code": code} for p in PRICELISTS for code in p.countries),
    )
    insert_rows(
        store,
        "warehouses",
        (
            {
                "warehouse_id": i,
                "name": name,
                "status": status,
                "country_code": country,
                "threshold": threshold,
                "in_order_api_plugin": in_plugin,
            }
            for i, name, status, country, threshold, in_plugin in WAREHOUSES
        ),
    )
