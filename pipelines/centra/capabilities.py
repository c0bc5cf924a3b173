"""What this Centra instance offers, read from its schema once at the start of a run.

Centra's schema varies between instances and versions (reference §E): whether orders can be filtered by
`updatedAt`, whether customers have `updatedAt`. The source picks its incremental strategy from this, and
validates every query it will send before extracting anything, so a missing field fails the run up front
with the fields named instead of halfway through a load.
"""

from __future__ import annotations

from dataclasses import dataclass

from gql import Client, gql
from graphql import GraphQLEnumType, GraphQLInputObjectType, GraphQLObjectType, GraphQLSchema, validate
from graphql.utilities import get_introspection_query

from pipelines.centra.errors import CentraSchemaError
from pipelines.centra.graphql_client import CentraGraphQLClient
from pipelines.centra.queries import query_text

# Enum values the pipeline or the reporting build reads a meaning into, by the query that loads them. Renamed
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

    def check_queries(self, names: list[str]) -> None:
        """Validate each named query document against the schema; name every problem at once."""
        problems = []
        for name in names:
            for error in validate(self.schema, gql(query_text(name)).document):
                problems.append(f"{name}: {error.message}")
            for enum, needed in INTERPRETED_ENUM_VALUES.get(name, {}).items():
                offered = _enum_values(self.schema, enum)
                if missing := sorted(needed - offered):
                    problems.append(
                        f"{name}: enum {enum} lacks {', '.join(missing)} (it offers {', '.join(sorted(offered))})"
                    )
        if problems:
            raise CentraSchemaError(
                "the Centra instance's GraphQL schema lacks what centra-elt needs — "
                + "; ".join(problems)
                + " (check the token's API version or report it with these names)"
            )


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
