"""The `orders` resource over the Order API: the same canonical order records as the GraphQL resource.

`/orders` can only be filtered by order date (`newer_than`; no modified-since, docs/centra-api-reference.md §B3), so:
- first run: every visible order created from `start_date` on;
- later runs: every order created since the newest order date seen, less `order_lookback_days`, so status
  changes, cancellations, shipments and returns on recent orders still arrive; older changes need a
  `reconcile` run with a longer lookback.
Returns come from `/returns` (created since the same moment: a return is never older than its order) and
are nested under their order, so a merge replaces an order's returns with what the Order API shows now.
`/orders` carries no conversion rate; a return's `baseCurrencyRate` is Centra's rate from the order's
currency to the base currency (docs/centra-api-reference.md §B4), so an order with a return gets its rate from there. The
reporting build infers the others' (`warehouse/tables/conversion_rates.py`) and says so.
The watermark is the newest order date seen, never our clock; it lives in dlt state committed with the
load (keys `order_api_orders_*`, apart from the GraphQL resource's marks), so a failed run repeats.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import dlt
from dlt.extract.resource import DltResource

from pipelines.centra.families.after_outage import order_api_served_orders
from pipelines.centra.families.denied import unless_denied
from pipelines.centra.families.orders.order_api_rows import order_record, return_row
from pipelines.centra.mapping import money, shop_time
from pipelines.centra.order_api_client import CentraOrderApiClient
from pipelines.centra.paging import counted_pages
from pipelines.centra.settings import CentraSettings
from pipelines.centra.tables import ORDERS

log = logging.getLogger(__name__)
CREATED_MARK, STRATEGY = "order_api_orders_created_max", "order_api_orders_strategy"
Row = dict[str, Any]


# The canonical columns the Order API can not fill (NULL in its rows), table by table; the README's "Order
# API fallback" section says why for each. `conversion_rate` is the exception that fills in part: an order
# with a return takes its `baseCurrencyRate`.
CANNOT_FILL: dict[str, tuple[str, ...]] = {
    "orders": (
        "store_id", "buyer_id", "conversion_rate", "handling_amount", "updated_at",
        "shipping_first_name", "shipping_last_name", "shipping_vat_number",  # `deliveryName` joins the names
        "billing_first_name", "billing_last_name", "billing_cell_phone_number",
    ),
    "orders__lines": ("product_id", "variant_id", "size_id", "brand_id", "cancelled_quantity"),
    "orders__shipments": (
        "shipment_id", "is_good_to_go", "is_paid", "is_captured", "created_at", "updated_at", "paid_at",
        "captured_at", "number_of_packages",
    ),
    "orders__returns": ("status", "updated_at", "completed_at"),
    "orders__returns__lines": ("amount",),
}  # fmt: skip


def window_start(settings: CentraSettings, state: dict[str, Any]) -> tuple[str, datetime]:
    """The strategy's name and the UTC moment from which orders are (re-)read."""
    mark = state.get(CREATED_MARK)
    if mark is None:
        return "backfill", settings.start
    lookback = datetime.fromisoformat(mark) - timedelta(days=settings.order_lookback_days)
    return "created_at_lookback", max(settings.start, lookback)


@dataclass
class OrderApiReturns:
    """The `/returns` entries created since a moment, as canonical return rows by order number, and the
    order's conversion rate where a return of it gives one (`baseCurrencyRate`)."""

    by_order: dict[int, list[Row]] = field(default_factory=dict)
    rates: dict[int, Decimal] = field(default_factory=dict)


def returns_by_order(client: CentraOrderApiClient, since: str, timezone: str) -> OrderApiReturns:
    returns = OrderApiReturns()
    for entries in counted_pages(
        client, "returns", "returns", {"newer_than": since}, _return_key, position="page"
    ):
        for entry in entries:
            row = return_row(entry, timezone)
            returns.by_order.setdefault(row["order_number"], []).append(row)
            rate = money(entry.get("baseCurrencyRate"))
            if rate is not None and rate > 0:
                returns.rates.setdefault(row["order_number"], rate)
    return returns


def _return_key(entry: Row) -> int:
    return int(entry["returnId"])


def _order_key(order: Row) -> int:
    return int(order["orderId"])


def extract_orders(
    client: CentraOrderApiClient, settings: CentraSettings, state: dict[str, Any]
) -> Iterator[list[Row]]:
    if settings.history_end is not None:  # a backfill window: the watermark stays as it is
        yield from _extract(client, settings, settings.start, settings.history_end, {})
        return
    strategy, start = window_start(settings, state)
    yield from _extract(client, settings, start, None, state)
    state[STRATEGY] = strategy
    if settings.graphql_configured:  # GraphQL reads these again once it is back (after_outage)
        order_api_served_orders(state, start)


def _extract(
    client: CentraOrderApiClient,
    settings: CentraSettings,
    start: datetime,
    end: datetime | None,
    state: dict[str, Any],
) -> Iterator[list[Row]]:
    # `newer_than` is "newer than": one second earlier keeps an order placed exactly at `start`.
    since = shop_time(start - timedelta(seconds=1), settings.timezone)
    params = {"newer_than": since}
    if end is not None:
        params["older_than"] = shop_time(end, settings.timezone)
    log.info(
        "orders (Order API): orders newer than %s%s",
        since,
        f", older than {params['older_than']}" if end else "",
    )
    returns = returns_by_order(client, since, settings.timezone)
    newest = state.get(CREATED_MARK)
    for orders in counted_pages(client, "orders", "orders", params, _order_key, position="offset"):
        records = [
            order_record(
                order,
                returns.by_order.get(_order_key(order), []),
                settings.timezone,
                conversion_rate=returns.rates.get(_order_key(order)),
            )
            for order in orders
        ]
        for record in records:
            created = record["created_at"]
            if created is not None and (newest is None or created > datetime.fromisoformat(newest)):
                newest = created.isoformat()
        yield records
    if end is None:
        state[CREATED_MARK] = newest or settings.start.isoformat()


def order_api_orders_resource(client: CentraOrderApiClient, settings: CentraSettings) -> DltResource:
    def orders() -> Iterator[list[Row]]:
        yield from unless_denied("orders", extract_orders(client, settings, dlt.current.source_state()))

    return dlt.resource(orders, name="orders", **ORDERS.resource_hints())
