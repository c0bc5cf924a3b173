"""The whole-schema variants over real HTTP: only the documented core (`minimal_schema`) and the older names
of renamed fields (`legacy_names`), each alone and together (sandbox/graphql_api/variants.py)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from graphql import GraphQLObjectType, validate_schema

from sandbox.cli import parse_args, settings_from_args
from sandbox.graphql_api.schema import build_schema
from sandbox.graphql_api.variants import MINIMAL_SCHEMA_KEPT
from sandbox.server import RunningSandbox, serve_in_thread
from sandbox.settings import NON_BINDING_QUOTAS, SandboxSettings
from tests.sandbox.graphql_support import GraphQL

# The fields the pipeline requires that the reference documents (the brief of the minimal schema): each
# must stay. ReturnLine.id and ReturnLine.quantity, required only under the optional Return.lines, are not
# documented and are left out (an instance without them loads returns without their lines).
REQUIRED = (
    "Order.id", "Order.number", "Order.status", "Order.createdAt", "Order.store", "Store.id", "Store.type",
    "Order.market", "Market.id", "Order.pricelist", "Pricelist.id", "Order.grandTotal", "MonetaryValue.value",
    "MonetaryValue.currency", "Currency.code", "MonetaryValue.conversionRate", "Order.lines", "OrderLine.id",
    "OrderLine.quantity", "OrderLine.cancelledQuantity", "OrderLine.product", "Product.id",
    "OrderLine.productVariant", "ProductVariant.id", "OrderLine.productSize", "ProductSize.id",
    "OrderLine.unitPrice", "OrderLine.unitOriginalPrice", "OrderLine.lineValue", "Shipment.id",
    "Shipment.number", "ShipmentLine.id", "ShipmentLine.quantity", "ShipmentLine.orderLine", "Return.id",
    "Return.status", "Return.createdAt", "Return.order", "ReturnLine.orderLine", "DirectToConsumerOrder.customer", "Customer.id", "WholesaleOrder.account",
    "Account.id", "WholesaleOrder.buyer", "Buyer.id", "Counters.orders", "Counters.customers",
    "Customer.updatedAt", "Product.updatedAt", "Product.variants", "ProductVariant.updatedAt",
    "ProductVariant.product", "ProductVariant.productSizes", "Store.name", "Market.name", "Pricelist.name",
    "Country.code", "Warehouse.id", "Warehouse.name", "Brand.id", "Brand.name", "Collection.id",
    "Collection.name", "SizeChart.id", "SizeChart.name", "SizeChart.sizes", "Size.id", "Size.name", "Warehouse.stock",
    "Stock.productSize", "Stock.freeToAllocateQuantity"
)  # fmt: skip
# The documented root lists and the documented relationships on the way to required fields.
ROOTS_AND_PATHS = (
    "Query.orders", "Query.returns", "Query.customers", "Query.products", "Query.productVariants",
    "Query.warehouses", "Query.stores", "Query.markets", "Query.pricelists", "Query.countries",
    "Query.brands", "Query.collections", "Query.sizeCharts", "Query.counters", "Query.currencies",
    "Query.rateLimits", "Counters.products", "Order.shipments", "Shipment.lines", "Return.lines",
    "DirectToConsumerOrder.shipments", "WholesaleReturn.order", "DirectToConsumerShipment.lines"
)  # fmt: skip
# Fields the reference does not document, and the parts of the API the minimal schema leaves out.
UNDOCUMENTED = (
    "ProductSize.size", "Customer.isRegistered", "Account.buyers", "Account.createdAt", "Account.updatedAt",
    "Buyer.createdAt", "Buyer.updatedAt", "Order.returns", "DirectToConsumerOrder.returns",
    "WholesaleOrder.returns", "Return.updatedAt", "DirectToConsumerReturn.updatedAt",
    "WholesaleReturn.updatedAt", "Return.completedAt", "DirectToConsumerReturn.completedAt",
    "WholesaleReturn.completedAt", "ReturnLine.lineValue", "ReturnLine.id", "ReturnLine.quantity",
    "Counters.returns"
)  # fmt: skip
LEFT_OUT_ROOTS = ("orderConnection", "accounts", "events", "eventListeners")
LEFT_OUT_TYPES = ("Mutation", "OrderConnection", "Event", "EventListener", "EventObject")

INTROSPECTION = """{ __schema { queryType { name } mutationType { name }
  types { name kind fields { name } inputFields { name } enumValues { name } possibleTypes { name } } } }"""


@pytest.fixture(scope="module")
def sandbox() -> Iterator[RunningSandbox]:
    """A sandbox of its own: the tests switch its settings."""
    with serve_in_thread(SandboxSettings(orders=400, quotas=NON_BINDING_QUOTAS)) as running:
        yield running


@pytest.fixture(scope="module")
def client(sandbox: RunningSandbox) -> GraphQL:
    return GraphQL(sandbox)


@contextmanager
def variant(sandbox: RunningSandbox, **changes: Any) -> Iterator[None]:
    before = {name: getattr(sandbox.state.settings, name) for name in changes}
    sandbox.control.update_settings(**changes)
    try:
        yield
    finally:
        sandbox.control.update_settings(**before)


def served(client: GraphQL) -> dict[str, Any]:
    """The introspected schema: `fields` as "Type.field" of object and interface types, and the types."""
    schema = client.data(INTROSPECTION)["__schema"]
    types = {kind["name"]: kind for kind in schema["types"] if not kind["name"].startswith("__")}
    fields = {
        f"{name}.{field['name']}"
        for name, kind in types.items()
        if kind["kind"] in ("OBJECT", "INTERFACE")
        for field in kind["fields"]
    }
    return {"fields": fields, "types": types, "mutation": schema["mutationType"]}


def with_implementations(coordinates: frozenset[str], types: dict[str, Any]) -> set[str]:
    expanded = set(coordinates)
    for coordinate in coordinates:
        kind, field = coordinate.split(".")
        for implementation in (types.get(kind) or {}).get("possibleTypes") or ():
            expanded.add(f"{implementation['name']}.{field}")
    return expanded


def test_minimal_lacks_connection_accounts_events_mutations_and_undocumented_fields(
    client: GraphQL, sandbox: RunningSandbox
) -> None:
    with variant(sandbox, minimal_schema=True, customer_updated_at=True, events_enabled=True):
        schema = served(client)
    assert schema["mutation"] is None
    assert not {f"Query.{name}" for name in LEFT_OUT_ROOTS} & schema["fields"]
    assert not set(LEFT_OUT_TYPES) & set(schema["types"])
    assert not set(UNDOCUMENTED) & schema["fields"]
    assert {"ProductSize.id"} == {field for field in schema["fields"] if field.startswith("ProductSize.")}


def test_minimal_keeps_every_required_field_and_nothing_beyond_its_list(
    client: GraphQL, sandbox: RunningSandbox
) -> None:
    assert set(REQUIRED) <= MINIMAL_SCHEMA_KEPT
    with variant(sandbox, minimal_schema=True, customer_updated_at=True):
        schema = served(client)
    assert set(REQUIRED) | set(ROOTS_AND_PATHS) <= schema["fields"]
    assert schema["fields"] == with_implementations(MINIMAL_SCHEMA_KEPT, schema["types"])


def test_minimal_has_customer_updated_at_only_with_its_variant(
    client: GraphQL, sandbox: RunningSandbox
) -> None:
    with variant(sandbox, minimal_schema=True):
        schema = served(client)
    assert {field for field in schema["fields"] if field.startswith("Customer.")} == {"Customer.id"}
    filters = {field["name"] for field in schema["types"]["CustomerFilter"]["inputFields"]}
    assert "updatedAt" not in filters


def test_minimal_keeps_inputs_enums_and_scalars_whole(client: GraphQL, sandbox: RunningSandbox) -> None:
    def whole(schema: dict[str, Any]) -> dict[str, Any]:
        kinds = ("INPUT_OBJECT", "ENUM", "SCALAR")
        return {name: kind for name, kind in schema["types"].items() if kind["kind"] in kinds}

    full = served(client)
    with variant(sandbox, minimal_schema=True):
        minimal = served(client)
    assert whole(minimal) == whole(full)
    assert "EventFilter" in whole(minimal)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("{ orders(limit: 1) { number returns { id } } }", "Cannot query field 'returns' on type 'Order'"),
        (
            "{ orderConnection(first: 1) { totalCount } }",
            "Cannot query field 'orderConnection' on type 'Query'",
        ),
        ("{ accounts { id } }", "Cannot query field 'accounts' on type 'Query'"),
        ("{ events { id } }", "Cannot query field 'events' on type 'Query'"),
        ("{ returns(limit: 1) { id completedAt } }", "Cannot query field 'completedAt' on type 'Return'"),
        (
            "{ customers(limit: 1) { id isRegistered } }",
            "Cannot query field 'isRegistered' on type 'Customer'",
        ),
        (
            "{ products(limit: 1) { variants { productSizes { id size { name } } } } }",
            "Cannot query field 'size' on type 'ProductSize'",
        ),
        ("mutation { confirmEvents(input: {eventsIds: [1]}) { userErrors { message } } }", "mutation"),
    ],
)
def test_minimal_refuses_a_removed_field_in_validation(
    client: GraphQL, sandbox: RunningSandbox, query: str, message: str
) -> None:
    assert "errors" not in client.body(query) or message == "mutation"  # the full schema answers
    with variant(sandbox, minimal_schema=True, events_enabled=True):
        body = client.body(query)
    assert "data" not in body
    assert message in body["errors"][0]["message"]
    assert body["errors"][0]["extensions"]["category"] == "graphql"


ORDERS = """query Orders($where: OrderFilter, $limit: Int!, $page: Int!) {
  orders(where: $where, sort: [number_ASC], limit: $limit, page: $page) {
    __typename id number status createdAt store { id type name } market { id name } pricelist { id name }
    grandTotal { value currency { code } conversionRate }
    lines(includeFullyCancelled: true) {
      id quantity cancelledQuantity product { id } productVariant { id } productSize { id }
      unitPrice { value } unitOriginalPrice { value } lineValue { value currency { code } conversionRate }
    }
    shipments { id number lines { id quantity orderLine { id } } }
    ... on DirectToConsumerOrder { customer { id } }
    ... on WholesaleOrder { account { id } buyer { id } }
  }
}"""
WINDOW = {"createdAt": {"from": "2020-01-01 00:00:00", "to": "2026-10-31 23:59:59"}}
ANSWERED: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    (ORDERS, {"where": WINDOW, "limit": 50, "page": 2}, {}),
    (ORDERS, {"where": {"storeType": "WHOLESALE", "status": ["SHIPPED"]}, "limit": 20, "page": 1}, {}),
    (
        """{ returns(where: {createdAt: {from: "2020-01-01 00:00:00"}}, sort: [createdAt_DESC], limit: 30,
             page: 1) { __typename id status createdAt order { number } lines { orderLine { id } } } }""",
        {},
        {},
    ),
    (
        """query Counts($where: OrderFilter) { counters { all: orders wholesale: orders(where: $where)
             customers(where: {id: [1, 2, 3]}) } }""",
        {"where": {"storeType": "WHOLESALE", "createdAt": {"from": "2026-01-01 00:00:00"}}},
        {},
    ),
    ("{ customers(sort: [id_ASC], limit: 30, page: 2) { id } }", {}, {}),
    (
        """{ customers(where: {updatedAt: {from: "2020-01-01 00:00:00"}}, sort: [updatedAt_DESC], limit: 20)
             { id updatedAt } }""",
        {},
        {"customer_updated_at": True},
    ),
    (
        """{ orders(where: {updatedAt: {from: "2026-10-01 00:00:00"}}, sort: [updatedAt_DESC], limit: 20)
             { number } }""",
        {},
        {"order_updated_at": True},
    ),
    (
        """{ products(sort: [id_ASC], limit: 10, page: 2) { id updatedAt
             variants { id updatedAt product { id } productSizes { id } } } }""",
        {},
        {},
    ),
    (
        "{ productVariants(where: {status: [ACTIVE]}, limit: 20) { id updatedAt productSizes { id } } }",
        {},
        {},
    ),
    (
        """{ warehouses(sort: [id_ASC]) { id name
             stock(limit: 50, page: 2) { productSize { id } freeToAllocateQuantity } } }""",
        {},
        {},
    ),
    (
        """{ stores { id name type } markets { id name } pricelists { id name } countries { code }
             currencies { code } brands { id name } collections { id name } sizeCharts { id name sizes { name } }
             rateLimits { type intervalSeconds } }""",
        {},
        {},
    ),
]


def _non_empty(value: Any) -> bool:
    """Every list of the answer's top level holds rows (the comparison would be hollow otherwise)."""
    return all(bool(rows) if isinstance(rows, list) else rows is not None for rows in value.values())


