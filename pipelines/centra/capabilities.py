"""What this Centra instance offers, read from its schema once at the start of a run.

Centra's schema varies between instances and versions (docs/centra-api-reference.md §E): whether orders can be filtered by
`updatedAt`, whether customers have `updatedAt`. The source picks its incremental strategy from this, and
fits every query it will send to the schema before extracting anything (`schema_fit`): an optional field
the instance lacks is left out and listed, a missing required field fails the family up front with the
fields named instead of halfway through a load.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from gql import Client
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
)
from graphql.utilities import get_introspection_query

from pipelines.centra.errors import CentraSchemaError
from pipelines.centra.graphql_client import CentraGraphQLClient
from pipelines.centra.queries import query_text
from pipelines.centra.schema_fit import FittedQuery, fit_query

log = logging.getLogger(__name__)

# Enum values the pipeline or the reporting build reads a meaning into, by the family that loads them. Renamed
# by a newer API version, they would load as unknown text and be miscounted without a word (a renamed
# CANCELLED would count cancelled orders as sales), so a run refuses to start instead.
INTERPRETED_ENUM_VALUES: dict[str, dict[str, frozenset[str]]] = {
    "orders": {"OrderStatus": frozenset({"CANCELLED"}), "ReturnStatus": frozenset({"COMPLETED"})},
}


@dataclass(frozen=True)
class Capabilities:
    schema: GraphQLSchema
    order_updated_at: bool  # OrderFilter.updatedAt exists
    customer_updated_at: bool  # CustomerFilter.updatedAt exists
    events: bool  # the events queries exist (whether Centra produces events is configured per instance)
    fitted: dict[str, FittedQuery] = field(default_factory=dict, compare=False, repr=False)

    def has_field(self, type_name: str, field_name: str) -> bool:
        """Whether the schema's type (`Query` for root fields) offers the field."""
        kind = self.schema.get_type(type_name)
        return isinstance(kind, GraphQLObjectType | GraphQLInterfaceType) and field_name in kind.fields

    def has_input_field(self, type_name: str, field_name: str) -> bool:
        return field_name in _input_fields(self.schema, type_name)

    def fit(self, name: str, required: frozenset[str]) -> FittedQuery:
        """The query document `name` (a family's `queries/<name>.graphql`) as this instance can answer it
        (fitted once per run)."""
        if name not in self.fitted:
            self.fitted[name] = fit_query(self.schema, name, query_text(name), required)
        return self.fitted[name]

    def query(self, name: str, required: frozenset[str]) -> str:
        return self.fit(name, required).text

    def fit_family(self, family: str, names: Sequence[str], required: frozenset[str]) -> list[str]:
        """Fit every document a family will send; the optional fields the instance lacks, or
        CentraSchemaError naming every required field and interpreted enum value it lacks."""
        problems: list[str] = []
        missing: list[str] = []
        for name in names:
            try:
                fitted = self.fit(name, required)
            except CentraSchemaError as error:
                problems.append(str(error))
                continue
            missing.extend(fitted.missing)
            if fitted.renamed:
                log.info("%s: read under older names on this instance: %s", name, ", ".join(fitted.renamed))
        for enum, needed in INTERPRETED_ENUM_VALUES.get(family, {}).items():
            offered = _enum_values(self.schema, enum)
            if missing_values := sorted(needed - offered):
                problems.append(
                    f"{family}: enum {enum} lacks {', '.join(missing_values)} (it offers {', '.join(sorted(offered))})"
                )
        if problems:
            raise CentraSchemaError(
                f"the Centra instance's GraphQL schema lacks what centra-elt needs for {family} — "
                + "; ".join(problems)
                + " (check the token's API version or report it with these names)"
            )
        return list(dict.fromkeys(missing))


def _input_fields(schema: GraphQLSchema, name: str) -> set[str]:
    kind = schema.get_type(name)
    return set(kind.fields) if isinstance(kind, GraphQLInputObjectType) else set()


def _enum_values(schema: GraphQLSchema, name: str) -> set[str]:
    kind = schema.get_type(name)
    return set(kind.values) if isinstance(kind, GraphQLEnumType) else set()


def from_schema(schema: GraphQLSchema) -> Capabilities:
    query = schema.query_type
    mutation = schema.mutation_type
    has_events = (
        isinstance(query, GraphQLObjectType)
        and "events" in query.fields
        and isinstance(mutation, GraphQLObjectType)
        and {"setEventListeners", "confirmEvents"} <= set(mutation.fields)
    )
    return Capabilities(
        schema=schema,
        order_updated_at="updatedAt" in _input_fields(schema, "OrderFilter"),
        customer_updated_at="updatedAt" in _input_fields(schema, "CustomerFilter"),
        events=has_events,
    )


def detect(client: CentraGraphQLClient) -> Capabilities:
    """Introspect the instance (one request) and read its capabilities."""
    result = client.execute(get_introspection_query(descriptions=False), name="Introspection")
    schema = Client(introspection=result.data).schema  # type: ignore[arg-type]
    if schema is None:
        raise CentraSchemaError("the GraphQL endpoint answered introspection without a schema")
    return from_schema(schema)
