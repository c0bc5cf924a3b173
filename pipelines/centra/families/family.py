"""The one shape every family has: what it loads through each API, what it needs, how a run asks for it.

A family is a package under `pipelines/centra/families/` whose `__init__` exposes `FAMILY`, a `Family`:
- its GraphQL side: the query documents it sends (`documents`, in its `queries/` folder), the fields it can
  not do without (`required`; every other field it asks for is optional and left out where the instance
  lacks it), and `graphql`, which builds its dlt resources;
- its Order API side: `order_api` builds its resources from the REST Order API (None: no endpoint for it);
- `probe`: the permission its main list needs and a one-row query that needs exactly that, asked before a
  run when the Order API could serve the family instead;
- `doctor_probes`: the documents `centra-elt doctor` sends, one row each, to learn which permissions the
  family's queries need;
- `alongside_order_api`: a part that still comes from GraphQL when the Order API serves the family (the
  customers family's wholesale accounts and buyers, which the Order API does not list);
- `order_api_cannot_fill`: the canonical columns an Order API row leaves NULL, table by table
  (tests/pipelines/test_families.py checks the list against what its rows really hold).
Its watermarks live in its own modules, in the dlt state of its resources.

`families/__init__.py` lists every family once, in load order; the source, the flow, `api_choice` and the
doctor read that registry.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from dlt.extract.resource import DltResource

from pipelines.centra.capabilities import Capabilities
from pipelines.centra.graphql_client import CentraGraphQLClient
from pipelines.centra.order_api_client import CentraOrderApiClient
from pipelines.centra.settings import CentraSettings

GraphQLBuilder = Callable[[CentraGraphQLClient, CentraSettings, Capabilities], list[DltResource]]
OrderApiBuilder = Callable[[CentraOrderApiClient, CentraSettings], list[DltResource]]
Documents = Callable[[Capabilities, CentraSettings], tuple[str, ...]]
ONE_ROW: Mapping[str, Any] = {"limit": 1, "page": 1}  # variables of a one-row page


@dataclass(frozen=True)
class PermissionProbe:
    permission: str  # as Centra names it, e.g. "Order:read"
    query: str  # one row of the family's main list: refused exactly when the permission is missing


@dataclass(frozen=True)
class GraphQLPart:
    """What a family reads from GraphQL: the documents it sends, what it needs, and its resources."""

    name: str  # the name the schema fit reports under
    required: frozenset[str]  # `Type.field` it can not do without
    documents: Documents  # the queries/<name>.graphql documents a run sends, fitted before extracting
    build: GraphQLBuilder

    def fit(self, capabilities: Capabilities, settings: CentraSettings) -> list[str]:
        """Fit this run's documents to the instance: the optional fields it lacks (CentraSchemaError
        naming the required ones it lacks)."""
        return capabilities.fit_family(self.name, self.documents(capabilities, settings), self.required)


@dataclass(frozen=True)
class Family:
    name: str  # what `resources=[...]` and `centra-elt run --resources` call it
    graphql: GraphQLPart
    order_api: OrderApiBuilder | None = None
    probe: PermissionProbe | None = None
    doctor_probes: tuple[tuple[str, Mapping[str, Any]], ...] = ()  # (document, one-row variables)
    alongside_order_api: GraphQLPart | None = None
    order_api_cannot_fill: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    by_default: bool = True  # loaded when a run names no family (reconciliation runs after the others)

    @property
    def required(self) -> frozenset[str]:
        return self.graphql.required

    def documents(self, capabilities: Capabilities, settings: CentraSettings) -> tuple[str, ...]:
        return self.graphql.documents(capabilities, settings)

    def fit(self, capabilities: Capabilities, settings: CentraSettings) -> list[str]:
        return self.graphql.fit(capabilities, settings)

    def build(
        self, client: CentraGraphQLClient, settings: CentraSettings, capabilities: Capabilities
    ) -> list[DltResource]:
        return self.graphql.build(client, settings, capabilities)


def fixed(*names: str) -> Documents:
    """Documents that do not depend on the instance."""
    return lambda capabilities, settings: names
