"""Every setting, configured through its SOURCES__CENTRA__<NAME> variable, TAKES EFFECT (not just parses).

| setting                  | observable effect                                                              |
|--------------------------|--------------------------------------------------------------------------------|
| graphql_url, api_token   | the GraphQL client asks that URL; the sandbox accepts that token, refuses another |
| order_api_url/key        | the Order API client asks that URL; a wrong key is refused                     |
| api                      | which API the plan gives a family                                              |
| rate_limit_share         | the GraphQL client's RateBudget share                                          |
| request_attempts         | the clients' retry policy                                                      |
| request_timeout_seconds  | an answer slower than it is a timeout (sandbox with slow answers)              |
| timezone                 | the local time the updatedAt filter sends; the flow's build timezone           |
| start_date               | where the first orders backfill window starts (its createdAt filter)           |
| order_lookback_days      | how far before the created mark a lookback run re-reads orders                 |
| window_days              | the length of the orders backfill windows                                      |
| updated_at_overlap_minutes | where the customers' updatedAt window starts before the watermark           |
| updated_at_overlap_hours | (deprecated) the same, in hours, overriding the minutes                        |
| reconcile                | customers read in full although a watermark exists                             |
| use_events               | the orders' events decision (a note when the instance has no events API)       |
| hash_pii                 | the flow's hash_pii (the reporting build hashes emails: test_hash_pii_setting) |
| max_extraction_age_hours | the flow's staleness limit                                                     |

Each case reads the setting the way a run does (`resolve_settings`, or the flow's `steps`), and checks the
effect differs from the default's, so a setting that is read but ignored fails here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from graphql import GraphQLSchema

from flows import steps
from pipelines.centra.api_choice import open_order_api, plan_apis
from pipelines.centra.capabilities import Capabilities
from pipelines.centra.errors import CentraAuthError, CentraConfigError, CentraUnavailableError
from pipelines.centra.families.customers.graphql import UPDATED_MARK, plan_customers
from pipelines.centra.families.orders.graphql import CREATED_MARK, plan_windows
from pipelines.centra.settings import (
    CentraConfiguration,
    CentraSettings,
    configurable_names,
    resolve_settings,
    variable,
)
from pipelines.centra.source import centra_source, events_decision
from sandbox.faults import FaultPlan
from sandbox.server import RunningSandbox
from tests.conftest import GENEROUS_QUOTAS

SandboxFactory = Callable[..., AbstractContextManager[RunningSandbox]]
NOW = datetime(2026, 7, 10, 12, tzinfo=UTC)
MARK = "2026-07-02T10:00:00+00:00"  # a watermark in summer (Stockholm is UTC+2)
UPDATED_AT = Capabilities(GraphQLSchema(), order_updated_at=False, customer_updated_at=True, events=False)
NO_UPDATED_AT = Capabilities(GraphQLSchema(), order_updated_at=False, customer_updated_at=False, events=False)


@pytest.fixture(autouse=True)
def only_these_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No SOURCES__CENTRA__* but the test's own; a GraphQL URL and token so the settings resolve."""
    for name in configurable_names():
        monkeypatch.delenv(variable(name), raising=False)
    monkeypatch.setenv(variable("graphql_url"), "http://centra.test/graphql")
    monkeypatch.setenv(variable("api_token"), "token")
    return


def customers_where(settings: CentraSettings) -> Any:
    return plan_customers(settings, UPDATED_AT, {UPDATED_MARK: MARK}).where


def customers_strategy(settings: CentraSettings) -> str:
    return plan_customers(settings, UPDATED_AT, {UPDATED_MARK: MARK}).strategy


def first_backfill_window(settings: CentraSettings) -> Any:
    _, windows = plan_windows(settings, NO_UPDATED_AT, {}, NOW, None)
    return windows[0].where(settings.timezone)


def backfill_window_count(settings: CentraSettings) -> int:
    _, windows = plan_windows(settings, NO_UPDATED_AT, {}, NOW, datetime(2026, 1, 1, tzinfo=UTC))
    return len(windows)


