"""The one transport under both clients, against the sandbox over real HTTP: the same retries, 429 waits,
timeouts, bounds and redaction whichever API a request goes to."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

import pytest

from pipelines.centra.budget import RateBudget
from pipelines.centra.errors import CentraRateLimitedError, CentraUnavailableError
from pipelines.centra.graphql_client import CentraGraphQLClient
from pipelines.centra.order_api_client import CentraOrderApiClient
from pipelines.centra.transport import RetryPolicy, TransportStats
from sandbox.faults import FaultPlan
from sandbox.server import RunningSandbox
from sandbox.settings import TokenSpec

SandboxFactory = Callable[..., AbstractContextManager[RunningSandbox]]
TOKEN = "transport-token-7c41d09e"  # a secret only this test knows, to look for in messages and logs
KEY = "transport-key-3b9e55a1"
ORDERS_PAGE = "query Page { orders(limit: 5, page: 1, sort: [number_ASC]) { number } }"
POLICY = RetryPolicy(max_attempts=4, max_rate_limited=3, backoff_base=0.01, backoff_cap=0.02)


@dataclass
class Speaker:
    """One client of one API, with the waits its transport asked for."""

    api: str  # the sandbox's fault scope
    ask: Callable[[], Any]  # one request
    stats: TransportStats
    secret: str
    waits: list[float]
    close: Callable[[], None]


def graphql_speaker(sandbox: RunningSandbox, timeout: float) -> Speaker:
    waits: list[float] = []
    client = CentraGraphQLClient(
        sandbox.graphql_url,
        TOKEN,
        budget=RateBudget(share=1.0),
        retry=POLICY,
        timeout=timeout,
        sleep=waits.append,
    )
    client.rate_limits()  # aligned before faults, so each request below is the query itself
    client.stats.requests = 0
    return Speaker(
        "graphql",
        lambda: client.execute(ORDERS_PAGE).data["orders"],
        client.stats,
        TOKEN,
        waits,
        client.close,
    )


def order_api_speaker(sandbox: RunningSandbox, timeout: float) -> Speaker:
    waits: list[float] = []
    client = CentraOrderApiClient(
        sandbox.order_api_url, KEY, retry=POLICY, timeout=timeout, sleep=waits.append
    )
    return Speaker(
        "order_api",
        lambda: client.get("orders", {"limit": 5}).body["orders"],
        client.stats,
        KEY,
        waits,
        client.close,
    )


SPEAKERS = {"graphql": graphql_speaker, "order_api": order_api_speaker}


@pytest.fixture
def sandbox(sandbox_factory: SandboxFactory) -> Iterator[RunningSandbox]:
    with sandbox_factory(orders=20, extra_tokens=(TokenSpec(TOKEN),), order_api_key=KEY) as running:
        yield running


@pytest.fixture(params=sorted(SPEAKERS))
def speak(request: pytest.FixtureRequest, sandbox: RunningSandbox) -> Iterator[Callable[[float], Speaker]]:
    opened: list[Speaker] = []

    def make(timeout: float = 5.0) -> Speaker:
        speaker = SPEAKERS[request.param](sandbox, timeout)
        opened.append(speaker)
        return speaker

    yield make
    for speaker in opened:
        speaker.close()


def test_server_errors_are_retried_until_an_answer_comes(
    sandbox: RunningSandbox, speak: Callable[[float], Speaker]
) -> None:
    speaker = speak(5.0)
    clean = speaker.ask()
    before = speaker.stats.requests
    sandbox.control.install_faults(FaultPlan(seed=11, server_error_rate=0.6, scope=speaker.api))  # type: ignore[arg-type]
    assert speaker.ask() == clean
    asked = speaker.stats.requests - before
    assert asked > 1, "the seeded plan fails the first attempt; a retry must have answered"
    assert speaker.stats.retried == asked - 1
    assert sum(count for status, count in speaker.stats.by_status.items() if status >= 500) == asked - 1


def test_attempts_are_bounded_and_the_message_names_the_setting(
    sandbox: RunningSandbox, speak: Callable[[float], Speaker]
) -> None:
    speaker = speak(5.0)
    sandbox.control.install_faults(FaultPlan(server_error_rate=1.0, scope=speaker.api))  # type: ignore[arg-type]
    with pytest.raises(CentraUnavailableError, match="failed 4 times in a row") as raised:
        speaker.ask()
    assert speaker.stats.requests == POLICY.max_attempts
    setting = "GRAPHQL_URL" if speaker.api == "graphql" else "ORDER_API_URL"
    assert f"SOURCES__CENTRA__{setting}" in str(raised.value)
    assert len(speaker.waits) == POLICY.max_attempts - 1  # a backoff between attempts, none after the last


def test_429_waits_as_long_as_retry_after_says(
    sandbox: RunningSandbox, speak: Callable[[float], Speaker]
) -> None:
    speaker = speak(5.0)
    sandbox.control.install_faults(FaultPlan(storm_requests=2, storm_retry_after=2.0, scope=speaker.api))  # type: ignore[arg-type]
    assert speaker.ask()
    assert speaker.stats.rate_limited == 2
    assert len(speaker.waits) == 2
    assert all(1.5 <= wait <= 2.0 * 1.1 + 0.01 for wait in speaker.waits), (
        speaker.waits
    )  # honoured, not hammered


def test_a_429_storm_gives_up_after_the_policy_allows(
    sandbox: RunningSandbox, speak: Callable[[float], Speaker]
) -> None:
    speaker = speak(5.0)
    sandbox.control.install_faults(FaultPlan(storm_requests=50, storm_retry_after=0.01, scope=speaker.api))  # type: ignore[arg-type]
    with pytest.raises(CentraRateLimitedError, match="429 Too Many Requests"):
        speaker.ask()
    assert speaker.stats.rate_limited == POLICY.max_rate_limited + 1
    assert speaker.stats.retried == 0  # a busy API is not a failing one


def test_a_timeout_is_retried_then_reported_without_the_secret(
    sandbox: RunningSandbox, speak: Callable[[float], Speaker], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    speaker = speak(0.3)
    sandbox.control.install_faults(FaultPlan(slow_rate=1.0, slow_seconds=1.5, scope=speaker.api))  # type: ignore[arg-type]
    with pytest.raises(CentraUnavailableError, match="timed out") as raised:
        speaker.ask()
    assert speaker.stats.requests == POLICY.max_attempts
    assert speaker.secret not in str(raised.value)
    assert speaker.secret not in caplog.text
    assert "retry 1" in caplog.text  # the request log says what was retried and why
