"""One module per reporting table; importing this package registers them all."""

from warehouse.tables import fct_order_lines, fct_orders

__all__ = ["fct_order_lines", "fct_orders"]