def lookback_start(settings: CentraSettings) -> Any:
    strategy, windows = plan_windows(settings, NO_UPDATED_AT, {CREATED_MARK: MARK}, NOW, None)
    assert strategy == "created_at_lookback"
    return windows[0].where(settings.timezone)


def events_notes(settings: CentraSettings) -> list[str]:
    _, notes = events_decision(None, settings, NO_UPDATED_AT)  # type: ignore[arg-type]  # not asked
    return notes


@dataclass(frozen=True)
class Effect:
    setting: str
    value: str  # as the environment gives it
    observe: Callable[[CentraSettings], object]
    expected: object  # what `observe` sees with `value` configured


EFFECTS = [
    Effect("timezone", "UTC", customers_where, {"updatedAt": {"from": "2026-07-02 09:50:00"}}),
    Effect("updated_at_overlap_minutes", "180", customers_where, {"updatedAt": {"from": "2026-07-02 09:00:00"}}),
    Effect("updated_at_overlap_hours", "3", customers_where, {"updatedAt": {"from": "2026-07-02 09:00:00"}}),
    Effect("reconcile", "true", customers_strategy, "full_scan"),
    Effect("start_date", "2026-07-01", first_backfill_window, {"createdAt": {"from": "2026-07-01 00:00:00"}}),
    Effect("window_days", "7", backfill_window_count, 28),  # 190.5 days (from 2026-01-01) in weeks
    Effect("order_lookback_days", "2", lookback_start, {"createdAt": {"from": "2026-06-30 12:00:00"}}),
    Effect("use_events", "yes", events_notes,
           ["orders: use_events is on, but this instance's schema has no events API"]),
    Effect("rate_limit_share", "0.25", lambda settings: settings.rate_limit_share, 0.25),
    Effect("request_attempts", "2", lambda settings: settings.retry_policy.max_attempts, 2),
]  # fmt: skip
# Settings whose effect needs a sandbox (tests below) or the flow's steps (FLOW_EFFECTS).
OVER_HTTP = {"graphql_url", "api_token", "order_api_url", "order_api_key", "api", "request_timeout_seconds",
             "rate_limit_share", "request_attempts"}  # fmt: skip
FLOW_EFFECTS: list[tuple[str, str, Callable[[], object], object]] = [
    ("hash_pii", "on", steps.hash_pii, True),
    ("max_extraction_age_hours", "72", steps.max_extraction_age_hours, 72),
    ("timezone", "America/New_York", steps.instance_timezone, "America/New_York"),
]


def test_every_setting_has_an_effect_test_and_is_looked_up_by_dlt() -> None:
    covered = {effect.setting for effect in EFFECTS} | OVER_HTTP | {name for name, *_ in FLOW_EFFECTS}
    assert covered == set(configurable_names())
    assert set(CentraConfiguration.get_resolvable_fields()) == set(configurable_names())


@pytest.mark.parametrize("effect", EFFECTS, ids=lambda effect: effect.setting)
def test_a_setting_from_the_environment_changes_what_the_source_does(
    effect: Effect, monkeypatch: pytest.MonkeyPatch
) -> None:
    default = effect.observe(resolve_settings())
    monkeypatch.setenv(variable(effect.setting), effect.value)
    configured = effect.observe(resolve_settings())
    assert configured == effect.expected
    assert configured != default


