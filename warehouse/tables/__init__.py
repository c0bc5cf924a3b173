"""One module per reporting table; importing this package registers them all."""

from warehouse.tables import (
    agg_daily_sales,
    currency_rates,
    customer_cohorts,
    dim_customers,
    dim_markets,
    dim_products,
    dim_stores,
    dim_warehouses,
    fct_order_lines,
    fct_orders,
    fct_returns,
    fct_shipments,
    fct_stock_daily,
    product_performance,
    source_reconciliation,
)

__all__ = [
    "agg_daily_sales",
    "currency_rates",
    "customer_cohorts",
    "dim_customers",
    "dim_markets",
    "dim_products",
    "dim_stores",
    "dim_warehouses",
    "fct_order_lines",
    "fct_orders",
    "fct_returns",
    "fct_shipments",
    "fct_stock_daily",
    "product_performance",
    "source_reconciliation",
]
