"""Rate limits and query complexity on the GraphQL endpoint (docs/centra-api-reference.md §A9, §C6, §C16)."""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime
from email.utils import parsedate_to_datetime

import pytest

from sandbox.ratelimit import RateLimiter
from sandbox.server import RunningSandbox
from sandbox.settings import RateLimitQuotas
from tests.sandbox.graphql_support import GraphQL

SandboxFactory = Callable[..., AbstractContextManager[RunningSandbox]]
RATE_LIMITS = "{ rateLimits { type intervalSeconds quota usedQuota remainingQuota } }"


def _seconds_until(value: str, style: str) -> float:
    if style == "seconds":
        return float(int(value))
    if style == "http_date":
        return parsedate_to_datetime(value).timestamp() - time.time()
    if style == "iso8601":
        assert value.endswith("Z")
        return datetime.fromisoformat(value).timestamp() - time.time()
    return int(value) - time.time()


@pytest.mark.parametrize("style", ["seconds", "http_date", "epoch", "iso8601"])
def test_429_with_retry_after_and_a_retry_before_then_is_refused_again(
    sandbox_factory: SandboxFactory, style: str
) -> None:
    with sandbox_factory(
        orders=10, quotas=RateLimitQuotas(request_10s=2), retry_after_format=style
    ) as running:
        client = GraphQL(running)
        statuses = [client.post("{ stores { id } }").status_code for _ in range(2)]
        refused = client.post("{ stores { id } }")
        again = client.post("{ stores { id } }")
        stats = running.control.stats()["counts"]
    assert statuses == [200, 200]
    assert refused.status_code == again.status_code == 429
    assert 0 < _seconds_until(refused.headers["Retry-After"], style) <= 11
    assert refused.json()["errors"][0]["extensions"]["category"] == "ratelimit"
    assert stats == {"graphql:200": 2, "graphql:429": 2}


def test_rate_limits_query_reports_six_buckets_and_is_charged(sandbox_factory: SandboxFactory) -> None:
    with sandbox_factory(orders=10) as running:
        frozen_time = 1000.0  # buckets do not refill between the two calls, so the charges show exactly
        running.state.rate_limiter = RateLimiter(running.state.settings.quotas, monotonic=lambda: frozen_time)
        client = GraphQL(running)
        first = client.body(RATE_LIMITS)
        second = client.data(RATE_LIMITS)["rateLimits"]
    rows = first["data"]["rateLimits"]
    assert [(row["type"], row["intervalSeconds"]) for row in rows] == [
        ("REQUEST_COUNT", "TEN_SECONDS"), ("REQUEST_COUNT", "ONE_HOUR"),
        ("QUERY_COMPLEXITY", "TEN_SECONDS"), ("QUERY_COMPLEXITY", "ONE_HOUR"),
        ("MUTATION_COUNT", "TEN_SECONDS"), ("MUTATION_COUNT", "ONE_HOUR"),
    ]  # fmt: skip
    assert all(row["quota"] == row["usedQuota"] + row["remainingQuota"] for row in rows + second)
    assert first["extensions"]["complexity"] == 10
    assert first["extensions"]["permissionsUsed"] == []
    assert [row["usedQuota"] for row in rows] == [1, 1, 10, 10, 0, 0]
    assert [row["usedQuota"] for row in second] == [2, 2, 20, 20, 0, 0]


def test_complexity_grows_with_limit_and_nesting(shared_sandbox: RunningSandbox) -> None:
    client = GraphQL(shared_sandbox)

    def complexity(query: str) -> int:
        value: int = client.body(query)["extensions"]["complexity"]
        return value

    small = complexity("{ orders(limit: 10) { number } }")
    large = complexity("{ orders(limit: 100) { number } }")
    nested = complexity("{ orders(limit: 100) { number lines { id productSize { id } } } }")
    assert small < large < nested
    assert large >= 10 * small - 10
    free = complexity("{ warehouses { stock(limit: 50) { freeToAllocateQuantity } } }")
    expensive = complexity("{ warehouses { stock(limit: 50) { physicalQuantity } } }")
    assert expensive > 5 * free


def test_an_over_complex_query_is_refused_without_being_run(sandbox_factory: SandboxFactory) -> None:
    with sandbox_factory(orders=10, quotas=RateLimitQuotas(complexity_10s=3_000)) as running:
        body = GraphQL(running).body("{ orders(limit: 200) { number lines { id product { id name } } } }")
    assert "data" not in body
    assert body["errors"][0]["extensions"]["category"] == "complexity"
    assert "3000" in body["errors"][0]["message"]
    assert body["extensions"]["complexity"] > 3_000


def test_heavy_queries_trip_the_complexity_bucket_before_the_request_bucket(
    sandbox_factory: SandboxFactory,
) -> None:
    quotas = RateLimitQuotas(request_10s=50, complexity_10s=10_000)
    heavy = "{ orders(limit: 200) { number status lines { id quantity productName } } }"
    with sandbox_factory(orders=10, quotas=quotas) as running:
        client = GraphQL(running)
        statuses = [client.post(heavy).status_code for _ in range(5)]
        buckets = {
            (row["type"], row["intervalSeconds"]): row for row in running.state.rate_limiter.snapshot()
        }
    assert statuses[0] == 200
    assert 429 in statuses
    assert buckets[("REQUEST_COUNT", "TEN_SECONDS")]["remainingQuota"] > 40
