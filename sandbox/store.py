"""The sandbox's database: one in-memory DuckDB holding the imitated Centra instance.

Everything the two imitated APIs serve is read from these tables, and every change (a change set from the
control API, an event confirmation) is written to them. Columnar storage keeps a 1M-order dataset inside a
few GB, and SQL gives the `where`/`sort`/paging logic of both APIs one implementation.

Conventions (the contract between generator, GraphQL resolvers and the Order API):
- `*_at` columns are naive `TIMESTAMP` values in **UTC**; renderers convert to the instance's local zone.
- money is `DECIMAL(18, 2)` in the currency of its row (orders: `currency_code`); rates are `DECIMAL(18, 6)`.
- ids are Centra's: ints everywhere, except `orders.order_id` (32-hex hash); `order_number` is the order key.
- boolean flags are `is_*`/`has_*`; NULL means "not set" (Centra sends null, the Order API sends "").
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import duckdb

SCHEMA_SQL = """
CREATE TABLE currencies (
    currency_id INTEGER PRIMARY KEY, code VARCHAR NOT NULL, name VARCHAR NOT NULL,
    is_base BOOLEAN NOT NULL,
    base_rate DECIMAL(18, 6) NOT NULL           -- amount_in_this_currency * base_rate = base amount
);
CREATE TABLE countries (
    country_id INTEGER PRIMARY KEY, code VARCHAR NOT NULL, name VARCHAR NOT NULL,
    continent VARCHAR, is_eu BOOLEAN NOT NULL
);
CREATE TABLE stores (
    store_id INTEGER PRIMARY KEY, name VARCHAR NOT NULL,
    type VARCHAR NOT NULL                        -- DIRECT_TO_CONSUMER | WHOLESALE
);
CREATE TABLE markets (
    market_id INTEGER PRIMARY KEY, name VARCHAR NOT NULL, store_id INTEGER NOT NULL, comment VARCHAR
);
CREATE TABLE market_countries (market_id INTEGER NOT NULL, country_code VARCHAR NOT NULL);
CREATE TABLE pricelists (
    pricelist_id INTEGER PRIMARY KEY, name VARCHAR NOT NULL, status VARCHAR NOT NULL,
    currency_code VARCHAR NOT NULL, store_id INTEGER NOT NULL
);
CREATE TABLE pricelist_countries (pricelist_id INTEGER NOT NULL, country_code VARCHAR NOT NULL);
CREATE TABLE warehouses (
    warehouse_id INTEGER PRIMARY KEY, name VARCHAR NOT NULL, status VARCHAR NOT NULL,
    country_code VARCHAR, threshold INTEGER NOT NULL,
    in_order_api_plugin BOOLEAN NOT NULL         -- summed into the Order API's /stock (primary + virtual)
);
CREATE TABLE brands (brand_id INTEGER PRIMARY KEY, name VARCHAR NOT NULL);
CREATE TABLE collections (collection_id INTEGER PRIMARY KEY, name VARCHAR NOT NULL, status VARCHAR NOT NULL);
CREATE TABLE size_charts (size_chart_id INTEGER PRIMARY KEY, name VARCHAR NOT NULL);
CREATE TABLE sizes (
    size_id INTEGER PRIMARY KEY, size_chart_id INTEGER NOT NULL, name VARCHAR NOT NULL,
    sort_order INTEGER NOT NULL
);
CREATE TABLE products (
    product_id INTEGER PRIMARY KEY, name VARCHAR NOT NULL, status VARCHAR NOT NULL,
    product_number VARCHAR NOT NULL, brand_id INTEGER NOT NULL, collection_id INTEGER,
    size_chart_id INTEGER NOT NULL, is_bundle BOOLEAN NOT NULL, internal_comment VARCHAR,
    harmonized_commodity_code VARCHAR, weight_kg DECIMAL(10, 3),
    created_at TIMESTAMP NOT NULL, updated_at TIMESTAMP NOT NULL
);
CREATE TABLE variants (
    variant_id INTEGER PRIMARY KEY, product_id INTEGER NOT NULL, name VARCHAR NOT NULL,
    status VARCHAR NOT NULL, variant_number VARCHAR NOT NULL,
    unit_cost DECIMAL(18, 2), unit_cost_currency VARCHAR,
    created_at TIMESTAMP NOT NULL, updated_at TIMESTAMP NOT NULL
);
CREATE TABLE product_sizes (
    product_size_id INTEGER PRIMARY KEY, variant_id INTEGER NOT NULL, size_id INTEGER NOT NULL,
    description VARCHAR NOT NULL,                -- the size's name, e.g. "M"
    size_number VARCHAR, ean VARCHAR, upc VARCHAR,
    sku VARCHAR,                                 -- product_number || variant_number || size_number; NULL when unset
    is_preorder BOOLEAN NOT NULL, updated_at TIMESTAMP NOT NULL
);
CREATE TABLE prices (
    variant_id INTEGER NOT NULL, pricelist_id INTEGER NOT NULL, price DECIMAL(18, 2) NOT NULL,
    PRIMARY KEY (variant_id, pricelist_id)
);
CREATE TABLE stock (
    warehouse_id INTEGER NOT NULL, product_size_id INTEGER NOT NULL,
    physical_quantity INTEGER NOT NULL, allocated_quantity INTEGER NOT NULL,  -- free to allocate = difference
    incoming_quantity INTEGER NOT NULL, updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (warehouse_id, product_size_id)
);
CREATE TABLE customers (
    customer_id INTEGER PRIMARY KEY, email VARCHAR, first_name VARCHAR, last_name VARCHAR,
    is_registered BOOLEAN NOT NULL, is_anonymized BOOLEAN NOT NULL, gender VARCHAR,
    phone_number VARCHAR, has_newsletter BOOLEAN NOT NULL,
    address1 VARCHAR, address2 VARCHAR, zip_code VARCHAR, city VARCHAR, state VARCHAR, country_code VARCHAR,
    created_at TIMESTAMP NOT NULL, updated_at TIMESTAMP NOT NULL
);
CREATE TABLE accounts (
    account_id INTEGER PRIMARY KEY, name VARCHAR NOT NULL, status VARCHAR NOT NULL,
    market_id INTEGER NOT NULL, pricelist_id INTEGER NOT NULL, discount_percent DECIMAL(5, 2) NOT NULL,
    created_at TIMESTAMP NOT NULL, updated_at TIMESTAMP NOT NULL
);
CREATE TABLE buyers (
    buyer_id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL, email VARCHAR, first_name VARCHAR,
    last_name VARCHAR, status VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL, updated_at TIMESTAMP NOT NULL
);
CREATE TABLE orders (
    order_number INTEGER PRIMARY KEY, order_id VARCHAR NOT NULL,   -- order_id: 32-hex hash
    store_id INTEGER NOT NULL, market_id INTEGER NOT NULL, pricelist_id INTEGER NOT NULL,
    customer_id INTEGER, account_id INTEGER, buyer_id INTEGER,   -- DTC: customer; wholesale: account + buyer
    status VARCHAR NOT NULL,       -- PENDING | CONFIRMED | PROCESSING | SHIPPED | CANCELLED | ARCHIVED
    is_on_hold BOOLEAN NOT NULL, is_waiting_for_payment BOOLEAN NOT NULL, is_internal BOOLEAN NOT NULL,
    currency_code VARCHAR NOT NULL,
    conversion_rate DECIMAL(18, 6) NOT NULL,     -- order currency -> base currency, captured at order time
    shipping_amount DECIMAL(18, 2) NOT NULL, handling_amount DECIMAL(18, 2) NOT NULL,
    voucher_code VARCHAR, voucher_name VARCHAR,
    voucher_amount DECIMAL(18, 2),               -- money off the order (positive), NULL without a voucher
    payment_method_uri VARCHAR NOT NULL, payment_plugin VARCHAR NOT NULL, payment_type VARCHAR NOT NULL,
    purchase_order_number VARCHAR, internal_comment VARCHAR, other_comment VARCHAR,
    shipping_first_name VARCHAR, shipping_last_name VARCHAR, shipping_company_name VARCHAR,
    shipping_address1 VARCHAR, shipping_address2 VARCHAR, shipping_city VARCHAR, shipping_zip_code VARCHAR,
    shipping_state_or_province VARCHAR, shipping_country_code VARCHAR, shipping_email VARCHAR,
    shipping_phone_number VARCHAR, shipping_cell_phone_number VARCHAR,
    billing_first_name VARCHAR, billing_last_name VARCHAR, billing_company_name VARCHAR,
    billing_address1 VARCHAR, billing_address2 VARCHAR, billing_city VARCHAR, billing_zip_code VARCHAR,
    billing_state_or_province VARCHAR, billing_country_code VARCHAR, billing_email VARCHAR,
    billing_phone_number VARCHAR, billing_vat_number VARCHAR,
    created_at TIMESTAMP NOT NULL, updated_at TIMESTAMP NOT NULL
);
CREATE TABLE order_lines (
    order_line_id INTEGER PRIMARY KEY, order_number INTEGER NOT NULL,
    product_id INTEGER NOT NULL, variant_id INTEGER NOT NULL, product_size_id INTEGER NOT NULL,
    brand_id INTEGER NOT NULL, product_name VARCHAR NOT NULL, variant_name VARCHAR NOT NULL,
    size_name VARCHAR NOT NULL, sku VARCHAR, ean VARCHAR,
    quantity INTEGER NOT NULL,                   -- current quantity, after cancellations
    cancelled_quantity INTEGER NOT NULL,         -- quantity = 0 and cancelled_quantity > 0: fully cancelled
    unit_price DECIMAL(18, 2) NOT NULL,          -- after line discount, tax included
    unit_original_price DECIMAL(18, 2) NOT NULL,
    discount_percent DECIMAL(5, 2) NOT NULL, tax_percent DECIMAL(5, 2) NOT NULL, comment VARCHAR
);
CREATE TABLE shipments (
    shipment_id INTEGER PRIMARY KEY, shipment_number VARCHAR NOT NULL,   -- "<order_number>-<n>"
    order_number INTEGER NOT NULL,
    is_good_to_go BOOLEAN NOT NULL, is_shipped BOOLEAN NOT NULL, is_paid BOOLEAN NOT NULL,
    is_captured BOOLEAN NOT NULL, paid_at TIMESTAMP, captured_at TIMESTAMP, shipped_at TIMESTAMP,
    tracking_number VARCHAR, return_tracking_number VARCHAR, carrier_name VARCHAR, service_name VARCHAR,
    number_of_packages INTEGER NOT NULL, shipping_amount DECIMAL(18, 2) NOT NULL,
    created_at TIMESTAMP NOT NULL, updated_at TIMESTAMP NOT NULL
);
CREATE TABLE shipment_lines (
    shipment_line_id INTEGER PRIMARY KEY, shipment_id INTEGER NOT NULL, order_line_id INTEGER NOT NULL,
    quantity INTEGER NOT NULL
);
CREATE TABLE returns (
    return_id INTEGER PRIMARY KEY, order_number INTEGER NOT NULL, shipment_id INTEGER NOT NULL,
    is_completed BOOLEAN NOT NULL, completed_at TIMESTAMP, return_to_stock BOOLEAN NOT NULL,
    comment VARCHAR, return_cost DECIMAL(18, 2) NOT NULL, shipping_refund DECIMAL(18, 2) NOT NULL,
    created_at TIMESTAMP NOT NULL, updated_at TIMESTAMP NOT NULL
);
CREATE TABLE return_lines (
    return_line_id INTEGER PRIMARY KEY, return_id INTEGER NOT NULL, order_line_id INTEGER NOT NULL,
    shipment_line_id INTEGER NOT NULL, quantity INTEGER NOT NULL,
    amount DECIMAL(18, 2) NOT NULL               -- refunded value of the line, order currency
);
CREATE TABLE event_listeners (
    integration_name VARCHAR NOT NULL, object_type VARCHAR NOT NULL,
    change_types VARCHAR[] NOT NULL,             -- empty list = every change type
    created_at TIMESTAMP NOT NULL, updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (integration_name, object_type)
);
CREATE SEQUENCE event_ids START 1;
CREATE TABLE events (
    event_id INTEGER PRIMARY KEY DEFAULT nextval('event_ids'),
    integration_name VARCHAR NOT NULL, object_type VARCHAR NOT NULL,   -- Order, Customer, Product, ...
    change_type VARCHAR NOT NULL,                -- CREATED | UPDATED | DELETED | COMPLETED | DEPENDENT_DATA_CHANGED
    object_key VARCHAR NOT NULL,                 -- the object's id as text (order: its number)
    store_id INTEGER, market_id INTEGER, created_at TIMESTAMP NOT NULL, confirmed_at TIMESTAMP
);
"""

ENTITY_TABLES: tuple[str, ...] = (
    "currencies", "countries", "stores", "markets", "market_countries", "pricelists", "pricelist_countries",
    "warehouses", "brands", "collections", "size_charts", "sizes", "products", "variants", "product_sizes",
    "prices", "stock", "customers", "accounts", "buyers", "orders", "order_lines", "shipments",
    "shipment_lines", "returns", "return_lines",
)  # fmt: skip


class Store:
    """One in-memory DuckDB database, shared by every request; every access holds `lock`."""

    def __init__(self) -> None:
        self.connection = duckdb.connect(":memory:")
        self.connection.execute("SET TimeZone = 'UTC'")
        self.connection.execute(SCHEMA_SQL)
        self.lock = threading.RLock()

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """Hold the lock and run the block in one transaction, rolled back on error."""
        with self.lock:
            self.connection.execute("BEGIN TRANSACTION")
            try:
                yield self.connection
            except BaseException:
                self.connection.execute("ROLLBACK")
                raise
            self.connection.execute("COMMIT")

    def rows(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Run a query and return its rows as dicts keyed by column name."""
        with self.lock:
            cursor = self.connection.execute(sql, params or [])
            names = [column[0] for column in cursor.description or []]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def scalar(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> Any:
        with self.lock:
            row = self.connection.execute(sql, params or []).fetchone()
            return None if row is None else row[0]

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> None:
        with self.lock:
            self.connection.execute(sql, params or [])

    def counts(self) -> dict[str, int]:
        """Row count of every entity table: the sandbox's truth for load tests."""
        return {table: int(self.scalar(f"SELECT count(*) FROM {table}")) for table in ENTITY_TABLES}

    def close(self) -> None:
        with self.lock:
            self.connection.close()
