"""Each `anonymization_style` as both APIs serve it: the customer and their orders' addresses, over HTTP."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from contextlib import AbstractContextManager

import pytest

from sandbox.changes import ChangeSet
from sandbox.generator.anonymization import ANONYMIZATION_STYLES
from sandbox.server import RunningSandbox
from tests.sandbox.graphql_support import GraphQL
from tests.sandbox.order_api_support import OrderApi

SandboxFactory = Callable[..., AbstractContextManager[RunningSandbox]]
CUSTOMER = "query($ids: [Int!]) { customers(where: {id: $ids}, limit: 50) { id email firstName lastName } }"
ORDERS = (
    "query($ids: [Int!]) { orders(where: {customerId: $ids}, limit: 50) { number "
    "shippingAddress { email firstName lastName address1 } billingAddress { email firstName address1 } } }"
)


def expected(style: str, customer_id: int) -> tuple[str | None, str | None, str | None]:
    """(email, name, street) of an anonymized customer in `style`, as GraphQL serves them."""
    opaque = hashlib.sha256(f"anonymized:{customer_id}".encode()).hexdigest()[:32]
    return {
        "null": (None, None, None),
        "blank": ("", "", ""),
        "placeholder": (f"anonymized-{customer_id}@anonymized.invalid", "Anonymized", None),
        "hashed": (f"{opaque}@anonymized", "*****", "*****"),
        "anonymous": (f"anonymous-{customer_id}@example.com", "Anonymous", ""),
    }[style]


def _order_api_text(value: str | None) -> str:
    return "" if value is None else value


@pytest.mark.parametrize("style", ANONYMIZATION_STYLES)
def test_each_style_is_served_for_the_customer_and_their_orders_by_both_apis(
    sandbox_factory: SandboxFactory, style: str
) -> None:
    with sandbox_factory(orders=120, anonymization_style=style) as sandbox:
        ids = sandbox.control.apply_change_set(
            ChangeSet(seed=3, anonymized_customers=3)
        ).anonymized_customer_ids
        generated = [row["customer_id"] for row in sandbox.state.store.rows(
            "SELECT customer_id FROM customers WHERE is_anonymized ORDER BY 1"
        )]  # fmt: skip
        graphql = GraphQL(sandbox)
        customers = graphql.data(CUSTOMER, {"ids": generated})["customers"]
        orders = {cid: graphql.data(ORDERS, {"ids": [cid]})["orders"] for cid in ids}
        order_api = OrderApi(sandbox)
        served = {cid: order_api.ok(f"customers/{cid}")["customer"] for cid in ids}
    assert set(ids) < set(generated)  # the generator's anonymized customers are in the style too
    assert len(customers) == len(generated)
    for customer in customers:
        email, name, _ = expected(style, int(customer["id"]))
        assert (customer["email"], customer["firstName"], customer["lastName"]) == (email, name, name)
    assert any(orders.values())
    for cid, placed in orders.items():
        email, name, street = expected(style, cid)
        for order in placed:
            shipping, billing = order["shippingAddress"], order["billingAddress"]
            assert (shipping["email"], shipping["firstName"], shipping["lastName"]) == (email, name, name)
            assert (billing["email"], billing["firstName"], billing["address1"]) == (email, name, street)
            assert shipping["address1"] == street
    for cid, customer in served.items():  # the Order API writes a missing text as ""
        email, name, street = expected(style, cid)
        assert (customer["email"], customer["firstName"], customer["address1"]) == (
            _order_api_text(email),
            _order_api_text(name),
            _order_api_text(street),
        )


def test_switching_the_style_at_run_time_restyles_every_anonymized_customer(
    sandbox_factory: SandboxFactory,
) -> None:
    with sandbox_factory(orders=120) as sandbox:
        ids = sandbox.control.apply_change_set(
            ChangeSet(seed=3, anonymized_customers=2)
        ).anonymized_customer_ids
        before = sandbox.state.store.rows("SELECT customer_id, updated_at FROM customers ORDER BY 1")
        sandbox.control.update_settings(anonymization_style="placeholder")
        customers = GraphQL(sandbox).data(CUSTOMER, {"ids": ids})["customers"]
        after = sandbox.state.store.rows("SELECT customer_id, updated_at FROM customers ORDER BY 1")
        with pytest.raises(ValueError, match="anonymization_style"):
            sandbox.control.update_settings(anonymization_style="shredded")
        assert sandbox.state.settings.anonymization_style == "placeholder"
    assert {c["email"] for c in customers} == {f"anonymized-{cid}@anonymized.invalid" for cid in ids}
    assert after == before  # a restyle is not a change in Centra
