"""`centra_source`: the dlt source over Centra's GraphQL Integration API, with the REST Order API as fallback.

Configuration comes the dlt way (`.dlt/config.toml`, `.dlt/secrets.toml`, or `SOURCES__CENTRA__*`
environment variables). At the start of a run the source decides which API serves each resource family
(`api_choice`), reads the GraphQL schema once and checks every query it will send, checks the Order API's
key when a family needs it, and records the decisions in the run summary (`run_summary`). Each resource
then picks its incremental strategy.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from typing import Any

import dlt
from dlt.extract.resource import DltResource

from pipelines.centra.api_choice import GRAPHQL, plan_apis
from pipelines.centra.errors import CentraConfigError
from pipelines.centra.family import ResourceFamily
from pipelines.centra.order_api_client import ORDER_API, CentraOrderApiClient
from pipelines.centra.resources import catalog, customers, orders, reference, stock
from pipelines.centra.resources.order_api_catalog import order_api_catalog_resource, order_api_stock_resource
from pipelines.centra.resources.order_api_customers import order_api_customers_resource
from pipelines.centra.resources.order_api_orders import order_api_orders_resource
from pipelines.centra.resources.wholesale import accounts_resource, buyers_resource
from pipelines.centra.run_summary import LAST_RUN, RunSummary, summarize
from pipelines.centra.settings import CentraSettings, parse_max_extraction_age_hours, parse_start_date

log = logging.getLogger(__name__)
FAMILIES: dict[str, ResourceFamily] = {
    family.name: family
    for family in (orders.FAMILY, customers.FAMILY, reference.FAMILY, catalog.FAMILY, stock.FAMILY)
}
OrderApiBuilder = Callable[[CentraOrderApiClient, CentraSettings], list[DltResource]]
ORDER_API_FAMILIES: dict[str, OrderApiBuilder] = {
    "orders": lambda client, settings: [order_api_orders_resource(client, settings)],
    "customers": lambda client, settings: [order_api_customers_resource(client, settings)],
    "catalog": lambda client, settings: [order_api_catalog_resource(client, settings)],
    "stock": lambda client, settings: [order_api_stock_resource(client)],
}


def run_summary_resource(summary: RunSummary) -> DltResource:
    """Writes the run summary into the source state (read-only in the source function); loads no rows."""

    def run_summary() -> Iterator[Any]:
        dlt.current.source_state()[LAST_RUN] = summary.as_state()
        yield from ()

    return dlt.resource(run_summary, name="run_summary")


@dlt.source(name="centra", section="centra", max_table_nesting=2)
def centra_source(
    graphql_url: str | None = dlt.config.value,
    api_token: str | None = dlt.secrets.value,
    timezone: str = "Europe/Stockholm",
    start_date: str | date | None = None,
    order_lookback_days: int = 60,
    window_days: int = 31,
    rate_limit_share: float = 0.5,
    reconcile: bool = False,
    use_events: bool = False,
    resources: Sequence[str] | None = None,
    api: str = "auto",
    order_api_url: str | None = None,
    order_api_key: str | None = dlt.secrets.value,
    request_attempts: int = 6,
    request_timeout_seconds: float = 60.0,
    history_end_date: str | date | None = None,
    max_extraction_age_hours: str | None = None,  # str: a bad value gets our message, not a coercion error
) -> Any:
    settings = CentraSettings(
        graphql_url=graphql_url,
        api_token=api_token,
        timezone=timezone,
        start_date=parse_start_date(start_date),
        order_lookback_days=int(order_lookback_days),
        window_days=int(window_days),
        rate_limit_share=float(rate_limit_share),
        reconcile=bool(reconcile),
        use_events=bool(use_events),
        order_api_url=order_api_url,
        order_api_key=order_api_key,
        api=api,  # type: ignore[arg-type]  # checked by CentraSettings
        request_attempts=int(request_attempts),
        request_timeout_seconds=float(request_timeout_seconds),
        history_end_date=parse_start_date(history_end_date) if history_end_date else None,
        max_extraction_age_hours=parse_max_extraction_age_hours(max_extraction_age_hours),
    )
    chosen = list(resources or FAMILIES)
    unknown = sorted(set(chosen) - set(FAMILIES))
    if unknown:
        raise CentraConfigError(f"unknown resources {unknown}; choose from {sorted(FAMILIES)}")
    plan = plan_apis(settings, chosen)
    on_graphql = [name for name in chosen if plan.uses(name) == GRAPHQL]
    if plan.capabilities is not None:
        plan.capabilities.check_queries([query for name in on_graphql for query in FAMILIES[name].queries])
    summary = summarize(plan.families)
    log.info("Centra run plan:\n%s", summary.render())
    built: list[DltResource] = [run_summary_resource(summary)]
    for name in chosen:
        if plan.uses(name) == GRAPHQL and plan.graphql is not None and plan.capabilities is not None:
            built.extend(FAMILIES[name].build(plan.graphql, settings, plan.capabilities))
        elif plan.uses(name) == ORDER_API and plan.order_api is not None:
            built.extend(ORDER_API_FAMILIES[name](plan.order_api, settings))
            if name == "customers" and plan.graphql is not None:
                # Only Customer:read was refused: wholesale accounts and buyers still come from GraphQL.
                built.extend(
                    [accounts_resource(plan.graphql, settings), buyers_resource(plan.graphql, settings)]
                )
    return built
