"""Capability detection, and fitting every query to the instance's own schema before extracting."""

from __future__ import annotations

import pytest
from graphql import build_schema, print_schema

from pipelines.centra.capabilities import Capabilities, from_schema
from pipelines.centra.errors import CentraSchemaError
from pipelines.centra.families import FAMILIES
from pipelines.centra.schema_fit import fit_query
from pipelines.centra.settings import CentraSettings
from sandbox.graphql_api.schema import schema_for
from sandbox.settings import SandboxSettings

URL = "https://brand.centra.com/graphql"
EVENTS_ON = CentraSettings(graphql_url=URL, api_token="token", use_events=True)


def sandbox_sdl(**variant: bool) -> str:
    return print_schema(schema_for(SandboxSettings(**variant)))  # type: ignore[arg-type]


def capabilities_without(*lines: str, sdl: str | None = None) -> Capabilities:
    text = sdl or sandbox_sdl()
    for line in lines:
        assert line in text, line
        text = text.replace(line, "")
    return from_schema(build_schema(text))


def test_every_family_fits_the_full_sandbox_schema_with_nothing_left_out() -> None:
    capabilities = from_schema(build_schema(sandbox_sdl()))
    for family in FAMILIES.values():
        assert family.fit(capabilities, EVENTS_ON) == [], family.name
        for name in family.documents(capabilities, EVENTS_ON):
            assert capabilities.fit(name, family.required).renamed == (), name


@pytest.mark.parametrize(("variant", "expected"), [({}, False), ({"order_updated_at": True}, True)])
def test_order_updated_at_is_read_from_the_schema(variant: dict[str, bool], expected: bool) -> None:
    capabilities = from_schema(build_schema(sandbox_sdl(**variant)))
    assert capabilities.order_updated_at is expected
    assert capabilities.events is True


def test_optional_fields_the_instance_lacks_are_left_out_and_listed() -> None:
    capabilities = capabilities_without("  isOnHold: Boolean!\n", "  trackingNumber: String\n")
    missing = FAMILIES["orders"].fit(capabilities, EVENTS_ON)
    assert "DirectToConsumerOrder.isOnHold" not in missing  # the fragment is on the Order interface
    assert {"Order.isOnHold", "Shipment.trackingNumber"} <= set(missing)
    text = capabilities.query("orders", FAMILIES["orders"].required)
    assert "isOnHold" not in text
    assert "trackingNumber" not in text
    assert "isWaitingForPayment" in text
    assert "numberOfPackages" in text


def test_a_required_field_the_instance_lacks_fails_the_family_with_every_name() -> None:
    lacking = sandbox_sdl().replace("  cancelledQuantity: Int!\n", "")
    capabilities = from_schema(build_schema(lacking))
    with pytest.raises(CentraSchemaError) as raised:
        FAMILIES["orders"].fit(capabilities, EVENTS_ON)
    assert "OrderLine.cancelledQuantity" in str(raised.value)
    assert FAMILIES["catalog"].fit(capabilities, EVENTS_ON) == []  # other families are not affected


def without_field(sdl: str, type_header: str, line: str) -> str:
    """`sdl` with `line` removed from the block that starts with `type_header` only."""
    start = sdl.index(type_header)
    block = sdl[start : sdl.index("}", start)]
    assert line in block, line
    return sdl.replace(block, block.replace(line, ""))


def test_a_required_field_under_an_optional_one_drops_only_the_optional_one() -> None:
    sdl = without_field(sandbox_sdl(), "type ShipmentLine {", "  quantity: Int!\n")
    missing = FAMILIES["orders"].fit(capabilities_without(sdl=sdl), EVENTS_ON)
    assert "Shipment.lines (needs ShipmentLine.quantity)" in missing
    assert "Order.shipments" not in missing  # the shipments themselves still load


