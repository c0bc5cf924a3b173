"""A resource family: the resources one entity family loads, the query documents they send, and which of
the fields those ask for it can not do without."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from dlt.extract.resource import DltResource

from pipelines.centra.capabilities import Capabilities
from pipelines.centra.graphql_client import CentraGraphQLClient
from pipelines.centra.settings import CentraSettings

Builder = Callable[[CentraGraphQLClient, CentraSettings, Capabilities], list[DltResource]]
Documents = Callable[[Capabilities, CentraSettings], tuple[str, ...]]


@dataclass(frozen=True)
class ResourceFamily:
    name: str  # what `resources=[...]` and `centra-elt run --resources` call it
    required: frozenset[str]  # `Type.field` it can not do without; every other field it asks for is optional
    documents: Documents  # the graphql/<name>.graphql documents a run sends, fitted before extracting
    build: Builder

    def fit(self, capabilities: Capabilities, settings: CentraSettings) -> list[str]:
        """Fit this run's documents to the instance: the optional fields it lacks (CentraSchemaError
        naming the required ones it lacks)."""
        return capabilities.fit_family(self.name, self.documents(capabilities, settings), self.required)


def fixed(*names: str) -> Documents:
    """Documents that do not depend on the instance."""
    return lambda capabilities, settings: names
