"""Which API serves each resource family this run: `api = "auto" | "graphql" | "order_api"`.

- "graphql": every family from GraphQL, as before the Order API existed.
- "order_api": every family the Order API has endpoints for (orders, customers, catalog, stock);
  reference data has none and is skipped with a warning.
- "auto": GraphQL where it can serve; a family falls back to the Order API when GraphQL is not configured,
  rejects the token, stays unreachable after the client's retries, or the token lacks the family's read
  permission (one cheap probe query per family). Each fallback is logged as a warning naming the reason.
  Without an Order API to fall back to, GraphQL's own error stands (the run fails as it always did), and
  a family the token may not read is skipped by its resources as before.

The Order API is asked once, before anything is extracted, whenever a family will use it: a wrong key or
URL then fails the run with one message naming the setting, and nothing is written.

Both first contacts go through the run's `CircuitBreaker` (`circuit`): an API one family's plan found down
is not asked again by the later families of the run, which go straight to their fallback or fail at once.
"""

from __future__ import annotations

import logging
from contextlib import suppress
from dataclasses import dataclass
from typing import Literal

from pipelines.centra.budget import RateBudget
from pipelines.centra.capabilities import Capabilities, detect
from pipelines.centra.circuit import CircuitBreaker
from pipelines.centra.errors import (
    CentraApiDownError,
    CentraAuthError,
    CentraPermissionError,
    CentraRateLimitedError,
    CentraResponseError,
    CentraUnavailableError,
)
from pipelines.centra.families import FAMILIES
from pipelines.centra.graphql_client import CentraGraphQLClient
from pipelines.centra.order_api_client import ORDER_API, CentraOrderApiClient
from pipelines.centra.run_summary import FamilyApi
from pipelines.centra.settings import CentraSettings

log = logging.getLogger("pipelines.centra.source")
GRAPHQL = "graphql"
NO_ENDPOINT = "the Order API has no endpoint for it"


@dataclass
class ApiPlan:
    graphql: CentraGraphQLClient | None
    capabilities: Capabilities | None
    order_api: CentraOrderApiClient | None
    families: dict[str, FamilyApi]

    def uses(self, family: str) -> Literal["graphql", "order_api"] | None:
        api = self.families[family].api
        return api if api in (GRAPHQL, ORDER_API) else None  # type: ignore[return-value]


def _graphql(settings: CentraSettings) -> tuple[CentraGraphQLClient, Capabilities]:
    client = CentraGraphQLClient(
        settings.graphql_url or "",
        settings.api_token or "",
        budget=RateBudget(settings.rate_limit_share),
        retry=settings.retry_policy,
        timeout=settings.request_timeout_seconds,
    )
    return client, detect(client)


def open_order_api(settings: CentraSettings) -> CentraOrderApiClient:
    """A client whose key and URL were just accepted by the Order API (one request)."""
    client = CentraOrderApiClient(
        settings.order_api_url or "",
        settings.order_api_key or "",
        retry=settings.retry_policy,
        timeout=settings.request_timeout_seconds,
    )
    # A 403 "Not Allowed" means the key is good and /orders is not in the plugin's allow-list: its resource
    # says so when it runs.
    with suppress(CentraPermissionError):
        client.get("orders", {"limit": 1})
    return client


def _denied_families(client: CentraGraphQLClient, families: list[str]) -> dict[str, str]:
    reasons = {}
    for family in families:
        probe = FAMILIES[family].probe
        if probe is None:
            continue
        try:
            client.execute(probe.query, name=f"probe_{family}", estimated_complexity=10)
        except CentraPermissionError as error:
            reasons[family] = f"the GraphQL token lacks {error.permission or probe.permission}"
    return reasons


def plan_apis(
    settings: CentraSettings, families: list[str], breaker: CircuitBreaker | None = None
) -> ApiPlan:
    """Which API serves each of `families`; `breaker` is the run's memory of APIs found down (a fresh one:
    every API is asked)."""
    breaker = breaker or CircuitBreaker()
    if settings.api == GRAPHQL:
        client, capabilities = breaker.ask(GRAPHQL, families, lambda: _graphql(settings))
        return ApiPlan(client, capabilities, None, {name: FamilyApi(GRAPHQL) for name in families})
    if settings.api == ORDER_API:
        reasons = dict.fromkeys(families, "api = order_api")
        return _with_fallbacks(settings, families, None, None, reasons, breaker)
    return _auto(settings, families, breaker)


def _auto(settings: CentraSettings, families: list[str], breaker: CircuitBreaker) -> ApiPlan:
    if not settings.graphql_configured:
        reason = "GraphQL is not configured (SOURCES__CENTRA__GRAPHQL_URL, SOURCES__CENTRA__API_TOKEN)"
        return _with_fallbacks(settings, families, None, None, dict.fromkeys(families, reason), breaker)
    try:
        client, capabilities = breaker.ask(GRAPHQL, families, lambda: _graphql(settings))
    except (CentraAuthError, CentraUnavailableError, CentraResponseError) as error:
        if not settings.order_api_configured:
            raise
        reasons = dict.fromkeys(families, _fallback_reason(error))
        down = GRAPHQL if breaker.outage(GRAPHQL) is not None else None
        return _with_fallbacks(settings, families, None, None, reasons, breaker, routed_from=down)
    reasons = _denied_families(client, families) if settings.order_api_configured else {}
    return _with_fallbacks(settings, families, client, capabilities, reasons, breaker)


def _fallback_reason(error: Exception) -> str:
    if isinstance(error, CentraApiDownError):
        return str(error)  # already says GraphQL was found down earlier in this run
    if isinstance(error, CentraAuthError):
        return f"GraphQL rejected the token: {error}"
    if isinstance(error, CentraRateLimitedError):
        return f"GraphQL stayed rate-limited: {error}"
    return f"GraphQL stayed unreachable after retries: {error}"


def _with_fallbacks(
    settings: CentraSettings,
    families: list[str],
    client: CentraGraphQLClient | None,
    capabilities: Capabilities | None,
    reasons: dict[str, str],
    breaker: CircuitBreaker,
    routed_from: str | None = None,
) -> ApiPlan:
    """GraphQL for the families without a reason to leave it; the Order API (or nothing) for the rest."""
    chosen: dict[str, FamilyApi] = {}
    for name in families:
        reason = reasons.get(name)
        if reason is None:
            chosen[name] = FamilyApi(GRAPHQL)
        elif FAMILIES[name].order_api is not None:
            chosen[name] = FamilyApi(ORDER_API, reason)
            if settings.api == "auto":
                log.warning("%s: served by the Order API — %s", name, reason)
        else:
            chosen[name] = FamilyApi(None, f"{reason}; {NO_ENDPOINT}")
            log.warning("%s: skipped — %s, and %s", name, reason, NO_ENDPOINT)
    order_api = None
    on_order_api = [name for name, choice in chosen.items() if choice.api == ORDER_API]
    if on_order_api:
        order_api = breaker.ask(ORDER_API, on_order_api, lambda: open_order_api(settings))
    if routed_from is not None:  # these families left `routed_from` because it was found down
        for name, choice in chosen.items():
            breaker.routed_around(routed_from, name, choice.api)
    return ApiPlan(client, capabilities, order_api, chosen)
