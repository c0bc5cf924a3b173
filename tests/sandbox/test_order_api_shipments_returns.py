"""`GET shipments` (state filter, limit/offset, limit ≤ 100) and `GET returns` (limit/page, newest first,
int ids, the missing `completed` key, inclusive/exclusive date bounds)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from decimal import Decimal
from typing import Any

import pytest

from sandbox.server import RunningSandbox
from tests.sandbox.order_api_support import VISIBLE_BY_DEFAULT, OrderApi, local_text

SandboxFactory = Callable[..., AbstractContextManager[RunningSandbox]]
SHIPMENTS_OF_VISIBLE_ORDERS = (
    "SELECT s.* FROM shipments s JOIN orders o USING (order_number) WHERE {state} AND "
    + VISIBLE_BY_DEFAULT.replace("is_", "o.is_")
    + " ORDER BY s.created_at, s.shipment_id"
)
RETURNS_OF_VISIBLE_ORDERS = (
    "SELECT r.*, o.customer_id, o.conversion_rate FROM returns r JOIN orders o USING (order_number) WHERE "
    + VISIBLE_BY_DEFAULT.replace("is_", "o.is_")
    + " ORDER BY r.created_at DESC, r.return_id DESC"
)


@pytest.fixture(scope="module")
def api(shared_sandbox: RunningSandbox) -> Iterator[OrderApi]:
    client = OrderApi(shared_sandbox)
    yield client
    client.close()


@pytest.fixture(scope="module")
def all_returns(api: OrderApi) -> list[dict[str, Any]]:
    return api.drain_pages("/returns", "returns", limit=5)


def test_completed_shipments_page_to_exhaustion_oldest_first(api: OrderApi) -> None:
    expected = api.store(SHIPMENTS_OF_VISIBLE_ORDERS.format(state="s.is_shipped"))
    assert len(expected) > 25, "the dataset should hold more than one page of shipped shipments"

    served = api.drain_offset("/shipments", "shipments", limit=25, status="completed")

    assert [shipment["shipmentId"] for shipment in served] == [row["shipment_number"] for row in expected]
    timezone = api.sandbox.state.settings.timezone
    assert [shipment["shipmentDate"] for shipment in served] == [
        local_text(row["created_at"], timezone) for row in expected
    ]


def test_good_to_go_is_the_default_state(api: OrderApi) -> None:
    expected = api.store(SHIPMENTS_OF_VISIBLE_ORDERS.format(state="s.is_good_to_go AND NOT s.is_shipped"))
    assert expected, "the dataset should hold good-to-go shipments"

    served = api.drain_offset("/shipments", "shipments", limit=10)

    assert [shipment["shipmentId"] for shipment in served] == [row["shipment_number"] for row in expected]


@pytest.mark.parametrize("state", ["completed", "inprogress"])
def test_shipment_limit_above_100_is_refused(api: OrderApi, state: str) -> None:
    assert api.get("/shipments", status=state, limit=101).json() == {
        "status": "no",
        "msg": {"limit": "invalid value"},
    }
    assert api.get("/shipments", status=state, limit=100).json()["status"] == "ok"


def test_shipment_type_quirks(api: OrderApi) -> None:
    shipments = api.ok("/shipments", status="completed", limit=100)["shipments"]
    for shipment in shipments:
        assert re.fullmatch(rf"{shipment['orderId']}-\d+", shipment["shipmentId"])
        assert isinstance(shipment["orderId"], str)
        assert shipment["paid"] in (0, 1)
        assert shipment["accountId"] != ""
        for line in shipment["products"]:
            assert isinstance(line["warehouses"][0]["itemQty"], str)
            assert line["warehouses"][0]["itemQty"] == str(line["qty"])


def test_shipment_lines_match_the_store(api: OrderApi) -> None:
    shipment = api.ok("/shipments", status="completed", limit=1)["shipments"][0]
    expected = api.store(
        "SELECT sl.order_line_id, sl.quantity FROM shipment_lines sl JOIN shipments s USING (shipment_id) "
        "WHERE s.shipment_number = ? ORDER BY sl.shipment_line_id",
        [shipment["shipmentId"]],
    )

    assert [(int(line["lineId"]), line["qty"]) for line in shipment["products"]] == [
        (row["order_line_id"], row["quantity"]) for row in expected
    ]


def test_shipments_filtered_by_order(api: OrderApi) -> None:
    number = api.store(SHIPMENTS_OF_VISIBLE_ORDERS.format(state="s.is_shipped"))[0]["order_number"]

    served = api.ok("/shipments", status="completed", order=number)["shipments"]

    assert served
    assert {shipment["orderId"] for shipment in served} == {str(number)}


def test_returns_page_to_exhaustion_newest_first(api: OrderApi, all_returns: list[dict[str, Any]]) -> None:
    expected = api.store(RETURNS_OF_VISIBLE_ORDERS)
    assert len(expected) > 5, "the dataset should hold more than one page of returns"

    assert [entry["returnId"] for entry in all_returns] == [row["return_id"] for row in expected]
    dates = [entry["date"] for entry in all_returns]
    assert dates == sorted(dates, reverse=True)
    assert api.ok("/returns", limit=5, page=len(all_returns) // 5 + 2)["returns"] == []


def test_return_ids_are_ints_and_rates_come_from_the_order(
    api: OrderApi, all_returns: list[dict[str, Any]]
) -> None:
    expected = {row["return_id"]: row for row in api.store(RETURNS_OF_VISIBLE_ORDERS)}
    base = api.store("SELECT code FROM currencies WHERE is_base")[0]["code"]
    for entry in all_returns:
        row = expected[entry["returnId"]]
        assert isinstance(entry["orderId"], int)
        assert isinstance(entry["shipmentId"], int)
        assert entry["orderId"] == row["order_number"]
        assert entry["customerId"] == row["customer_id"]
        assert Decimal(str(entry["baseCurrencyRate"])) == row["conversion_rate"]
        assert entry["baseCurrency"] == base
        for line in entry["products"]:
            assert isinstance(line["orderLineId"], int)


def test_a_missing_completed_key_only_ever_means_pending(
    api: OrderApi, all_returns: list[dict[str, Any]]
) -> None:
    expected = {row["return_id"]: row for row in api.store(RETURNS_OF_VISIBLE_ORDERS)}

    for entry in all_returns:
        row = expected[entry["returnId"]]
        assert entry.get("completed", False) is row["is_completed"]


def test_pending_returns_with_odd_ids_lack_the_completed_key(sandbox_factory: SandboxFactory) -> None:
    with sandbox_factory(orders=150) as sandbox:
        api = OrderApi(sandbox)
        ids = [row["return_id"] for row in api.store(RETURNS_OF_VISIBLE_ORDERS)]
        odd, even = next(i for i in ids if i % 2), next(i for i in ids if i % 2 == 0)
        sandbox.state.store.execute(
            "UPDATE returns SET is_completed = false WHERE return_id IN (?, ?)", [odd, even]
        )

        served = {entry["returnId"]: entry for entry in api.drain_pages("/returns", "returns", limit=50)}

    assert "completed" not in served[odd]
    assert served[even]["completed"] is False


def test_return_lines_have_a_null_size_for_one_size_products(
    api: OrderApi, all_returns: list[dict[str, Any]]
) -> None:
    charts = {
        row["order_line_id"]: row["sizes_in_chart"]
        for row in api.store(
            "SELECT l.order_line_id, (SELECT count(*) FROM sizes z WHERE z.size_chart_id = p.size_chart_id) "
            "AS sizes_in_chart FROM order_lines l JOIN products p USING (product_id)"
        )
    }
    lines = [line for entry in all_returns for line in entry["products"]]

    assert {line["size"] is None for line in lines} == {True, False}
    for line in lines:
        assert (line["size"] is None) == (charts[line["orderLineId"]] == 1)


def test_returns_newer_than_is_inclusive_and_older_than_exclusive(
    api: OrderApi, all_returns: list[dict[str, Any]]
) -> None:
    pivot = all_returns[len(all_returns) // 2]

    newer = api.ok("/returns", newer_than=pivot["date"], limit=1000)["returns"]
    older = api.ok("/returns", older_than=pivot["date"], limit=1000)["returns"]

    assert pivot["returnId"] in {entry["returnId"] for entry in newer}
    assert pivot["returnId"] not in {entry["returnId"] for entry in older}
    assert len(newer) + len(older) == len(all_returns)


def test_returns_filtered_by_return_order_and_shipment(
    api: OrderApi, all_returns: list[dict[str, Any]]
) -> None:
    pivot = all_returns[0]

    assert [
        entry["returnId"] for entry in api.ok("/returns", **{"return": pivot["returnId"]})["returns"]
    ] == [pivot["returnId"]]
    assert pivot in api.ok("/returns", order=pivot["orderId"])["returns"]
    assert pivot in api.ok("/returns", shipment=pivot["shipment"])["returns"]
