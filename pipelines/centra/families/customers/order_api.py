"""The `customers` resource over the Order API: `/customers`, incremental by `modified`.

First run: every customer. Later runs: customers modified after the newest `modified` seen, less
`updated_at_overlap_minutes` (the mark is a timestamp in the data, not our clock; `modified` is exclusive).
Wholesale accounts and buyers have no Order API endpoint: with this resource they are not loaded.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import dlt
from dlt.extract.resource import DltResource

from pipelines.centra.families.after_outage import order_api_served
from pipelines.centra.families.customers.graphql import UPDATED_MARK
from pipelines.centra.families.denied import unless_denied
from pipelines.centra.families.watermarks import modified_since, newest
from pipelines.centra.mapping import flag, optional_text, utc_timestamp
from pipelines.centra.order_api_client import ORDER_API, CentraOrderApiClient
from pipelines.centra.paging import counted_pages
from pipelines.centra.settings import CentraSettings
from pipelines.centra.tables import CUSTOMERS

log = logging.getLogger(__name__)
MODIFIED_MARK, STRATEGY = "order_api_customers_modified_max", "order_api_customers_strategy"
Row = dict[str, Any]


CANNOT_FILL: dict[str, tuple[str, ...]] = {"customers": ()}  # `/customers` has every canonical column


def customer_row(entry: Row, timezone: str) -> Row:
    values = {
        "customer_id": int(entry["customerId"]),
        "email": optional_text(entry.get("email")),
        "first_name": optional_text(entry.get("firstName")),
        "last_name": optional_text(entry.get("lastName")),
        "gender": optional_text(entry.get("gender")),
        "phone_number": optional_text(entry.get("phoneNumber")),
        "is_registered": flag(entry.get("registered")),
        "has_newsletter": flag(entry.get("newsletter")),
        "country_code": optional_text(entry.get("country")),
        "created_at": utc_timestamp(entry.get("created"), timezone),
        "updated_at": utc_timestamp(entry.get("modified"), timezone),
    }
    return CUSTOMERS.row(values, ORDER_API)


def extract_customers(
    client: CentraOrderApiClient, settings: CentraSettings, state: dict[str, Any]
) -> Iterator[list[Row]]:
    mark = state.get(MODIFIED_MARK)
    params = modified_since(mark, settings)
    strategy = "modified" if params else "full_scan"
    log.info("customers (Order API): %s %s", strategy, params.get("modified", ""))
    latest = mark
    for entries in counted_pages(
        client, "customers", "customers", params, lambda e: int(e["customerId"]), position="offset"
    ):
        rows = [customer_row(entry, settings.timezone) for entry in entries]
        latest = newest(latest, rows)
        yield rows
    if latest is not None:
        state[MODIFIED_MARK] = latest
    state[STRATEGY] = strategy
    if settings.graphql_configured:  # GraphQL reads the customers whole once it is back (after_outage)
        order_api_served(state, (UPDATED_MARK,))


def order_api_customers_resource(client: CentraOrderApiClient, settings: CentraSettings) -> DltResource:
    def customers() -> Iterator[list[Row]]:
        state = dlt.current.source_state()
        yield from unless_denied("customers", extract_customers(client, settings, state))

    return dlt.resource(customers, name="customers", **CUSTOMERS.resource_hints())
