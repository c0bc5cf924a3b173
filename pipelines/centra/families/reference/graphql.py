"""The `reference` family: stores, markets, pricelists, currencies, countries, warehouses, brands,
collections and sizes.

Small tables that change rarely (Centra advises caching them, docs/centra-api-reference.md §A9): each is read whole, in one
request, every run and replaces its table, so a market or brand deleted in Centra disappears here too. One
query and one resource per table, so a token without, say, `Market:read` still loads the others.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import dlt
from dlt.extract.resource import DltResource

from pipelines.centra.capabilities import Capabilities
from pipelines.centra.families.denied import unless_denied
from pipelines.centra.families.family import GraphQLPart, fixed
from pipelines.centra.graphql_client import CentraGraphQLClient
from pipelines.centra.mapping import optional_int, optional_text
from pipelines.centra.pruning import AdaptiveQuery
from pipelines.centra.tables import (
    BRANDS,
    COLLECTIONS,
    COUNTRIES,
    CURRENCIES,
    MARKETS,
    PRICELISTS,
    SIZES,
    SOURCE_API,
    STORES,
    WAREHOUSES,
    TableSpec,
)

Row = dict[str, Any]
GRAPHQL = "graphql"


def _id(node: Any) -> int | None:
    return None if node is None else optional_int(node.get("id"))


def _code(node: Any) -> str | None:
    return None if node is None else optional_text(node.get("code"))


def _country_codes(countries: list[Row] | None) -> list[str] | None:
    """Sorted, so an unchanged assignment loads identical JSON; None when the field was not readable."""
    return None if countries is None else sorted(country["code"] for country in countries)


def _store(node: Row) -> list[Row]:
    return [{"store_id": node["id"], "name": node["name"], "store_type": node["type"]}]


def _market(node: Row) -> list[Row]:
    return [
        {
            "market_id": node["id"],
            "name": node["name"],
            "store_id": _id(node.get("store")),
            "country_codes": _country_codes(node.get("assignedToCountries")),
        }
    ]


def _pricelist(node: Row) -> list[Row]:
    return [
        {
            "pricelist_id": node["id"],
            "name": node["name"],
            "status": node.get("status"),
            "currency_code": _code(node.get("currency")),
            "store_id": _id(node.get("store")),
            "country_codes": _country_codes(node.get("assignedToCountries")),
        }
    ]


def _currency(node: Row) -> list[Row]:
    return [
        {
            "currency_code": node["code"],
            "currency_id": optional_int(node.get("id")),
            "name": node.get("name"),
            "is_base": node.get("isBase"),
        }
    ]


def _country(node: Row) -> list[Row]:
    return [
        {
            "country_code": node["code"],
            "country_id": optional_int(node.get("id")),
            "name": node.get("name"),
            "continent": optional_text(node.get("continent")),
            "is_eu": node.get("isEU"),
        }
    ]


def _warehouse(node: Row) -> list[Row]:
    return [
        {
            "warehouse_id": node["id"],
            "name": node["name"],
            "status": node.get("status"),
            "country_code": _code(node.get("country")),
            "threshold": node.get("threshold"),
        }
    ]


def _brand(node: Row) -> list[Row]:
    return [{"brand_id": node["id"], "name": node["name"]}]


def _collection(node: Row) -> list[Row]:
    return [{"collection_id": node["id"], "name": node["name"], "status": node.get("status")}]


def _sizes(chart: Row) -> list[Row]:
    return [
        {
            "size_id": size["id"],
            "size_chart_id": chart["id"],
            "size_chart_name": chart["name"],
            "name": size["name"],
        }
        for size in chart.get("sizes") or []
    ]


@dataclass(frozen=True)
class ReferenceTable:
    spec: TableSpec
    query: str  # the family's queries/<query>.graphql, whose one root field is the list
    rows: Callable[[Row], list[Row]]  # one node of the list -> its rows (a size chart gives one per size)


REFERENCE_TABLES = (
    ReferenceTable(STORES, "stores", _store),
    ReferenceTable(MARKETS, "markets", _market),
    ReferenceTable(PRICELISTS, "pricelists", _pricelist),
    ReferenceTable(CURRENCIES, "currencies", _currency),
    ReferenceTable(COUNTRIES, "countries", _country),
    ReferenceTable(WAREHOUSES, "warehouses", _warehouse),
    ReferenceTable(BRANDS, "brands", _brand),
    ReferenceTable(COLLECTIONS, "collections", _collection),
    ReferenceTable(SIZES, "size_charts", _sizes),
)


def reference_rows(client: CentraGraphQLClient, query: AdaptiveQuery, table: ReferenceTable) -> list[Row]:
    (nodes,) = query.execute(client).data.values()
    return [{**row, SOURCE_API: GRAPHQL} for node in nodes for row in table.rows(node)]


# Keys and names every reference table is read by; other fields load NULL where the instance lacks them.
REQUIRED = frozenset(
    {
        "Store.id", "Store.name", "Store.type", "Market.id", "Market.name", "Pricelist.id", "Pricelist.name",
        "Currency.code", "Country.code", "Warehouse.id", "Warehouse.name", "Brand.id", "Brand.name",
        "Collection.id", "Collection.name", "SizeChart.id", "SizeChart.name", "SizeChart.sizes", "Size.id", "Size.name",
    }
)  # fmt: skip


def reference_resource(
    client: CentraGraphQLClient, table: ReferenceTable, capabilities: Capabilities
) -> DltResource:
    query = AdaptiveQuery(table.query, capabilities.query(table.query, REQUIRED))

    def read() -> Iterator[list[Row]]:
        yield reference_rows(client, query, table)

    def rows() -> Iterator[list[Row]]:
        yield from unless_denied(table.spec.name, read())

    return dlt.resource(rows, name=table.spec.name, **table.spec.resource_hints())


PART = GraphQLPart(
    "reference",
    REQUIRED,
    fixed(*(table.query for table in REFERENCE_TABLES)),
    lambda client, settings, caps: [reference_resource(client, table, caps) for table in REFERENCE_TABLES],
)
