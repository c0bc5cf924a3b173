"""The `orders` resource: orders with lines, shipments and returns, loaded incrementally.

Strategy, chosen per run from the instance's capabilities and the source state:
- first run (no state): backfill by `createdAt` windows of `window_days` from `start_date`;
- events enabled (`use_events` and the instance has the events API): re-fetch the orders named by the
  next batch of queued events (see `order_events.py` for when events are confirmed);
- `OrderFilter.updatedAt` offered: every order updated since the newest `updatedAt` seen, less an overlap
  (`updated_at_overlap_minutes`); an order read again there whose `updatedAt` has not moved since it was
  loaded is not loaded again (`RecentlyLoaded`);
- otherwise: every order created since the newest `createdAt` seen, less `order_lookback_days`, so status
  changes, cancellations, shipments and returns on recent orders still arrive (older changes need a
  `reconcile` run with a longer lookback).
Watermarks are the newest timestamps seen in the data, not our clock, so a skewed clock loses nothing; they
live in dlt state, which is committed with the load, so a failed run repeats its windows.
Pages are walked with `orderConnection` cursors where the instance has it (keyset: orders that change while
we page neither shift nor repeat a page), else with the documented `orders(limit, page)` in a stable sort,
deduped by number, and re-read once when `counters.orders` for the window says rows were missed.
Where `Order.returns` does not exist (it is not in Centra's docs) returns come from the documented root
`returns` query by `createdAt` from the run's first window on, joined to their orders by number; then the
strategy is always `createdAt` windows, because an order re-read by `updatedAt` or an event would replace
its returns with only those created inside the window (`order_returns.py`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import chain
from typing import Any

import dlt
from dlt.extract.resource import DltResource

from pipelines.centra.capabilities import Capabilities
from pipelines.centra.errors import CentraComplexityError, CentraSchemaError
from pipelines.centra.families.after_outage import orders_to_read_again
from pipelines.centra.families.denied import unless_denied
from pipelines.centra.families.family import GraphQLPart
from pipelines.centra.families.orders.events import (
    BATCH,
    MORE,
    TO_CONFIRM,
    changed_order_numbers,
    confirm_committed,
    deleted_order_numbers,
    read_batch,
    remove_deleted_orders,
)
from pipelines.centra.families.orders.graphql_rows import order_record
from pipelines.centra.families.orders.returns import ReturnsByOrder, nested_returns
from pipelines.centra.families.watermarks import RecentlyLoaded, later, overlap_start
from pipelines.centra.graphql_client import CentraGraphQLClient
from pipelines.centra.mapping import shop_time, utc_timestamp
from pipelines.centra.paging import PageSizer, walk_offset_pages
from pipelines.centra.pruning import AdaptiveQuery
from pipelines.centra.reconcile import repairs
from pipelines.centra.settings import CentraSettings
from pipelines.centra.tables import ORDERS

log = logging.getLogger(__name__)
CREATED_MARK, UPDATED_MARK, STRATEGY = "orders_created_max", "orders_updated_max", "orders_strategy"
RECENT = "orders_recent"  # {number: updatedAt} of the orders loaded inside the overlap (RecentlyLoaded)
NUMBERS_PER_FILTER = 100
CONNECTION_QUERY, PAGE_QUERY, COUNT_QUERY = "orders", "orders_page", "order_count"
EVENT_QUERIES = ("order_events", "set_order_listeners", "confirm_events")
# What an order row can not do without (keys, foreign keys, money, quantities, statuses, the timestamps the
# strategies read); every other field in fragments/order.graphql loads NULL where the instance lacks it. A
# required field under an optional one (ShipmentLine.id under Order.shipments → Shipment.lines) requires
# only that its optional ancestor be left out when it is missing: return lines without an id and a
# quantity (neither is in docs/centra-api-reference.md §A8.3) are not loaded at all, and the summary says so.
REQUIRED = frozenset(
    {
        "Order.id", "Order.number", "Order.status", "Order.createdAt", "Order.store", "Store.id", "Store.type",
        "Order.market", "Market.id", "Order.pricelist", "Pricelist.id", "Order.grandTotal",
        "MonetaryValue.value", "MonetaryValue.currency", "Currency.code", "MonetaryValue.conversionRate",
        "Order.lines", "OrderLine.id", "OrderLine.quantity", "OrderLine.cancelledQuantity", "OrderLine.product",
        "Product.id", "OrderLine.productVariant", "ProductVariant.id", "OrderLine.productSize", "ProductSize.id",
        "OrderLine.unitPrice", "OrderLine.unitOriginalPrice", "OrderLine.lineValue",
        "Shipment.id", "Shipment.number", "ShipmentLine.id", "ShipmentLine.quantity", "ShipmentLine.orderLine",
        "Return.id", "Return.status", "Return.order",
        "ReturnLine.id", "ReturnLine.quantity", "ReturnLine.orderLine",
        "DirectToConsumerOrder.customer", "Customer.id", "WholesaleOrder.account", "Account.id",
        "WholesaleOrder.buyer", "Buyer.id", "Counters.orders",
        "Event.id", "Event.objectType", "Event.object",
        "OrderConnection.pageInfo", "PageInfo.hasNextPage", "PageInfo.endCursor", "OrderConnection.edges",
        "OrderEdge.node",
    }
)  # fmt: skip


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
    updated_at = capabilities.order_updated_at and capabilities.has_field("Order", "returns")
    if updated_at and updated is not None and not settings.reconcile:
        start = overlap_start(updated, settings)
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


def documents(capabilities: Capabilities, settings: CentraSettings) -> tuple[str, ...]:
    """The query documents a run sends to this instance."""
    connection = capabilities.has_field("Query", "orderConnection")
    names = [CONNECTION_QUERY if connection else PAGE_QUERY, "first_order"]
    if not capabilities.has_field("Order", "returns"):
        names.append("returns")
    if settings.use_events and capabilities.events:
        names.extend(EVENT_QUERIES)
    return tuple(names)


def first_order_at(
    client: CentraGraphQLClient, settings: CentraSettings, capabilities: Capabilities
) -> datetime | None:
    """Creation time of the oldest order from `start_date` on, so a backfill skips empty years."""
    where = OrderWindow("createdAt", settings.start, None).where(settings.timezone)
    query = capabilities.query("first_order", REQUIRED)
    orders = client.execute(query, {"where": where}, name="first_order").data["orders"]
    return utc_timestamp(orders[0]["createdAt"], settings.timezone) if orders else None


def fetch_window(
    client: CentraGraphQLClient, query: AdaptiveQuery, where: dict[str, Any], sizer: PageSizer
) -> Iterator[list[dict[str, Any]]]:
    """One filter's orders by `orderConnection` cursors."""
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


