"""The `accounts` and `buyers` resources: the wholesale side.

Where the instance has the root `accounts` list (its fields are documented, docs/centra-api-reference.md §A8.4) both are read in full
every run: buyers through their accounts, in a document of their own, so that a token without `Buyer:read`
still loads the accounts (and one without `Account:read` loads neither). `Account.buyers` is only our
sandbox's; where the schema lacks it, or lacks the root `accounts` altogether, they come from the wholesale
orders that name them (`WholesaleOrder.account` / `buyer`, §A8.1): every order since `start_date` on the
first run, then those created within `order_lookback_days` of the newest seen. An account no order names
yet is then not loaded, and one whose details change without a new order keeps its old details until a
reconcile run: the run summary lists the missing fields that cause this.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

import dlt
from dlt.extract.resource import DltResource

from pipelines.centra.capabilities import Capabilities
from pipelines.centra.families.customers.graphql_rows import account_row, buyer_rows
from pipelines.centra.families.denied import unless_denied
from pipelines.centra.families.family import GraphQLPart
from pipelines.centra.graphql_client import CentraGraphQLClient
from pipelines.centra.mapping import shop_time, utc_timestamp
from pipelines.centra.paging import MAX_PAGE, PageSizer, walk_offset_pages
from pipelines.centra.pruning import AdaptiveQuery
from pipelines.centra.reconcile import repairs
from pipelines.centra.settings import CentraSettings
from pipelines.centra.tables import ACCOUNTS, BUYERS, TableSpec

Row = dict[str, Any]
ACCOUNTS_QUERY, BUYERS_QUERY, FROM_ORDERS_QUERY = "accounts", "buyers", "wholesale_orders"
FROM_ORDERS_MARK = "wholesale_orders_created_max"
REQUIRED = frozenset({"Account.id", "Buyer.id", "Order.number", "Order.createdAt", "WholesaleOrder.account"})


def _from_orders(capabilities: Capabilities) -> tuple[bool, bool]:
    """Whether accounts, and buyers, come from the wholesale orders rather than the `accounts` list."""
    listed = capabilities.has_field("Query", "accounts")
    return not listed, not (listed and capabilities.has_field("Account", "buyers"))


def documents(capabilities: Capabilities, settings: CentraSettings) -> tuple[str, ...]:
    accounts_from_orders, buyers_from_orders = _from_orders(capabilities)
    names = [] if accounts_from_orders else [ACCOUNTS_QUERY]
    if not buyers_from_orders:
        names.append(BUYERS_QUERY)
    if accounts_from_orders or buyers_from_orders:
        names.append(FROM_ORDERS_QUERY)
    return tuple(names)


def account_pages(client: CentraGraphQLClient, query: AdaptiveQuery) -> Iterator[list[Row]]:
    """Every account node the document selects; `limit` is optional on `accounts`, so we page anyway."""

    def fetch(limit: int, page: int) -> tuple[list[Row], int]:
        result = query.execute(client, {"limit": limit, "page": page})
        return result.data["accounts"], result.complexity

    return walk_offset_pages(fetch, PageSizer(client.budget, first=MAX_PAGE), key=lambda node: node["id"])


def wholesale_order_pages(
    client: CentraGraphQLClient, query: AdaptiveQuery, where: dict[str, Any]
) -> Iterator[list[Row]]:
    def fetch(limit: int, page: int) -> tuple[list[Row], int]:
        result = query.execute(client, {"where": where, "limit": limit, "page": page})
        return result.data["orders"], result.complexity

    return walk_offset_pages(fetch, PageSizer(client.budget), key=lambda node: int(node["number"]))


def _listed_resource(
    client: CentraGraphQLClient,
    query: AdaptiveQuery,
    to_rows: Callable[[Row], list[Row]],
    hints: dict[str, Any],
) -> DltResource:
    def read() -> Iterator[list[Row]]:
        repairs.take(dlt.current.source_state(), "accounts")  # the whole list is read: queued ones too
        for nodes in account_pages(client, query):
            yield [row for node in nodes for row in to_rows(node)]

    def rows() -> Iterator[list[Row]]:
        yield from unless_denied(query.name, read())

    return dlt.resource(rows, name=query.name, **hints)


def _from_orders_resource(
    client: CentraGraphQLClient,
    settings: CentraSettings,
    capabilities: Capabilities,
    name: str,
    key: str,
    to_rows: Callable[[Row], list[Row]],
    hints: dict[str, Any],
) -> DltResource:
    """Accounts or buyers (`key` their id column), each once, from the orders created since the mark."""
    query = AdaptiveQuery(FROM_ORDERS_QUERY, capabilities.query(FROM_ORDERS_QUERY, REQUIRED))
    wholesale_only = capabilities.has_input_field(
        "OrderFilter", "notNull"
    )  # §A7: cuts the walk to B2B orders

    def read(state: dict[str, Any]) -> Iterator[list[Row]]:
        mark = state.get(f"{name}_{FROM_ORDERS_MARK}")
        since = settings.start
        if mark is not None and not settings.reconcile:
            since = max(since, datetime.fromisoformat(mark) - timedelta(days=settings.order_lookback_days))
        where: dict[str, Any] = {"createdAt": {"from": shop_time(since, settings.timezone)}}
        if wholesale_only:
            where["notNull"] = ["accountId"]
        newest = mark
        seen: set[int] = set()
        for nodes in wholesale_order_pages(client, query, where):
            rows = []
            for node in nodes:
                created = utc_timestamp(node.get("createdAt"), settings.timezone)
                if created is not None and (newest is None or created > datetime.fromisoformat(newest)):
                    newest = created.isoformat()
                for row in to_rows(node):
                    if row[key] not in seen:
                        seen.add(row[key])
                        rows.append(row)
            if rows:
                yield rows
        if newest is not None:
            state[f"{name}_{FROM_ORDERS_MARK}"] = newest

    def rows() -> Iterator[list[Row]]:
        yield from unless_denied(name, read(dlt.current.source_state()))

    return dlt.resource(rows, name=name, **hints)


def _account_from_order(node: Row, timezone: str) -> list[Row]:
    account = node.get("account")
    return [account_row(account, timezone)] if account else []


def _buyer_from_order(node: Row, timezone: str) -> list[Row]:
    account, buyer = node.get("account"), node.get("buyer")
    return buyer_rows({"id": account["id"], "buyers": [buyer]}, timezone) if account and buyer else []


@dataclass(frozen=True)
class _WholesaleTable:
    spec: TableSpec
    key: str
    query: str  # the instance's own list of it
    from_list: Callable[[Row, str], list[Row]]  # a node of that list -> rows
    from_order: Callable[[Row, str], list[Row]]  # a wholesale order -> rows


def _account_from_list(node: Row, timezone: str) -> list[Row]:
    return [account_row(node, timezone)]


_TABLES = (
    _WholesaleTable(ACCOUNTS, "account_id", ACCOUNTS_QUERY, _account_from_list, _account_from_order),
    _WholesaleTable(BUYERS, "buyer_id", BUYERS_QUERY, buyer_rows, _buyer_from_order),
)


def _in_zone(rows: Callable[[Row, str], list[Row]], timezone: str, node: Row) -> list[Row]:
    return rows(node, timezone)


def wholesale_resources(
    client: CentraGraphQLClient, settings: CentraSettings, capabilities: Capabilities
) -> list[DltResource]:
    """The `accounts` and `buyers` resources, each from the list where the instance has one, else from the
    wholesale orders."""
    timezone = settings.timezone
    resources = []
    for table, from_orders in zip(_TABLES, _from_orders(capabilities), strict=True):
        if from_orders:
            resources.append(_from_orders_resource(
                client, settings, capabilities, table.spec.name, table.key,
                partial(_in_zone, table.from_order, timezone), table.spec.resource_hints(),
            ))  # fmt: skip
        else:
            query = AdaptiveQuery(table.query, capabilities.query(table.query, REQUIRED))
            resources.append(_listed_resource(
                client, query, partial(_in_zone, table.from_list, timezone),
                table.spec.resource_hints(),
            ))  # fmt: skip
    return resources


PART = GraphQLPart("wholesale", REQUIRED, documents, wholesale_resources)
