"""`centra_source`: the dlt source over Centra's GraphQL Integration API.

Configuration comes the dlt way (`.dlt/config.toml`, `.dlt/secrets.toml`, or `SOURCES__CENTRA__*`
environment variables). At the start of a run the source reads the instance's schema once, checks every
query it will send, and then lets each resource pick its incremental strategy.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import dlt

from pipelines.centra.budget import RateBudget
from pipelines.centra.capabilities import detect
from pipelines.centra.errors import CentraConfigError
from pipelines.centra.family import ResourceFamily
from pipelines.centra.graphql_client import CentraGraphQLClient
from pipelines.centra.resources import catalog, customers, orders, reference, stock
from pipelines.centra.settings import CentraSettings, parse_start_date

FAMILIES: dict[str, ResourceFamily] = {
    family.name: family
    for family in (orders.FAMILY, customers.FAMILY, reference.FAMILY, catalog.FAMILY, stock.FAMILY)
}


@dlt.source(name="centra", section="centra", max_table_nesting=2)
def centra_source(
    graphql_url: str = dlt.config.value,
    api_token: str = dlt.secrets.value,
    timezone: str = "Europe/Stockholm",
    start_date: str | date | None = None,
    order_lookback_days: int = 60,
    window_days: int = 31,
    rate_limit_share: float = 0.5,
    reconcile: bool = False,
    use_events: bool = False,
    resources: Sequence[str] | None = None,
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
    )
    chosen = list(resources or FAMILIES)
    unknown = sorted(set(chosen) - set(FAMILIES))
    if unknown:
        raise CentraConfigError(f"unknown resources {unknown}; choose from {sorted(FAMILIES)}")
    client = CentraGraphQLClient(
        settings.graphql_url, settings.api_token, budget=RateBudget(settings.rate_limit_share)
    )
    capabilities = detect(client)
    capabilities.check_queries([query for name in chosen for query in FAMILIES[name].queries])
    return [resource for name in chosen for resource in FAMILIES[name].build(client, settings, capabilities)]
