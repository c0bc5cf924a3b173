"""Capability detection and up-front query validation against the instance's own schema."""

from __future__ import annotations

import pytest
from graphql import build_schema, print_schema

from pipelines.centra.capabilities import from_schema
from pipelines.centra.errors import CentraSchemaError
from pipelines.centra.source import FAMILIES
from sandbox.graphql_api.schema import schema_for
from sandbox.settings import SandboxSettings


def sandbox_sdl(**variant: bool) -> str:
    return print_schema(schema_for(SandboxSettings(**variant)))  # type: ignore[arg-type]


def test_every_query_of_every_family_validates_against_the_sandbox_schema() -> None:
    capabilities = from_schema(build_schema(sandbox_sdl()))
    capabilities.check_queries([query for family in FAMILIES.values() for query in family.queries])


@pytest.mark.parametrize(("variant", "expected"), [({}, False), ({"order_updated_at": True}, True)])
def test_order_updated_at_is_read_from_the_schema(variant: dict[str, bool], expected: bool) -> None:
    capabilities = from_schema(build_schema(sandbox_sdl(**variant)))
    assert capabilities.order_updated_at is expected
    assert capabilities.events is True


def test_a_field_the_instance_lacks_fails_before_extracting_with_every_problem_named() -> None:
    lacking = sandbox_sdl().replace("  isOnHold: Boolean!\n", "").replace("  trackingNumber: String\n", "")
    capabilities = from_schema(build_schema(lacking))
    with pytest.raises(CentraSchemaError) as raised:
        capabilities.check_queries(["orders"])
    assert "isOnHold" in str(raised.value)
    assert "trackingNumber" in str(raised.value)
