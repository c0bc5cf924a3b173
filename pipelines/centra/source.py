"""`centra_source`: the dlt source over Centra's GraphQL Integration API.

Configuration comes the dlt way (`.dlt/config.toml`, `.dlt/secrets.toml`, or `SOURCES__CENTRA__*`
environment variables). At the start of a run the source reads the instance's schema once, checks every
query it will send, and then picks each resource's incremental strategy.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import dlt
from dlt.extract.resource import DltResource

from pipelines.centra.budget import RateBudget
from pipelines.centra.capabilities import Capabilities, detect
from pipelines.centra.graphql_client import CentraGraphQLClient
from pipelines.centra.resources.orders import orders_resource
from pipelines.centra.settings import CentraSettings, parse_start_date

QUERIES_BY_RESOURCE = {"orders": ["orders", "first_order"]}


@dlt.source(name="centra", max_table_nesting=2)
def centra_source(
    graphql_url: str = dlt.config.value,
    api_token: str = dlt.secrets.value,
    timezone: str = "Europe/Stockholm",
    start_date: str | date | None = None,
    order_lookback_days: int = 60,
    rate_limit_share: float = 0.5,
    reconcile: bool = False,
    resources: Sequence[str] | None = None,
) -> Any:
    settings = CentraSettings(
        graphql_url=graphql_url,
        api_token=api_token,
        timezone=timezone,
        start_date=parse_start_date(start_date),
        order_lookback_days=int(order_lookback_days),
        rate_limit_share=float(rate_limit_share),
        reconcile=bool(reconcile),
    )
    client = CentraGraphQLClient(
        settings.graphql_url, settings.api_token, budget=RateBudget(settings.rate_limit_share)
    )
    capabilities = detect(client)
    chosen = list(resources or QUERIES_BY_RESOURCE)
    capabilities.check_queries([query for name in chosen for query in QUERIES_BY_RESOURCE[name]])
    return [build(name, client, settings, capabilities) for name in chosen]


def build(
    name: str, client: CentraGraphQLClient, settings: CentraSettings, capabilities: Capabilities
) -> DltResource:
    builders = {"orders": orders_resource}
    return builders[name](client, settings, capabilities)
