"""The `accounts` and `buyers` resources: the wholesale side, small enough to read in full every run.

Buyers have no root list; they are read through their accounts, in a document of their own so that a token
without `Buyer:read` still loads the accounts (and one without `Account:read` loads neither).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import dlt
from dlt.extract.resource import DltResource

from pipelines.centra.graphql_client import CentraGraphQLClient
from pipelines.centra.paging import MAX_PAGE, PageSizer
from pipelines.centra.pruning import AdaptiveQuery
from pipelines.centra.queries import query_text
from pipelines.centra.resources.customer_rows import account_row, buyer_rows
from pipelines.centra.resources.denied import unless_denied
from pipelines.centra.resources.offset_walk import walk_offset_pages
from pipelines.centra.settings import CentraSettings
from pipelines.centra.tables import ACCOUNTS, BUYERS

Row = dict[str, Any]


def account_pages(client: CentraGraphQLClient, query: AdaptiveQuery) -> Iterator[list[Row]]:
    """Every account node the document selects; `limit` is optional on `accounts`, so we page anyway."""

    def fetch(limit: int, page: int) -> tuple[list[Row], int]:
        result = query.execute(client, {"limit": limit, "page": page})
        return result.data["accounts"], result.complexity

    return walk_offset_pages(fetch, PageSizer(client.budget, first=MAX_PAGE), key=lambda node: node["id"])


def _wholesale_resource(
    client: CentraGraphQLClient, name: str, to_rows: Callable[[Row], list[Row]], hints: dict[str, Any]
) -> DltResource:
    query = AdaptiveQuery(name, query_text(name))

    def read() -> Iterator[list[Row]]:
        for nodes in account_pages(client, query):
            yield [row for node in nodes for row in to_rows(node)]

    def rows() -> Iterator[list[Row]]:
        yield from unless_denied(name, read())

    return dlt.resource(rows, name=name, **hints)


def accounts_resource(client: CentraGraphQLClient, settings: CentraSettings) -> DltResource:
    def to_rows(node: Row) -> list[Row]:
        return [account_row(node, settings.timezone)]

    return _wholesale_resource(client, "accounts", to_rows, ACCOUNTS.resource_hints())


def buyers_resource(client: CentraGraphQLClient, settings: CentraSettings) -> DltResource:
    def to_rows(node: Row) -> list[Row]:
        return buyer_rows(node, settings.timezone)

    return _wholesale_resource(client, "buyers", to_rows, BUYERS.resource_hints())
