"""The executable schema per variant of uncertain Centra behaviour, built once per variant and cached.

The base SDL is schema.graphql; a setting that adds fields (settings.order_updated_at,
settings.customer_updated_at) adds its extension file. Settings are read per request, because tests
switch variants on a running sandbox.

Schema drift (settings.removed_fields, renamed_enum_values, added_fields) imitates an instance whose API
version moved on: a removed field leaves its type (introspection and validation no longer know it), an enum
value is listed under its new name (the data's old value is served under it), a new nullable String field
answers null.

Two variants reshape the whole schema (graphql_api/variants.py): settings.minimal_schema serves the
documented core only, settings.legacy_names the older names of renamed fields. They combine with each other
and with the ones above.

settings.counters_where off: the `Counters` fields take no `where` (an instance where the inferred
`counters.orders(where:)` does not exist); each then counts everything the token may see.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from ariadne import EnumType, ScalarType, make_executable_schema
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
from sandbox.graphql_api.variants import bind_legacy_names, legacy_sdl, minimal_kept, prune_schema
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


@lru_cache(maxsize=16)
def build_schema(
    order_updated_at: bool,
    customer_updated_at: bool,
    removed_fields: frozenset[str] = frozenset(),
    renamed_enum_values: frozenset[tuple[str, str, str]] = frozenset(),
    added_fields: frozenset[str] = frozenset(),
    minimal_schema: bool = False,
    legacy_names: bool = False,
    counters_where: bool = True,
) -> GraphQLSchema:
    parts = ["schema.graphql"]
    if order_updated_at:
        parts.append("schema_order_updated_at.graphql")
    if customer_updated_at:
        parts.append("schema_customer_updated_at.graphql")
    type_defs = [(SCHEMA_DIR / part).read_text(encoding="utf-8") for part in parts]
    if legacy_names:  # the renamed fields are all in the base SDL
        type_defs[0] = legacy_sdl(type_defs[0])
    if not counters_where:
        type_defs[0] = _in_block(type_defs[0], "Counters", _without_arguments)
    type_defs = [_drift(sdl, renamed_enum_values, added_fields) for sdl in type_defs]
    renamed: dict[str, dict[str, str]] = {}
    for enum, old, new in renamed_enum_values:
        renamed.setdefault(enum, {})[new] = old
    enums = [EnumType(name, values) for name, values in sorted(renamed.items())]
    schema = make_executable_schema(type_defs, *BINDABLES, *enums)
    guard_nested_fields(schema, default_field_resolver)
    if legacy_names:
        bind_legacy_names(schema)
    for entry in removed_fields:  # after binding: a field with a resolver can not leave the SDL
        kind, field = entry.split(".")
        graphql_type = schema.get_type(kind)
        if graphql_type is not None and hasattr(graphql_type, "fields"):
            graphql_type.fields.pop(field, None)
    if minimal_schema:
        schema = prune_schema(schema, minimal_kept(legacy_names, added_fields))
    return schema


def _drift(
    sdl: str, renamed_enum_values: frozenset[tuple[str, str, str]], added_fields: frozenset[str]
) -> str:
    """The SDL with enum values renamed and nullable String fields ("Type.field") added."""
    for enum, old, new in renamed_enum_values:
        sdl = _in_block(sdl, enum, functools.partial(_rename_value, old=old, new=new))
    for entry in added_fields:
        kind, field = entry.split(".")
        sdl = _in_block(sdl, kind, functools.partial(_add_field, field=field))
    return sdl


def _rename_value(body: str, old: str, new: str) -> str:
    return re.sub(rf"(?m)^  {old}$", f"  {new}", body)


def _add_field(body: str, field: str) -> str:
    return body + f"  {field}: String\n"


def _without_arguments(body: str) -> str:
    return re.sub(r"\([^)]*\)", "", body)


def _in_block(sdl: str, name: str, edit: Callable[[str], str]) -> str:
    """Apply `edit` to the body of `type|interface|enum|input <name> ... { body }` when the SDL has it."""
    pattern = re.compile(rf"(?m)^((?:type|interface|enum|input) {name}\b[^{{]*\{{\n)(.*?)(^\}})", re.S)
    return pattern.sub(lambda match: match.group(1) + edit(match.group(2)) + match.group(3), sdl)


def schema_for(settings: SandboxSettings) -> GraphQLSchema:
    return build_schema(
        settings.order_updated_at,
        settings.customer_updated_at,
        frozenset(settings.removed_fields),
        frozenset(settings.renamed_enum_values),
        frozenset(settings.added_fields),
        settings.minimal_schema,
        settings.legacy_names,
        settings.counters_where,
    )