def fetch_window_by_page(
    client: CentraGraphQLClient,
    query: AdaptiveQuery,
    where: dict[str, Any],
    sizer: PageSizer,
    expected: int | None = None,
) -> Iterator[list[dict[str, Any]]]:
    """One filter's orders by offset pages; when `expected` (Centra's count) exceeds what one walk found,
    rows shifted back while we paged (an order deleted or moved out of the window): walk it once more."""

    def fetch(limit: int, page: int) -> tuple[list[dict[str, Any]], int]:
        result = query.execute(client, {"where": where, "limit": limit, "page": page}, sizer.estimate())
        return result.data["orders"], result.complexity

    seen: set[int] = set()
    for attempt in range(2):
        for nodes in walk_offset_pages(fetch, sizer, key=lambda node: int(node["number"])):
            fresh = [node for node in nodes if int(node["number"]) not in seen]
            seen.update(int(node["number"]) for node in fresh)
            if fresh:
                yield fresh
        if expected is None or len(seen) >= expected:
            return
        if attempt == 0:
            log.info(
                "orders: %d of %d orders in %s after one walk; walking it again", len(seen), expected, where
            )
    log.warning("orders: %d of the %d orders Centra counts in %s were read; a reconcile run repairs it",
                len(seen), expected, where)  # fmt: skip


