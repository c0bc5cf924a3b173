"""Fitting a query document to the instance's schema: what the instance lacks is left out, or the family fails.

Centra's schema differs between instances and API versions (docs/centra-api-reference.md §E): fields are added, renamed and
removed. Each family says which fields it *requires* (keys, foreign keys, money, quantities, statuses and the
timestamps its incrementality needs, as `Type.field` coordinates); every other field it asks for is
optional. Before a run extracts anything, each document it will send is fitted to the schema read by
introspection:

- an optional field the schema lacks is removed (its column loads as NULL) and recorded as missing;
- a required field the schema lacks removes its nearest optional ancestor (an address without
  `Country.code` loses `country`), or, when every ancestor up to the root is required, fails the family
  with every such field named;
- a field or type Centra renamed is read under its old name where only that exists, aliased to the name the
  row builders read (`EAN: GTIN`, `... on AppliedDiscount { voucher: discount }`);
- an argument the field does not take is dropped, and a sort value the enum lacks is replaced by the first
  offered alternative (or dropped), both recorded.

Fragment spreads are inlined first, so one fragment can be fitted differently in two places.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from graphql import (
    ArgumentNode,
    DocumentNode,
    EnumValueNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    ListValueNode,
    NamedTypeNode,
    NameNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    Visitor,
    get_named_type,
    parse,
    print_ast,
    validate,
    visit,
)

from pipelines.centra.errors import CentraSchemaError

# Renames the reference names (§A8.1, §A8.4, §A8.5, §A8.6): (type, name the builders read) -> older name.
RENAMED_FIELDS: dict[tuple[str, str], str] = {
    ("ProductSize", "EAN"): "GTIN",
    ("Customer", "gender"): "sex",
    ("Customer", "phoneNumber"): "otherPhoneNumber",
    ("Address", "phoneNumber"): "otherPhoneNumber",
    ("Display", "translations"): "localized",
    ("AppliedDiscount", "voucher"): "discount",  # inside the renamed type below
}
RENAMED_TYPES: dict[str, str] = {"AppliedVoucher": "AppliedDiscount"}  # name the documents use -> older name
# Sort values to try, in order, when the one a document names is not offered (docs/centra-api-reference.md §A6).
SORT_ALTERNATIVES: dict[str, tuple[str, ...]] = {
    "number_ASC": ("id_ASC", "orderDate_ASC", "createdAt_ASC"),
    "id_ASC": ("number_ASC", "createdAt_ASC"),
}

FieldType = GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType


@dataclass(frozen=True)
class FittedQuery:
    """A document as this instance can answer it."""

    name: str
    text: str
    missing: tuple[str, ...] = ()  # optional `Type.field` (or `Type.field(arg:)`) the instance lacks
    renamed: tuple[str, ...] = ()  # `Type.new ← old` read under the old name


@dataclass
class _Fit:
    schema: GraphQLSchema
    required: frozenset[str]
    missing: list[str] = field(default_factory=list)
    renamed: list[str] = field(default_factory=list)

    def selection_set(
        self, node: SelectionSetNode, parent: FieldType
    ) -> tuple[SelectionSetNode | None, list[str]]:
        """The selections this instance can answer, and the required fields it lacks (for the caller)."""
        kept: list[FieldNode | InlineFragmentNode] = []
        lacking: list[str] = []
        for selection in node.selections:
            fitted: FieldNode | InlineFragmentNode | None
            if isinstance(selection, FieldNode):
                fitted, lacks = self._field(selection, parent)
            elif isinstance(selection, InlineFragmentNode):
                fitted, lacks = self._inline_fragment(selection, parent)
            else:  # spreads are inlined before fitting
                raise AssertionError(f"unexpected selection {selection.kind}")
            lacking.extend(lacks)
            if fitted is not None:
                kept.append(fitted)
        if lacking or not any(isinstance(s, FieldNode) and s.name.value != "__typename" for s in _flat(kept)):
            return None, lacking  # None with nothing lacking: every field asked for was optional and absent
        return SelectionSetNode(selections=tuple(kept)), []

    def _field(self, node: FieldNode, parent: FieldType) -> tuple[FieldNode | None, list[str]]:
        name = node.name.value
        if name == "__typename":
            return node, []
        coordinate = f"{parent.name}.{name}"
        definition = _fields(parent).get(name)
        if definition is None and (old := RENAMED_FIELDS.get((parent.name, name))) in _fields(parent):
            definition = _fields(parent)[old]
            self.renamed.append(f"{coordinate} ← {old}")
            node = FieldNode(
                alias=node.alias or NameNode(value=name),
                name=NameNode(value=old),
                arguments=node.arguments,
                directives=node.directives,
                selection_set=node.selection_set,
            )
        if definition is None:
            return self._lacks(coordinate, [coordinate])
        arguments = self._arguments(node, definition, coordinate)
        selection_set = node.selection_set
        if selection_set is not None:
            child = get_named_type(definition.type)
            if not isinstance(child, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType):
                return self._lacks(coordinate, [coordinate])
            selection_set, lacks = self.selection_set(selection_set, child)
            if selection_set is None:
                return self._lacks(coordinate, lacks or [f"{coordinate} (none of its fields)"], because=lacks)
        return (
            FieldNode(
                alias=node.alias,
                name=node.name,
                arguments=arguments,
                directives=node.directives,
                selection_set=selection_set,
            ),
            [],
        )

    def _lacks(
        self, coordinate: str, lacks: list[str], because: list[str] | None = None
    ) -> tuple[None, list[str]]:
        """Leave out an optional field (recording why), or hand what it lacks to its parent."""
        if coordinate in self.required:
            return None, lacks
        if because:
            self.missing.append(f"{coordinate} (needs {', '.join(because)})")
        else:
            self.missing.append(coordinate)
        return None, []

    def _inline_fragment(
        self, node: InlineFragmentNode, parent: FieldType
    ) -> tuple[InlineFragmentNode | None, list[str]]:
        if node.type_condition is None:
            condition: FieldType = parent
        else:
            wanted = node.type_condition.name.value
            kind = self.schema.get_type(wanted)
            if kind is None and (old := RENAMED_TYPES.get(wanted)) and self.schema.get_type(old) is not None:
                kind = self.schema.get_type(old)
                self.renamed.append(f"{wanted} ← {old}")
            if not isinstance(kind, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType):
                self.missing.append(wanted)
                return None, []
            condition = kind
        selection_set, lacks = self.selection_set(node.selection_set, condition)
        if selection_set is None:
            return (
                None,
                lacks,
            )  # what it lacks is required of its parent; else only optional fields were left out
        return (
            InlineFragmentNode(
                type_condition=NamedTypeNode(name=NameNode(value=condition.name)),
                directives=node.directives,
                selection_set=selection_set,
            ),
            [],
        )

    def _arguments(
        self, node: FieldNode, definition: GraphQLField, coordinate: str
    ) -> tuple[ArgumentNode, ...]:
        kept = []
        for argument in node.arguments or ():
            name = argument.name.value
            if name not in definition.args:
                self.missing.append(f"{coordinate}({name}:)")
                continue
            enum = get_named_type(definition.args[name].type)
            if isinstance(enum, GraphQLEnumType) and isinstance(
                argument.value, ListValueNode | EnumValueNode
            ):
                fitted = self._enum_values(argument, enum, coordinate)
                if fitted is None:
                    continue
                argument = fitted
            kept.append(argument)
        return tuple(kept)

    def _enum_values(
        self, argument: ArgumentNode, enum: GraphQLEnumType, coordinate: str
    ) -> ArgumentNode | None:
        values = argument.value.values if isinstance(argument.value, ListValueNode) else (argument.value,)
        chosen = []
        for value in values:
            if not isinstance(value, EnumValueNode):
                return argument
            offered = [v for v in (value.value, *SORT_ALTERNATIVES.get(value.value, ())) if v in enum.values]
            if not offered:
                self.missing.append(f"{enum.name}.{value.value}")
                continue
            if offered[0] != value.value:
                self.renamed.append(f"{enum.name}.{value.value} ← {offered[0]}")
            chosen.append(EnumValueNode(value=offered[0]))
        if not chosen:
            self.missing.append(f"{coordinate}({argument.name.value}:)")
            return None
        return ArgumentNode(name=argument.name, value=ListValueNode(values=tuple(chosen)))


def _fields(kind: FieldType) -> dict[str, GraphQLField]:
    return {} if isinstance(kind, GraphQLUnionType) else kind.fields


def _flat(selections: Iterable[object]) -> Iterable[object]:
    for selection in selections:
        if isinstance(selection, InlineFragmentNode):
            yield from _flat(selection.selection_set.selections)
        else:
            yield selection


class _SpreadInliner(Visitor):
    def __init__(self, fragments: dict[str, FragmentDefinitionNode]) -> None:
        super().__init__()
        self.fragments = fragments

    def enter_fragment_spread(self, node: FragmentSpreadNode, *_: object) -> InlineFragmentNode:
        fragment = self.fragments[node.name.value]
        return InlineFragmentNode(
            type_condition=fragment.type_condition, directives=(), selection_set=fragment.selection_set
        )


def _inline_fragments(document: DocumentNode) -> OperationDefinitionNode:
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) != 1:
        raise ValueError("a query document holds exactly one operation")
    inlined = visit(operations[0], _SpreadInliner(fragments))
    assert isinstance(inlined, OperationDefinitionNode)
    return inlined


class _VariableUses(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.used: set[str] = set()

    def enter_variable(self, node: VariableNode, *_: object) -> None:
        self.used.add(node.name.value)


def _without_unused_variables(operation: OperationDefinitionNode) -> OperationDefinitionNode:
    uses = _VariableUses()
    visit(operation.selection_set, uses)
    definitions = tuple(d for d in operation.variable_definitions or () if d.variable.name.value in uses.used)
    return OperationDefinitionNode(
        operation=operation.operation,
        name=operation.name,
        variable_definitions=definitions,
        directives=operation.directives,
        selection_set=operation.selection_set,
    )


def fit_query(schema: GraphQLSchema, name: str, text: str, required: frozenset[str]) -> FittedQuery:
    """`text` as this instance can answer it; CentraSchemaError naming every required field it lacks."""
    operation = _inline_fragments(parse(text))
    root = schema.get_root_type(operation.operation)
    if root is None:
        raise CentraSchemaError(f"{name}: the instance's schema has no {operation.operation.value} type")
    fit = _Fit(schema, required | {f"{root.name}.{f.name.value}" for f in _root_fields(operation)})
    selection_set, lacking = fit.selection_set(operation.selection_set, root)
    if selection_set is None:
        raise CentraSchemaError(
            f"{name}: the instance's schema lacks required {', '.join(sorted(set(lacking)))}"
        )
    fitted = _without_unused_variables(
        OperationDefinitionNode(
            operation=operation.operation,
            name=operation.name,
            variable_definitions=operation.variable_definitions,
            directives=operation.directives,
            selection_set=selection_set,
        )
    )
    document = DocumentNode(definitions=(fitted,))
    if errors := validate(schema, document):
        raise CentraSchemaError(f"{name}: {'; '.join(error.message for error in errors)}")
    return FittedQuery(
        name, print_ast(document), tuple(dict.fromkeys(fit.missing)), tuple(dict.fromkeys(fit.renamed))
    )


def _root_fields(operation: OperationDefinitionNode) -> list[FieldNode]:
    return [s for s in operation.selection_set.selections if isinstance(s, FieldNode)]
