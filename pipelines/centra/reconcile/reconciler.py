"""Compare Centra with the warehouse family by family; remove what Centra no longer has, queue what is missing.

Windowed families (orders, returns) are compared by local created time: the windows of the scope first
(every day of the whole history on the nightly run, the recent days on a plain run), and only a day whose
counts differ is split into hours until it is small enough to diff by keys. Families without a
day are compared whole: customers and products by Centra's count, variants, sizes, accounts and buyers by
their keys (Centra has no count of them), which the nightly run always reads.

A key diff removes at once what the warehouse holds and Centra does not (and every copy of a duplicated
key), and queues what Centra holds and the warehouse does not (and the duplicates) for the family's next
load (`repairs`). The outcome is one `Check` per family × period: a local day, or one `all` row for a
family compared whole.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from pipelines.centra.capabilities import Capabilities
from pipelines.centra.graphql_client import CentraGraphQLClient
from pipelines.centra.reconcile import centra_side
from pipelines.centra.reconcile.centra_side import CUSTOMERS, ORDERS, PRODUCTS, RETURNS, Countable
from pipelines.centra.reconcile.warehouse_side import WarehouseSide
from pipelines.centra.reconcile.windows import EVERYTHING, Window, local_date

log = logging.getLogger(__name__)
KEY_PAGE = 200  # a window this small (both sides) is diffed by keys in one page instead of split further


@dataclass
class Check:
    family: str
    window: Window
    centra_count: int | None
    warehouse_count: int
    method: str
    loaded: int = 0  # keys queued for loading
    removed: int = 0  # rows removed

    @property
    def matched(self) -> bool:
        return self.centra_count is not None and self.centra_count == self.warehouse_count

    @property
    def period(self) -> str:
        window = self.window
        if window.grain == "all" or window.day is None:
            return "all"
        return window.day.isoformat()

    def row(self, checked_at: datetime, timezone: str) -> dict[str, Any]:
        window = self.window
        last = local_date(window.end - timedelta(microseconds=1), timezone) if window.grain != "all" else None
        return {
            "family": self.family, "period": self.period, "grain": window.grain, "day": window.day,
            "period_end": last, "centra_count": self.centra_count, "warehouse_count": self.warehouse_count,
            "matched": self.matched, "method": self.method, "loaded": self.loaded, "removed": self.removed,
            "checked_at": checked_at, "_source_api": "graphql",
        }  # fmt: skip


@dataclass
class Outcome:
    checks: list[Check] = field(default_factory=list)
    repairs: dict[str, set[int]] = field(default_factory=dict)  # load family -> keys to fetch
    notes: list[str] = field(default_factory=list)

    def queue(self, family: str, keys: set[int]) -> int:
        if keys:
            self.repairs.setdefault(family, set()).update(keys)
        return len(keys)

    @property
    def differed(self) -> list[str]:
        return sorted({check.family for check in self.checks if not check.matched})


class Reconciler:
    def __init__(
        self,
        client: CentraGraphQLClient,
        capabilities: Capabilities,
        warehouse: WarehouseSide,
        timezone: str,
    ) -> None:
        self.client, self.capabilities, self.warehouse, self.timezone = (
            client,
            capabilities,
            warehouse,
            timezone,
        )
        self.outcome = Outcome()

    # windowed families -------------------------------------------------------------------------------

    def windowed(self, countable: Countable, windows: Sequence[Window]) -> None:
        """Compare `countable`'s rows in `windows`, splitting the windows that differ, and repair them."""
        family = countable.family
        method = centra_side.count_method(self.capabilities, countable)
        level = list(windows)
        days: dict[tuple[str, date | None], Check] = {}  # the day rows whose hours are being diffed
        while level:
            if method == "keys":
                for window in level:
                    self.outcome.checks.append(self._diff(family, window, method))
                return
            centra = centra_side.centra_counts(
                self.client, self.capabilities, countable, method, level, self.timezone
            )
            held = self.warehouse.counts(family, level)
            finer: list[Window] = []
            for window, theirs, ours in zip(level, centra, held, strict=True):
                if window.grain == "hour":
                    day = days[(family, window.day)]
                    if theirs != ours:
                        diffed = self._diff(family, window, method)
                        day.loaded, day.removed = day.loaded + diffed.loaded, day.removed + diffed.removed
                    continue
                if theirs is None or theirs == ours:
                    self.outcome.checks.append(Check(family, window, theirs, ours, method))
                elif window.grain == "day" and max(theirs, ours) > KEY_PAGE:
                    day = Check(family, window, theirs, ours, method)
                    days[(family, window.day)] = day
                    self.outcome.checks.append(day)
                    finer.extend(window.split(self.timezone))
                else:  # a small day, or a window with no finer grain
                    diffed = self._diff(family, window, method)
                    diffed.centra_count, diffed.warehouse_count = theirs, ours
                    self.outcome.checks.append(diffed)
            level = finer

    def _diff(self, family: str, window: Window, method: str) -> Check:
        """Diff one window by keys; the check carries Centra's and the warehouse's counts before repair."""
        held = self.warehouse.keys(family, window)
        if family == "orders":
            theirs = centra_side.order_numbers(self.client, self.capabilities, window, self.timezone)
            gone = {key for key in held if key not in theirs}
            doubled = {key for key, copies in held.items() if copies > 1 and key in theirs}
            missing = theirs - set(held)
            # A missing order's lines, shipments or returns may linger (deleted by hand): they go first,
            # so the re-read order brings its children once.
            removed = self.warehouse.remove("orders", gone | doubled | missing)
            loaded = self.outcome.queue("orders", missing | doubled)
            return Check(family, window, len(theirs), sum(held.values()), method, loaded, removed)
        if family == "returns":
            returns = centra_side.return_keys(self.client, self.capabilities, window, self.timezone)
            stale = {key for key, copies in held.items() if key not in returns or copies > 1}
            orders = {returns[key] for key in returns if key not in held}
            orders |= self.warehouse.orders_of_returns(stale)  # re-read: their order's returns replace them
            loaded = self.outcome.queue("orders", orders)
            return Check(family, window, len(returns), sum(held.values()), "keys", loaded, 0)
        raise ValueError(f"{family} is not windowed")

    # families compared whole -------------------------------------------------------------------------

    def customers(self, always_keys: bool) -> None:
        held_count = self.warehouse.counts("customers", [EVERYTHING])[0]
        method = centra_side.count_method(self.capabilities, CUSTOMERS)
        if method == "counters" and not always_keys:
            total = centra_side.centra_counts(
                self.client, self.capabilities, CUSTOMERS, method, [EVERYTHING], self.timezone
            )[0]
            if total == held_count:
                self.outcome.checks.append(Check("customers", EVERYTHING, total, held_count, method))
                return
        theirs = centra_side.customer_ids(self.client, self.capabilities)
        held = self.warehouse.keys("customers", EVERYTHING)
        self.outcome.checks.append(self._whole("customers", "customers", theirs, held, "customers"))

    def catalog(self, always_keys: bool) -> None:
        held_products = self.warehouse.keys("products", EVERYTHING)
        method = centra_side.count_method(self.capabilities, PRODUCTS)
        if method == "counters" and not always_keys:
            total = centra_side.centra_counts(
                self.client, self.capabilities, PRODUCTS, method, [EVERYTHING], self.timezone
            )[0]
            if total == sum(held_products.values()):
                self.outcome.checks.append(Check("products", EVERYTHING, total, total, method))
                return
        keys = centra_side.catalog_keys(self.client, self.capabilities)
        self.outcome.checks.append(
            self._whole("products", "products", keys.products, held_products, "catalog")
        )
        if not keys.has_variants:
            self.outcome.notes.append(
                "variants and sizes: not reconciled (the instance's schema lacks Product.variants)"
            )
            return
        for family, theirs, parent in (
            ("variants", keys.variants, lambda key: keys.variants[key]),
            ("sizes", keys.sizes, lambda key: keys.variants.get(keys.sizes[key])),
        ):
            held = self.warehouse.keys(family, EVERYTHING)
            check = self._whole(family, family, set(theirs), held, None)
            missing = (set(theirs) - set(held)) | {key for key, copies in held.items() if copies > 1}
            products = {product for key in missing if (product := parent(key)) is not None}
            check.loaded = self.outcome.queue("catalog", products)
            self.outcome.checks.append(check)

    def accounts(self) -> None:
        keys = centra_side.account_keys(self.client, self.capabilities)
        if keys is None:
            self.outcome.notes.append("accounts: not reconciled (the instance has no root accounts list)")
            return
        self.outcome.checks.append(
            self._whole(
                "accounts", "accounts", keys.accounts, self.warehouse.keys("accounts", EVERYTHING), "accounts"
            )
        )
        if keys.has_buyers:
            held = self.warehouse.keys("buyers", EVERYTHING)
            self.outcome.checks.append(self._whole("buyers", "buyers", set(keys.buyers), held, "accounts"))

    def _whole(
        self, family: str, removal: str, theirs: set[int], held: Any, load_family: str | None
    ) -> Check:
        """Diff a whole family's keys: remove what Centra lacks (and doubled keys), queue what is missing."""
        gone = {key for key in held if key not in theirs}
        doubled = {key for key, copies in held.items() if copies > 1 and key in theirs}
        removed = self.warehouse.remove(removal, gone | doubled)
        missing = (theirs - set(held)) | doubled
        loaded = self.outcome.queue(load_family, missing) if load_family else 0
        return Check(family, EVERYTHING, len(theirs), sum(held.values()), "keys", loaded, removed)


def windowed_families(capabilities: Capabilities) -> list[Countable]:
    """Orders always; returns where they have a creation time to cut windows by."""
    families = [ORDERS]
    if capabilities.has_field("Return", "createdAt") and capabilities.has_field("Query", "returns"):
        families.append(RETURNS)
    return families
