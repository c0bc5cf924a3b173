"""The Order API's envelope: key check, disabled endpoints, `status: no` errors, XML, stats."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any
from xml.etree import ElementTree

import pytest

from sandbox.server import RunningSandbox
from sandbox.settings import OrderApiPluginSettings
from tests.sandbox.order_api_support import OrderApi

SandboxFactory = Callable[..., AbstractContextManager[RunningSandbox]]


@pytest.fixture
def api(shared_sandbox: RunningSandbox) -> Iterator[OrderApi]:
    client = OrderApi(shared_sandbox)
    yield client
    client.close()


@pytest.mark.parametrize(
    "headers", [{}, {"API-Authorization": "not-the-key"}, {"Authorization": "sandbox-key"}]
)
def test_a_missing_or_wrong_key_is_refused_with_401(api: OrderApi, headers: dict[str, str]) -> None:
    response = api.get("/orders", headers=headers)

    assert response.status_code == 401
    assert response.json() == {"status": "no", "msg": "Unauthorized"}


def test_the_key_header_name_is_case_insensitive(api: OrderApi) -> None:
    response = api.get("/orders", headers={"api-authorization": api.key}, limit=1)

    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_a_disabled_endpoint_answers_403_not_allowed(sandbox_factory: SandboxFactory) -> None:
    plugin = OrderApiPluginSettings(disabled_endpoints=frozenset({"customers"}))
    with sandbox_factory(orders=30, order_api=plugin) as sandbox:
        api = OrderApi(sandbox)
        listing = api.get("/customers")
        single = api.get("/customers/1")
        orders = api.get("/orders", limit=1)

    assert listing.status_code == 403
    assert listing.json() == {"status": "Not Allowed"}
    assert single.status_code == 403
    assert orders.status_code == 200


@pytest.mark.parametrize(
    ("path", "params", "bad"),
    [
        ("/orders", {"limit": "many"}, "limit"),
        ("/orders", {"limit": 0}, "limit"),
        ("/orders", {"offset": -1}, "offset"),
        ("/orders", {"newer_than": "2026-01-01T00:00:00+01:00"}, "newer_than"),
        ("/returns", {"page": 0}, "page"),
        ("/customers", {"modified": "yesterday"}, "modified"),
        ("/stock", {"stock_modified": "2026-13-01"}, "stock_modified"),
    ],
)
def test_a_bad_parameter_is_an_http_200_with_field_errors(
    api: OrderApi, path: str, params: dict[str, Any], bad: str
) -> None:
    response = api.get(path, **params)

    assert response.status_code == 200
    assert response.json() == {"status": "no", "msg": {bad: "invalid value"}}


def test_an_unknown_order_or_customer_is_an_http_200_status_no(api: OrderApi) -> None:
    order = api.get("/orders", order=99_999_999)
    customer = api.get("/customers/99999999")

    assert order.status_code == customer.status_code == 200
    assert order.json() == {"status": "no", "msg": "Order not found", "order": 99_999_999}
    assert customer.json() == {"status": "no", "msg": "The customer was not found."}


def test_an_unknown_shipment_status_is_refused(api: OrderApi) -> None:
    body = api.get("/shipments", status="lost").json()

    assert body["status"] == "no"
    assert body["msg"] == "Unknown status"


def test_xml_1_renders_the_same_envelope_as_xml(api: OrderApi) -> None:
    as_json = api.ok("/orders", limit=3)
    response = api.get("/orders", limit=3, xml=1)

    assert response.headers["content-type"].startswith("application/xml")
    root = ElementTree.fromstring(response.content)
    assert root.tag == "response"
    assert root.findtext("status") == "ok"
    orders = root.findall("orders/order")
    assert [order.findtext("orderId") for order in orders] == [
        order["orderId"] for order in as_json["orders"]
    ]
    first_line = orders[0].find("products/product")
    assert first_line is not None
    assert first_line.findtext("lineId") == as_json["orders"][0]["products"][0]["lineId"]


def test_errors_render_as_xml_too(api: OrderApi) -> None:
    response = api.get("/orders", headers={}, xml=1)

    assert response.status_code == 401
    assert ElementTree.fromstring(response.content).findtext("status") == "no"


def test_every_answer_is_counted_by_status_code(sandbox_factory: SandboxFactory) -> None:
    with sandbox_factory(orders=20) as sandbox:
        api = OrderApi(sandbox)
        api.get("/orders", limit=1)
        api.get("/orders", limit=1)
        api.get("/orders", headers={})
        counts = sandbox.state.stats.snapshot()["counts"]

    assert counts == {"order_api:200": 2, "order_api:401": 1}


def test_paths_outside_the_read_endpoints(api: OrderApi) -> None:
    unknown = api.get("/invoices")
    write = api.client.post("/orders", headers={"API-Authorization": api.key}, json={})

    assert unknown.status_code == 404
    assert unknown.json()["status"] == "no"
    assert write.status_code == 501
