"""`GET orders`: paging, filters, plugin visibility, type quirks, local time, agreement with the store."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from sandbox.money import formatted, order_totals
from sandbox.server import RunningSandbox
from sandbox.settings import OrderApiPluginSettings
from tests.sandbox.order_api_support import VISIBLE_BY_DEFAULT, OrderApi, local_text

SandboxFactory = Callable[..., AbstractContextManager[RunningSandbox]]
STATUS_CODES = {
    "PENDING": "1",
    "CONFIRMED": "2",
    "PROCESSING": "3",
    "SHIPPED": "4",
    "ARCHIVED": "5",
    "CANCELLED": "6",
}


@pytest.fixture(scope="module")
def api(shared_sandbox: RunningSandbox) -> Iterator[OrderApi]:
    client = OrderApi(shared_sandbox)
    yield client
    client.close()


@pytest.fixture(scope="module")
def all_orders(api: OrderApi) -> list[dict[str, Any]]:
    return api.drain_offset("/orders", "orders", limit=37)


def test_offset_paging_reaches_every_visible_order_once_oldest_first(
    api: OrderApi, all_orders: list[dict[str, Any]]
) -> None:
    expected = api.store(f"SELECT order_number FROM orders WHERE {VISIBLE_BY_DEFAULT} ORDER BY order_number")
    numbers = [int(order["orderId"]) for order in all_orders]

    assert numbers == [row["order_number"] for row in expected]
    assert (
        len(all_orders) % 37 != 0 or len(api.ok("/orders", limit=37, offset=len(all_orders))["orders"]) == 0
    )


def test_the_default_page_is_20_orders_and_past_the_end_is_empty(
    api: OrderApi, all_orders: list[Any]
) -> None:
    assert len(api.ok("/orders")["orders"]) == 20
    assert api.ok("/orders", offset=len(all_orders))["orders"] == []


def test_order_selects_one_order(api: OrderApi, all_orders: list[dict[str, Any]]) -> None:
    wanted = all_orders[len(all_orders) // 2]

    found = api.ok("/orders", order=wanted["orderId"])["orders"]

    assert found == [wanted]


def test_customer_id_selects_that_customers_visible_orders(api: OrderApi) -> None:
    customer = api.store(
        f"SELECT customer_id FROM orders WHERE customer_id IS NOT NULL AND {VISIBLE_BY_DEFAULT} "
        "GROUP BY customer_id ORDER BY count(*) DESC, customer_id LIMIT 1"
    )[0]["customer_id"]
    expected = api.store(
        f"SELECT order_number FROM orders WHERE customer_id = ? AND {VISIBLE_BY_DEFAULT} ORDER BY order_number",
        [customer],
    )

    found = api.ok("/orders", customer_id=customer, limit=500)["orders"]

    assert [int(order["orderId"]) for order in found] == [row["order_number"] for row in expected]
    assert {order["customerId"] for order in found} == {str(customer)}


def test_newer_than_and_older_than_are_exclusive_bounds_on_local_order_time(
    api: OrderApi, all_orders: list[dict[str, Any]]
) -> None:
    low, high = all_orders[len(all_orders) // 4], all_orders[3 * len(all_orders) // 4]

    between = api.ok("/orders", newer_than=low["orderDate"], older_than=high["orderDate"], limit=1000)[
        "orders"
    ]

    expected = [
        order["orderId"] for order in all_orders if low["orderDate"] < order["orderDate"] < high["orderDate"]
    ]
    assert [order["orderId"] for order in between] == expected
    assert low["orderId"] not in expected


def test_a_date_only_bound_means_local_midnight(api: OrderApi, all_orders: list[dict[str, Any]]) -> None:
    day = all_orders[len(all_orders) // 2]["orderDate"][:10]

    newer = api.ok("/orders", newer_than=day, limit=1000)["orders"]

    assert [order["orderId"] for order in newer] == [
        order["orderId"] for order in all_orders if order["orderDate"] > f"{day} 00:00:00"
    ]


def test_order_dates_are_naive_local_time_across_both_dst_offsets(api: OrderApi) -> None:
    timezone = api.sandbox.state.settings.timezone
    assert timezone == "Europe/Stockholm"
    summer = api.store(
        f"SELECT order_number, created_at FROM orders WHERE month(created_at) = 7 AND {VISIBLE_BY_DEFAULT} LIMIT 1"
    )
    winter = api.store(
        f"SELECT order_number, created_at FROM orders WHERE month(created_at) = 1 AND {VISIBLE_BY_DEFAULT} LIMIT 1"
    )
    assert summer, "the dataset should hold a July order"
    assert winter, "the dataset should hold a January order"

    for row, hours in ((summer[0], 2), (winter[0], 1)):
        order = api.ok("/orders", order=row["order_number"])["orders"][0]
        assert order["orderDate"] == (row["created_at"] + timedelta(hours=hours)).strftime(
            "%Y-%m-%d %H:%M:%S"
        )
        assert order["orderDate"] == local_text(row["created_at"], timezone)


def test_type_quirks_of_the_orders_endpoint(all_orders: list[dict[str, Any]]) -> None:
    for order in all_orders:
        assert isinstance(order["orderId"], str)
        assert re.fullmatch(r"[0-9a-f]{32}", order["selectionId"])
        assert isinstance(order["customerId"], str)
        assert isinstance(order["accountId"], str)
        assert order["hold"] == 0
        assert order["waitingForPayment"] == 0
        assert order["preferredDeliveryDate"] == "0000-00-00 00:00:00"
        assert order["orderStore"] in {"retail", "wholesale"}
        for line in order["products"]:
            assert isinstance(line["lineId"], str)
            assert isinstance(line["qty"], int)
            assert isinstance(line["warehouses"][0]["itemQty"], int)
    assert any(order["customerId"] == "" for order in all_orders if order["orderStore"] == "wholesale")
    assert any(order["accountId"] == "" for order in all_orders)


def test_orders_agree_with_the_store(api: OrderApi, all_orders: list[dict[str, Any]]) -> None:
    orders = {row["order_number"]: row for row in api.store("SELECT * FROM orders")}
    lines: dict[int, list[dict[str, Any]]] = {}
    for line in api.store("SELECT * FROM order_lines ORDER BY order_line_id"):
        lines.setdefault(line["order_number"], []).append(line)

    for served in all_orders:
        order = orders[int(served["orderId"])]
        order_lines = lines.get(order["order_number"], [])
        totals = order_totals(order, order_lines)
        kept = [line for line in order_lines if line["quantity"] > 0]
        assert served["selectionId"] == order["order_id"]
        assert served["orderStatus"] == STATUS_CODES[order["status"]]
        assert served["orderCurrency"] == order["currency_code"]
        assert served["marketId"] == order["market_id"]
        assert Decimal(str(served["grandTotalValue"])) == totals["grand_total"]
        assert Decimal(str(served["grandTotalTaxValue"])) == totals["tax_included"]
        assert Decimal(str(served["totalItemsPrice"])) == totals["items"]
        assert Decimal(str(served["shippingValue"])) == totals["shipping"]
        assert Decimal(str(served["voucherValue"])) == -totals["voucher"]
        assert sum(Decimal(str(tax["value"])) for tax in served["taxBreakdown"]) == totals["tax_included"]
        handling = (
            Decimal(str(served["grandTotalValue"]))
            - Decimal(str(served["totalItemsPrice"]))
            - Decimal(str(served["shippingValue"]))
            - Decimal(str(served["voucherValue"]))
        )
        assert handling == totals["handling"]
        assert [int(line["lineId"]) for line in served["products"]] == [
            line["order_line_id"] for line in kept
        ]
        assert [line["qty"] for line in served["products"]] == [line["quantity"] for line in kept]
        for served_line, line in zip(served["products"], kept, strict=True):
            joined = served_line["sku"] + served_line["variantSku"] + served_line["sizeSku"]
            assert joined == (line["sku"] or "")
            assert Decimal(str(served_line["price"])) == line["unit_price"]
            assert Decimal(str(served_line["originalPrice"])) == line["unit_original_price"]


def test_vouchers_are_negative_display_strings_and_floats(
    api: OrderApi, all_orders: list[dict[str, Any]]
) -> None:
    with_voucher = [order for order in all_orders if order["discounts"]["vouchers"]]
    assert with_voucher, "the dataset should hold orders with a voucher"
    for order in with_voucher:
        row = api.store(
            "SELECT voucher_code, voucher_amount FROM orders WHERE order_number = ?", [int(order["orderId"])]
        )
        voucher = order["discounts"]["vouchers"][0]
        assert voucher["voucher"] == row[0]["voucher_code"]
        assert voucher["priceOff"] == formatted(-row[0]["voucher_amount"], order["orderCurrency"])
        assert voucher["priceOff"].startswith("-")
        assert isinstance(voucher["priceOffAsANumber"], float)
        assert Decimal(str(voucher["priceOffAsANumber"])) == -row[0]["voucher_amount"]


def test_fully_cancelled_lines_are_left_out(api: OrderApi) -> None:
    cancelled = api.store(
        "SELECT l.order_number, l.order_line_id FROM order_lines l JOIN orders o USING (order_number) "
        f"WHERE l.quantity = 0 AND {VISIBLE_BY_DEFAULT} LIMIT 1"
    )
    assert cancelled, "the dataset should hold a fully cancelled line"

    order = api.ok("/orders", order=cancelled[0]["order_number"])["orders"][0]

    assert str(cancelled[0]["order_line_id"]) not in {line["lineId"] for line in order["products"]}


def _visible_numbers(api: OrderApi) -> set[int]:
    return {int(order["orderId"]) for order in api.drain_offset("/orders", "orders", limit=500)}


def test_the_plugin_shows_only_its_markets(sandbox_factory: SandboxFactory) -> None:
    with sandbox_factory(orders=150) as sandbox:
        api = OrderApi(sandbox)
        market = api.store(
            "SELECT market_id FROM orders GROUP BY market_id ORDER BY count(*) DESC, market_id LIMIT 1"
        )[0]["market_id"]
        everything = _visible_numbers(api)
        sandbox.state.settings.order_api = OrderApiPluginSettings(market_ids=frozenset({market}))
        expected = api.store(
            f"SELECT order_number FROM orders WHERE market_id = ? AND {VISIBLE_BY_DEFAULT}", [market]
        )

        filtered = _visible_numbers(api)

    assert filtered == {row["order_number"] for row in expected}
    assert filtered < everything


def test_the_plugin_shows_only_its_statuses(sandbox_factory: SandboxFactory) -> None:
    plugin = OrderApiPluginSettings(statuses=frozenset({"SHIPPED"}))
    with sandbox_factory(orders=150, order_api=plugin) as sandbox:
        api = OrderApi(sandbox)
        orders = api.drain_offset("/orders", "orders", limit=500)
        expected = api.store(
            f"SELECT order_number FROM orders WHERE status = 'SHIPPED' AND {VISIBLE_BY_DEFAULT}"
        )
        others = api.store("SELECT count(*) AS n FROM orders WHERE status <> 'SHIPPED'")[0]["n"]

    assert {int(order["orderId"]) for order in orders} == {row["order_number"] for row in expected}
    assert {order["orderStatus"] for order in orders} == {"4"}
    assert others > 0


def test_on_hold_and_waiting_for_payment_orders_are_hidden_unless_allowed(
    sandbox_factory: SandboxFactory,
) -> None:
    with sandbox_factory(orders=150) as sandbox:
        api = OrderApi(sandbox)
        flagged = {
            row["order_number"]
            for row in api.store("SELECT order_number FROM orders WHERE is_on_hold OR is_waiting_for_payment")
        }
        total = api.store("SELECT count(*) AS n FROM orders")[0]["n"]
        assert flagged, "the dataset should hold on-hold or waiting-for-payment orders"
        one_flagged = min(flagged)

        hidden = api.drain_offset("/orders", "orders", limit=500)
        hidden_lookup = api.get("/orders", order=one_flagged).json()
        sandbox.state.settings.order_api = OrderApiPluginSettings(include_on_hold=True)
        shown = api.drain_offset("/orders", "orders", limit=500)
        shown_lookup = api.get("/orders", order=one_flagged).json()

    assert not {int(order["orderId"]) for order in hidden} & flagged
    assert len(hidden) == total - len(flagged)
    assert hidden_lookup["status"] == "no"
    assert len(shown) == total
    assert shown_lookup["status"] == "ok"
    assert {
        int(order["orderId"]) for order in shown if order["hold"] or order["waitingForPayment"]
    } == flagged
