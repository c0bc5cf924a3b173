"""`rateLimits` (the six buckets) and `counters` (the totals offset lists do not carry)."""

from __future__ import annotations

from typing import Any

from ariadne import ObjectType, QueryType
from graphql import GraphQLResolveInfo

from sandbox.graphql_api.context import context_of
from sandbox.graphql_api.resolvers.catalog import count_products
from sandbox.graphql_api.resolvers.customers import count_customers
from sandbox.graphql_api.resolvers.orders import count_orders
from sandbox.graphql_api.resolvers.shipments_returns import count_returns

query = QueryType()


@query.field("rateLimits")
def resolve_rate_limits(_: Any, info: GraphQLResolveInfo) -> list[dict[str, object]]:
    return context_of(info).state.rate_limiter.snapshot()


@query.field("counters")
def resolve_counters(_: Any, info: GraphQLResolveInfo) -> dict[str, Any]:
    return {}


counters = ObjectType("Counters")
counters.set_field("orders", lambda _, info, where=None: count_orders(context_of(info), where))
counters.set_field("customers", lambda _, info, where=None: count_customers(context_of(info), where))
counters.set_field("products", lambda _, info, where=None: count_products(context_of(info), where))
counters.set_field("returns", lambda _, info, where=None: count_returns(context_of(info), where))

BINDABLES = [query, counters]
