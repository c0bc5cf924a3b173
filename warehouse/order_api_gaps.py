"""What a reporting row served by the Order API can not hold, column by column, and why.

GraphQL is the full picture; the Order API (docs/centra-api-reference.md §B) lacks some fields, sums stock over its plugin's
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
    "inferred where the order's conversion_rate_source is same_day or nearest_day (the Order API's /orders carries "
    "no rate; an order with a return takes its baseCurrencyRate), empty where it is unknown"
)
SHIPMENT_STATE = "the Order API's /orders lists a shipment's number, shipped date, carrier and service only"
CATALOG = "the Order API's /products has no status, numbers, brand or collection ids, nor size charts"

EVERY_TABLE = Gap(("source_api",), "says which API served the row")
COLUMN_GAPS: dict[str, tuple[Gap, ...]] = {
    "fct_orders": (
        Gap(("conversion_rate", "conversion_rate_source"), BASE_AMOUNTS),
        Gap(("voucher_code", "has_voucher"), "the Order API may list no voucher worth 0 (e.g. free shipping)"),
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
        Gap(("snapshot_at",), "when that run read the stock: every run's own"),
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
REPEATED_HOUR = (
    "the Order API's times are naive local times: one in the hour repeated when clocks go back reads as "
    "its first occurrence"
)
HIDDEN_ORDERS = (
    "orders on hold or waiting for payment are hidden unless the plugin's \"Return waiting for payment / On "
    'hold orders" setting is on, and so are the markets and statuses the plugin leaves out (docs/centra-api-reference.md §B2)'
)
# Rows the Order API does not show, or shows at another time: an SQL condition on a table's other rows
# (`{timezone}`: the instance's). A whole table in NOT_FROM_ORDER_API is about the run, not Centra's data.
ROW_GAPS: dict[str, tuple[Gap, ...]] = {
    "fct_orders": (Gap(("NOT {repeated:created_at}",), REPEATED_HOUR),),
    "fct_order_lines": (Gap(("quantity > 0",), "the Order API does not list fully cancelled lines"),),
    "fct_returns": (Gap(("NOT {repeated:created_at}",), REPEATED_HOUR),),
    "fct_shipments": (Gap(("NOT {repeated:order_created_at}", "NOT {repeated:shipped_at}"), REPEATED_HOUR),),
    "dim_customers": (Gap(("NOT {repeated:first_order_at}", "NOT {repeated:last_order_at}"), REPEATED_HOUR),),
    "dim_warehouses": (
        Gap(("warehouse_id <> 0",), "warehouse 0 stands for the Order API plugin's warehouses summed"),
    ),
}
NOT_FROM_ORDER_API: dict[str, str] = {
    "currency_rates": "holds the days a rate was seen on: through the Order API only days with a return",
    "source_reconciliation": "the reconciliation counts through GraphQL: with GraphQL down it does not run "
    "and the table keeps the last check (the run warns)",
}


def gap_columns(table: str) -> set[str]:
    """The columns of `table` an Order API row may hold differently from a GraphQL one."""
    return {column for gap in (EVERY_TABLE, *COLUMN_GAPS.get(table, ())) for column in gap.columns}


def compared_columns(table: str, columns: list[str]) -> list[str]:
    """`columns` less those an Order API row may hold differently."""
    gaps = gap_columns(table)
    return [column for column in columns if column not in gaps]


def order_api_rows(table: str, timezone: str) -> str:
    """An SQL condition on `table`'s rows that the Order API shows as GraphQL does ("TRUE": all)."""
    conditions = [_sql(condition, timezone) for gap in ROW_GAPS.get(table, ()) for condition in gap.columns]
    return " AND ".join(conditions) or "TRUE"


def _sql(condition: str, timezone: str) -> str:
    """`{repeated:<column>}` is true when the column's local wall time occurs twice (clocks going back)."""
    if "{repeated:" not in condition:
        return condition
    before, rest = condition.split("{repeated:", 1)
    column, after = rest.split("}", 1)
    local = f"timezone('{timezone}', \"{column}\")"
    shifted = [f"timezone('{timezone}', \"{column}\" {sign} INTERVAL 1 HOUR)" for sign in ("-", "+")]
    return f"{before}coalesce({local} IN ({', '.join(shifted)}), false){_sql(after, timezone)}"


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
        for gap in ROW_GAPS.get(spec.name, ()):
            lines.append(
                f"| `{spec.name}` | rows other than {' and '.join(map(_row_condition, gap.columns))} | {gap.why} |"
            )
        if spec.name in NOT_FROM_ORDER_API:
            lines.append(f"| `{spec.name}` | the whole table | {NOT_FROM_ORDER_API[spec.name]} |")
    return [*lines, "", f"Every order table (and what is built from it): {HIDDEN_ORDERS}.", ""]


def _row_condition(condition: str) -> str:
    if condition.startswith("NOT {repeated:"):
        return f"those whose `{condition[len('NOT {repeated:') : -1]}` is in the repeated hour"
    return f"`{condition}`"
