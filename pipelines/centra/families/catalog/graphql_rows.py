"""GraphQL product and variant nodes → canonical rows for products, variants, product_sizes and prices.

A field the token may not read is missing from the node (the query was pruned), so every optional part is
read with `.get`: its columns load as NULL, or its rows (sizes, prices) are left out.
"""

from __future__ import annotations

from typing import Any

from pipelines.centra.mapping import money, optional_int, optional_text, utc_timestamp
from pipelines.centra.tables import SOURCE_API

Row = dict[str, Any]
GRAPHQL = "graphql"


def _id(node: Any) -> int | None:
    return None if node is None else optional_int(node.get("id"))


def product_row(node: Row, timezone: str) -> Row:
    return {
        "product_id": int(node["id"]),
        "name": node.get("name"),
        "status": node.get("status"),
        "product_number": optional_text(node.get("productNumber")),
        "brand_id": _id(node.get("brand")),
        "collection_id": _id(node.get("collection")),
        "size_chart_id": _id(node.get("sizeChart")),
        "is_bundle": node.get("isBundle"),
        "harmonized_commodity_code": optional_text(node.get("harmonizedCommodityCode")),
        "created_at": utc_timestamp(node.get("createdAt"), timezone),
        "updated_at": utc_timestamp(node.get("updatedAt"), timezone),
        SOURCE_API: GRAPHQL,
    }


def variant_row(node: Row, product_id: int, timezone: str) -> Row:
    unit_cost = node.get("unitCost") or {}
    return {
        "variant_id": int(node["id"]),
        "product_id": product_id,
        "name": node.get("name"),
        "status": node.get("status"),
        "variant_number": optional_text(node.get("variantNumber")),
        "unit_cost_amount": money(unit_cost.get("value")),
        "unit_cost_currency_code": optional_text((unit_cost.get("currency") or {}).get("code")),
        "created_at": utc_timestamp(node.get("createdAt"), timezone),
        "updated_at": utc_timestamp(node.get("updatedAt"), timezone),
        SOURCE_API: GRAPHQL,
    }


def size_rows(node: Row, product_id: int) -> list[Row]:
    variant_id = int(node["id"])
    return [
        {
            "size_id": int(size["id"]),
            "variant_id": variant_id,
            "product_id": product_id,
            "size_chart_size_id": _id(size.get("size")),
            "size_name": optional_text(size.get("description")),
            "size_number": optional_text(size.get("sizeNumber")),
            "sku": optional_text(size.get("SKU")),
            "ean": optional_text(size.get("EAN")),
            "upc": optional_text(size.get("UPC")),
            "is_preorder": size.get("preorder"),
            SOURCE_API: GRAPHQL,
        }
        for size in node.get("productSizes") or []
    ]


def price_rows(node: Row) -> list[Row]:
    variant_id = int(node["id"])
    rows = []
    for entry in node.get("prices") or []:
        price = entry.get("price") or {}
        rows.append(
            {
                "variant_id": variant_id,
                "pricelist_id": int(entry["pricelist"]["id"]),
                "price_amount": money(price.get("value")),
                "currency_code": optional_text((price.get("currency") or {}).get("code")),
                SOURCE_API: GRAPHQL,
            }
        )
    return rows