@pytest.mark.parametrize(
    ("setting", "value", "observe", "expected"), FLOW_EFFECTS, ids=[e[0] for e in FLOW_EFFECTS]
)
def test_a_setting_from_the_environment_changes_what_the_flow_does(
    setting: str, value: str, observe: Callable[[], object], expected: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    default = observe()
    monkeypatch.setenv(variable(setting), value)
    assert observe() == expected
    assert expected != default


@pytest.mark.parametrize(
    ("setting", "value"),
    [("graphql_url", "centra.example/graphql"), ("timezone", "Mars/Base"), ("start_date", "2024-13-01"),
     ("order_lookback_days", "-1"), ("window_days", "0"), ("updated_at_overlap_hours", "a day"), ("updated_at_overlap_minutes", "-5"),
     ("rate_limit_share", "2"), ("reconcile", "maybe"), ("use_events", "sometimes"), ("api", "rest"),
     ("order_api_url", "ftp://centra.example"), ("request_attempts", "0"), ("request_timeout_seconds", "0"),
     ("hash_pii", "sometimes"), ("max_extraction_age_hours", "two days")],
)  # fmt: skip
def test_the_source_reads_each_setting_and_a_bad_value_names_its_variable(
    setting: str, value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Before any request (nothing listens at the URL): the source read this very variable.
    monkeypatch.setenv(variable(setting), value)
    with pytest.raises(CentraConfigError, match=variable(setting)):
        centra_source(resources=["reference"])


def test_the_credentials_and_client_settings_reach_centra(
    shared_sandbox: RunningSandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    sandbox_settings = shared_sandbox.state.settings
    monkeypatch.setenv(variable("graphql_url"), shared_sandbox.graphql_url)
    monkeypatch.setenv(variable("api_token"), sandbox_settings.graphql_token)
    monkeypatch.setenv(variable("api"), "graphql")
    monkeypatch.setenv(variable("rate_limit_share"), "0.25")
    monkeypatch.setenv(variable("request_attempts"), "2")
    plan = plan_apis(resolve_settings(), ["reference"])
    assert plan.graphql is not None
    assert plan.capabilities is not None
    assert plan.graphql.url == shared_sandbox.graphql_url
    assert plan.graphql.budget.share == 0.25
    assert plan.graphql.retry.max_attempts == 2
    plan.graphql.close()
    monkeypatch.setenv(variable("api_token"), "some-other-token")
    with pytest.raises(CentraAuthError):
        plan_apis(resolve_settings(), ["reference"])


def test_the_order_api_settings_reach_the_order_api(
    shared_sandbox: RunningSandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(variable("graphql_url"))
    monkeypatch.delenv(variable("api_token"))
    monkeypatch.setenv(variable("order_api_url"), shared_sandbox.order_api_url)
    monkeypatch.setenv(variable("order_api_key"), shared_sandbox.state.settings.order_api_key)
    assert plan_apis(resolve_settings(), ["orders"]).uses("orders") == "order_api"  # auto: the fallback
    monkeypatch.setenv(variable("graphql_url"), shared_sandbox.graphql_url)
    monkeypatch.setenv(variable("api_token"), shared_sandbox.state.settings.graphql_token)
    assert plan_apis(resolve_settings(), ["orders"]).uses("orders") == "graphql"
    monkeypatch.setenv(variable("api"), "order_api")
    plan = plan_apis(resolve_settings(), ["orders"])
    assert plan.uses("orders") == "order_api"
    assert plan.order_api is not None
    assert plan.order_api.url == shared_sandbox.order_api_url
    plan.order_api.close()
    monkeypatch.setenv(variable("order_api_key"), "not-the-plugin-key")
    with pytest.raises(CentraAuthError, match=variable("order_api_key")):
        open_order_api(resolve_settings())


def test_the_request_timeout_from_the_environment_bounds_each_request(
    sandbox_factory: SandboxFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    with sandbox_factory(orders=5, quotas=GENEROUS_QUOTAS) as sandbox:
        monkeypatch.setenv(variable("graphql_url"), sandbox.graphql_url)
        monkeypatch.setenv(variable("api_token"), sandbox.state.settings.graphql_token)
        monkeypatch.setenv(variable("request_attempts"), "1")
        sandbox.control.install_faults(FaultPlan(slow_rate=1.0, slow_seconds=1.0, scope="graphql"))
        plan = plan_apis(resolve_settings(), ["reference"])  # the default (60 s) waits for slow answers
        assert plan.graphql is not None
        plan.graphql.close()
        monkeypatch.setenv(variable("request_timeout_seconds"), "0.2")
        with pytest.raises(CentraUnavailableError):
            plan_apis(resolve_settings(), ["reference"])
