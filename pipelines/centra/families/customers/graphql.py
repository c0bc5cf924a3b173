"""The `customers` family: DTC customers, plus the wholesale accounts and buyers (see `wholesale`).

Customers, strategy chosen per run from the instance's capabilities and the source state:
- `Customer.updatedAt` offered (docs/centra-api-reference.md §E4 leaves it open): the first run reads every customer; later
  runs read those updated since the newest `updatedAt` seen, less `updated_at_overlap_minutes`;
- otherwise, or on a `reconcile` run: every customer, every run (docs/centra-api-reference.md §F6). Merge on `customer_id`
  makes the repeat harmless, and it is the only way an anonymization or a newsletter opt-out arrives
  without updatedAt or events.
The watermark is the newest timestamp in the data, not our clock, and lives in dlt state committed with
the load, so a failed run repeats its window. A token without `Customer:read` skips the resource with a
warning instead of failing the run.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import dlt
from dlt.extract.resource import DltResource

from pipelines.centra.capabilities import Capabilities
from pipelines.centra.families.customers import wholesale
from pipelines.centra.families.customers.graphql_rows import customer_row
from pipelines.centra.families.denied import unless_denied
from pipelines.centra.families.family import GraphQLPart
from pipelines.centra.families.watermarks import newest, overlap_start
from pipelines.centra.graphql_client import CentraGraphQLClient
from pipelines.centra.mapping import shop_time
from pipelines.centra.paging import PageSizer, walk_offset_pages
from pipelines.centra.pruning import AdaptiveQuery
from pipelines.centra.reconcile import repairs
from pipelines.centra.settings import CentraSettings
from pipelines.centra.tables import CUSTOMERS

log = logging.getLogger(__name__)
UPDATED_MARK, STRATEGY = "customers_updated_max", "customers_strategy"
FULL_SCAN, UPDATED_AT, SKIPPED = "full_scan", "updated_at", "skipped"
WITH_UPDATED_AT = "customers_updated_at"  # sent only where the instance has Customer.updatedAt
COUNT_QUERY = "customer_count"
# A customer row needs its id, and the timestamp its incrementality reads; all else loads NULL if absent.
REQUIRED = frozenset({"Customer.id", "Customer.updatedAt", "Counters.customers"})
PROGRESS_EVERY = 50  # pages between progress lines in the log


@dataclass(frozen=True)
class CustomerPlan:
    strategy: str
    query: str  # the family's queries/<query>.graphql
    where: dict[str, Any] | None  # a CustomerFilter, or None for every customer


def plan_customers(
    settings: CentraSettings, capabilities: Capabilities, state: dict[str, Any]
) -> CustomerPlan:
    if not capabilities.customer_updated_at:
        return CustomerPlan(FULL_SCAN, "customers", None)
    mark = state.get(UPDATED_MARK)
    if mark is None or settings.reconcile:
        return CustomerPlan(FULL_SCAN, WITH_UPDATED_AT, None)
    start = overlap_start(mark, settings)
    return CustomerPlan(
        UPDATED_AT, WITH_UPDATED_AT, {"updatedAt": {"from": shop_time(start, settings.timezone)}}
    )


def _count(client: CentraGraphQLClient, query: str, where: dict[str, Any] | None) -> int | None:
    # Plain `execute`, not an AdaptiveQuery: pruning the refused `counters.customers` would leave an empty
    # selection; a refusal here skips the resource like a refused list does.
    result = client.execute(query, {"where": where}, name="customer_count")
    total = result.data["counters"]["customers"]
    return None if total is None else int(total)


def customer_pages(
    client: CentraGraphQLClient, query: AdaptiveQuery, where: dict[str, Any] | None
) -> Iterator[list[dict[str, Any]]]:
    filters = {} if where is None else {"where": where}

    def fetch(limit: int, page: int) -> tuple[list[dict[str, Any]], int]:
        result = query.execute(client, {**filters, "limit": limit, "page": page})
        return result.data["customers"], result.complexity

    return walk_offset_pages(fetch, PageSizer(client.budget), key=lambda node: node["id"])


def extract_customers(
    client: CentraGraphQLClient,
    settings: CentraSettings,
    plan: CustomerPlan,
    query: AdaptiveQuery,
    count_query: str,
    state: dict[str, Any],
) -> Iterator[list[dict[str, Any]]]:
    total = _count(client, count_query, plan.where)
    expected = "an unknown number" if total is None else str(total)
    log.info("customers: %s, %s to read", plan.strategy, expected)
    mark, loaded = state.get(UPDATED_MARK), 0
    for page, nodes in enumerate(customer_pages(client, query, plan.where), start=1):
        rows = [customer_row(node, settings.timezone) for node in nodes]
        mark, loaded = newest(mark, rows), loaded + len(rows)
        if page % PROGRESS_EVERY == 0:
            log.info("customers: %d of %s read", loaded, expected)
        yield rows
    log.info("customers: %d read (%s)", loaded, plan.strategy)
    if mark is not None:
        state[UPDATED_MARK] = mark
    state[STRATEGY] = plan.strategy


def repair_plan(capabilities: Capabilities, queued: list[int], plan: CustomerPlan) -> CustomerPlan | None:
    """How to fetch the customers a reconciliation queued: by id where the filter allows, else a full scan."""
    if not queued:
        return None
    if capabilities.customer_updated_at and capabilities.has_input_field("CustomerFilter", "id"):
        return CustomerPlan("repair", WITH_UPDATED_AT, {"id": queued})
    return CustomerPlan(FULL_SCAN, "customers" if plan.query == "customers" else WITH_UPDATED_AT, None)


def customers_resource(
    client: CentraGraphQLClient, settings: CentraSettings, capabilities: Capabilities
) -> DltResource:
    names = documents(capabilities, settings)
    queries = {name: AdaptiveQuery(name, capabilities.query(name, REQUIRED)) for name in names}

    def customers() -> Iterator[list[dict[str, Any]]]:
        state = dlt.current.source_state()
        queued = repairs.take(state, "customers")
        plan = plan_customers(settings, capabilities, state)
        if settings.repair_only:
            repair = repair_plan(capabilities, queued, plan)
            if repair is not None:  # its marks go to a scratch dict: a repair moves no watermark
                yield from unless_denied(
                    "customers",
                    extract_customers(
                        client, settings, repair, queries[repair.query], queries[COUNT_QUERY].text, {}
                    ),
                )
            return
        # Stays only when the token may not read customers: a finished extraction overwrites it, and any
        # other failure fails the load, which then commits no state at all.
        state[STRATEGY] = SKIPPED
        yield from unless_denied(
            "customers",
            extract_customers(client, settings, plan, queries[plan.query], queries[COUNT_QUERY].text, state),
        )
        repair = repair_plan(capabilities, queued, plan)
        if repair is not None and plan.strategy != FULL_SCAN:
            yield from unless_denied(
                "customers",
                extract_customers(
                    client, settings, repair, queries[repair.query], queries[COUNT_QUERY].text, {}
                ),
            )

    return dlt.resource(customers, name="customers", **CUSTOMERS.resource_hints())


def documents(capabilities: Capabilities, settings: CentraSettings) -> tuple[str, ...]:
    """The customers documents a run sends to this instance (the wholesale ones come with `wholesale`)."""
    listing = WITH_UPDATED_AT if capabilities.customer_updated_at else "customers"
    return (listing, COUNT_QUERY)


def _documents(capabilities: Capabilities, settings: CentraSettings) -> tuple[str, ...]:
    return documents(capabilities, settings) + wholesale.documents(capabilities, settings)


PART = GraphQLPart(
    "customers",
    REQUIRED | wholesale.REQUIRED,
    _documents,
    lambda client, settings, caps: [
        customers_resource(client, settings, caps),
        *wholesale.wholesale_resources(client, settings, caps),
    ],
)
