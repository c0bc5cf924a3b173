"""A tiny hand-written `centra_raw` dataset in the canonical shape, for the reporting tests.

The story (base currency SEK; Europe/Stockholm):
- 1001 DTC, customer 1, SEK: line 11 (2 × 100 at 80, one unit returned), line 12 partially cancelled.
- 1002 DTC, customer 1, EUR at 11.23456789, created 2026-03-29 22:30 UTC: the night clocks moved to
  CEST, so it is 00:30 on 2026-03-30 in Stockholm (a fixed +01:00 would say 23:30 on the 29th).
- 1003 DTC, customer 1, CANCELLED, created before 1001; its only line (14) is fully cancelled.
- 1004 WHOLESALE, account 7, no customer, SEK: line 15 at half the original price, tax added.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipelines.centra import tables as canonical
from pipelines.centra.tables import SOURCE_API, TableSpec
from tests.warehouse.catalog_inputs import insert_catalog_stock_and_returns

SQL_TYPES = {
    "text": "VARCHAR",
    "bigint": "BIGINT",
    "bool": "BOOLEAN",
    "money": "DECIMAL(18,4)",
    "rate": "DECIMAL(18,8)",
    "percent": "DECIMAL(9,4)",
    "timestamp": "TIMESTAMPTZ",
    "date": "DATE",
    "json": "JSON",
}

ORDERS_ROWS = [
    # order_number, order_id, store_id, store_type, customer_id, account_id, status, currency, rate,
    # created_at, shipping, tax_included, tax_added, grand_total
    (1001, "a1001", 1, "DIRECT_TO_CONSUMER", 1, None, "SHIPPED", "SEK", "1", "2026-01-10 10:00:00+00", "49", "42", "0", "259"),
    (1002, "a1002", 1, "DIRECT_TO_CONSUMER", 1, None, "CONFIRMED", "EUR", "11.23456789", "2026-03-29 22:30:00+00", "5", "7", "0", "35"),
    (1003, "a1003", 1, "DIRECT_TO_CONSUMER", 1, None, "CANCELLED", "SEK", "1", "2026-01-05 08:00:00+00", "0", "0", "0", "0"),
    (1004, "a1004", 2, "WHOLESALE", None, 7, "CONFIRMED", "SEK", "1", "2026-02-01 09:00:00+00", "0", "0", "100", "500"),
]  # fmt: skip

LINES_ROWS = [
    # order_line_id, order_number, size_id, quantity, cancelled_quantity, unit_price, unit_original_price,
    # line_amount, currency_code
    (11, 1001, 300, 2, 0, "80", "100", "160", "SEK"),
    (12, 1001, 301, 1, 1, "50", "50", "50", "SEK"),
    (13, 1002, 300, 3, 0, "10", "12.5", "30", "EUR"),
    (14, 1003, 300, 0, 2, "100", "100", "0", "SEK"),
    (15, 1004, 301, 10, 0, "40", "80", "400", "SEK"),
]

RETURN_LINES_ROWS = [
    # return_line_id, return_id, order_number, order_line_id, quantity, amount, currency_code
    (91, 90, 1001, 11, 1, "80", "SEK"),
]


def create_empty_canonical_tables(
    connection: duckdb.DuckDBPyConnection, specs: tuple[TableSpec, ...]
) -> None:
    connection.execute("CREATE SCHEMA IF NOT EXISTS centra_raw")
    for spec in specs:
        columns = ", ".join(f'"{name}" {SQL_TYPES[kind]}' for name, kind in spec.columns)
        if not spec.is_nested:  # as the pipeline writes them: which API served the row
            columns += f", \"{SOURCE_API}\" VARCHAR DEFAULT 'graphql'"
        connection.execute(f'CREATE TABLE centra_raw."{spec.name}" ({columns})')


def all_canonical_tables() -> tuple[TableSpec, ...]:
    """Every canonical table (nested ones too), each once, so any reporting table finds its inputs."""
    specs = {
        nested.name: nested
        for spec in vars(canonical).values()
        if isinstance(spec, TableSpec)
        for nested in spec.all_tables()
    }
    return tuple(specs[name] for name in sorted(specs))


def create_canonical_dataset(path: Path) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect(str(path))
    create_empty_canonical_tables(connection, all_canonical_tables())
    connection.executemany(
        "INSERT INTO centra_raw.orders (order_number, order_id, store_id, store_type, market_id, pricelist_id, "
        "customer_id, account_id, status, currency_code, conversion_rate, created_at, shipping_amount, "
        "tax_included_amount, tax_added_amount, grand_total_amount, shipping_country_code) "
        "VALUES (?, ?, ?, ?, 10, 20, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'SE')",
        ORDERS_ROWS,
    )
    connection.executemany(
        "INSERT INTO centra_raw.orders__lines (order_line_id, order_number, product_id, variant_id, size_id, "
        "sku, ean, quantity, cancelled_quantity, unit_price_amount, unit_original_price_amount, line_amount, "
        "currency_code) VALUES (?, ?, 100, 200, ?, 'SKU-' || ?, 'EAN' || ?, ?, ?, ?, ?, ?, ?)",
        [(line_id, number, size, size, size, *rest) for line_id, number, size, *rest in LINES_ROWS],
    )
    connection.executemany(
        "INSERT INTO centra_raw.orders__returns__lines (return_line_id, return_id, order_number, order_line_id, "
        "quantity, amount, currency_code) VALUES (?, ?, ?, ?, ?, ?, ?)",
        RETURN_LINES_ROWS,
    )
    insert_catalog_stock_and_returns(connection)
    return connection
