"""Tokens, permissions and store restrictions (docs/centra-api-reference.md §A2, §C1, §C2, §C3, §C14)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import timedelta

import pytest

from sandbox.server import RunningSandbox, serve_in_thread
from sandbox.settings import DEFAULT_NOW, SandboxSettings, TokenSpec
from tests.sandbox.graphql_support import GraphQL

ORDERS_ONLY = TokenSpec("orders-only", permissions=frozenset({"Order:read"}))
PRODUCTS_ONLY = TokenSpec("products-only", permissions=frozenset({"Product:read"}))
WHOLESALE_ONLY = TokenSpec("wholesale-only", store_id=2)
REVOKED = TokenSpec("revoked", revoked=True)
EXPIRING = TokenSpec("expiring", expires_at=DEFAULT_NOW + timedelta(hours=1))

SandboxFactory = Callable[..., AbstractContextManager[RunningSandbox]]


@pytest.fixture(scope="module")
def sandbox() -> Iterator[RunningSandbox]:
    """Own sandbox: extra tokens, and a clock that moves only when the expiry test advances it."""
    settings = SandboxSettings(
        orders=200,
        rate_limits_enabled=False,
        clock_follows_real_time=False,
        extra_tokens=(ORDERS_ONLY, PRODUCTS_ONLY, WHOLESALE_ONLY, REVOKED, EXPIRING),
    )
    with serve_in_thread(settings) as running:
        yield running


def test_bearer_header_and_cookie_both_authenticate(sandbox: RunningSandbox) -> None:
    anonymous = GraphQL(sandbox, token=None)
    by_header = anonymous.post("{ stores { id } }", headers={"Authorization": "Bearer sandbox-token"})
    by_cookie = anonymous.post("{ stores { id } }", headers={"Cookie": "graphql-access=sandbox-token"})
    assert by_header.status_code == by_cookie.status_code == 200
    assert by_header.json()["data"] == by_cookie.json()["data"] == {"stores": [{"id": 1}, {"id": 2}]}


@pytest.mark.parametrize("token", [None, "no-such-token", "revoked"])
def test_missing_unknown_and_revoked_tokens_get_401(sandbox: RunningSandbox, token: str | None) -> None:
    response = GraphQL(sandbox, token=token).post("{ stores { id } }")
    assert response.status_code == 401
    body = response.json()
    assert "data" not in body
    assert body["errors"][0]["extensions"]["category"] == "authentication"


def test_refusal_as_graphql_200_variant(sandbox_factory: SandboxFactory) -> None:
    with sandbox_factory(orders=20, unknown_token_response="graphql_200") as running:
        response = GraphQL(running, token="no-such-token").post("{ stores { id } }")
    assert response.status_code == 200
    body = response.json()
    assert "data" not in body
    assert body["errors"][0]["extensions"]["category"] == "authentication"


def test_token_expires_when_the_clock_passes_its_expiry(sandbox: RunningSandbox) -> None:
    client = GraphQL(sandbox, token="expiring")
    assert client.post("{ stores { id } }").status_code == 200
    sandbox.control.advance_clock(2 * 3600)
    try:
        expired = client.post("{ stores { id } }")
        unknown = GraphQL(sandbox, token="no-such-token").post("{ stores { id } }")
    finally:
        sandbox.control.advance_clock(-2 * 3600)
    assert expired.status_code == 401
    expired_message = expired.json()["errors"][0]["message"]
    assert "expired" in expired_message
    assert expired_message != unknown.json()["errors"][0]["message"]


def test_denied_root_field_answers_without_data(sandbox: RunningSandbox) -> None:
    body = GraphQL(sandbox, token="products-only").body("{\n  orders(limit: 1) { number }\n}")
    assert "data" not in body
    (error,) = body["errors"]
    assert error["message"] == "You need Order:read permission to access orders."
    assert error["extensions"] == {"category": "authorization"}
    assert error["locations"] == [{"line": 2, "column": 3}]
    assert error["path"] == ["orders"]
    assert body["extensions"]["permissionsUsed"] == ["Order:read"]
    assert body["extensions"]["complexity"] > 0


def test_denied_nested_field_is_null_with_an_error_at_its_path(sandbox: RunningSandbox) -> None:
    body = GraphQL(sandbox, token="orders-only").body(
        "{ orders(limit: 2) { number shippingAddress { city } } }"
    )
    assert [order["number"] for order in body["data"]["orders"]] == [1001, 1002]
    assert all(order["shippingAddress"] is None for order in body["data"]["orders"])
    paths = [error["path"] for error in body["errors"]]
    assert paths == [["orders", 0, "shippingAddress"], ["orders", 1, "shippingAddress"]]
    assert body["errors"][0]["extensions"]["category"] == "authorization"
    assert "Order.shippingAddress:read" in body["errors"][0]["message"]
    assert body["extensions"]["permissionsUsed"] == ["Order:read", "Order.shippingAddress:read"]


def test_extensions_carry_app_version_unless_switched_off(sandbox_factory: SandboxFactory) -> None:
    with sandbox_factory(orders=20, rate_limits_enabled=False) as running:
        client = GraphQL(running)
        assert client.body("{ stores { id } }")["extensions"]["appVersion"] == "v0.32.3"
        running.control.update_settings(app_version=None)
        extensions = client.body("{ stores { id } }")["extensions"]
    assert "appVersion" not in extensions
    assert extensions["permissionsUsed"] == ["Store:read"]


def test_store_restricted_token_sees_only_its_store(sandbox: RunningSandbox) -> None:
    restricted = GraphQL(sandbox, token="wholesale-only")
    orders = restricted.data("{ orders(limit: 200) { number store { id } } counters { orders } }")
    total_wholesale = sandbox.state.store.scalar("SELECT count(*) FROM orders WHERE store_id = 2")
    assert {order["store"]["id"] for order in orders["orders"]} == {2}
    assert len(orders["orders"]) == orders["counters"]["orders"] == total_wholesale
    assert restricted.data("{ markets { store { id } } }")["markets"][0]["store"]["id"] == 2
    retail_hash = sandbox.state.store.scalar("SELECT order_id FROM orders WHERE store_id = 1 LIMIT 1")
    body = restricted.body(f'{{ order(id: "{retail_hash}") {{ number }} }}')
    assert body["data"] == {"order": None}
    assert body["errors"][0]["message"] == f"Could not find Order with ID {retail_hash}."