def window_count(
    client: CentraGraphQLClient, capabilities: Capabilities, where: dict[str, Any]
) -> int | None:
    """Centra's count of the orders a filter matches, where `counters.orders(where:)` exists."""
    try:
        fitted = capabilities.fit(COUNT_QUERY, REQUIRED)
    except CentraSchemaError:
        return None
    if fitted.missing:  # without its `where` the count is of every order
        return None
    count = client.execute(fitted.text, {"where": where}, name=COUNT_QUERY).data["counters"]["orders"]
    return int(count) if count is not None else None


def _records(
    client: CentraGraphQLClient,
    settings: CentraSettings,
    capabilities: Capabilities,
    wheres: Iterable[dict[str, Any]],
    marks: dict[str, Any],
    returns: ReturnsByOrder | None = None,
) -> Iterator[list[dict[str, Any]]]:
    """Canonical order records for every filter, page by page; `marks` keeps the newest timestamps seen.
    `returns` holds the returns of instances whose orders do not carry them."""
    sizer = PageSizer(client.budget)
    connection = capabilities.has_field("Query", "orderConnection")
    name = CONNECTION_QUERY if connection else PAGE_QUERY
    query = AdaptiveQuery(name, capabilities.query(name, REQUIRED))
    for where in wheres:
        if connection:
            pages = fetch_window(client, query, where, sizer)
        else:
            pages = fetch_window_by_page(
                client, query, where, sizer, window_count(client, capabilities, where)
            )
        for nodes in pages:
            if returns is not None:
                nodes = [nested_returns(node, returns) for node in nodes]
            records = [order_record(node, settings.timezone) for node in nodes]
            for record in records:
                marks[CREATED_MARK] = later(marks.get(CREATED_MARK), record["created_at"])
                marks[UPDATED_MARK] = later(marks.get(UPDATED_MARK), record["updated_at"])
            yield records


def _skipping_unchanged(
    pages: Iterable[list[dict[str, Any]]], recent: RecentlyLoaded, marks: dict[str, Any], skip: bool
) -> Iterator[list[dict[str, Any]]]:
    """`pages`, each order remembered with its `updatedAt` (those read again unchanged too: the next run
    reads them again while they are inside its overlap); with `skip`, less the orders read again whose
    `updatedAt` has not moved since they were loaded."""
    for records in pages:
        changed = [
            record for record in records
            if not skip or recent.changed(record["order_number"], record["updated_at"])
        ]  # fmt: skip
        for record in records:
            recent.remember(record["order_number"], record["updated_at"], marks[UPDATED_MARK])
        yield changed


