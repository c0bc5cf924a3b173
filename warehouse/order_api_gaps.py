"""What a reporting row served by the Order API can not hold, column by column, and why.

GraphQL is the full picture; the Order API (reference §B) lacks some fields, sums stock over its plugin's
warehouses and hides some rows. A row carries `source_api`, and this list says what an `order_api` row lacks
or holds differently from what the same row through GraphQL would: the data dictionary prints it, and the
fallback's end-to-end test compares every other column of every table with a GraphQL run of the same shop.
"""

from __future__ import annotations

from dataclasses import dataclass

from warehouse.registry import REGISTRY


@dataclass(frozen=True)
class Gap:
    columns: tuple[str, ...]
    why: str


BASE_AMOUNTS = (
    "inferred where the order's conversion_rate_source is nearest_order (the Order API's /orders carries "
    "no rate; an order with a return takes its baseCurrencyRate), empty where it is unknown"
)
SHIPMENT_STATE = "the Order API's /orders lists a shipment's number, shipped date, carrier and service only"
CATALOG = "the Order API's /products has no status, numbers, brand or collection ids, nor size charts"

EVERY_TABLE = Gap(("source_api",), "says which API served the row")
COLUMN_GAPS: dict[str, tuple[Gap, ...]] = {
    "fct_orders": (
        Gap(("conversion_rate", "conversion_rate_source"), BASE_AMOUNTS),
        Gap(
            (
                "gross_amount_base", "discount_amount_base", "net_amount_base", "shipping_amount_base",
                "tax_amount_base", "grand_total_amount_base", "voucher_amount_base",
            ),
            BASE_AMOUNTS,
        ),
    ),
    "fct_order_lines": (
        Gap(("net_amount_base",), BASE_AMOUNTS),
        Gap(("cancelled_quantity",), "the Order API lists a line's current quantity only: 0 cancelled"),
    ),
    "fct_returns": (
        Gap(("amount_base",), "the Order API's /returns lines carry no amount"),
    ),
    "fct_shipments": (
        Gap(
            (
                "shipment_id", "created_at", "is_good_to_go", "hours_created_to_shipped", "number_of_packages",
                "shipment_seq",
            ),
            SHIPMENT_STATE,
        ),
        Gap(("units",), "the Order API names no shipment lines: 0 units"),
    ),
    "dim_products": (
        Gap(
            ("product_number", "variant_number", "brand_name", "collection_name", "product_status",
             "variant_status", "size_name"),
            CATALOG,
        ),
    ),
    "fct_stock_daily": (
        Gap(
            ("warehouse_id", "free_to_allocate_quantity", "physical_quantity", "allocated_quantity"),
            "the Order API's /stock is summed over its plugin's primary and virtual warehouses, with no "
            "per-warehouse breakdown: one row per size under warehouse 0 (dim_warehouses)",
        ),
    ),
    "agg_daily_sales": (Gap(("net_amount_base",), BASE_AMOUNTS),),
    "customer_cohorts": (
        Gap(("net_amount_base", "cumulative_net_amount_base_per_customer"), BASE_AMOUNTS),
    ),
    "dim_customers": (
        Gap(("lifetime_net_amount_base", "avg_order_value_base"), BASE_AMOUNTS),
    ),
    "product_performance": (
        Gap(("net_amount_base",), BASE_AMOUNTS),
        Gap(
            ("free_to_allocate_now", "sell_through_rate", "days_of_cover"),
            "from the Order API's stock, summed over its plugin's warehouses only",
        ),
    ),
}  # fmt: skip
# Rows the Order API does not show at all: a table's other rows are compared (an SQL condition on them).
ROW_GAPS: dict[str, Gap] = {
    "fct_order_lines": Gap(("quantity > 0",), "the Order API does not list fully cancelled lines"),
    "dim_warehouses": Gap(
        ("warehouse_id <> 0",), "warehouse 0 stands for the Order API plugin's warehouses summed"
    ),
}


def gap_columns(table: str) -> set[str]:
    """The columns of `table` an Order API row may hold differently from a GraphQL one."""
    return {column for gap in (EVERY_TABLE, *COLUMN_GAPS.get(table, ())) for column in gap.columns}


def compared_columns(table: str, columns: list[str]) -> list[str]:
    """`columns` less those an Order API row may hold differently."""
    gaps = gap_columns(table)
    return [column for column in columns if column not in gaps]


def order_api_rows(table: str) -> str:
    """An SQL condition on `table`'s rows that the Order API shows as GraphQL does ("TRUE": all)."""
    gap = ROW_GAPS.get(table)
    return gap.columns[0] if gap else "TRUE"


def gaps_markdown() -> list[str]:
    """The data dictionary's section on Order API rows."""
    lines = [
        "## Order API gaps",
        "",
        "A row with `source_api` = `order_api` was served by Centra's Order API (GraphQL was down, not",
        "configured, or its token lacks the permission). Its other columns hold what GraphQL would, except:",
        "",
        "| table | columns | why |",
        "|---|---|---|",
    ]
    for spec in sorted(REGISTRY.ordered(), key=lambda spec: spec.name):
        for gap in COLUMN_GAPS.get(spec.name, ()):
            lines.append(f"| `{spec.name}` | {', '.join(f'`{c}`' for c in gap.columns)} | {gap.why} |")
        if spec.name in ROW_GAPS:
            gap = ROW_GAPS[spec.name]
            lines.append(f"| `{spec.name}` | rows other than `{gap.columns[0]}` | {gap.why} |")
    return [*lines, ""]
