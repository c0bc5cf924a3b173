"""The events system over GraphQL (docs/centra-api-reference.md §A10, §C15, §C16): listeners, the per-integration queue,
current-state objects, confirmation, and mutations answered with HTTP 200 and userErrors/userWarnings."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from sandbox.events import emit
from sandbox.ratelimit import RateLimiter
from sandbox.server import RunningSandbox
from sandbox.settings import RateLimitQuotas, TokenSpec
from tests.sandbox.graphql_support import GraphQL

SandboxFactory = Callable[..., AbstractContextManager[RunningSandbox]]

SET_LISTENERS = """mutation($input: [EventListenerInput!]!) {
  setEventListeners(input: $input) {
    eventListeners { integrationName objectType changeTypes createdAt updatedAt }
    userErrors { message path } userWarnings { message path } } }"""
UNSET_LISTENERS = """mutation($input: [EventListenerInput!]!) {
  unsetEventListeners(input: $input) { eventListeners { objectType changeTypes } userErrors { message } } }"""
EVENTS = """query($limit: Int!) { events(limit: $limit) {
  id objectType changeType objectReference createdAt store { id } market { id }
  object { __typename ... on Order { id number status } ... on Return { returnId: id } } } }"""
CONFIRM = """mutation($ids: [Int!]!) {
  confirmEvents(input: {eventsIds: $ids}) { userErrors { message path } userWarnings { message path } } }"""
OTHER_INTEGRATION = TokenSpec("other-integration", integration_name="someone-else")


def _queue(
    running: RunningSandbox, object_type: str, change_type: str, key: int, store_id: int | None = None
) -> None:
    state = running.state
    emit(
        state.store,
        enabled=state.settings.events_enabled,
        at=state.clock.now_naive_utc(),
        object_type=object_type,
        change_type=change_type,
        object_key=key,
        store_id=store_id,
    )


def _events(client: GraphQL, limit: int = 50) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = client.data(EVENTS, {"limit": limit})["events"]
    return events


def test_events_lifecycle(sandbox_factory: SandboxFactory) -> None:
    quotas = RateLimitQuotas(request_10s=1_000, mutation_10s=100)
    with sandbox_factory(
        orders=30, events_enabled=True, quotas=quotas, extra_tokens=(OTHER_INTEGRATION,)
    ) as running:
        running.state.rate_limiter = RateLimiter(quotas, monotonic=lambda: 0.0)
        client = GraphQL(running)
        store = running.state.store
        return_ids = [
            row["return_id"] for row in store.rows("SELECT return_id FROM returns ORDER BY 1 LIMIT 2")
        ]

        first = client.post(
            SET_LISTENERS,
            {"input": [{"objectType": "Order"}, {"objectType": "Return", "changeTypes": ["CREATED"]}]},
        )
        added = client.data(SET_LISTENERS, {"input": [{"objectType": "Return", "changeTypes": ["DELETED"]}]})
        assert first.status_code == 200
        assert first.json()["data"]["setEventListeners"]["userErrors"] == []
        listeners = {
            row["objectType"]: row["changeTypes"] for row in added["setEventListeners"]["eventListeners"]
        }
        assert listeners == {"Order": [], "Return": ["CREATED", "DELETED"]}

        _queue(running, "Order", "UPDATED", 1001, store_id=1)
        _queue(running, "Return", "CREATED", return_ids[0])
        _queue(running, "Return", "UPDATED", return_ids[0])  # not subscribed: never queued
        _queue(running, "Customer", "UPDATED", 1)  # no listener: never queued
        _queue(running, "Return", "DELETED", return_ids[1])
        _queue(running, "Order", "CREATED", 1002, store_id=1)
        store.execute("UPDATE orders SET status = 'CANCELLED' WHERE order_number = 1001")

        oldest_two = _events(client, limit=2)
        assert _events(client, limit=2) == oldest_two
        queued = _events(client)
        assert [(e["objectType"], e["changeType"]) for e in queued] == [
            ("Order", "UPDATED"), ("Return", "CREATED"), ("Return", "DELETED"), ("Order", "CREATED"),
        ]  # fmt: skip
        assert queued[:2] == oldest_two
        assert queued[0]["object"]["status"] == "CANCELLED"  # the order as it is now
        assert queued[0]["object"]["__typename"] == "DirectToConsumerOrder"
        assert queued[0]["objectReference"] == "1001"
        assert queued[0]["store"] == {"id": 1}
        assert queued[1]["object"]["returnId"] == return_ids[0]
        assert queued[2]["object"] is None
        assert GraphQL(running, token="other-integration").data(EVENTS, {"limit": 50})["events"] == []

        confirm_ids = [queued[0]["id"], queued[1]["id"], queued[1]["id"], 99_999]
        confirmed = client.post(CONFIRM, {"ids": confirm_ids})
        payload = confirmed.json()["data"]["confirmEvents"]
        assert confirmed.status_code == 200
        assert payload["userErrors"] == []
        assert [w["message"] for w in payload["userWarnings"]] == [
            f"Duplicate event ID {queued[1]['id']} skipped.",
            "Event ID 99999 not found; skipped.",
        ]
        assert [e["id"] for e in _events(client)] == [queued[2]["id"], queued[3]["id"]]

        unset = client.data(UNSET_LISTENERS, {"input": [{"objectType": "Return"}]})
        assert [row["objectType"] for row in unset["unsetEventListeners"]["eventListeners"]] == ["Order"]
        assert [e["id"] for e in _events(client)] == [queued[3]["id"]]

        mutations = running.state.rate_limiter.snapshot()[4]
    assert (mutations["type"], mutations["usedQuota"]) == ("MUTATION_COUNT", 4)


def test_without_the_events_system_nothing_is_queued(sandbox_factory: SandboxFactory) -> None:
    with sandbox_factory(orders=10, rate_limits_enabled=False) as running:
        client = GraphQL(running)
        client.data(SET_LISTENERS, {"input": [{"objectType": "Order"}]})
        _queue(running, "Order", "UPDATED", 1001, store_id=1)
        assert _events(client) == []
        assert client.data("{ eventListeners { objectType changeTypes } }")["eventListeners"] == [
            {"objectType": "Order", "changeTypes": []}
        ]