@pytest.mark.parametrize(("query", "variables", "settings"), ANSWERED)
def test_minimal_answers_its_queries_with_the_same_data(
    client: GraphQL, sandbox: RunningSandbox, query: str, variables: dict[str, Any], settings: dict[str, Any]
) -> None:
    with variant(sandbox, **settings):
        full = client.data(query, variables)
        with variant(sandbox, minimal_schema=True):
            minimal = client.data(query, variables)
    assert minimal == full
    assert _non_empty(minimal)


# The same rows under the current and the legacy names: (current query, legacy query).
RENAMED = {
    "EAN": (
        "{ productVariants(limit: 100) { productSizes { id code: EAN } } }",
        "{ productVariants(limit: 100) { productSizes { id code: GTIN } } }",
    ),
    "gender": (
        "{ customers(limit: 200) { id value: gender } }",
        "{ customers(limit: 200) { id value: sex } }",
    ),
}


def test_legacy_names_serve_gtin_and_sex_with_the_values_of_ean_and_gender(
    client: GraphQL, sandbox: RunningSandbox
) -> None:
    answers = {}
    for name, (current, legacy) in RENAMED.items():
        answers[name] = client.data(current)
        with variant(sandbox, legacy_names=True):
            body = client.body(legacy)
        assert "errors" not in body, body["errors"]
        assert body["data"] == answers[name]
        assert "deprecatedFieldsUsed" not in body["extensions"]  # GTIN is the current name there
    variants = answers["EAN"]["productVariants"]
    assert any(size["code"] for variant_ in variants for size in variant_["productSizes"])
    assert any(customer["value"] for customer in answers["gender"]["customers"])


