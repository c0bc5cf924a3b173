"""Token permissions per type and field (docs/centra-api-reference.md §A2).

A root field needs its entity's `Type:read`; a denied root field refuses the whole request (no `data`).
Sensitive nested fields need their own `Type.field:read` (or the related entity's `Type:read`); a denied
nested field resolves to null with an `authorization` error at its path, the rest of the data intact.
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLFieldResolver, GraphQLObjectType, GraphQLResolveInfo, GraphQLSchema

from sandbox.graphql_api.context import context_of
from sandbox.graphql_api.errors import permission_error

_DECLARED: dict[str, str] = {
    "Query.orders": "Order:read",
    "Query.order": "Order:read",
    "Query.orderConnection": "Order:read",
    "Query.customers": "Customer:read",
    "Query.customer": "Customer:read",
    "Query.products": "Product:read",
    "Query.product": "Product:read",
    "Query.productVariants": "ProductVariant:read",
    "Query.productVariant": "ProductVariant:read",
    "Query.warehouses": "Warehouse:read",
    "Query.markets": "Market:read",
    "Query.market": "Market:read",
    "Query.stores": "Store:read",
    "Query.pricelists": "Pricelist:read",
    "Query.currencies": "Currency:read",
    "Query.countries": "Country:read",
    "Query.brands": "Brand:read",
    "Query.collections": "Collection:read",
    "Query.sizeCharts": "SizeChart:read",
    "Query.accounts": "Account:read",
    "Query.returns": "Return:read",
    "Query.events": "Event:read",
    "Query.eventListeners": "Event:read",
    "Mutation.setEventListeners": "Event:write",
    "Mutation.unsetEventListeners": "Event:write",
    "Mutation.confirmEvents": "Event:write",
    "Counters.orders": "Order:read",
    "Counters.customers": "Customer:read",
    "Counters.products": "Product:read",
    "Counters.returns": "Return:read",
    "Order.shippingAddress": "Order.shippingAddress:read",
    "Order.billingAddress": "Order.billingAddress:read",
    "Order.internalComment": "Order.internalComment:read",
    "Order.shipments": "Shipment:read",
    "Order.returns": "Return:read",
    "DirectToConsumerOrder.customer": "Customer:read",
    "WholesaleOrder.account": "Account:read",
    "WholesaleOrder.buyer": "Buyer:read",
    "DirectToConsumerReturn.customer": "Customer:read",
    "WholesaleReturn.account": "Account:read",
    "Customer.lastOrder": "Order:read",
    "Account.buyers": "Buyer:read",
    "Product.internalComment": "Product.internalComment:read",
    "Product.variants": "ProductVariant:read",
    "ProductVariant.productSizes": "ProductSize:read",
    "ProductVariant.prices": "Pricelist:read",
    "ProductVariant.stock": "ProductVariant.stock:read",
    "ProductVariant.stockTotals": "ProductVariant.stockTotals:read",
    "ProductSize.stockTotals": "ProductSize.stockTotals:read",
    "Warehouse.stock": "Warehouse.stock:read",
    "Warehouse.stockTotals": "Warehouse.stock:read",
}

IMPLEMENTATIONS = {
    "Order": ("DirectToConsumerOrder", "WholesaleOrder"),
    "Shipment": ("DirectToConsumerShipment", "WholesaleShipment"),
    "Return": ("DirectToConsumerReturn", "WholesaleReturn"),
}


def _with_implementations(declared: dict[str, str]) -> dict[str, str]:
    """An interface field's permission holds for the same field on every implementation."""
    expanded = dict(declared)
    for coordinate, permission in declared.items():
        type_name, field_name = coordinate.split(".")
        for implementation in IMPLEMENTATIONS.get(type_name, ()):
            expanded.setdefault(f"{implementation}.{field_name}", permission)
    return expanded


FIELD_PERMISSIONS = _with_implementations(_DECLARED)
ROOT_TYPES = frozenset({"Query", "Mutation"})


def required_permission(type_name: str, field_name: str) -> str | None:
    return FIELD_PERMISSIONS.get(f"{type_name}.{field_name}")


def guard_nested_fields(schema: GraphQLSchema, fallback: GraphQLFieldResolver) -> None:
    """Wrap every permission-bound nested field's resolver (root fields are checked before execution)."""
    for coordinate, permission in FIELD_PERMISSIONS.items():
        type_name, field_name = coordinate.split(".")
        graphql_type = schema.type_map.get(type_name)
        if type_name in ROOT_TYPES or not isinstance(graphql_type, GraphQLObjectType):
            continue
        if field_name in graphql_type.fields:
            field = graphql_type.fields[field_name]
            field.resolve = _guarded(field.resolve or fallback, permission)


def _guarded(resolve: GraphQLFieldResolver, permission: str) -> GraphQLFieldResolver:
    def guarded(root: Any, info: GraphQLResolveInfo, **args: Any) -> Any:
        if permission not in context_of(info).token.permissions:
            raise permission_error(permission, info.field_name)
        return resolve(root, info, **args)

    return guarded
