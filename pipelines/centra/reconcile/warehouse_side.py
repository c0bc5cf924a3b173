"""What the warehouse holds, counted and keyed the way Centra is, and the removal of what Centra no longer has.

Everything goes through the pipeline's SQL client (dlt's `sql_client()`), in SQL every dlt SQL destination
speaks: windows are literal UTC instants, keys literal integers. Removal is a hard delete by natural key in
one transaction, children with their parents (DECISIONS.md §27): reporting is rebuilt from these tables,
so a removed row leaves every reporting table in the same run.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pipelines.centra.reconcile.windows import Window

CHUNK = 500  # keys per IN list


@dataclass(frozen=True)
class Keyed:
    """Where a family's rows live: table, key column and the timestamp its windows are cut by."""

    table: str
    key: str
    created: str | None = "created_at"


KEYED: dict[str, Keyed] = {
    "orders": Keyed("orders", "order_number"),
    "returns": Keyed("orders__returns", "return_id"),
    "customers": Keyed("customers", "customer_id", None),
    "products": Keyed("products", "product_id", None),
    "variants": Keyed("variants", "variant_id", None),
    "sizes": Keyed("product_sizes", "size_id", None),
    "accounts": Keyed("accounts", "account_id", None),
    "buyers": Keyed("buyers", "buyer_id", None),
}
ORDER_CHILDREN = (
    "orders__lines", "orders__shipments", "orders__shipments__lines", "orders__returns",
    "orders__returns__lines",
)  # fmt: skip


def _instant(moment: datetime) -> str:
    return f"CAST('{moment.isoformat()}' AS TIMESTAMP WITH TIME ZONE)"


def _ints(keys: Iterable[int]) -> str:
    return ", ".join(str(int(key)) for key in keys)