def test_legacy_names_serve_applied_discount_with_the_values_of_applied_voucher(
    client: GraphQL, sandbox: RunningSandbox
) -> None:
    numbers = [
        row["order_number"]
        for row in sandbox.state.store.rows(
            "SELECT order_number FROM orders WHERE voucher_amount IS NOT NULL ORDER BY order_number LIMIT 10"
        )
    ]
    query = """query($numbers: [Int!]) { orders(where: {number: $numbers}, sort: [number_ASC], limit: 10) {
      number discountsApplied { __typename value { value currency { code } } date %s } } }"""
    current = client.data(
        query % "... on AppliedVoucher { voucher { name code type } }", {"numbers": numbers}
    )
    with variant(sandbox, legacy_names=True):
        legacy = client.data(
            query % "... on AppliedDiscount { discount { name code type } }", {"numbers": numbers}
        )
    assert len(current["orders"]) == len(numbers) > 0
    for before, after in zip(current["orders"], legacy["orders"], strict=True):
        (voucher,), (discount,) = before["discountsApplied"], after["discountsApplied"]
        assert voucher.pop("__typename") == "AppliedVoucher"
        assert discount.pop("__typename") == "AppliedDiscount"
        assert discount.pop("discount") == voucher.pop("voucher")
        assert discount == voucher


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (RENAMED["EAN"][0], "Cannot query field 'EAN' on type 'ProductSize'"),
        (RENAMED["gender"][0], "Cannot query field 'gender' on type 'Customer'"),
        (
            "{ orders(limit: 1) { discountsApplied { ... on AppliedVoucher { voucher { name } } } } }",
            "Unknown type 'AppliedVoucher'",
        ),
    ],
)
def test_legacy_names_refuse_the_current_names(
    client: GraphQL, sandbox: RunningSandbox, query: str, message: str
) -> None:
    with variant(sandbox, legacy_names=True):
        body = client.body(query)
    assert "data" not in body
    assert message in body["errors"][0]["message"]


