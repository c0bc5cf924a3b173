"""Reference data (stores, markets, pricelists, currencies, countries, brands, collections, size charts,
warehouses): small tables, loaded whole once per request and looked up by key."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from ariadne import ObjectType, QueryType
from graphql import GraphQLResolveInfo

from sandbox.graphql_api.batching import as_siblings
from sandbox.graphql_api.context import RequestContext, context_of
from sandbox.graphql_api.fields import currencies_by_code
from sandbox.graphql_api.sql import Where, order_by

Row = dict[str, Any]

REFERENCE_SQL = {
    "stores": "SELECT store_id AS id, name, type FROM stores",
    "markets": "SELECT market_id AS id, name, comment, store_id FROM markets",
    "pricelists": "SELECT pricelist_id AS id, name, status, currency_code, store_id FROM pricelists",
    "countries": "SELECT country_id AS id, code, name, continent, is_eu FROM countries",
    "brands": "SELECT brand_id AS id, name FROM brands",
    "collections": "SELECT collection_id AS id, name, status FROM collections",
    "size_charts": "SELECT size_chart_id AS id, name FROM size_charts",
    "sizes": "SELECT size_id AS id, name, size_chart_id, sort_order FROM sizes",
    "warehouses": "SELECT warehouse_id AS id, name, status, country_code, threshold FROM warehouses",
}


def lookup(ctx: RequestContext, table: str) -> dict[Any, Row]:
    """The whole table by id (countries by code), loaded once per request."""
    key = "code" if table == "countries" else "id"
    sql = f"SELECT * FROM ({REFERENCE_SQL[table]}) ORDER BY id"
    return ctx.cached(f"ref:{table}", lambda: {row[key]: row for row in ctx.store.rows(sql)})


def countries_of(ctx: RequestContext, table: str, key_column: str) -> dict[int, list[Row]]:
    """Countries assigned to each market or pricelist."""

    def load() -> dict[int, list[Row]]:
        countries = lookup(ctx, "countries")
        assigned: dict[int, list[Row]] = defaultdict(list)
        for link in ctx.store.rows(f"SELECT * FROM {table} ORDER BY {key_column}, country_code"):
            if link["country_code"] in countries:
                assigned[link[key_column]].append(countries[link["country_code"]])
        return assigned

    return ctx.cached(f"ref:{table}", load)


def _listed(ctx: RequestContext, table: str, where: Where, sort: list[str] | None = None) -> list[Row]:
    columns = {"id": "id", "name": "name"}
    sql = f"SELECT * FROM ({REFERENCE_SQL[table]}){where.sql()}{order_by(sort, columns, 'id ASC')}"
    return as_siblings(ctx.store.rows(sql, where.params))


def _store_scoped(ctx: RequestContext) -> Where:
    return Where().equals("store_id", ctx.store_restriction)


query = QueryType()


@query.field("stores")
def resolve_stores(_: Any, info: GraphQLResolveInfo, where: dict[str, Any] | None = None) -> list[Row]:
    ctx, where = context_of(info), where or {}
    condition = Where().equals("id", ctx.store_restriction).any_of("id", where.get("id"))
    return _listed(ctx, "stores", condition.equals("type", where.get("type")))


@query.field("markets")
def resolve_markets(
    _: Any, info: GraphQLResolveInfo, where: dict[str, Any] | None = None, sort: list[str] | None = None
) -> list[Row]:
    ctx, where = context_of(info), where or {}
    condition = _store_scoped(ctx).any_of("id", where.get("id")).any_of("store_id", where.get("storeId"))
    return _listed(ctx, "markets", condition.string_match("name", where.get("name")), sort)


@query.field("market")
def resolve_market(_: Any, info: GraphQLResolveInfo, id: int) -> Row | None:
    ctx = context_of(info)
    rows = _listed(ctx, "markets", _store_scoped(ctx).equals("id", id))
    return rows[0] if rows else None


@query.field("pricelists")
def resolve_pricelists(
    _: Any, info: GraphQLResolveInfo, where: dict[str, Any] | None = None, sort: list[str] | None = None
) -> list[Row]:
    ctx, where = context_of(info), where or {}
    condition = _store_scoped(ctx).any_of("id", where.get("id")).any_of("store_id", where.get("storeId"))
    return _listed(ctx, "pricelists", condition.string_match("name", where.get("name")), sort)


@query.field("currencies")
def resolve_currencies(_: Any, info: GraphQLResolveInfo, where: dict[str, Any] | None = None) -> list[Row]:
    where = where or {}
    rows = list(currencies_by_code(context_of(info)).values())
    if where.get("isBase") is not None:
        rows = [row for row in rows if row["is_base"] == where["isBase"]]
    if where.get("code") is not None:
        rows = [row for row in rows if row["code"] in where["code"]]
    return rows


@query.field("countries")
def resolve_countries(_: Any, info: GraphQLResolveInfo, where: dict[str, Any] | None = None) -> list[Row]:
    where = where or {}
    condition = Where().any_of("code", where.get("code")).equals("is_eu", where.get("isEU"))
    return _listed(context_of(info), "countries", condition)


@query.field("brands")
def resolve_brands(_: Any, info: GraphQLResolveInfo, where: dict[str, Any] | None = None) -> list[Row]:
    where = where or {}
    condition = Where().any_of("id", where.get("id")).string_match("name", where.get("name"))
    return _listed(context_of(info), "brands", condition)


@query.field("collections")
def resolve_collections(_: Any, info: GraphQLResolveInfo) -> list[Row]:
    return _listed(context_of(info), "collections", Where())


@query.field("sizeCharts")
def resolve_size_charts(_: Any, info: GraphQLResolveInfo) -> list[Row]:
    return _listed(context_of(info), "size_charts", Where())


@query.field("warehouses")
def resolve_warehouses(
    _: Any, info: GraphQLResolveInfo, where: dict[str, Any] | None = None, sort: list[str] | None = None
) -> list[Row]:
    where = where or {}
    condition = Where().any_of("id", where.get("id")).string_match("name", where.get("name"))
    return _listed(context_of(info), "warehouses", condition.equals("status", where.get("status")), sort)


def by_key(table: str, column: str) -> Any:
    def resolve(row: Row, info: GraphQLResolveInfo) -> Row | None:
        return lookup(context_of(info), table).get(row.get(column))

    return resolve


market = ObjectType("Market")
market.set_field("store", by_key("stores", "store_id"))
market.set_field(
    "assignedToCountries",
    lambda row, info: countries_of(context_of(info), "market_countries", "market_id")[row["id"]],
)

pricelist = ObjectType("Pricelist")
pricelist.set_field("store", by_key("stores", "store_id"))
pricelist.set_field("currency", lambda row, info: currencies_by_code(context_of(info))[row["currency_code"]])
pricelist.set_field(
    "assignedToCountries",
    lambda row, info: countries_of(context_of(info), "pricelist_countries", "pricelist_id")[row["id"]],
)

country = ObjectType("Country")
country.set_field("states", lambda row, info: [])

size_chart = ObjectType("SizeChart")
size_chart.set_field(
    "sizes",
    lambda row, info: sorted(
        (size for size in lookup(context_of(info), "sizes").values() if size["size_chart_id"] == row["id"]),
        key=lambda size: (size["sort_order"], size["id"]),
    ),
)

warehouse = ObjectType("Warehouse")
warehouse.set_field("country", by_key("countries", "country_code"))

BINDABLES = [query, market, pricelist, country, size_chart, warehouse]
