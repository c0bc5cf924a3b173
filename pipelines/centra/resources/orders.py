"""The `orders` resource: orders with lines, shipments and returns, loaded incrementally.

Strategy, chosen per run from the instance's capabilities and the source state:
- first run (no state): backfill by `createdAt` windows of `window_days` from `start_date`;
- events enabled (`use_events` and the instance has the events API): re-fetch the orders named by the
  next batch of queued events (see `order_events.py` for when events are confirmed);
- `OrderFilter.updatedAt` offered: every order updated since the newest `updatedAt` seen, less an overlap;
- otherwise: every order created since the newest `createdAt` seen, less `order_lookback_days`, so status
  changes, cancellations, shipments and returns on recent orders still arrive (older changes need a
  `reconcile` run with a longer lookback).
Watermarks are the newest timestamps seen in the data, not our clock, so a skewed clock loses nothing; they
live in dlt state, which is committed with the load, so a failed run repeats its windows.
Pages are walked with `orderConnection` cursors, which are keyset: orders that change while we page
neither shift nor repeat a page.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import dlt
from dlt.extract.resource import DltResource

from pipelines.centra.capabilities import Capabilities
from pipelines.centra.errors import CentraComplexityError
from pipelines.centra.family import ResourceFamily
from pipelines.centra.graphql_client import CentraGraphQLClient
from pipelines.centra.mapping import shop_time, utc_timestamp
from pipelines.centra.paging import PageSizer
from pipelines.centra.pruning import AdaptiveQuery
from pipelines.centra.queries import query_text
from pipelines.centra.resources.denied import unless_denied
from pipelines.centra.resources.order_events import (
    BATCH,
    MORE,
    TO_CONFIRM,
    changed_order_numbers,
    confirm_committed,
    read_batch,
    subscribe,
)
from pipelines.centra.resources.order_rows import order_record
from pipelines.centra.settings import CentraSettings
from pipelines.centra.tables import ORDERS

log = logging.getLogger(__name__)
CREATED_MARK, UPDATED_MARK, STRATEGY = "orders_created_max", "orders_updated_max", "orders_strategy"
NUMBERS_PER_FILTER = 100


@dataclass(frozen=True)
class OrderWindow:
    field: str  # createdAt | updatedAt
    start: datetime  # UTC, inclusive
    end: datetime | None  # UTC, inclusive; None = open-ended

    def where(self, timezone: str) -> dict[str, Any]:
        bounds = {"from": shop_time(self.start, timezone)}
        if self.end is not None:
            bounds["to"] = shop_time(self.end, timezone)
        return {self.field: bounds}


def plan_windows(
    settings: CentraSettings,
    capabilities: Capabilities,
    state: dict[str, Any],
    now: datetime,
    first_order_at: datetime | None,
) -> tuple[str, list[OrderWindow]]:
    """The strategy's name and its windows; `first_order_at` is where a backfill may begin."""
    created = state.get(CREATED_MARK)
    updated = state.get(UPDATED_MARK)
    if created is None:
        start = max(settings.start, first_order_at) if first_order_at else settings.start
        return "backfill", _backfill(start, now, settings.window_days)
    if capabilities.order_updated_at and updated is not None and not settings.reconcile:
        start = datetime.fromisoformat(updated) - timedelta(hours=settings.updated_at_overlap_hours)
        return "updated_at", [OrderWindow("updatedAt", start, None)]
    start = max(
        settings.start, datetime.fromisoformat(created) - timedelta(days=settings.order_lookback_days)
    )
    return "created_at_lookback", _backfill(start, now, settings.window_days)


def history_windows(start: datetime, end: datetime, window_days: int) -> list[OrderWindow]:
    """Closed windows of `window_days` covering [start, end) (the last one ends a microsecond before end)."""
    windows = []
    step = timedelta(days=window_days)
    while start < end:
        stop = min(start + step, end)
        windows.append(OrderWindow("createdAt", start, stop - timedelta(microseconds=1)))
        start = stop
    return windows


def _backfill(start: datetime, now: datetime, window_days: int) -> list[OrderWindow]:
    windows = []
    step = timedelta(days=window_days)
    while start + step < now:
        windows.append(OrderWindow("createdAt", start, start + step))
        start += step
    windows.append(OrderWindow("createdAt", start, None))
    return windows


def first_order_at(client: CentraGraphQLClient, settings: CentraSettings) -> datetime | None:
    """Creation time of the oldest order from `start_date` on, so a backfill skips empty years."""
    where = OrderWindow("createdAt", settings.start, None).where(settings.timezone)
    result = client.execute(query_text("first_order"), {"where": where}, name="first_order")
    edges = result.data["orderConnection"]["edges"]
    return utc_timestamp(edges[0]["node"]["createdAt"], settings.timezone) if edges else None