def test_what_one_family_requires_is_optional_to_another() -> None:
    capabilities = capabilities_without(
        sdl=without_field(sandbox_sdl(), "type Country {", "  code: String!\n")
    )
    assert {"Country.code", "Address.country"} <= set(FAMILIES["orders"].fit(capabilities, EVENTS_ON))
    with pytest.raises(CentraSchemaError, match=r"Country\.code"):
        FAMILIES["reference"].fit(capabilities, EVENTS_ON)


def test_the_root_lists_the_docs_offer_alternatives_to_are_not_needed() -> None:
    sdl = sandbox_sdl()
    start = sdl.index("  orderConnection(")
    sdl = sdl[:start] + sdl[sdl.index("OrderConnection!\n", start) + len("OrderConnection!\n") :]
    start = sdl.index("  accounts(")
    sdl = sdl[:start] + sdl[sdl.index("\n", sdl.index("[Account!]!", start)) + 1 :]
    capabilities = from_schema(build_schema(sdl))
    assert capabilities.has_field("Query", "orders")
    assert not capabilities.has_field("Query", "orderConnection")
    assert FAMILIES["orders"].documents(capabilities, EVENTS_ON)[0] == "orders_page"
    assert "wholesale_orders" in FAMILIES["customers"].documents(capabilities, EVENTS_ON)
    assert "accounts" not in FAMILIES["customers"].documents(capabilities, EVENTS_ON)
    for family in FAMILIES.values():
        assert family.fit(capabilities, EVENTS_ON) == [], family.name


def test_event_documents_are_fitted_only_when_events_are_switched_on() -> None:
    sdl = sandbox_sdl()
    mutation = sdl[sdl.index("type Mutation {") :]
    sdl = sdl.replace(mutation[: mutation.index("}") + 1], "")
    capabilities = from_schema(build_schema(sdl.replace("  mutation: Mutation\n", "")))
    events_off = CentraSettings(graphql_url=URL, api_token="token")
    assert FAMILIES["orders"].fit(capabilities, events_off) == []
    assert not capabilities.events
    assert "set_order_listeners" not in FAMILIES["orders"].documents(capabilities, EVENTS_ON)


@pytest.mark.parametrize(
    ("document", "old_sdl", "read_as"),
    [
        ("query Q { productVariants { productSizes { id EAN } } }", ("  EAN: String\n", ""), "EAN: GTIN"),
        ("query Q { customers { id gender } }", ("  gender: String\n", "  sex: String\n"), "gender: sex"),
        (
            "query Q { orders { discountsApplied { ... on AppliedVoucher { voucher { name } } } } }",
            (
                "type AppliedVoucher implements AppliedPromotion {\n  value: MonetaryValue!\n"
                "  date(format: String): DateTimeTz\n  voucher: Voucher!",
                "type AppliedDiscount implements AppliedPromotion {\n  value: MonetaryValue!\n"
                "  date(format: String): DateTimeTz\n  discount: Voucher!",
            ),
            "... on AppliedDiscount {\n        voucher: discount",
        ),
        (
            "query Q { displays { id translations { language } } }",
            ("type Query {\n", "type Query {\n  displays: [Display!]!\n"),
            "translations: localized",
        ),
    ],
    ids=["GTIN→EAN", "sex→gender", "discount→voucher", "localized→translations"],
)
def test_a_renamed_field_is_read_under_its_old_name(
    document: str, old_sdl: tuple[str, str], read_as: str
) -> None:
    sdl = sandbox_sdl().replace(*old_sdl)
    if "displays" in document:
        sdl += (
            "\ntype Display { id: Int! localized: [Translation!]! }\ntype Translation { language: String }\n"
        )
    fitted = fit_query(build_schema(sdl), "q", document, frozenset())
    assert read_as in fitted.text
    assert fitted.missing == ()
    assert len(fitted.renamed) >= 1


def test_a_sort_value_the_instance_lacks_is_replaced_by_a_stable_alternative() -> None:
    capabilities = capabilities_without("  number_ASC\n")
    fitted = capabilities.fit("orders_page", FAMILIES["orders"].required)
    assert "sort: [id_ASC]" in fitted.text
    assert "OrderSort.number_ASC ← id_ASC" in fitted.renamed
