"""A resource family: the resources one entity family loads, and the query documents they send."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from dlt.extract.resource import DltResource

from pipelines.centra.capabilities import Capabilities
from pipelines.centra.graphql_client import CentraGraphQLClient
from pipelines.centra.settings import CentraSettings

Builder = Callable[[CentraGraphQLClient, CentraSettings, Capabilities], list[DltResource]]


@dataclass(frozen=True)
class ResourceFamily:
    name: str  # what `resources=[...]` and `centra-elt run --resources` call it
    queries: tuple[str, ...]  # graphql/<name>.graphql documents, validated before extracting
    build: Builder
