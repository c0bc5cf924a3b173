"""The executable schema per variant of uncertain Centra behaviour, built once per variant and cached.

The base SDL is schema.graphql; a setting that adds fields (settings.order_updated_at,
settings.customer_updated_at) adds its extension file. Settings are read per request, because tests
switch variants on a running sandbox.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ariadne import ScalarType, make_executable_schema
from graphql import GraphQLSchema

from sandbox.graphql_api.fields import default_field_resolver
from sandbox.graphql_api.permissions import guard_nested_fields
from sandbox.graphql_api.resolvers import (
    catalog,
    connection,
    customers,
    events,
    meta,
    order_fields,
    orders,
    reference,
    shipments_returns,
    stock,
)
from sandbox.settings import SandboxSettings

SCHEMA_DIR = Path(__file__).parent

# Input stays text: the filter code parses it (both "YYYY-MM-DD HH:MM:SS" and ISO), so that String-typed
# variables, which Centra tolerates in DateTimeTz positions, take the same path as DateTimeTz ones.
date_time_tz = ScalarType("DateTimeTz", serializer=str, value_parser=str)

BINDABLES = [
    date_time_tz,
    *reference.BINDABLES,
    *orders.BINDABLES,
    *order_fields.BINDABLES,
    *connection.BINDABLES,
    *shipments_returns.BINDABLES,
    *customers.BINDABLES,
    *catalog.BINDABLES,
    *stock.BINDABLES,
    *meta.BINDABLES,
    *events.BINDABLES,
]


@lru_cache(maxsize=8)
def build_schema(order_updated_at: bool, customer_updated_at: bool) -> GraphQLSchema:
    parts = ["schema.graphql"]
    if order_updated_at:
        parts.append("schema_order_updated_at.graphql")
    if customer_updated_at:
        parts.append("schema_customer_updated_at.graphql")
    type_defs = [(SCHEMA_DIR / part).read_text(encoding="utf-8") for part in parts]
    schema = make_executable_schema(type_defs, *BINDABLES)
    guard_nested_fields(schema, default_field_resolver)
    return schema


def schema_for(settings: SandboxSettings) -> GraphQLSchema:
    return build_schema(settings.order_updated_at, settings.customer_updated_at)
