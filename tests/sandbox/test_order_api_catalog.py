"""`GET products` and `GET stock` (one row per size, next/previous links) and `GET customers`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl

import pytest

from sandbox.server import RunningSandbox
from tests.sandbox.order_api_support import OrderApi, local_text

PLUGIN_STOCK = """
SELECT ps.product_size_id,
       coalesce(sum(s.physical_quantity) FILTER (WHERE w.in_order_api_plugin), 0) AS physical,
       coalesce(sum(s.allocated_quantity) FILTER (WHERE w.in_order_api_plugin), 0) AS allocated,
       coalesce(sum(s.physical_quantity), 0) AS physical_everywhere,
       max(s.updated_at) FILTER (WHERE w.in_order_api_plugin) AS stock_updated_at
FROM product_sizes ps
LEFT JOIN stock s ON s.product_size_id = ps.product_size_id
LEFT JOIN warehouses w ON w.warehouse_id = s.warehouse_id
GROUP BY ps.product_size_id
"""


@pytest.fixture(scope="module")
def api(shared_sandbox: RunningSandbox) -> Iterator[OrderApi]:
    client = OrderApi(shared_sandbox)
    yield client
    client.close()


def _follow_links(api: OrderApi, path: str, limit: int, **params: Any) -> list[dict[str, Any]]:
    """Every page by following `next`, checking the links at both ends."""
    pages = [api.ok(path, limit=limit, **params)]
    assert "previous" not in pages[0]
    while "next" in pages[-1]:
        link = pages[-1]["next"]
        assert link.startswith("?")
        following = api.ok(path, **dict(parse_qsl(link[1:])))
        previous = dict(parse_qsl(following["previous"][1:]))
        assert (previous["limit"], previous["page"]) == (str(limit), str(len(pages)))
        pages.append(following)
    assert len(pages[-1]["products"]) <= limit
    for page in pages[:-1]:
        assert len(page["products"]) == limit
    return [row for page in pages for row in page["products"]]


def test_products_follow_next_links_to_every_stock_item(api: OrderApi) -> None:
    sizes = api.store("SELECT product_size_id FROM product_sizes ORDER BY product_size_id")

    rows = _follow_links(api, "/products", limit=97)

    assert sorted(row["stockItemId"] for row in rows) == [size["product_size_id"] for size in sizes]
    assert len({row["stockItemId"] for row in rows}) == len(rows)


def test_the_first_and_last_pages_lack_previous_and_next(api: OrderApi) -> None:
    total = api.store("SELECT count(*) AS n FROM product_sizes")[0]["n"]
    last_page = (total + 49) // 50

    first = api.ok("/stock", limit=50)
    middle = api.ok("/stock", limit=50, page=2)
    last = api.ok("/stock", limit=50, page=last_page)

    assert "previous" not in first
    assert first["next"] == "?limit=50&page=2"
    assert middle["previous"] == "?limit=50&page=1"
    assert middle["next"] == "?limit=50&page=3"
    assert "next" not in last
    assert last["previous"] == f"?limit=50&page={last_page - 1}"


def test_without_limit_every_row_comes_back_without_links(api: OrderApi) -> None:
    body = api.ok("/stock")

    assert len(body["products"]) == api.store("SELECT count(*) AS n FROM product_sizes")[0]["n"]
    assert "next" not in body
    assert "previous" not in body


def test_links_keep_the_filters(api: OrderApi) -> None:
    threshold = "2026-06-01 00:00:00"
    first = api.ok("/products", limit=5, modified=threshold)

    assert dict(parse_qsl(first["next"][1:])) == {"limit": "5", "page": "2", "modified": threshold}


def test_prices_are_strings_on_some_rows_and_numbers_on_others(api: OrderApi) -> None:
    rows = api.ok("/products", limit=40)["products"]
    prices = {
        (row["variant_id"], row["pricelist_id"]): row["price"] for row in api.store("SELECT * FROM prices")
    }

    kinds = set()
    for row in rows:
        assert row["prices"], "every variant should have prices"
        for price in row["prices"]:
            assert isinstance(price["id"], str)
            kinds.add(type(price["price"]))
            if isinstance(price["price"], str):
                assert re.fullmatch(r"\d+\.\d{2}", price["price"])
            assert Decimal(str(price["price"])) == prices[(row["variantId"], int(price["id"]))]
    assert kinds == {str, int} or kinds == {str, int, float}


def test_modified_selects_items_changed_after_the_local_time(api: OrderApi) -> None:
    timezone = api.sandbox.state.settings.timezone
    changed = api.store(
        "SELECT ps.product_size_id, greatest(p.updated_at, v.updated_at, ps.updated_at) AS modified_at "
        "FROM product_sizes ps JOIN variants v USING (variant_id) JOIN products p ON p.product_id = v.product_id"
    )
    stamps = sorted(row["modified_at"] for row in changed)
    threshold = local_text(stamps[len(stamps) // 2], timezone)

    rows = api.ok("/products", modified=threshold)["products"]

    expected = {
        row["product_size_id"] for row in changed if local_text(row["modified_at"], timezone) > threshold
    }
    assert {row["stockItemId"] for row in rows} == expected
    assert 0 < len(expected) < len(changed)


def test_stock_sums_only_plugin_warehouses_and_physical_is_allocated_plus_available(api: OrderApi) -> None:
    expected = {row["product_size_id"]: row for row in api.store(PLUGIN_STOCK)}
    assert any(row["physical"] != row["physical_everywhere"] for row in expected.values()), (
        "the dataset should hold stock outside the plugin's warehouses"
    )

    rows = api.ok("/stock")["products"]

    for row in rows:
        truth = expected[row["stockItemId"]]
        assert row["physicalStock"] == truth["physical"]
        assert row["allocatedStock"] == truth["allocated"]
        assert row["physicalStock"] == row["allocatedStock"] + row["availableStock"]


def test_stock_modified_selects_items_with_recent_stock_changes(api: OrderApi) -> None:
    timezone = api.sandbox.state.settings.timezone
    truth = [row for row in api.store(PLUGIN_STOCK) if row["stock_updated_at"] is not None]
    stamps = sorted(row["stock_updated_at"] for row in truth)
    threshold = local_text(stamps[len(stamps) // 2], timezone)

    rows = api.ok("/stock", stock_modified=threshold)["products"]

    expected = {
        row["product_size_id"] for row in truth if local_text(row["stock_updated_at"], timezone) > threshold
    }
    assert {row["stockItemId"] for row in rows} == expected
    assert 0 < len(expected) < len(truth)


def test_exclude_physical_stock_drops_the_field(api: OrderApi) -> None:
    rows = api.ok("/stock", limit=5, exclude="physicalStock")["products"]

    assert rows
    assert all("physicalStock" not in row and "availableStock" in row for row in rows)


def test_sku_parts_concatenate_to_the_stored_sku_and_filters_by_id(api: OrderApi) -> None:
    size = api.store("SELECT * FROM product_sizes WHERE sku IS NOT NULL ORDER BY product_size_id LIMIT 1")[0]

    rows = api.ok("/products", stockItemId=size["product_size_id"])["products"]

    assert len(rows) == 1
    assert rows[0]["sku"] + rows[0]["variantSku"] + rows[0]["sizeSku"] == size["sku"]
    assert rows[0]["variantId"] == size["variant_id"]


def test_customers_page_to_exhaustion_with_string_ids(api: OrderApi) -> None:
    expected = api.store("SELECT customer_id, has_newsletter FROM customers ORDER BY customer_id")

    rows = api.drain_offset("/customers", "customers", limit=45)

    assert [row["customerId"] for row in rows] == [str(row["customer_id"]) for row in expected]
    assert [row["newsletter"] for row in rows] == [row["has_newsletter"] for row in expected]
    assert all(isinstance(row["registered"], bool) and row["consents"] == [] for row in rows)


def test_customers_modified_after_a_local_time(api: OrderApi) -> None:
    timezone = api.sandbox.state.settings.timezone
    truth = api.store("SELECT customer_id, updated_at FROM customers")
    stamps = sorted(row["updated_at"] for row in truth)
    threshold = local_text(stamps[len(stamps) // 2], timezone)

    rows = api.drain_offset("/customers", "customers", limit=100, modified=threshold)

    expected = {
        str(row["customer_id"]) for row in truth if local_text(row["updated_at"], timezone) > threshold
    }
    assert {row["customerId"] for row in rows} == expected
    assert all(row["modified"] > threshold for row in rows)


def test_one_customer_by_id(api: OrderApi) -> None:
    row = api.store("SELECT * FROM customers WHERE email IS NOT NULL ORDER BY customer_id LIMIT 1")[0]

    body = api.ok(f"/customers/{row['customer_id']}")

    assert body["customer"]["customerId"] == str(row["customer_id"])
    assert body["customer"]["email"] == row["email"]
    assert body["customer"]["created"] == local_text(row["created_at"], api.sandbox.state.settings.timezone)
