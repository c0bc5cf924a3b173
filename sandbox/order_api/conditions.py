"""SQL `WHERE` building for the Order API, and the plugin settings that hide orders (reference B2).

Plugin visibility, applied to `/orders`, `/shipments` and `/returns` alike (each shipment and return follows
its order): an order is visible when its market is among the plugin's markets (None = every market), its
status among the plugin's statuses, and, unless "return on hold / waiting for payment orders" is on, it is
neither on hold nor waiting for payment. That returns follow their order's visibility is [I]; Centra only
documents orders and shipments. Customers, products and stock are not filtered by market or status.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sandbox.settings import OrderApiPluginSettings


class Conditions:
    """`AND`-joined SQL conditions with their positional parameters."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.params: list[Any] = []

    def add(self, sql: str, *params: Any) -> None:
        self.parts.append(sql)
        self.params.extend(params)

    def add_if(self, value: Any, sql: str) -> None:
        """Add `sql` (with one `?`) only when the request gave `value`."""
        if value is not None:
            self.add(sql, value)

    def after(self, column: str, moment: datetime | None, inclusive: bool = False) -> None:
        self.add_if(moment, f"{column} {'>=' if inclusive else '>'} ?")

    def before(self, column: str, moment: datetime | None) -> None:
        self.add_if(moment, f"{column} < ?")

    def where(self) -> str:
        return ("WHERE " + " AND ".join(self.parts)) if self.parts else ""


def add_order_visibility(conditions: Conditions, plugin: OrderApiPluginSettings, alias: str = "o") -> None:
    if plugin.market_ids is not None:
        conditions.add(f"list_contains(?::INTEGER[], {alias}.market_id)", sorted(plugin.market_ids))
    conditions.add(f"list_contains(?::VARCHAR[], {alias}.status)", sorted(plugin.statuses))
    if not plugin.include_on_hold:
        conditions.add(f"NOT ({alias}.is_on_hold OR {alias}.is_waiting_for_payment)")
