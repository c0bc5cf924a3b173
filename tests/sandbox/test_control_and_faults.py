"""The control surface over HTTP and the deterministic fault injection it drives."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from email.utils import parsedate_to_datetime

import httpx
import pytest

from sandbox.faults import FaultInjector, FaultPlan
from sandbox.responses import retry_after_value
from sandbox.server import RunningSandbox, serve_in_thread
from sandbox.settings import SandboxSettings
from sandbox.state import SandboxState

SERVER_ERRORS = {500, 502, 503}


@pytest.fixture
def empty_sandbox() -> Iterator[RunningSandbox]:
    """A sandbox with no data: these tests concern the HTTP layer only."""
    with serve_in_thread(state=SandboxState.empty(SandboxSettings(orders=0))) as running:
        yield running


def control(running: RunningSandbox, method: str, path: str, body: object = None) -> httpx.Response:
    return httpx.request(method, f"{running.url}/__sandbox__/{path}", json=body, timeout=10)


def test_clock_advances_through_the_control_endpoint(empty_sandbox: RunningSandbox) -> None:
    before = empty_sandbox.state.clock.now()
    answer = control(empty_sandbox, "POST", "clock", {"advance_seconds": 86400 * 3})
    assert answer.status_code == 200
    assert (empty_sandbox.state.clock.now() - before).days == 3


def test_settings_switch_variants_and_refuse_unknown_names(empty_sandbox: RunningSandbox) -> None:
    assert control(empty_sandbox, "PATCH", "settings", {"events_enabled": True}).status_code == 200
    assert empty_sandbox.state.settings.events_enabled is True
    refused = control(empty_sandbox, "PATCH", "settings", {"seed": 5})
    assert refused.status_code == 400
    assert "seed" in refused.json()["error"]


def test_rate_limit_quotas_are_replaced_over_http(empty_sandbox: RunningSandbox) -> None:
    body = {"enabled": True, "quotas": {"request_10s": 7, "request_1h": 70, "complexity_10s": 700,
                                        "complexity_1h": 7000, "mutation_10s": 1, "mutation_1h": 2}}  # fmt: skip
    assert control(empty_sandbox, "POST", "rate-limits", body).status_code == 200
    quotas = {row["quota"] for row in empty_sandbox.state.rate_limiter.snapshot()}
    assert quotas == {7, 70, 700, 7000, 1, 2}


def test_a_429_storm_answers_the_next_requests_then_stops(empty_sandbox: RunningSandbox) -> None:
    control(empty_sandbox, "POST", "faults", {"storm_requests": 3, "storm_retry_after": 2})
    statuses = [httpx.post(empty_sandbox.graphql_url, json={"query": "{ rateLimits { type } }"}).status_code
                for _ in range(5)]  # fmt: skip
    assert statuses[:3] == [429, 429, 429]
    assert 429 not in statuses[3:]


def test_truncated_bodies_are_not_valid_json(empty_sandbox: RunningSandbox) -> None:
    control(empty_sandbox, "POST", "faults", {"truncated_rate": 1.0, "scope": "order_api"})
    answer = httpx.get(f"{empty_sandbox.order_api_url}/orders")
    assert int(answer.headers["content-length"]) == len(answer.content)
    with pytest.raises(json.JSONDecodeError):
        json.loads(answer.content)
    graphql = httpx.post(empty_sandbox.graphql_url, json={"query": "{ rateLimits { type } }"})
    json.loads(graphql.content)  # out of the plan's scope: served whole


def test_html_pages_replace_json_answers(empty_sandbox: RunningSandbox) -> None:
    control(empty_sandbox, "POST", "faults", {"html_rate": 1.0})
    answer = httpx.get(f"{empty_sandbox.order_api_url}/orders")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    assert answer.text.startswith("<!DOCTYPE html>")


def test_slow_answers_are_delayed(empty_sandbox: RunningSandbox) -> None:
    control(empty_sandbox, "POST", "faults", {"slow_rate": 1.0, "slow_seconds": 0.4})
    started = time.perf_counter()
    httpx.get(f"{empty_sandbox.order_api_url}/orders", timeout=10)
    assert time.perf_counter() - started >= 0.4
    control(empty_sandbox, "DELETE", "faults")
    started = time.perf_counter()
    httpx.get(f"{empty_sandbox.order_api_url}/orders", timeout=10)
    assert time.perf_counter() - started < 0.4


def test_server_errors_hit_the_planned_share_and_replay_identically() -> None:
    def sequence() -> list[bool]:
        injector = FaultInjector()
        injector.install(FaultPlan(seed=42, server_error_rate=0.15))
        return [(fault := injector.decide("graphql")) is not None and fault.status in SERVER_ERRORS
                for _ in range(2000)]  # fmt: skip

    first = sequence()
    assert first == sequence()
    assert 0.12 < sum(first) / len(first) < 0.18


def test_injected_server_errors_reach_clients_and_are_counted(empty_sandbox: RunningSandbox) -> None:
    control(empty_sandbox, "POST", "faults", {"seed": 1, "server_error_rate": 0.5, "scope": "graphql"})
    statuses = [httpx.post(empty_sandbox.graphql_url, json={}).status_code for _ in range(60)]
    injected = sum(status in SERVER_ERRORS for status in statuses)
    assert 15 < injected < 45
    stats = control(empty_sandbox, "GET", "stats").json()
    assert stats["counts"]["fault:server_error"] == injected


@pytest.mark.parametrize("style", ["seconds", "http_date", "epoch", "iso8601"])
def test_retry_after_formats_never_announce_an_earlier_time(style: str) -> None:
    now = 1_800_000_000.0
    value = retry_after_value(2.2, style, wall_clock=now)  # type: ignore[arg-type]
    if style == "seconds":
        assert value == "3"
    elif style == "epoch":
        assert int(value) == 1_800_000_003
    elif style == "iso8601":
        assert value == "2027-01-15T08:00:03Z"
    else:
        assert parsedate_to_datetime(value).timestamp() == 1_800_000_003