def test_without_legacy_names_the_old_names_are_unknown_except_deprecated_gtin(client: GraphQL) -> None:
    assert "Cannot query field 'sex'" in client.errors(RENAMED["gender"][1])[0]["message"]
    applied = "{ orders(limit: 1) { discountsApplied { ... on AppliedDiscount { discount { name } } } } }"
    assert "Unknown type 'AppliedDiscount'" in client.errors(applied)[0]["message"]
    body = client.body(RENAMED["EAN"][1])
    assert "errors" not in body
    assert body["extensions"]["deprecatedFieldsUsed"][0].startswith("Field: ProductSize.GTIN")


def test_minimal_and_legacy_names_combine(client: GraphQL, sandbox: RunningSandbox) -> None:
    with variant(sandbox, minimal_schema=True):
        minimal = served(client)
        with variant(sandbox, legacy_names=True):
            both = served(client)
            orders = client.data(ORDERS, {"where": WINDOW, "limit": 20, "page": 1})
            refused = client.body(RENAMED["EAN"][1])
    assert both == minimal  # no field the minimal schema keeps was renamed
    assert not {"AppliedDiscount", "AppliedVoucher", "Discount", "Voucher"} & set(both["types"])
    assert len(orders["orders"]) == 20
    assert "Cannot query field 'GTIN' on type 'ProductSize'" in refused["errors"][0]["message"]


