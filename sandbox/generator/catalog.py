"""The brand's catalog and stock: brands, collections, size charts, products → variants → sizes, prices.

Product names mix Swedish and German words on purpose ("Tröja Åre", "Jacke Größe"): the pipeline must keep
non-ASCII text intact end to end. Collections are dated relative to the dataset's end, so products appear
over the two years and orders only ever reference products that existed when they were placed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sandbox.generator.bulk import TableBuffer, insert_rows
from sandbox.generator.reference import ACTIVE_WAREHOUSE_IDS, PRICELISTS, WAREHOUSES
from sandbox.store import Store

DAY = 86_400

BRANDS = ((1, "Norrsken"), (2, "Norrsken Kids"), (3, "Fjällgård Footwear"), (4, "Åre Outdoor"))

# (size_chart_id, name, sizes as (name, size_number))
SIZE_CHARTS: tuple[tuple[int, str, tuple[tuple[str, str], ...]], ...] = (
    (1, "Apparel", (("XS", "XS"), ("S", "S"), ("M", "M"), ("L", "L"), ("XL", "XL"))),
    (2, "Shoes", tuple((str(size), str(size)) for size in range(36, 47))),
    (3, "One size", (("One Size", "OS"),)),
    (4, "Kids", (("98/104", "98"), ("110/116", "110"), ("122/128", "122"), ("134/140", "134"))),
)

# (type word, size chart, brand, SEK prices to pick from, weight in grams, harmonized commodity code)
PRODUCT_TYPES: tuple[tuple[str, int, int, tuple[int, ...], int, str], ...] = (
    ("Tröja", 1, 1, (699, 899, 1099), 450, "61103099"),
    ("Jacke", 1, 4, (1999, 2499, 2999), 1100, "62019300"),
    ("T-shirt", 1, 1, (299, 349, 399), 180, "61091000"),
    ("Hoodie", 1, 1, (899, 999, 1199), 600, "61102099"),
    ("Skjorta", 1, 1, (799, 999), 300, "62052000"),
    ("Jeans", 1, 1, (999, 1199, 1399), 700, "62034231"),
    ("Klänning", 1, 1, (1299, 1599), 400, "62044200"),
    ("Parka", 1, 4, (2999, 3999, 4499), 1600, "62019300"),
    ("Kofta", 1, 1, (999, 1299), 500, "61103099"),
    ("Sneaker", 2, 3, (1299, 1499), 900, "64041990"),
    ("Boot", 2, 3, (1999, 2499), 1400, "64039118"),
    ("Loafer", 2, 3, (1499, 1799), 800, "64039996"),
    ("Mössa", 3, 4, (299, 399), 100, "61099020"),
    ("Scarf", 3, 1, (499, 699), 200, "61171000"),
    ("Tote", 3, 1, (399, 499), 350, "42022290"),
    ("Kids Hoodie", 4, 2, (499, 599), 300, "61102099"),
    ("Kids Overall", 4, 2, (899, 1099), 700, "62113310"),
)

DESCRIPTORS = (
    "Åre", "Größe", "Kiruna", "Malmö", "Göteborg", "Visby", "Luleå", "Öland", "Ystad", "Sälen", "Umeå",
    "Härnösand", "Jämtland", "Fjäll", "Skärgård", "Midsommar", "Norrland", "Café", "Crème", "Façade", "Straße",
    "Bergün", "Tromsø", "Ærø", "Lofoten", "Bornholm", "Porvoo", "Nørrebro", "Söder", "Kungsholmen", "Vasastan",
    "Österlen", "Hälsingland", "Dalarna", "Värmland", "Gotland", "Blekinge", "Skåne", "Lappland", "Höga Kusten",
)  # fmt: skip

COLOURS = (
    ("Black", "BLK"), ("Navy", "NVY"), ("Off-white", "OWH"), ("Forest Green", "FGR"), ("Sand", "SND"),
    ("Burgundy", "BRG"), ("Grey Melange", "GRM"), ("Rost", "RST"), ("Himmelsblå", "HBL"),
)  # fmt: skip

# Collections launch this many days before the dataset's end; "Core" is the evergreen range.
COLLECTION_LAUNCH_DAYS = (("Core", 900), (None, 800), (None, 640), (None, 460), (None, 275), (None, 90))


@dataclass(frozen=True)
class CatalogTimes:
    start: int  # first second of the order window (epoch)
    end: int  # the dataset's end, settings.now (epoch)


def _collection_name(launch: int) -> str:
    day = datetime.fromtimestamp(launch, UTC)
    return f"{'SS' if day.month <= 6 else 'AW'}{day.year % 100:02d}"


def retail_price(sek: int, currency: str) -> int:
    """A shop price in cents for a SEK list price, rounded the way fashion brands price per currency."""
    if currency == "SEK":
        return sek * 100
    if currency == "DKK":
        return (round(sek * 0.7 / 10) * 10 - 1) * 100
    if currency == "NOK":
        return (round(sek * 1.05 / 10) * 10 - 1) * 100
    if currency == "EUR":
        return round(sek / 10 / 5) * 500 - 5
    if currency == "GBP":
        return round(sek / 11.5 / 5) * 500
    return round(sek / 9.5 / 5) * 500  # USD


def pricelist_price(sek: int, pricelist_id: int) -> int:
    """Cents on one pricelist: retail per currency, wholesale at about 45 %, the retired outlet at 60 %."""
    if pricelist_id == 7:
        return round(retail_price(sek, "EUR") / 2.2 / 50) * 50
    if pricelist_id == 8:
        return round(sek / 2.2) * 100
    if pricelist_id == 9:
        return (round(sek * 0.6 / 10) * 10 - 1) * 100
    currency = next(p.currency_code for p in PRICELISTS if p.pricelist_id == pricelist_id)
    return retail_price(sek, currency)


def ean13(rng: random.Random) -> str:
    digits = "735" + "".join(str(rng.randrange(10)) for _ in range(9))
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits))
    return digits + str((10 - total % 10) % 10)


def _product_names(rng: random.Random, count: int) -> list[tuple[int, str]]:
    """(type index, name) pairs; the first two are fixed so every dataset holds "Tröja Åre" and "Jacke Größe"."""
    pairs = [(t, d) for t in range(len(PRODUCT_TYPES)) for d in range(len(DESCRIPTORS))]
    rng.shuffle(pairs)
    pairs = [(0, 0), (1, 1)] + [pair for pair in pairs if pair not in ((0, 0), (1, 1))]
    names = []
    for i in range(count):
        type_index, descriptor = pairs[i % len(pairs)]
        suffix = "" if i < len(pairs) else f" {i // len(pairs) + 1}"
        names.append((type_index, f"{PRODUCT_TYPES[type_index][0]} {DESCRIPTORS[descriptor]}{suffix}"))
    return names


def insert_catalog(store: Store, rng: random.Random, times: CatalogTimes, product_count: int) -> None:
    insert_rows(store, "brands", ({"brand_id": i, "name": name} for i, name in BRANDS))
    launches = []
    for i, (name, days_before_end) in enumerate(COLLECTION_LAUNCH_DAYS, start=1):
        launch = times.end - days_before_end * DAY
        launches.append(launch)
        status = "INACTIVE" if i == 2 else "ACTIVE"
        insert_rows(
            store,
            "collections",
            [{"collection_id": i, "name": name or _collection_name(launch), "status": status}],
        )
    insert_rows(store, "size_charts", ({"size_chart_id": i, "name": name} for i, name, _ in SIZE_CHARTS))
    size_rows: list[dict[str, Any]] = []
    chart_sizes: dict[int, list[tuple[int, str, str]]] = {}
    for chart_id, _, sizes in SIZE_CHARTS:
        for sort_order, (name, number) in enumerate(sizes, start=1):
            size_id = len(size_rows) + 1
            size_rows.append(
                {"size_id": size_id, "size_chart_id": chart_id, "name": name, "sort_order": sort_order}
            )
            chart_sizes.setdefault(chart_id, []).append((size_id, name, number))
    insert_rows(store, "sizes", size_rows)
    _insert_products(store, rng, times, product_count, launches, chart_sizes)


def _plan_products(
    rng: random.Random, times: CatalogTimes, count: int, launches: list[int]
) -> list[dict[str, Any]]:
    """Products with their colours, not yet numbered: ids are handed out in creation order afterwards."""
    plans = []
    for index, (type_index, name) in enumerate(_product_names(rng, count)):
        _, chart_id, brand_id, sek_prices, grams, hs_code = PRODUCT_TYPES[type_index]
        # The first products are evergreen so the earliest orders always have something to buy.
        collection_index = 0 if index < 3 else rng.choices(range(6), weights=(3, 2, 2, 2, 2, 2))[0]
        created = launches[collection_index] - rng.randrange(60 * DAY)
        if collection_index == 0:
            created = times.start - rng.randrange(100 * DAY, 500 * DAY)
        retired = (collection_index == 1 and rng.random() < 0.6) or rng.random() < 0.04
        status = "INACTIVE" if retired and index >= 3 else "ACTIVE"
        sek = rng.choice(sek_prices)
        row = {
            "name": name,
            "status": status,
            "brand_id": brand_id,
            "collection_id": None if rng.random() < 0.05 else collection_index + 1,
            "size_chart_id": chart_id,
            "is_bundle": False,
            "internal_comment": "Reorder for next season" if rng.random() < 0.1 else None,
            "harmonized_commodity_code": None if rng.random() < 0.1 else hs_code,
            "weight_kg": grams + rng.randrange(-50, 51),
            "created_at": created,
            "updated_at": rng.randint(created, times.end),
        }
        variants = []
        for colour_index, (colour, code) in enumerate(rng.sample(COLOURS, rng.choice((1, 1, 2, 2, 3, 4)))):
            variant_created = (
                created if colour_index == 0 else min(times.end, created + rng.randrange(200 * DAY))
            )
            has_cost = rng.random() > 0.05
            variant = {
                "name": colour,
                "status": status if rng.random() > 0.06 or colour_index == 0 else "INACTIVE",
                "variant_number": code,
                "unit_cost": round(sek * rng.uniform(0.26, 0.34)) * 100 if has_cost else None,
                "unit_cost_currency": "SEK" if has_cost else None,
                "created_at": variant_created,
                "updated_at": rng.randint(variant_created, times.end),
            }
            variants.append((colour_index, variant, sek if rng.random() > 0.1 else sek + 100))
        plans.append({"row": row, "variants": variants, "preorder": collection_index == 5, "index": index})
    return plans


def _insert_products(
    store: Store,
    rng: random.Random,
    times: CatalogTimes,
    product_count: int,
    launches: list[int],
    chart_sizes: dict[int, list[tuple[int, str, str]]],
) -> None:
    plans = sorted(
        _plan_products(rng, times, product_count, launches),
        key=lambda p: (p["row"]["created_at"], p["index"]),
    )
    products = []
    for product_id, plan in enumerate(plans, start=1):
        plan["row"].update(product_id=product_id, product_number=f"NS{10000 + product_id}")
        products.append(plan["row"])
    insert_rows(store, "products", products)
    colourways = sorted(
        (
            (variant["created_at"], plan["row"]["product_id"], colour_index, variant, sek, plan)
            for plan in plans
            for colour_index, variant, sek in plan["variants"]
        ),
        key=lambda item: item[:3],
    )
    variants = TableBuffer(store, "variants")
    sizes = TableBuffer(store, "product_sizes")
    prices = TableBuffer(store, "prices")
    stock = TableBuffer(store, "stock")
    product_size_id = 0
    for variant_id, (variant_created, product_id, _, variant, sek, plan) in enumerate(colourways, start=1):
        variants.append({**variant, "variant_id": variant_id, "product_id": product_id})
        for pricelist in PRICELISTS:
            price = pricelist_price(sek, pricelist.pricelist_id)
            prices.append({"variant_id": variant_id, "pricelist_id": pricelist.pricelist_id, "price": price})
        for size_id, size_name, number in chart_sizes[plan["row"]["size_chart_id"]]:
            product_size_id += 1
            size_number = None if rng.random() < 0.01 else number
            size_updated = rng.randint(variant_created, times.end)
            sku = f"{plan['row']['product_number']}{variant['variant_number']}{size_number}"
            sizes.append(
                {
                    "product_size_id": product_size_id,
                    "variant_id": variant_id,
                    "size_id": size_id,
                    "description": size_name,
                    "size_number": size_number,
                    "ean": None if rng.random() < 0.08 else ean13(rng),
                    "upc": f"{rng.randrange(10**11, 10**12)}" if rng.random() < 0.15 else None,
                    "sku": None if size_number is None else sku,
                    "is_preorder": plan["preorder"] and rng.random() < 0.2,
                    "updated_at": size_updated,
                }
            )
            for warehouse_id, *_ in WAREHOUSES:
                stock.append(_stock_row(rng, warehouse_id, product_size_id, size_updated, times.end))
    for buffer in (variants, sizes, prices, stock):
        buffer.flush()


def _stock_row(rng: random.Random, warehouse_id: int, product_size_id: int, since: int, end: int) -> dict:
    physical = allocated = incoming = 0
    if warehouse_id in ACTIVE_WAREHOUSE_IDS and rng.random() > 0.15:
        physical = rng.randint(1, 120 if warehouse_id == 1 else 30)
        allocated = 0 if rng.random() < 0.6 else rng.randint(0, min(physical, 6))
    if warehouse_id in ACTIVE_WAREHOUSE_IDS and rng.random() < 0.2:
        incoming = rng.randint(10, 100)
    return {
        "warehouse_id": warehouse_id,
        "product_size_id": product_size_id,
        "physical_quantity": physical,
        "allocated_quantity": allocated,
        "incoming_quantity": incoming,
        "updated_at": max(since, end - rng.randrange(90 * DAY)),
    }
