"""Dropping a field the token may not read from a query document, so the rest still loads.

Centra answers a field the token lacks permission for with `null` plus an `errors` entry naming its path
(docs/centra-api-reference.md §A2). The source never loads such nulls as values: it removes the field from the document, warns
with the permission's name, notes it in the resource's state (`families/denied.py`), and asks again; the
column stays NULL and the warning says why.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from graphql import (
    REMOVE,
    SKIP,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    Visitor,
    parse,
    print_ast,
    visit,
)

from pipelines.centra.errors import CentraPermissionError
from pipelines.centra.families.denied import note_refused
from pipelines.centra.graphql_client import CentraGraphQLClient, GraphQLResult

log = logging.getLogger(__name__)


def field_names(path: Sequence[str | int]) -> list[str]:
    """A GraphQL error path without list indexes: `["orders", 0, "customer"]` → `["orders", "customer"]`."""
    return [part for part in path if isinstance(part, str)]


class _FieldRemover(Visitor):
    """Removes the field at a path of names from the operations (fragments are left as they are)."""

    def __init__(self, names: list[str]) -> None:
        super().__init__()
        self.names = names
        self.stack: list[str] = []
        self.removed = False

    def enter_fragment_definition(self, *_: object) -> object:
        return SKIP

    def enter_field(self, node: FieldNode, *_: object) -> object:
        name = (node.alias or node.name).value
        if self.removed:
            return SKIP
        if [*self.stack, name] == self.names:
            self.removed = True
            return REMOVE
        self.stack.append(name)
        return None

    def leave_field(self, *_: object) -> None:
        if self.stack:
            self.stack.pop()


class _SpreadCollector(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.used: set[str] = set()

    def enter_fragment_spread(self, node: FragmentSpreadNode, *_: object) -> None:
        self.used.add(node.name.value)


def prune(query: str, path: Sequence[str | int]) -> str | None:
    """`query` without the field at `path` (and fragments left unused); None when nothing matched or the
    field is a root field (dropping it would leave nothing to load)."""
    names = field_names(path)
    if len(names) < 2:
        return None
    remover = _FieldRemover(names)
    document: DocumentNode = visit(parse(query), remover)
    if not remover.removed:
        return None
    spreads = _SpreadCollector()
    visit(document, spreads)
    kept = tuple(
        d
        for d in document.definitions
        if not isinstance(d, FragmentDefinitionNode) or d.name.value in spreads.used
    )
    return print_ast(DocumentNode(definitions=kept))


class AdaptiveQuery:
    """A query document that loses the fields the token may not read, with a warning for each."""

    def __init__(self, name: str, text: str) -> None:
        self.name = name
        self.text = text
        self.dropped: list[str] = []

    def execute(
        self,
        client: CentraGraphQLClient,
        variables: Mapping[str, Any] | None = None,
        estimate: int | None = None,
    ) -> GraphQLResult:
        while True:
            try:
                return client.execute(self.text, variables, name=self.name, estimated_complexity=estimate)
            except CentraPermissionError as error:
                pruned = self.text
                for path in error.paths:
                    pruned = prune(pruned, path) or pruned
                if pruned == self.text:
                    raise  # a root field: nothing of this query can be read
                fields = sorted({".".join(field_names(path)) for path in error.paths})
                log.warning(
                    "the token lacks %s: %s loads without %s",
                    error.permission or "a permission",
                    self.name,
                    fields,
                )
                self.dropped.extend(fields)
                note_refused(error.permission)
                self.text = pruned
