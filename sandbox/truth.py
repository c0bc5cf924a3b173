"""The sandbox's truth by key: what a warehouse that is provably equal to this Centra must hold.

`SandboxControl.truth()` gives row counts per table (what a full load must produce); this gives the keys
themselves, so a test of reconciliation can check that the warehouse holds exactly these orders per local
day (the instance's zone: the days Centra's `createdAt` filters and counters speak of), and exactly these
customers, accounts, buyers, products, variants, sizes and returns, after late imports and deletions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date
from typing import Any
from zoneinfo import ZoneInfo

from sandbox.state import SandboxState


@dataclass
class SandboxTruth:
    order_numbers_by_day: dict[date, set[int]] = field(default_factory=dict)  # local created day
    customer_ids: set[int] = field(default_factory=set)
    account_ids: set[int] = field(default_factory=set)
    buyer_ids: set[int] = field(default_factory=set)
    product_ids: set[int] = field(default_factory=set)
    variant_ids: set[int] = field(default_factory=set)
    product_size_ids: set[int] = field(default_factory=set)
    return_order_numbers: dict[int, int] = field(default_factory=dict)  # return id -> its order's number

    @property
    def order_numbers(self) -> set[int]:
        return set().union(*self.order_numbers_by_day.values())

    @property
    def return_ids(self) -> set[int]:
        return set(self.return_order_numbers)

    def order_numbers_by_month(self) -> dict[str, set[int]]:
        """Order numbers by local created month, "YYYY-MM"."""
        months: dict[str, set[int]] = {}
        for day, numbers in self.order_numbers_by_day.items():
            months.setdefault(day.strftime("%Y-%m"), set()).update(numbers)
        return months

    def to_json(self) -> dict[str, Any]:
        """Sorted lists, days as ISO dates and return ids as strings (JSON object keys)."""
        return {
            "order_numbers_by_day": {
                day.isoformat(): sorted(numbers) for day, numbers in sorted(self.order_numbers_by_day.items())
            },
            "customer_ids": sorted(self.customer_ids),
            "account_ids": sorted(self.account_ids),
            "buyer_ids": sorted(self.buyer_ids),
            "product_ids": sorted(self.product_ids),
            "variant_ids": sorted(self.variant_ids),
            "product_size_ids": sorted(self.product_size_ids),
            "return_order_numbers": {str(k): v for k, v in sorted(self.return_order_numbers.items())},
        }


def truth(state: SandboxState) -> SandboxTruth:
    """The keys the sandbox holds now (every order and return, whatever its store or status)."""
    zone = ZoneInfo(state.settings.timezone)
    store = state.store
    with store.lock:
        connection = store.connection

        def ids(sql: str) -> set[int]:
            return {int(row[0]) for row in connection.execute(sql).fetchall()}

        by_day: dict[date, set[int]] = {}
        for number, created in connection.execute("SELECT order_number, created_at FROM orders").fetchall():
            day = created.replace(tzinfo=UTC).astimezone(zone).date()
            by_day.setdefault(day, set()).add(int(number))
        return SandboxTruth(
            order_numbers_by_day=by_day,
            customer_ids=ids("SELECT customer_id FROM customers"),
            account_ids=ids("SELECT account_id FROM accounts"),
            buyer_ids=ids("SELECT buyer_id FROM buyers"),
            product_ids=ids("SELECT product_id FROM products"),
            variant_ids=ids("SELECT variant_id FROM variants"),
            product_size_ids=ids("SELECT product_size_id FROM product_sizes"),
            return_order_numbers=dict(
                connection.execute("SELECT return_id, order_number FROM returns").fetchall()
            ),
        )
