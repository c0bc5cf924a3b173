"""The extractor's GraphQL client against the sandbox over real HTTP: success, refusals, faults, 429s."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager

import pytest

from pipelines.centra.budget import RateBudget
from pipelines.centra.errors import (
    CentraAuthError,
    CentraConfigError,
    CentraPermissionError,
    CentraResponseError,
    CentraUnavailableError,
)
from pipelines.centra.graphql_client import CentraGraphQLClient
from pipelines.centra.transport import RetryPolicy
from sandbox.faults import FaultPlan
from sandbox.server import RunningSandbox, free_port
from sandbox.settings import RateLimitQuotas, TokenSpec

ORDERS_PAGE = (
    "query Page($page: Int!) { orders(limit: 20, page: $page, sort: [number_ASC]) { number status } }"
)
FAST_RETRY = RetryPolicy(max_attempts=5, backoff_base=0.01, backoff_cap=0.05)
SandboxFactory = Callable[..., AbstractContextManager[RunningSandbox]]


def client_for(
    running: RunningSandbox, token: str = "sandbox-token", **kwargs: object
) -> CentraGraphQLClient:
    return CentraGraphQLClient(running.graphql_url, token, retry=FAST_RETRY, timeout=5, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def sandbox(sandbox_factory: SandboxFactory) -> Iterator[RunningSandbox]:
    with sandbox_factory(orders=120) as running:
        yield running


def test_a_query_returns_data_and_its_reported_complexity(sandbox: RunningSandbox) -> None:
    with client_for(sandbox) as client:
        result = client.execute(ORDERS_PAGE, {"page": 1}, name="page")
    assert [order["number"] for order in result.data["orders"]] == sorted(
        o["number"] for o in result.data["orders"]
    )
    assert len(result.data["orders"]) == 20
    assert result.complexity > 0
    assert client.observed_complexity("page") == result.complexity
    assert client.budget.configured  # aligned from rateLimits before the first query


@pytest.mark.parametrize("variant", ["http_401", "graphql_200"])
def test_a_rejected_token_fails_fast_with_the_fix_and_without_the_token(
    sandbox_factory: SandboxFactory, variant: str, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "wrong-token-5f1c2e9a"
    caplog.set_level(logging.DEBUG)
    with (
        sandbox_factory(orders=10, unknown_token_response=variant) as running,
        client_for(running, secret) as client,
    ):
        with pytest.raises(CentraAuthError) as raised:
            client.execute(ORDERS_PAGE, {"page": 1})
        assert client.stats.requests == 1  # no retry of an auth failure
    message = str(raised.value)
    assert "SOURCES__CENTRA__API_TOKEN" in message
    assert "rejected" in message
    assert secret not in message
    assert secret not in caplog.text


def test_an_expired_token_is_an_auth_error(sandbox_factory: SandboxFactory) -> None:
    expiring = TokenSpec("expiring-token", expires_at=None)
    with sandbox_factory(orders=10, extra_tokens=(expiring,)) as running:
        running.state.settings.extra_tokens = (
            TokenSpec("expiring-token", expires_at=running.state.clock.now()),
        )
        running.control.advance_clock(60)
        with client_for(running, "expiring-token") as client, pytest.raises(CentraAuthError, match="expired"):
            client.execute(ORDERS_PAGE, {"page": 1})


def test_a_wrong_path_is_a_configuration_error_naming_the_setting(sandbox: RunningSandbox) -> None:
    client = CentraGraphQLClient(f"{sandbox.url}/graphq", "sandbox-token", retry=FAST_RETRY)
    with client, pytest.raises(CentraConfigError, match="SOURCES__CENTRA__GRAPHQL_URL") as raised:
        client.execute(ORDERS_PAGE, {"page": 1})
    assert "404" in str(raised.value)


def test_nothing_listening_is_unavailable_after_the_retries() -> None:
    url = f"http://127.0.0.1:{free_port()}/graphql"
    client = CentraGraphQLClient(url, "sandbox-token", retry=FAST_RETRY, timeout=2)
    with client, pytest.raises(CentraUnavailableError, match="5 times") as raised:
        client.execute(ORDERS_PAGE, {"page": 1})
    assert "SOURCES__CENTRA__GRAPHQL_URL" in str(raised.value)


def test_a_missing_permission_names_the_permission(sandbox_factory: SandboxFactory) -> None:
    no_orders = TokenSpec("no-orders", permissions=frozenset({"Product:read"}))
    with (
        sandbox_factory(orders=10, extra_tokens=(no_orders,)) as running,
        client_for(running, "no-orders") as client,
        pytest.raises(CentraPermissionError) as raised,
    ):
        client.execute(ORDERS_PAGE, {"page": 1})
    assert raised.value.permission == "Order:read"
    assert "add Order:read" in str(raised.value)


def test_html_pages_are_retried_then_reported_as_not_graphql(sandbox: RunningSandbox) -> None:
    sandbox.control.install_faults(FaultPlan(html_rate=1.0, scope="graphql"))
    with client_for(sandbox) as client, pytest.raises(CentraResponseError, match="text/html"):
        client.execute(ORDERS_PAGE, {"page": 1})


def test_fifteen_percent_faults_still_return_every_page(sandbox: RunningSandbox) -> None:
    with client_for(sandbox, budget=RateBudget(share=1.0)) as client:
        clean = [client.execute(ORDERS_PAGE, {"page": page}).data for page in range(1, 8)]
    sandbox.control.install_faults(
        FaultPlan(seed=3, server_error_rate=0.08, truncated_rate=0.04, html_rate=0.03)
    )
    with client_for(sandbox, budget=RateBudget(share=1.0)) as client:
        faulty = [client.execute(ORDERS_PAGE, {"page": page}).data for page in range(1, 8)]
        assert client.stats.retried > 0
    assert faulty == clean


@pytest.mark.parametrize("style", ["seconds", "http_date", "epoch", "iso8601"])
def test_a_429_storm_is_waited_out_in_every_retry_after_format(
    sandbox_factory: SandboxFactory, style: str
) -> None:
    with sandbox_factory(orders=10, retry_after_format=style) as running, client_for(running) as client:
        client.rate_limits()
        running.control.install_faults(FaultPlan(storm_requests=2, storm_retry_after=1.0))
        started = time.monotonic()
        result = client.execute(ORDERS_PAGE, {"page": 1})
        assert result.data["orders"]
        assert client.stats.rate_limited == 2
        assert time.monotonic() - started >= 1.0  # honoured, not hammered


def test_tight_quotas_complete_with_almost_no_429(sandbox_factory: SandboxFactory) -> None:
    quotas = RateLimitQuotas(request_10s=10, request_1h=5000, complexity_10s=6000, complexity_1h=10**7)
    with sandbox_factory(orders=200, quotas=quotas) as running:
        with client_for(running, budget=RateBudget(share=1.0)) as client:
            for page in range(1, 11):
                client.execute(ORDERS_PAGE, {"page": page}, name="page")
        answered = running.control.stats()["counts"]
    too_many = answered.get("graphql:429", 0)
    total = sum(count for key, count in answered.items() if key.startswith("graphql:"))
    assert total >= 11
    assert too_many / total < 0.01
