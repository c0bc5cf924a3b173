"""Store rows shaped for GraphQL: each view aliases the columns the default resolver looks up by name
(`id`, `number`, ...) and names the concrete type of interface rows in `__typename`.

Every view is a SELECT that callers wrap as `SELECT * FROM (<view>) WHERE ...`, so filters, sorts and
the batched `IN (...)` lookups all work on the view's column names.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sandbox.graphql_api.context import RequestContext
from sandbox.graphql_api.sql import Where

Row = dict[str, Any]

ORDERS = """
SELECT o.*, o.order_id AS id, o.order_number AS number, o.created_at AS order_date, s.type AS store_type,
       CASE s.type WHEN 'WHOLESALE' THEN 'WholesaleOrder' ELSE 'DirectToConsumerOrder' END AS "__typename"
FROM orders o JOIN stores s ON s.store_id = o.store_id
"""

# LATERAL, not JOIN: looked up by line id (a shipment line's `orderLine`), a join hashes all orders
# (~100 ms at 1M orders); the lateral form probes only the orders of the lines found (~5 ms).
ORDER_LINES = """
SELECT l.*, l.order_line_id AS id, l.variant_name AS product_variant_name, l.size_name AS size,
       (l.discount_percent > 0 OR l.unit_price < l.unit_original_price) AS has_any_discount,
       o.currency_code, o.conversion_rate
FROM order_lines l,
     LATERAL (SELECT currency_code, conversion_rate FROM orders WHERE order_number = l.order_number) o
"""

SHIPMENTS = """
SELECT sh.*, sh.shipment_id AS id, sh.shipment_number AS number, o.currency_code, o.conversion_rate,
       o.store_id,
       CASE s.type WHEN 'WHOLESALE' THEN 'WholesaleShipment' ELSE 'DirectToConsumerShipment' END AS "__typename"
FROM shipments sh JOIN orders o ON o.order_number = sh.order_number JOIN stores s ON s.store_id = o.store_id
"""

SHIPMENT_LINES = """
SELECT sl.*, sl.shipment_line_id AS id, l.unit_price, l.tax_percent, o.currency_code, o.conversion_rate
FROM shipment_lines sl JOIN order_lines l ON l.order_line_id = sl.order_line_id
JOIN orders o ON o.order_number = l.order_number
"""

RETURNS = """
SELECT r.*, r.return_id AS id, CASE WHEN r.is_completed THEN 'COMPLETED' ELSE 'IN_PROGRESS' END AS status,
       r.return_to_stock AS returned_to_stock, o.store_id, o.customer_id, o.account_id, o.currency_code,
       o.conversion_rate, s.type AS store_type,
       CASE s.type WHEN 'WHOLESALE' THEN 'WholesaleReturn' ELSE 'DirectToConsumerReturn' END AS "__typename"
FROM returns r JOIN orders o ON o.order_number = r.order_number JOIN stores s ON s.store_id = o.store_id
"""

RETURN_LINES = """
SELECT rl.*, rl.return_line_id AS id, o.currency_code, o.conversion_rate
FROM return_lines rl JOIN returns r ON r.return_id = rl.return_id
JOIN orders o ON o.order_number = r.order_number
"""

CUSTOMERS = """
SELECT c.*, c.customer_id AS id, c.has_newsletter AS newsletter, 'Customer' AS "__typename" FROM customers c
"""

ACCOUNTS = """
SELECT a.*, a.account_id AS id, m.store_id FROM accounts a JOIN markets m ON m.market_id = a.market_id
"""

BUYERS = "SELECT b.*, b.buyer_id AS id FROM buyers b"

PRODUCTS = """
SELECT p.*, p.product_id AS id, FALSE AS is_serializable_product, 'Product' AS "__typename" FROM products p
"""

VARIANTS = "SELECT v.*, v.variant_id AS id, 'ProductVariant' AS \"__typename\" FROM variants v"

PRODUCT_SIZES = """
SELECT ps.*, ps.product_size_id AS id, ps.ean AS gtin, ps.is_preorder AS preorder FROM product_sizes ps
"""

# A variant's price per pricelist, in the pricelist's currency; `store_id` for store-restricted tokens.
PRICES = """
SELECT pr.variant_id, pr.pricelist_id, pr.price, pl.currency_code, pl.store_id
FROM prices pr JOIN pricelists pl ON pl.pricelist_id = pr.pricelist_id
"""

# Stock semantics (docs/centra-api-reference.md §A8.6): physical = free to allocate + allocated. The sandbox has no demand,
# supplier-module or delivery data, so availableNow = FTA and available = FTA + unlinked incoming.
STOCK = """
SELECT st.warehouse_id, st.product_size_id, ps.variant_id, v.product_id, sz.sort_order AS size_sort,
       st.physical_quantity - st.allocated_quantity AS free_to_allocate_quantity,
       st.physical_quantity, st.allocated_quantity, 0 AS demand_quantity,
       st.allocated_quantity AS unshipped_quantity,
       st.physical_quantity - st.allocated_quantity AS available_now_quantity,
       st.physical_quantity - st.allocated_quantity + st.incoming_quantity AS available_quantity,
       0 AS on_delivery_quantity, 0 AS linked_incoming_quantity,
       st.incoming_quantity AS unlinked_incoming_quantity
FROM stock st JOIN product_sizes ps ON ps.product_size_id = st.product_size_id
JOIN variants v ON v.variant_id = ps.variant_id JOIN sizes sz ON sz.size_id = ps.size_id
"""

STOCK_QUANTITIES = (
    "free_to_allocate_quantity", "physical_quantity", "allocated_quantity", "demand_quantity",
    "unshipped_quantity", "available_now_quantity", "available_quantity", "on_delivery_quantity",
    "linked_incoming_quantity", "unlinked_incoming_quantity",
)  # fmt: skip


def select(
    ctx: RequestContext, view: str, where: Where | None = None, order_sql: str = "", tail_sql: str = ""
) -> list[Row]:
    where = where or Where()
    return ctx.store.rows(f"SELECT * FROM ({view}){where.sql()}{order_sql}{tail_sql}", where.params)


def select_page(
    ctx: RequestContext, view: str, key: str, where: Where, order_sql: str, tail_sql: str
) -> list[Row]:
    """One page (`tail_sql`: LIMIT/OFFSET) of `view` in `order_sql` order; `key` must be unique in the view.

    The page's keys are chosen first over just the key and sort columns, then only their rows are read:
    a top-N over every column of a joined view costs ~50 ms at 1M orders, this ~10 ms.
    """
    page = f"SELECT {key} FROM ({view}){where.sql()}{order_sql}{tail_sql}"
    return ctx.store.rows(f"SELECT * FROM ({view}) WHERE {key} IN ({page}){order_sql}", where.params)


def count(ctx: RequestContext, view: str, where: Where) -> int:
    return int(ctx.store.scalar(f"SELECT count(*) FROM ({view}){where.sql()}", where.params))


def select_in(
    ctx: RequestContext,
    view: str,
    column: str,
    keys: Sequence[Any],
    order_sql: str = "",
    where: Where | None = None,
) -> list[Row]:
    """Rows whose `column` is one of `keys`: the one query behind a batched relation."""
    where = where or Where()
    where.any_of(column, keys)
    return select(ctx, view, where, order_sql)


def visible_stores(ctx: RequestContext, where: Where, column: str = "store_id") -> Where:
    """Apply the token's store restriction (Centra: "Store restrictions apply")."""
    return where.equals(column, ctx.store_restriction)