class WarehouseSide:
    """The warehouse's half of a reconciliation, over one open dlt SQL client."""

    def __init__(self, sql: Any) -> None:
        self.sql = sql
        self._tables: set[str] | None = None

    def has(self, table: str) -> bool:
        if self._tables is None:
            rows = self.sql.execute_sql(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = "
                f"'{self.sql.dataset_name}'"
            )
            self._tables = {row[0] for row in rows or []}
        return table in self._tables

    def _name(self, table: str) -> str:
        return str(self.sql.make_qualified_table_name(table))

    def counts(self, family: str, windows: Sequence[Window]) -> list[int]:
        """The warehouse's rows per window (duplicates counted: a doubled row is a difference too)."""
        keyed = KEYED[family]
        if not self.has(keyed.table):
            return [0] * len(windows)
        if keyed.created is None or all(window.grain == "all" for window in windows):
            total = self.sql.execute_sql(f"SELECT count(*) FROM {self._name(keyed.table)}")[0][0]
            return [int(total)] * len(windows)
        counts: list[int] = []
        for first in range(0, len(windows), 200):
            batch = windows[first : first + 200]
            values = ", ".join(
                f"({i}, {_instant(window.start)}, {_instant(window.end)})" for i, window in enumerate(batch)
            )
            rows = self.sql.execute_sql(
                f"SELECT w.i, count(t.{keyed.key}) FROM (VALUES {values}) AS w(i, s, e) "
                f"LEFT JOIN {self._name(keyed.table)} AS t ON t.{keyed.created} >= w.s AND t.{keyed.created} < w.e "
                "GROUP BY w.i"
            )
            found = {int(i): int(count) for i, count in rows or []}
            counts.extend(found.get(i, 0) for i in range(len(batch)))
        return counts

    def keys(self, family: str, window: Window) -> Counter[int]:
        """The keys in `window`, with how often each is there (more than once: a duplicate)."""
        keyed = KEYED[family]
        if not self.has(keyed.table):
            return Counter()
        sql = f"SELECT {keyed.key}, count(*) FROM {self._name(keyed.table)}"
        if keyed.created is not None and window.grain != "all":
            sql += f" WHERE {keyed.created} >= {_instant(window.start)} AND {keyed.created} < {_instant(window.end)}"
        rows = self.sql.execute_sql(f"{sql} GROUP BY {keyed.key}")
        return Counter({int(key): int(count) for key, count in rows or [] if key is not None})

    def orders_of_returns(self, return_ids: Iterable[int]) -> set[int]:
        ids = sorted(set(return_ids))
        if not ids or not self.has("orders__returns"):
            return set()
        found: set[int] = set()
        for first in range(0, len(ids), CHUNK):
            rows = self.sql.execute_sql(
                f"SELECT DISTINCT order_number FROM {self._name('orders__returns')} "
                f"WHERE return_id IN ({_ints(ids[first : first + CHUNK])})"
            )
            found.update(int(row[0]) for row in rows or [])
        return found

    def remove(self, family: str, keys: Iterable[int]) -> int:
        """Hard-delete the family's rows with these keys, and everything hanging on them; rows removed
        from the family's own table."""
        ids = sorted(set(keys))
        if not ids:
            return 0
        removed = 0
        with self.sql.begin_transaction():
            for first in range(0, len(ids), CHUNK):
                removed += self._remove_chunk(family, ids[first : first + CHUNK])
        return removed

    def _delete(self, table: str, condition: str) -> int:
        if not self.has(table):
            return 0
        name = self._name(table)
        before = int(self.sql.execute_sql(f"SELECT count(*) FROM {name} WHERE {condition}")[0][0])
        if before:
            self.sql.execute_sql(f"DELETE FROM {name} WHERE {condition}")
        return before

    def _forget_stock_history(self, sizes: str) -> None:
        """Stock history is the one reporting table that keeps what the canonical tables no longer hold
        (`fct_stock_daily` reads its own previous version): a size Centra deleted leaves it too."""
        found = self.sql.execute_sql(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'reporting' "
            "AND table_name = 'fct_stock_daily'"
        )
        if found and found[0][0]:
            self.sql.execute_sql(f"DELETE FROM reporting.fct_stock_daily WHERE size_id IN ({sizes})")

    def _remove_chunk(self, family: str, ids: list[int]) -> int:
        listed = _ints(ids)
        if family == "orders":
            for child in ORDER_CHILDREN:
                self._delete(child, f"order_number IN ({listed})")
            return self._delete("orders", f"order_number IN ({listed})")
        if family == "customers":  # deleted under GDPR: no trace of them stays (pipelines/privacy.py)
            if not self.has("customers"):
                return 0
            held = int(self.sql.execute_sql(
                f"SELECT count(*) FROM {self._name('customers')} WHERE customer_id IN ({listed})")[0][0])  # fmt: skip
            from pipelines.privacy import forget_customers  # privacy imports tables, whose package imports us

            forget_customers(self.sql.native_connection, ids)
            return held
        if family == "accounts":
            self._delete("buyers", f"account_id IN ({listed})")
            return self._delete("accounts", f"account_id IN ({listed})")
        if family == "buyers":
            return self._delete("buyers", f"buyer_id IN ({listed})")
        if family == "products":
            variants = f"SELECT variant_id FROM {self._name('variants')} WHERE product_id IN ({listed})"
            sizes = f"SELECT size_id FROM {self._name('product_sizes')} WHERE product_id IN ({listed})"
            if self.has("variants"):
                self._delete("prices", f"variant_id IN ({variants})")
            if self.has("product_sizes"):
                self._forget_stock_history(sizes)
                self._delete("stock", f"size_id IN ({sizes})")
            self._delete("product_sizes", f"product_id IN ({listed})")
            self._delete("variants", f"product_id IN ({listed})")
            return self._delete("products", f"product_id IN ({listed})")
        if family == "variants":
            if self.has("product_sizes"):
                sizes = f"SELECT size_id FROM {self._name('product_sizes')} WHERE variant_id IN ({listed})"
                self._forget_stock_history(sizes)
                self._delete("stock", f"size_id IN ({sizes})")
            self._delete("prices", f"variant_id IN ({listed})")
            self._delete("product_sizes", f"variant_id IN ({listed})")
            return self._delete("variants", f"variant_id IN ({listed})")
        if family == "sizes":
            self._forget_stock_history(listed)
            self._delete("stock", f"size_id IN ({listed})")
            return self._delete("product_sizes", f"size_id IN ({listed})")
        raise ValueError(f"no removal for {family!r}")
