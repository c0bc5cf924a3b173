"""The `reconciliation` family: Centra's counts against the warehouse's, repaired where they differ.

It runs after the families a run loaded (flows/elt.py), over the same GraphQL client, rate-limit budget and
fitted schema. A plain run checks the recent local days of orders and returns and the totals of customers
and products; the nightly run (`reconcile`) checks every day of the history and reads the keys of the
catalog and the wholesale accounts, which Centra can not count. What Centra no longer has is removed from
the warehouse at once; what it has and the warehouse lacks is queued for the family's next load
(`reconcile/repairs.py`), which the flow runs straight after; a second, `verify` pass then re-checks only
the families that differed. Each check is a row of `source_reconciliation`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import dlt
from dlt.extract.resource import DltResource

from pipelines.centra.capabilities import Capabilities
from pipelines.centra.families.family import GraphQLPart
from pipelines.centra.families.orders.graphql import first_order_at
from pipelines.centra.graphql_client import CentraGraphQLClient
from pipelines.centra.reconcile import repairs
from pipelines.centra.reconcile.centra_side import KEY_REQUIRED
from pipelines.centra.reconcile.reconciler import Outcome, Reconciler, windowed_families
from pipelines.centra.reconcile.warehouse_side import WarehouseSide
from pipelines.centra.reconcile.windows import Window, days_between, local_date
from pipelines.centra.settings import CentraSettings
from pipelines.centra.tables import RECONCILIATION_CHECKS

log = logging.getLogger(__name__)
RECENT_DAYS = 31  # a plain run checks today and the 30 local days before it
LAST_RECONCILIATION = "last_reconciliation"
# What each reconciled family is checked for, by the load family that must have been served by GraphQL
CHECKED_WITH = {
    "orders": ("orders", "returns"),
    "customers": ("customers", "accounts", "buyers"),
    "catalog": ("products", "variants", "sizes"),
}


@dataclass(frozen=True)
class ReconcileRequest:
    """What the flow asks of this run's reconciliation."""

    families: tuple[str, ...]  # load families GraphQL served this run: only those are compared
    nightly: bool = False  # the whole history and every family's keys
    only: tuple[str, ...] | None = None  # a verify pass: only these reconciled families (None: all)
    as_of: datetime | None = None  # the run's clock: "today" and the recent days are counted from it

    def wants(self, family: str) -> bool:
        return self.only is None or family in self.only


def scope_windows(
    client: CentraGraphQLClient,
    settings: CentraSettings,
    capabilities: Capabilities,
    nightly: bool,
    today: date,
) -> list[Window]:
    """The order windows to compare: every local day since the first order (nightly), else the recent days."""
    if nightly:
        first = first_order_at(client, settings, capabilities)
        if first is None:
            return []
        windows = days_between(
            local_date(max(first, settings.start), settings.timezone), today, settings.timezone
        )
    else:
        windows = days_between(today - timedelta(days=RECENT_DAYS - 1), today, settings.timezone)
        windows = [window for window in windows if window.end > settings.start]
    if windows and windows[0].start < settings.start:  # history begins at start_date
        first_window = windows[0]
        windows[0] = Window(first_window.grain, settings.start, first_window.end, settings.start_date)
    return windows


def reconcile(
    client: CentraGraphQLClient,
    settings: CentraSettings,
    capabilities: Capabilities,
    request: ReconcileRequest,
    warehouse: WarehouseSide,
    today: date,
) -> tuple[Outcome, list[Window]]:
    reconciler = Reconciler(client, capabilities, warehouse, settings.timezone)
    windows: list[Window] = []
    if "orders" in request.families:
        windows = scope_windows(client, settings, capabilities, request.nightly, today)
        for countable in windowed_families(capabilities):
            if request.wants(countable.family) and windows:
                reconciler.windowed(countable, windows)
    if "customers" in request.families:
        if request.wants("customers"):
            reconciler.customers(always_keys=False)
        if request.nightly and (request.wants("accounts") or request.wants("buyers")):
            reconciler.accounts()
    if "catalog" in request.families and any(request.wants(f) for f in CHECKED_WITH["catalog"]):
        reconciler.catalog(always_keys=request.nightly)
    return reconciler.outcome, windows