def fetch_window(
    client: CentraGraphQLClient, query: AdaptiveQuery, where: dict[str, Any], sizer: PageSizer
) -> Iterator[list[dict[str, Any]]]:
    after: str | None = None
    while True:
        first = sizer.size
        try:
            result = query.execute(client, {"where": where, "first": first, "after": after}, sizer.estimate())
        except CentraComplexityError:
            if not sizer.shrink(first):
                raise
            continue
        connection = result.data["orderConnection"]
        yield [edge["node"] for edge in connection["edges"]]
        sizer.observe(result.complexity, first)
        if not connection["pageInfo"]["hasNextPage"]:
            return
        after = connection["pageInfo"]["endCursor"]


def _newest(current: str | None, seen: datetime | None) -> str | None:
    if seen is None:
        return current
    if current is None or seen > datetime.fromisoformat(current):
        return seen.isoformat()
    return current


def _records(
    client: CentraGraphQLClient,
    settings: CentraSettings,
    wheres: Iterable[dict[str, Any]],
    marks: dict[str, Any],
) -> Iterator[list[dict[str, Any]]]:
    """Canonical order records for every filter, page by page; `marks` keeps the newest timestamps seen."""
    sizer = PageSizer(client.budget)
    query = AdaptiveQuery("orders", query_text("orders"))
    for where in wheres:
        for nodes in fetch_window(client, query, where, sizer):
            records = [order_record(node, settings.timezone) for node in nodes]
            for record in records:
                marks[CREATED_MARK] = _newest(marks.get(CREATED_MARK), record["created_at"])
                marks[UPDATED_MARK] = _newest(marks.get(UPDATED_MARK), record["updated_at"])
            yield records


def _event_wheres(client: CentraGraphQLClient, state: dict[str, Any]) -> list[dict[str, Any]]:
    """Confirm what the last committed load carried, read the next batch, and filter its orders."""
    confirmed = confirm_committed(client, state)
    events = read_batch(client)
    numbers = sorted(changed_order_numbers(events))
    log.info("orders: confirmed %d events, read %d, %d orders changed", confirmed, len(events), len(numbers))
    state[TO_CONFIRM] = [int(event["id"]) for event in events]
    state[MORE] = len(events) >= BATCH
    return [
        {"number": numbers[i : i + NUMBERS_PER_FILTER]} for i in range(0, len(numbers), NUMBERS_PER_FILTER)
    ]


def orders_resource(
    client: CentraGraphQLClient, settings: CentraSettings, capabilities: Capabilities
) -> DltResource:
    events = settings.use_events and capabilities.events
    if settings.use_events and not capabilities.events:
        log.warning("SOURCES__CENTRA__USE_EVENTS is on but this instance has no events API; using %s",
                    "updatedAt" if capabilities.order_updated_at else "the createdAt lookback")  # fmt: skip

    def history(end: datetime) -> Iterator[list[dict[str, Any]]]:
        windows = history_windows(settings.start, end, settings.window_days)
        log.info("orders: history from %s to %s over %d window(s)", settings.start, end, len(windows))
        yield from _records(client, settings, [window.where(settings.timezone) for window in windows], {})

    def extract(state: dict[str, Any]) -> Iterator[list[dict[str, Any]]]:
        if settings.history_end is not None:  # a backfill window: the watermarks stay as they are
            yield from history(settings.history_end)
            return
        if events:
            subscribe(client)  # before any backfill, so nothing changed meanwhile is missed
        marks = {CREATED_MARK: state.get(CREATED_MARK), UPDATED_MARK: state.get(UPDATED_MARK)}
        if events and CREATED_MARK in state and not settings.reconcile:
            strategy, wheres = "events", _event_wheres(client, state)
        else:
            first = first_order_at(client, settings) if CREATED_MARK not in state else None
            strategy, windows = plan_windows(settings, capabilities, state, datetime.now(UTC), first)
            wheres = [window.where(settings.timezone) for window in windows]
            state[MORE] = False
        log.info("orders: %s over %d filter(s)", strategy, len(wheres))
        yield from _records(client, settings, wheres, marks)
        state[CREATED_MARK] = marks[CREATED_MARK] or settings.start.isoformat()
        state[UPDATED_MARK] = marks[UPDATED_MARK] or state[CREATED_MARK]
        state[STRATEGY] = strategy

    def orders() -> Iterator[list[dict[str, Any]]]:
        yield from unless_denied("orders", extract(dlt.current.source_state()))

    return dlt.resource(orders, name="orders", **ORDERS.resource_hints())


FAMILY = ResourceFamily(
    "orders",
    ("orders", "first_order", "order_events", "set_order_listeners", "confirm_events"),
    lambda client, settings, caps: [orders_resource(client, settings, caps)],
)
