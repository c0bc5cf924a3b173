"""Time and peak memory of a full reporting rebuild: `python -m bench.build_reporting --orders 1000000`.

Creates the canonical `centra_raw` tables (pipelines/centra/tables.py: every column with its type, nested
tables as plain tables) in a temporary DuckDB file and fills them with SQL alone (`range()`, deterministic
arithmetic): N orders of ~3 lines each over two years, N/3 customers, 2,000 products × 3 variants × 5 sizes,
stock in 3 warehouses, 2 stores, 4 markets, ~5% of orders with a return, 1 in 7 with a voucher. Then runs
`build_reporting` (twice with `--builds 2`) and prints the order count, seconds (wall and CPU) per build, the
process's peak resident memory (MB, which includes generating the dataset) and the row count of every
reporting table.
Target (issue 5): 1,000,000 orders rebuilt in under 60 s with peak memory under 2 GB.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from bench.support import cpu_seconds, peak_rss_mb
from pipelines.centra import tables as canonical
from warehouse.build import build_reporting
from warehouse.partitioned_build import DEFAULT_KEYS_PER_PART
from warehouse.registry import BuildParams

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
PRODUCTS = 2_000  # × 3 variants × 5 sizes = 30,000 SKUs
START = "TIMESTAMPTZ '2024-01-01 00:00:00+00'"
AS_OF = datetime(2026, 1, 1, tzinfo=UTC)

# Each statement fills one table with `INSERT ... BY NAME`; {n} is the order count. Columns left out stay NULL.
FILL = {
    "stores": """SELECT 1 AS store_id, 'Retail' AS name, 'DIRECT_TO_CONSUMER' AS store_type
        UNION ALL SELECT 2, 'Wholesale', 'WHOLESALE'""",
    "markets": """SELECT i AS market_id, 'Market ' || i AS name, 1 AS store_id,
        '["SE"]'::JSON AS country_codes FROM range(1, 5) t(i)""",
    "warehouses": """SELECT i AS warehouse_id, 'Warehouse ' || i AS name, 'ACTIVE' AS status,
        'SE' AS country_code, 0 AS threshold FROM range(1, 4) t(i)""",
    "brands": "SELECT i AS brand_id, 'Brand ' || i AS name FROM range(1, 6) t(i)",
    "collections": "SELECT i AS collection_id, 'Collection ' || i AS name, 'ACTIVE' AS status FROM range(1, 9) t(i)",
    "sizes": """SELECT i AS size_id, 1 AS size_chart_id, 'Letters' AS size_chart_name,
        ['XS','S','M','L','XL'][i] AS name FROM range(1, 6) t(i)""",
    "products": f"""SELECT i AS product_id, 'Product ' || i AS name, 'ACTIVE' AS status, 'P' || i AS product_number,
        1 + i % 5 AS brand_id, 1 + i % 8 AS collection_id, 1 AS size_chart_id, false AS is_bundle,
        {START} AS created_at, {START} AS updated_at FROM range(1, {{p}} + 1) t(i)""",
    "variants": f"""SELECT 10 * p + v AS variant_id, p AS product_id, 'Colour ' || v AS name, 'ACTIVE' AS status,
        'V' || (10 * p + v) AS variant_number, (50 + p % 200)::DECIMAL(18,4) AS unit_cost_amount,
        'SEK' AS unit_cost_currency_code, {START} AS created_at, {START} AS updated_at
        FROM range(1, {{p}} + 1) a(p), range(1, 4) b(v)""",
    "product_sizes": """SELECT 10 * (10 * p + v) + s AS size_id, 10 * p + v AS variant_id, p AS product_id,
        s AS size_chart_size_id, 'SKU-' || (10 * (10 * p + v) + s) AS sku, '73' || lpad((10 * (10 * p + v) + s)::VARCHAR, 11, '0') AS ean,
        false AS is_preorder FROM range(1, {p} + 1) a(p), range(1, 4) b(v), range(1, 6) c(s)""",
    "stock": """SELECT w AS warehouse_id, size_id, (size_id * 7 + w) % 40 AS free_to_allocate_quantity,
        (size_id * 7 + w) % 40 + 2 AS physical_quantity, 2 AS allocated_quantity,
        TIMESTAMPTZ '2025-12-31 23:00:00+00' AS snapshot_at
        FROM centra_raw.product_sizes, range(1, 4) t(w)""",
    "customers": f"""SELECT i AS customer_id,
        CASE WHEN i % 50 = 0 THEN NULL ELSE 'customer' || i || '@example.com' END AS email,
        CASE WHEN i % 50 = 0 THEN NULL ELSE 'First' || i END AS first_name,
        CASE WHEN i % 50 = 0 THEN NULL ELSE 'Last' || i END AS last_name,
        i % 3 <> 0 AS is_registered, i % 4 = 0 AS has_newsletter, 'SE' AS country_code,
        {START} AS created_at, {START} AS updated_at FROM range(1, {{n}} // 3 + 2) t(i)""",
    # order i: every 10th wholesale; 1 in 25 cancelled; 1 in 7 with a voucher; currency by market; created
    # over ~2 years in order
    "orders": f"""SELECT i AS order_number, md5(i::VARCHAR) AS order_id,
        CASE WHEN i % 10 = 0 THEN 2 ELSE 1 END AS store_id,
        CASE WHEN i % 10 = 0 THEN 'WHOLESALE' ELSE 'DIRECT_TO_CONSUMER' END AS store_type,
        1 + i % 4 AS market_id, 1 + i % 4 AS pricelist_id,
        CASE WHEN i % 10 = 0 THEN NULL ELSE 1 + (i * 7919) % ({{n}} // 3 + 1) END AS customer_id,
        CASE WHEN i % 10 = 0 THEN 1 + i % 100 END AS account_id,
        CASE WHEN i % 25 = 0 THEN 'CANCELLED' WHEN i % 7 = 0 THEN 'CONFIRMED' ELSE 'SHIPPED' END AS status,
        CASE WHEN i % 4 = 1 THEN 'EUR' ELSE 'SEK' END AS currency_code,
        CASE WHEN i % 4 = 1 THEN 11.23456789 ELSE 1 END::DECIMAL(18,8) AS conversion_rate,
        (300 + i % 900)::DECIMAL(18,4) AS grand_total_amount, 49::DECIMAL(18,4) AS shipping_amount,
        (60 + i % 180)::DECIMAL(18,4) AS tax_included_amount, 0::DECIMAL(18,4) AS tax_added_amount,
        {START} + to_seconds(i * (63072000 // {{n}})) AS created_at,
        {START} + to_seconds(i * (63072000 // {{n}}) + 3600) AS updated_at,
        'First' || i AS shipping_first_name, 'Last' || i AS shipping_last_name,
        'Street ' || i AS shipping_address1, 'Stockholm' AS shipping_city, 'SE' AS shipping_country_code,
        'SE' AS billing_country_code, 'order' || i || '@example.com' AS billing_email,
        CASE WHEN i % 7 = 3 THEN 'SALE' || i % 5 END AS voucher_code,
        CASE WHEN i % 7 = 3 THEN 'Sale ' || i % 5 END AS voucher_name,
        CASE WHEN i % 7 = 3 THEN (20 + i % 80)::DECIMAL(18,4) END AS voucher_amount
        FROM range(1, {{n}} + 1) t(i)""",
    # order o has 1 + o % 5 lines (3 on average), each a SKU picked by arithmetic on (o, line)
    "orders__lines": """SELECT 10 * o + l AS order_line_id, o AS order_number, p.product_id, p.variant_id,
        p.size_id, p.sku, p.ean, 'Product ' || p.product_id AS product_name,
        1 + (o + l) % 3 AS quantity, CASE WHEN (o + l) % 40 = 0 THEN 1 ELSE 0 END AS cancelled_quantity,
        (100 + p.size_id % 400)::DECIMAL(18,4) AS unit_original_price_amount,
        (CASE WHEN o % 5 = 0 THEN 0.8 ELSE 1 END * (100 + p.size_id % 400))::DECIMAL(18,4) AS unit_price_amount,
        ((1 + (o + l) % 3) * CASE WHEN o % 5 = 0 THEN 0.8 ELSE 1 END * (100 + p.size_id % 400))::DECIMAL(18,4)
            AS line_amount,
        25::DECIMAL(9,4) AS tax_percent, CASE WHEN o % 4 = 1 THEN 'EUR' ELSE 'SEK' END AS currency_code
        FROM range(1, {n} + 1) a(o) JOIN range(1, 6) b(l) ON l <= 1 + o % 5
        JOIN centra_raw.product_sizes p
            ON p.size_id = 10 * (10 * (1 + (o * 31 + l * 17) % {p}) + 1 + (o + l) % 3) + 1 + (o * 3 + l) % 5""",
    "orders__returns": f"""SELECT o AS return_id, o AS order_number,
        CASE WHEN o % 40 = 0 THEN 'PENDING' ELSE 'COMPLETED' END AS status, o % 40 <> 0 AS is_completed,
        {START} + to_seconds(o * (63072000 // {{n}}) + 864000) AS created_at, true AS return_to_stock,
        CASE WHEN o % 4 = 1 THEN 'EUR' ELSE 'SEK' END AS currency_code
        FROM range(20, {{n}} + 1, 20) t(o) WHERE o % 25 <> 0""",
    "orders__returns__lines": """SELECT order_line_id AS return_line_id, r.return_id, l.order_number, l.order_line_id,
        1 AS quantity, l.unit_price_amount AS amount, l.currency_code
        FROM centra_raw.orders__returns r JOIN centra_raw.orders__lines l USING (order_number)
        WHERE l.order_line_id % 10 = 1""",
}