def _forget_checked(warehouse: WarehouseSide, outcome: Outcome, windows: list[Window]) -> None:
    """Drop the stored rows of the days the new checks cover (a day checked again replaces its row)."""
    table = RECONCILIATION_CHECKS.name
    if not warehouse.has(table):
        return
    name = warehouse.sql.make_qualified_table_name(table)
    windowed = sorted({check.family for check in outcome.checks if check.window.grain != "all"})
    if windowed and windows and windows[0].day is not None:
        listed = ", ".join(f"'{family}'" for family in windowed)
        first = f"CAST('{windows[0].day.isoformat()}' AS DATE)"
        warehouse.sql.execute_sql(
            f"DELETE FROM {name} WHERE family IN ({listed}) AND (day >= {first} OR period_end >= {first})"
        )


def summary(outcome: Outcome, checked_at: datetime, nightly: bool) -> dict[str, Any]:
    """What the flow reports: per family, Centra's and the warehouse's totals over the checked periods."""
    families: dict[str, dict[str, int]] = {}
    for check in outcome.checks:
        entry = families.setdefault(check.family, {"centra": 0, "warehouse": 0, "periods": 0, "unmatched": 0})
        entry["centra"] += check.centra_count or 0
        entry["warehouse"] += check.warehouse_count
        entry["periods"] += 1
        entry["unmatched"] += 0 if check.matched else 1
    return {
        "checked_at": checked_at.isoformat(), "nightly": nightly, "families": families,
        "differed": outcome.differed, "notes": outcome.notes,
        "queued": {family: len(keys) for family, keys in outcome.repairs.items()},
        "removed": sum(check.removed for check in outcome.checks),
    }  # fmt: skip


def reconciliation_resource(
    client: CentraGraphQLClient, settings: CentraSettings, capabilities: Capabilities
) -> DltResource:
    request = settings.reconciliation or ReconcileRequest(families=())

    def rows() -> Iterator[list[dict[str, Any]]]:
        state = dlt.current.source_state()
        checked_at = datetime.now(UTC)
        with dlt.current.pipeline().sql_client() as sql:
            warehouse = WarehouseSide(sql)
            today = local_date(request.as_of or checked_at, settings.timezone)
            outcome, windows = reconcile(client, settings, capabilities, request, warehouse, today)
            _forget_checked(warehouse, outcome, windows)
        for family, keys in outcome.repairs.items():
            repairs.add(state, family, keys)
        state[LAST_RECONCILIATION] = summary(outcome, checked_at, request.nightly)
        log.info(
            "reconciliation: %d period(s) checked, %d differed, %d key(s) queued, %d row(s) removed",
            len(outcome.checks), sum(not check.matched for check in outcome.checks),
            sum(len(keys) for keys in outcome.repairs.values()), sum(check.removed for check in outcome.checks),
        )  # fmt: skip
        yield [check.row(checked_at, settings.timezone) for check in outcome.checks]

    return dlt.resource(rows, name=RECONCILIATION_CHECKS.name, **RECONCILIATION_CHECKS.resource_hints())


def documents(capabilities: Capabilities, settings: CentraSettings) -> tuple[str, ...]:
    names = ["order_keys", "first_order", "customer_keys", "catalog_keys"]
    if any(countable.family == "returns" for countable in windowed_families(capabilities)):
        names.append("return_keys")
    if capabilities.has_field("Query", "accounts"):
        names.append("account_keys")
    return tuple(names)


REQUIRED = KEY_REQUIRED | {"Order.createdAt"}
PART = GraphQLPart(
    "reconciliation",
    REQUIRED,
    documents,
    lambda client, settings, caps: [reconciliation_resource(client, settings, caps)],
)
