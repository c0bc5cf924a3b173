"""The catalogue, a stock snapshot and return headers added to the hand-written `centra_raw` dataset.

The story (matching canonical_inputs: every order line is product 100, variant 200):
- Brand Acme (1), collection SS26 (5). Product 100 "Tee" (ACTIVE) has variant 200 "Black" with sizes 300
  ("S") and 301 (no name of its own: "M" from its size chart size 71). Product 110 "Cap" (INACTIVE, no brand
  or collection) has variant 210 "Red" with size 310 ("One size"), never sold.
- Stock read 2026-03-31 21:00 UTC (23:00 in Stockholm): warehouse 1 holds 5 free of size 300, 0 of size 301
  (a zero row) and 4 of size 310; warehouse 2 holds 3 of size 300.
- Return 90 (line 91 of order 1001) was created 2026-01-20 12:00 UTC and is completed.
"""

from __future__ import annotations

import duckdb

BRANDS_ROWS = [(1, "Acme")]
COLLECTIONS_ROWS = [(5, "SS26", "ACTIVE")]
SIZES_ROWS = [(70, 7, "Letters", "S"), (71, 7, "Letters", "M")]
PRODUCTS_ROWS = [
    # product_id, name, status, product_number, brand_id, collection_id
    (100, "Tee", "ACTIVE", "P-100", 1, 5),
    (110, "Cap", "INACTIVE", "P-110", None, None),
]
VARIANTS_ROWS = [
    # variant_id, product_id, name, status, variant_number
    (200, 100, "Black", "ACTIVE", "V-200"),
    (210, 110, "Red", "INACTIVE", "V-210"),
]
PRODUCT_SIZES_ROWS = [
    # size_id, variant_id, product_id, size_chart_size_id, size_name, sku, ean
    (300, 200, 100, 70, "S", "SKU-300", "EAN300"),
    (301, 200, 100, 71, None, "SKU-301", "EAN301"),
    (310, 210, 110, None, "One size", "SKU-310", None),
]
WAREHOUSES_ROWS = [(1, "Main"), (2, "Outlet")]
STOCK_SNAPSHOT_AT = "2026-03-31 21:00:00+00"
STOCK_ROWS = [
    # warehouse_id, size_id, free_to_allocate, physical, allocated
    (1, 300, 5, 7, 2),
    (1, 301, 0, 0, 0),
    (1, 310, 4, 4, 0),
    (2, 300, 3, 3, 0),
]
RETURNS_ROWS = [
    # return_id, order_number, is_completed, created_at
    (90, 1001, True, "2026-01-20 12:00:00+00"),
]


def insert_catalog_stock_and_returns(connection: duckdb.DuckDBPyConnection) -> None:
    connection.executemany("INSERT INTO centra_raw.brands (brand_id, name) VALUES (?, ?)", BRANDS_ROWS)
    connection.executemany(
        "INSERT INTO centra_raw.collections (collection_id, name, status) VALUES (?, ?, ?)", COLLECTIONS_ROWS
    )
    connection.executemany(
        "INSERT INTO centra_raw.sizes (size_id, size_chart_id, size_chart_name, name) VALUES (?, ?, ?, ?)",
        SIZES_ROWS,
    )
    connection.executemany(
        "INSERT INTO centra_raw.products (product_id, name, status, product_number, brand_id, collection_id) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        PRODUCTS_ROWS,
    )
    connection.executemany(
        "INSERT INTO centra_raw.variants (variant_id, product_id, name, status, variant_number) "
        "VALUES (?, ?, ?, ?, ?)",
        VARIANTS_ROWS,
    )
    connection.executemany(
        "INSERT INTO centra_raw.product_sizes (size_id, variant_id, product_id, size_chart_size_id, size_name, "
        "sku, ean) VALUES (?, ?, ?, ?, ?, ?, ?)",
        PRODUCT_SIZES_ROWS,
    )
    connection.executemany(
        "INSERT INTO centra_raw.warehouses (warehouse_id, name) VALUES (?, ?)", WAREHOUSES_ROWS
    )
    replace_stock(connection, STOCK_SNAPSHOT_AT, STOCK_ROWS)
    connection.executemany(
        "INSERT INTO centra_raw.orders__returns (return_id, order_number, is_completed, created_at) "
        "VALUES (?, ?, ?, ?)",
        RETURNS_ROWS,
    )


def replace_stock(
    connection: duckdb.DuckDBPyConnection, snapshot_at: str, rows: list[tuple[int, int, int, int, int]]
) -> None:
    """A new current snapshot, as the stock load's replace leaves it."""
    connection.execute("DELETE FROM centra_raw.stock")
    if not rows:
        return
    connection.executemany(
        "INSERT INTO centra_raw.stock (warehouse_id, size_id, free_to_allocate_quantity, physical_quantity, "
        "allocated_quantity, snapshot_at) VALUES (?, ?, ?, ?, ?, ?)",
        [(*row, snapshot_at) for row in rows],
    )
