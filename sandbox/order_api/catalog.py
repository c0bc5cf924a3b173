"""`GET products` and `GET stock`: one row per size ("stock item"), product and variant data repeated
(reference B3), paged by `limit` + `page` with `previous`/`next` links (see `paging`).

Parameters: `sku`, `ean`, `productId`, `variantId`, `stockItemId`, `modified`, `created`, `limit`, `page`;
`/stock` adds `upc`, `stock_modified` and `exclude=physicalStock`.

Stock is summed over the warehouses in the plugin (`warehouses.in_order_api_plugin`, Centra's primary +
virtual warehouses): `physicalStock` and `allocatedStock` are sums, `availableStock` = physical − allocated
(= GraphQL free-to-allocate). A size without stock rows has zeros.

Choices where Centra's behaviour is unknown:
- Sort: product id, variant id, stock item id.
- `sku` matches the product number (the row's `sku` part) or the whole concatenated SKU.
- `modified` (exclusive) is on the latest of the product's, variant's and size's update times; `created`
  (exclusive) on the product's creation (the row's `createdAt`), so a new variant of an old product is not
  "added after"; `stock_modified` (exclusive) on the latest stock update among the plugin's warehouses.
- Type noise: ids are ints except `prices[].id` (a string, as documented); `prices[].price` is a **string**
  `"329.00"` on rows whose stock item id is even and a JSON number on odd ones (Centra's two docs disagree);
  `collection` is null without a collection, `upc` is `""` when missing; `active` is 0/1.
- `folder`, `harmDescription`, `countryOfOrigin`, descriptions and meta texts are `""`; `categories`,
  `images` and `campaigns` are `[]`; `store` is the first store's name.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sandbox.money import json_number
from sandbox.order_api.conditions import Conditions
from sandbox.order_api.envelope import OrderApiRequest
from sandbox.order_api.lines import sku_parts, text
from sandbox.order_api.paging import page_links, page_window
from sandbox.order_api.params import QueryParams
from sandbox.store import Store
from sandbox.timefmt import naive_local

STOCK_ITEMS_SQL = """
SELECT * FROM (
    SELECT ps.product_size_id, ps.description AS size_name, ps.size_number, ps.ean, ps.upc, ps.sku,
           v.variant_id, v.name AS variant_name, v.variant_number, v.status AS variant_status,
           p.product_id, p.name AS product_name, p.product_number, p.status AS product_status,
           p.internal_comment, p.harmonized_commodity_code, p.weight_kg, p.created_at AS product_created_at,
           b.name AS brand_name, c.name AS collection_name,
           greatest(p.updated_at, v.updated_at, ps.updated_at) AS modified_at,
           coalesce(st.physical, 0) AS physical, coalesce(st.allocated, 0) AS allocated, st.stock_updated_at
    FROM product_sizes ps
    JOIN variants v ON v.variant_id = ps.variant_id
    JOIN products p ON p.product_id = v.product_id
    LEFT JOIN brands b ON b.brand_id = p.brand_id
    LEFT JOIN collections c ON c.collection_id = p.collection_id
    LEFT JOIN (
        SELECT s.product_size_id, sum(s.physical_quantity) AS physical, sum(s.allocated_quantity) AS allocated,
               max(s.updated_at) AS stock_updated_at
        FROM stock s JOIN warehouses w ON w.warehouse_id = s.warehouse_id
        WHERE w.in_order_api_plugin
        GROUP BY s.product_size_id
    ) st ON st.product_size_id = ps.product_size_id
) items
{where}
ORDER BY product_id, variant_id, product_size_id
{window}
"""


def list_products(call: OrderApiRequest) -> dict[str, Any]:
    rows, links = _stock_items(call, stock=False)
    store = call.state.store
    prices = _prices_by_variant(store, sorted({row["variant_id"] for row in rows}))
    store_name = text(store.scalar("SELECT name FROM stores ORDER BY store_id LIMIT 1"))
    timezone = call.state.settings.timezone
    products = [_product(row, prices.get(row["variant_id"], []), store_name, timezone) for row in rows]
    return {"products": products, **links}


def list_stock(call: OrderApiRequest) -> dict[str, Any]:
    rows, links = _stock_items(call, stock=True)
    with_physical = call.params.text("exclude") != "physicalStock"
    return {"products": [_stock(row, with_physical) for row in rows], **links}


def _stock_items(call: OrderApiRequest, stock: bool) -> tuple[list[dict[str, Any]], dict[str, str]]:
    params = call.params
    window, page = page_window(params, default_limit=None)
    conditions = _filters(params, stock)
    sql = STOCK_ITEMS_SQL.format(where=conditions.where(), window=window.look_ahead_sql())
    rows = call.state.store.rows(sql, conditions.params)
    links = page_links(params, window, page, rows)
    return rows, links


def _filters(params: QueryParams, stock: bool) -> Conditions:
    conditions = Conditions()
    sku = params.text("sku")
    if sku is not None:
        conditions.add("(product_number = ? OR sku = ?)", sku, sku)
    conditions.add_if(params.text("ean"), "ean = ?")
    conditions.add_if(params.integer("productId"), "product_id = ?")
    conditions.add_if(params.integer("variantId"), "variant_id = ?")
    stock_item = params.integer("stockItemId")
    conditions.add_if(
        stock_item if stock_item is not None else params.integer("stockItemID"), "product_size_id = ?"
    )
    conditions.after("modified_at", params.local_time("modified"))
    conditions.after("product_created_at", params.local_time("created"))
    if stock:
        conditions.add_if(params.text("upc"), "upc = ?")
        conditions.after("stock_updated_at", params.local_time("stock_modified"))
    return conditions


def _prices_by_variant(store: Store, variant_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    sql = """
        SELECT pr.variant_id, pr.pricelist_id, pr.price, pl.name, pl.currency_code
        FROM prices pr JOIN pricelists pl ON pl.pricelist_id = pr.pricelist_id
        WHERE pr.variant_id IN (SELECT unnest(?::INTEGER[]))
        ORDER BY pr.variant_id, pr.pricelist_id
    """
    grouped: dict[int, list[dict[str, Any]]] = {}
    for row in store.rows(sql, [variant_ids]):
        grouped.setdefault(row["variant_id"], []).append(row)
    return grouped


def _identity(row: Mapping[str, Any]) -> dict[str, Any]:
    sku, variant_sku, size_sku = sku_parts(
        row["sku"], row["product_number"], row["variant_number"], row["size_number"]
    )
    weight = row["weight_kg"]
    return {
        "sku": sku,
        "productId": row["product_id"],
        "variantSku": variant_sku,
        "variantId": row["variant_id"],
        "sizeSku": size_sku,
        "brand": text(row["brand_name"]),
        "collection": row["collection_name"],
        "product": row["product_name"],
        "variant": row["variant_name"],
        "size": row["size_name"],
        "stockItemId": row["product_size_id"],
        "ean": text(row["ean"]),
        "upc": text(row["upc"]),
        "weight": json_number(weight) if weight is not None else 0,
        "weightUnit": "kg",
        "countryOfOrigin": "",
        "harmCode": text(row["harmonized_commodity_code"]),
        "harmDescription": "",
        "active": int(row["product_status"] == "ACTIVE" and row["variant_status"] == "ACTIVE"),
    }


def _price_value(price: Decimal, stock_item_id: int) -> str | int | float:
    return f"{price:.2f}" if stock_item_id % 2 == 0 else json_number(price)


def _product(
    row: Mapping[str, Any], prices: list[dict[str, Any]], store_name: str, timezone: str
) -> dict[str, Any]:
    return {
        **_identity(row),
        "folder": "",
        "name": row["product_name"],
        "description": "",
        "shortDescription": "",
        "comment": text(row["internal_comment"]),
        "metaTitle": "",
        "metaDescription": "",
        "metaKeywords": "",
        "store": store_name,
        "categories": [],
        "images": [],
        "createdAt": naive_local(row["product_created_at"], timezone),
        "prices": [
            {
                "id": str(price["pricelist_id"]),
                "price": _price_value(Decimal(price["price"]), row["product_size_id"]),
                "pricelist": price["name"],
                "currency": price["currency_code"],
                "campaigns": [],
            }
            for price in prices
        ],
    }


def _stock(row: Mapping[str, Any], with_physical: bool) -> dict[str, Any]:
    physical, allocated = int(row["physical"]), int(row["allocated"])
    quantities = {"physicalStock": physical} if with_physical else {}
    return {
        **_identity(row),
        **quantities,
        "allocatedStock": allocated,
        "availableStock": physical - allocated,
    }