def _event_wheres(
    client: CentraGraphQLClient, capabilities: Capabilities, state: dict[str, Any]
) -> list[dict[str, Any]]:
    """Confirm what the last committed load carried, read the next batch, and filter its orders."""
    confirmed = confirm_committed(client, capabilities.query("confirm_events", REQUIRED), state)
    events = read_batch(client, capabilities.query("order_events", REQUIRED))
    remove_deleted_orders(deleted_order_numbers(events))
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
    nested = capabilities.has_field("Order", "returns")
    events = settings.use_events and capabilities.events and nested
    if settings.use_events and not events:
        why = "no events API" if not capabilities.events else "no Order.returns (returns come by createdAt)"
        log.warning("SOURCES__CENTRA__USE_EVENTS is on but this instance has %s; using %s", why,
                    "updatedAt" if capabilities.order_updated_at and nested else "the createdAt lookback")  # fmt: skip

    def returns_since(start: datetime) -> ReturnsByOrder | None:
        return (
            None if nested else ReturnsByOrder.read(client, capabilities, REQUIRED, start, settings.timezone)
        )

    def history(end: datetime) -> Iterator[list[dict[str, Any]]]:
        windows = history_windows(settings.start, end, settings.window_days)
        log.info("orders: history from %s to %s over %d window(s)", settings.start, end, len(windows))
        wheres = [window.where(settings.timezone) for window in windows]
        yield from _records(client, settings, capabilities, wheres, {}, returns_since(settings.start))

    def repair(numbers: list[int]) -> Iterator[list[dict[str, Any]]]:
        """The orders a reconciliation found missing or doubled, by number; no watermark moves."""
        if not numbers:
            return
        log.info("orders: re-reading %d order(s) the reconciliation queued", len(numbers))
        wheres = [
            {"number": numbers[i : i + NUMBERS_PER_FILTER]}
            for i in range(0, len(numbers), NUMBERS_PER_FILTER)
        ]
        yield from _records(client, settings, capabilities, wheres, {}, returns_since(settings.start))

    def read_again(since: datetime, loaded: set[int]) -> Iterator[list[dict[str, Any]]]:
        """The orders created since `since` the Order API served while GraphQL was out, less those this
        load already holds; no watermark moves."""
        windows = history_windows(since, datetime.now(UTC), settings.window_days)
        log.info(
            "orders: re-reading through GraphQL the orders created since %s that the Order API served", since
        )
        wheres = [window.where(settings.timezone) for window in windows]
        for records in _records(client, settings, capabilities, wheres, {}, returns_since(since)):
            yield [record for record in records if record["order_number"] not in loaded]

    def extract(state: dict[str, Any]) -> Iterator[list[dict[str, Any]]]:
        if settings.history_end is not None:  # a backfill window: the watermarks stay as they are
            yield from history(settings.history_end)
            return
        queued = repairs.take(state, "orders")
        if settings.repair_only:
            yield from repair(queued)
            return
        marks = {CREATED_MARK: state.get(CREATED_MARK), UPDATED_MARK: state.get(UPDATED_MARK)}
        returns = None
        if events and CREATED_MARK in state and not settings.reconcile:
            strategy, wheres = "events", _event_wheres(client, capabilities, state)
        else:
            first = first_order_at(client, settings, capabilities) if CREATED_MARK not in state else None
            strategy, windows = plan_windows(settings, capabilities, state, datetime.now(UTC), first)
            wheres = [window.where(settings.timezone) for window in windows]
            returns = returns_since(windows[0].start)
            state[MORE] = False
        log.info("orders: %s over %d filter(s)", strategy, len(wheres))
        since = orders_to_read_again(state)
        loaded: set[int] = set()  # kept only when there is something to read again
        recent = RecentlyLoaded(state.get(RECENT), settings.updated_at_overlap)
        changed = _skipping_unchanged(
            _records(client, settings, capabilities, wheres, marks, returns), recent, marks,
            skip=strategy == "updated_at",
        )  # fmt: skip
        for records in chain(changed, repair(queued)):
            if since is not None:
                loaded.update(record["order_number"] for record in records)
            yield records
        if since is not None:
            yield from read_again(since, loaded)
        state[CREATED_MARK] = marks[CREATED_MARK] or settings.start.isoformat()
        state[UPDATED_MARK] = marks[UPDATED_MARK] or state[CREATED_MARK]
        state[RECENT] = recent.stored(state[UPDATED_MARK])
        state[STRATEGY] = strategy
        if recent.unchanged:
            log.info("orders: %d order(s) read again in the overlap had not changed; not loaded again",
                     recent.unchanged)  # fmt: skip

    def orders() -> Iterator[list[dict[str, Any]]]:
        yield from unless_denied("orders", extract(dlt.current.source_state()))

    return dlt.resource(orders, name="orders", **ORDERS.resource_hints())


PART = GraphQLPart(
    "orders", REQUIRED, documents, lambda client, settings, caps: [orders_resource(client, settings, caps)]
)
