"""`centra_source`: the dlt source over Centra's GraphQL Integration API, with the REST Order API as fallback.

Configuration comes the dlt way (`.dlt/config.toml`, `.dlt/secrets.toml`, or `SOURCES__CENTRA__*`
environment variables), read once into one `CentraSettings` (`settings.resolve_settings`). At the start
of a run the source decides which API serves each resource family (`api_choice`), reads the GraphQL
schema once and fits every query it will send to it (`schema_fit`: optional fields the instance lacks are
left out and listed in the run summary), checks the Order API's key when a family needs it, and records
the decisions in the run summary (`run_summary`). Each resource then picks its incremental strategy.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

import dlt
from dlt.extract.resource import DltResource

from pipelines.centra.api_choice import GRAPHQL, plan_apis
from pipelines.centra.capabilities import Capabilities
from pipelines.centra.circuit import CircuitBreaker
from pipelines.centra.errors import CentraConfigError
from pipelines.centra.families import DEFAULT_FAMILIES, FAMILIES, unknown_families
from pipelines.centra.families.family import Family, GraphQLPart
from pipelines.centra.families.orders.events import subscribe
from pipelines.centra.families.orders.graphql import REQUIRED as ORDERS_REQUIRED
from pipelines.centra.families.reconciliation.graphql import ReconcileRequest
from pipelines.centra.graphql_client import CentraGraphQLClient
from pipelines.centra.order_api_client import ORDER_API
from pipelines.centra.run_summary import LAST_RUN, SourceRunRecord, summarize
from pipelines.centra.settings import CentraSettings, NothingInjected, resolve_settings

log = logging.getLogger(__name__)


def run_summary_resource(summary: SourceRunRecord) -> DltResource:
    """Writes the run summary into the source state (read-only in the source function); loads no rows."""

    def run_summary() -> Iterator[Any]:
        dlt.current.source_state()[LAST_RUN] = summary.as_state()
        yield from ()

    return dlt.resource(run_summary, name="run_summary")


@dlt.source(name="centra", section="centra", max_table_nesting=2, spec=NothingInjected)
def centra_source(
    settings: CentraSettings | None = None,
    resources: Sequence[str] | None = None,
    breaker: CircuitBreaker | None = None,
    reconciliation_request: ReconcileRequest | None = None,
    repair_only: bool = False,
    **overrides: Any,
) -> Any:
    """`settings` None: resolved from configuration (`resolve_settings`). `overrides` (any setting by name,
    e.g. `graphql_url=`, `order_lookback_days=`) win over both. `breaker` and `reconciliation_request` are
    runtime objects, not configuration: the flow passes one breaker per run so a family does not retry an
    API an earlier family found down; a direct call gets one of its own."""
    settings = settings.with_overrides(**overrides) if settings is not None else resolve_settings(**overrides)
    settings = replace(settings, reconciliation=reconciliation_request, repair_only=repair_only)
    chosen = list(resources or DEFAULT_FAMILIES)
    if unknown := unknown_families(chosen):
        raise CentraConfigError(f"unknown resources {unknown}; choose from {sorted(FAMILIES)}")
    breaker = breaker or CircuitBreaker()
    plan = plan_apis(settings, chosen, breaker)
    capabilities, notes = plan.capabilities, list[str]()
    if (
        capabilities is not None
        and plan.graphql is not None
        and "orders" in chosen
        and plan.uses("orders") == GRAPHQL
    ):
        capabilities, notes = events_decision(plan.graphql, settings, capabilities)
    graphql_parts = {name: _graphql_part(FAMILIES[name], plan.uses(name)) for name in chosen}
    missing: dict[str, list[str]] = {}
    for name, part in graphql_parts.items():
        if part is not None and capabilities is not None:
            missing[name] = part.fit(capabilities, settings)  # before anything is built or extracted
    summary = summarize(plan.families, missing, notes, [outage.describe() for outage in breaker.outages])
    log.info("Centra run plan:\n%s", summary.render())
    built: list[DltResource] = [run_summary_resource(summary)]
    for name, part in graphql_parts.items():
        order_api = FAMILIES[name].order_api
        if plan.uses(name) == ORDER_API and plan.order_api is not None and order_api is not None:
            built.extend(order_api(plan.order_api, settings))
        if part is not None and plan.graphql is not None and capabilities is not None:
            built.extend(part.build(plan.graphql, settings, capabilities))
    return built


def _graphql_part(family: Family, api: str | None) -> GraphQLPart | None:
    """What GraphQL serves of `family` this run: all of it, the part beside the Order API, or nothing."""
    if api == GRAPHQL:
        return family.graphql
    return family.alongside_order_api if api == ORDER_API else None


def events_decision(
    client: CentraGraphQLClient, settings: CentraSettings, capabilities: Capabilities
) -> tuple[Capabilities, list[str]]:
    """With `use_events` on, ask Centra for the order events once per run: an instance whose events system
    is not enabled answers `setEventListeners` with a userError, and orders keep their window strategy."""
    if not settings.use_events:
        return capabilities, []
    if not capabilities.events:
        return capabilities, ["orders: use_events is on, but this instance's schema has no events API"]
    refusal = subscribe(client, capabilities.query("set_order_listeners", ORDERS_REQUIRED))
    if refusal is None:
        return capabilities, []
    note = f"orders: use_events is on, but Centra refused the event listeners ({refusal}); no events this run"
    return replace(capabilities, events=False, fitted={}), [note]