def canonical_tables() -> list[canonical.TableSpec]:
    specs = {
        nested.name: nested
        for spec in vars(canonical).values()
        if isinstance(spec, canonical.TableSpec)
        for nested in spec.all_tables()
    }
    return [specs[name] for name in sorted(specs)]


def create_dataset(connection: duckdb.DuckDBPyConnection, orders: int, products: int = PRODUCTS) -> None:
    """The canonical tables of `orders` orders over a catalog of `products` products (× 3 variants × 5 sizes)."""
    connection.execute("CREATE SCHEMA centra_raw")
    for spec in canonical_tables():
        columns = ", ".join(f'"{name}" {SQL_TYPES[kind]}' for name, kind in spec.columns)
        if not spec.is_nested:  # which API served the row: every root table carries it (tables.py)
            columns += f", \"{canonical.SOURCE_API}\" VARCHAR DEFAULT 'graphql'"
        connection.execute(f'CREATE TABLE centra_raw."{spec.name}" ({columns})')
    for name, select in FILL.items():
        connection.execute(f'INSERT INTO centra_raw."{name}" BY NAME {select.format(n=orders, p=products)}')


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument(
        "--builds", type=int, default=1, help="rebuild this many times (the 2nd reads history)"
    )
    parser.add_argument("--hash-pii", action="store_true")
    parser.add_argument(
        "--keys-per-part",
        type=int,
        default=DEFAULT_KEYS_PER_PART,
        help="orders per part of the tables built in parts (fct_order_lines, fct_orders, fct_returns)",
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as directory:
        connection = duckdb.connect(str(Path(directory) / "bench.duckdb"))
        started = time.perf_counter()
        create_dataset(connection, args.orders)
        print(f"dataset seconds={time.perf_counter() - started:.1f} peak_rss_mb={peak_rss_mb():.0f}")
        for build in range(1, args.builds + 1):
            cpu_started = cpu_seconds()
            report = build_reporting(
                connection, BuildParams(as_of=AS_OF, hash_pii=args.hash_pii), keys_per_part=args.keys_per_part
            )
            slowest = sorted(report.seconds.items(), key=lambda item: -item[1])[:3]
            print(
                f"build {build} seconds={report.total_seconds:.1f} cpu_seconds={cpu_seconds() - cpu_started:.1f} "
                f"peak_rss_mb={peak_rss_mb():.0f} load_average={os.getloadavg()[0]:.1f} slowest: "
                + ", ".join(f"{name} {seconds:.1f}s" for name, seconds in slowest)
            )
        raw = {
            name: connection.execute(f'SELECT count(*) FROM centra_raw."{name}"').fetchone() for name in FILL
        }
        connection.close()
    for name, count in raw.items():
        print(f"  centra_raw.{name:<24} {count[0] if count else 0:>10,}")
    for name, rows in report.rows.items():
        print(f"  reporting.{name:<25} {rows:>10,}")
    print(f"orders={args.orders} seconds={report.total_seconds:.1f} peak_rss_mb={peak_rss_mb():.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