def test_the_variants_switch_through_the_control_endpoint(client: GraphQL, sandbox: RunningSandbox) -> None:
    url = f"{sandbox.url}/__sandbox__/settings"
    try:
        answer = httpx.patch(url, json={"minimal_schema": True, "legacy_names": True}, timeout=10)
        assert answer.status_code == 200, answer.text
        (refused,) = client.errors("{ orderConnection(first: 1) { totalCount } }")
        assert "orderConnection" in refused["message"]
    finally:
        httpx.patch(url, json={"minimal_schema": False, "legacy_names": False}, timeout=10)
    assert client.data("{ orderConnection(first: 1) { totalCount } }")["orderConnection"]["totalCount"] == 400


def test_every_combination_of_schema_variants_is_a_valid_schema() -> None:
    for combination in itertools.product((False, True), repeat=5):
        order_updated_at, customer_updated_at, minimal, legacy, counters_where = combination
        schema = build_schema(
            order_updated_at,
            customer_updated_at,
            minimal_schema=minimal,
            legacy_names=legacy,
            counters_where=counters_where,
        )
        assert validate_schema(schema) == [], combination
        counters = schema.type_map["Counters"]
        assert isinstance(counters, GraphQLObjectType)
        assert {name for name, field in counters.fields.items() if "where" in field.args} == (
            set(counters.fields) if counters_where else set()
        ), combination


def test_the_cli_flags_set_the_variants() -> None:
    assert settings_from_args(parse_args(["--minimal-schema", "--legacy-names"])).minimal_schema is True
    assert settings_from_args(parse_args(["--legacy-names"])).legacy_names is True
    plain = settings_from_args(parse_args([]))
    assert (plain.minimal_schema, plain.legacy_names, plain.counters_where) == (False, False, True)
    assert settings_from_args(parse_args(["--no-counters-where"])).counters_where is False
