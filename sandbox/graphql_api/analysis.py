"""What a query will cost and touch, read from the parsed document before anything executes.

Complexity (Centra does not publish its formula; docs/centra-api-reference.md §A9 gives the shape): every selected field costs
1; a list multiplies the cost of its subtree by the number of rows it may return — its `limit`/`first`/
`last`, else its declared default (20), else a small fixed factor for lists documented as "all elements";
the stock quantities other than `freeToAllocateQuantity` are expensive scalars, FTA is free; `rateLimits`
costs a flat 10; each `counters` field costs `COUNTER_COST` (10: one number, however many rows it counts,
so a reconciliation asking ~100 aliased counts in one request pays ~1,000, against ~76,000 for one page of
200 orders of the §A11 template). So nesting × limit grows fast, and flattening nested lists cuts the cost, as in Centra.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLArgument,
    GraphQLField,
    GraphQLNamedType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_list_type,
)
from graphql.type.introspection import SchemaMetaFieldDef, TypeMetaFieldDef

from sandbox.graphql_api.permissions import ROOT_TYPES, required_permission

ALL_ELEMENTS_FACTOR = 5
CONNECTION_DEFAULT_SIZE = 20
EXPENSIVE_SCALAR_COST = 10
COUNTER_COST = 10
FIXED_COSTS = {"Query.rateLimits": 10}
STOCK_QUANTITIES = (
    "physicalQuantity", "allocatedQuantity", "demandQuantity", "unshippedQuantity", "availableNowQuantity",
    "availableQuantity", "onDeliveryQuantity", "linkedIncomingQuantity", "unlinkedIncomingQuantity",
)  # fmt: skip
FIELD_COSTS = {
    **{
        f"{owner}.{name}": EXPENSIVE_SCALAR_COST
        for owner in ("Stock", "StockTotals")
        for name in STOCK_QUANTITIES
    },
    "Stock.freeToAllocateQuantity": 0,
    "StockTotals.freeToAllocateQuantity": 0,
    **{f"Counters.{name}": COUNTER_COST for name in ("orders", "customers", "products", "returns")},
}
# The sandbox's own removal dates for its deprecated fields (Centra announces one per deprecation).
REMOVAL_DATES = {"GTIN": "2026-12-31", "currencyBaseRate": "2026-12-31"}


@dataclass
class DeniedRootField:
    node: FieldNode
    permission: str


@dataclass
class QueryAnalysis:
    complexity: int = 0
    permissions_used: list[str] = field(default_factory=list)
    deprecated_fields_used: list[str] = field(default_factory=list)
    denied_root_fields: list[DeniedRootField] = field(default_factory=list)


class _Walker:
    def __init__(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        variables: Mapping[str, Any],
        granted: frozenset[str],
    ) -> None:
        self.schema = schema
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.variables = variables
        self.granted = granted
        self.result = QueryAnalysis()

    def selection_cost(self, selection_set: SelectionSetNode, parent: GraphQLNamedType) -> int:
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self.field_cost(selection, parent)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                target = self.schema.get_type(condition.name.value) if condition else parent
                total += self.selection_cost(selection.selection_set, target or parent)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments.get(selection.name.value)
                if fragment is not None:
                    target = self.schema.get_type(fragment.type_condition.name.value)
                    total += self.selection_cost(fragment.selection_set, target or parent)
        return total

    def field_cost(self, node: FieldNode, parent: GraphQLNamedType) -> int:
        name = node.name.value
        definition = self._definition(parent, name)
        if definition is None:
            return 0
        coordinate = f"{parent.name}.{name}"
        self._note_permission(node, parent, name)
        if definition.deprecation_reason is not None:
            self._note_deprecation(coordinate, name, definition.deprecation_reason)
        if coordinate in FIXED_COSTS:
            return FIXED_COSTS[coordinate]
        own = FIELD_COSTS.get(coordinate, 1)
        if node.selection_set is None:
            return own
        child = self.selection_cost(node.selection_set, get_named_type(definition.type))
        return own + self._rows(node, definition) * child

    def _definition(self, parent: GraphQLNamedType, name: str) -> GraphQLField | None:
        if name == "__typename":
            return None
        if parent is self.schema.query_type and name in ("__schema", "__type"):
            return SchemaMetaFieldDef if name == "__schema" else TypeMetaFieldDef
        fields = getattr(parent, "fields", None)
        return fields.get(name) if fields else None

    def _rows(self, node: FieldNode, definition: GraphQLField) -> int:
        """How many rows the field may return: the multiplier of its subtree."""
        if get_named_type(definition.type).name.endswith("Connection"):
            return (
                self._int_argument(node, "first")
                or self._int_argument(node, "last")
                or CONNECTION_DEFAULT_SIZE
            )
        if not is_list_type(get_nullable_type(definition.type)):
            return 1
        limit = self._int_argument(node, "limit")
        if limit is None and "limit" in definition.args:
            limit = _declared_default(definition.args["limit"])
        return max(limit, 1) if limit is not None else ALL_ELEMENTS_FACTOR

    def _int_argument(self, node: FieldNode, name: str) -> int | None:
        for argument in node.arguments or ():
            if argument.name.value != name:
                continue
            value = argument.value
            if isinstance(value, IntValueNode):
                return int(value.value)
            if isinstance(value, VariableNode):
                given = self.variables.get(value.name.value)
                return given if isinstance(given, int) and not isinstance(given, bool) else None
        return None

    def _note_permission(self, node: FieldNode, parent: GraphQLNamedType, name: str) -> None:
        permission = required_permission(parent.name, name)
        if permission is None:
            return
        if permission not in self.result.permissions_used:
            self.result.permissions_used.append(permission)
        if parent.name in ROOT_TYPES and permission not in self.granted:
            self.result.denied_root_fields.append(DeniedRootField(node, permission))

    def _note_deprecation(self, coordinate: str, name: str, reason: str) -> None:
        note = f"Field: {coordinate}, reason: {reason}"
        if name in REMOVAL_DATES:
            note += f", date of removal: {REMOVAL_DATES[name]}"
        if note not in self.result.deprecated_fields_used:
            self.result.deprecated_fields_used.append(note)


def _declared_default(argument: GraphQLArgument) -> int | None:
    if isinstance(argument.default_value, int):
        return argument.default_value
    literal = getattr(getattr(argument, "default", None), "literal", None)
    return int(literal.value) if isinstance(literal, IntValueNode) else None


def _with_variable_defaults(
    operation: OperationDefinitionNode, variables: Mapping[str, Any]
) -> dict[str, Any]:
    merged = dict(variables)
    for definition in operation.variable_definitions or ():
        name = definition.variable.name.value
        if name not in merged and isinstance(definition.default_value, IntValueNode):
            merged[name] = int(definition.default_value.value)
    return merged


def analyze(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: Mapping[str, Any],
    granted: frozenset[str],
) -> QueryAnalysis:
    walker = _Walker(schema, document, _with_variable_defaults(operation, variables), granted)
    root = schema.mutation_type if operation.operation.value == "mutation" else schema.query_type
    if root is not None:
        walker.result.complexity = walker.selection_cost(operation.selection_set, root)
    return walker.result
