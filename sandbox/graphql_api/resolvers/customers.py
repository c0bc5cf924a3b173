"""Customers (DTC) and the B2B side: accounts and their buyers."""

from __future__ import annotations

from typing import Any

from ariadne import ObjectType, QueryType
from graphql import GraphQLResolveInfo

from sandbox.graphql_api import views
from sandbox.graphql_api.batching import as_siblings, related_many, related_one
from sandbox.graphql_api.context import RequestContext, context_of
from sandbox.graphql_api.resolvers.reference import by_key, lookup
from sandbox.graphql_api.sql import Where, order_by, paged_sql

Row = dict[str, Any]

CUSTOMER_SORT_COLUMNS = {"id": "id", "updatedAt": "updated_at"}


def customer_where(ctx: RequestContext, where: dict[str, Any] | None) -> Where:
    """`CustomerFilter`; `updatedAt` exists only in the customer_updated_at schema variant.

    Customers are not tied to a store in the sandbox, so a store restriction does not hide them."""
    where = where or {}
    condition = Where().any_of("id", where.get("id")).string_match("email", where.get("email"))
    return condition.time_range("updated_at", where.get("updatedAt"), ctx.timezone)


query = QueryType()


@query.field("customers")
def resolve_customers(
    _: Any,
    info: GraphQLResolveInfo,
    where: dict[str, Any] | None = None,
    sort: list[str] | None = None,
    limit: int = 20,
    page: int = 1,
) -> list[Row]:
    ctx = context_of(info)
    paging = paged_sql(limit, page)
    sort_sql = order_by(sort, CUSTOMER_SORT_COLUMNS, "id ASC")
    return as_siblings(views.select(ctx, views.CUSTOMERS, customer_where(ctx, where), sort_sql, paging))


@query.field("customer")
def resolve_customer(_: Any, info: GraphQLResolveInfo, id: int) -> Row | None:
    rows = views.select(context_of(info), views.CUSTOMERS, Where().equals("id", id))
    return as_siblings(rows)[0] if rows else None


@query.field("accounts")
def resolve_accounts(
    _: Any,
    info: GraphQLResolveInfo,
    where: dict[str, Any] | None = None,
    limit: int | None = None,
    page: int = 1,
) -> list[Row]:
    ctx, where = context_of(info), where or {}
    condition = views.visible_stores(ctx, Where()).any_of("id", where.get("id"))
    condition.equals("status", where.get("status"))
    paging = "" if limit is None else paged_sql(limit, page)
    return as_siblings(views.select(ctx, views.ACCOUNTS, condition, " ORDER BY id", paging))


def count_customers(ctx: RequestContext, where: dict[str, Any] | None) -> int:
    return views.count(ctx, views.CUSTOMERS, customer_where(ctx, where))


def resolve_billing_address(row: Row, info: GraphQLResolveInfo) -> Row:
    parts = ("first_name", "last_name", "address1", "address2", "city", "zip_code", "email", "phone_number")
    address: Row = {part: row.get(part) for part in parts}
    address["state_or_province"] = row.get("state")
    address["country"] = lookup(context_of(info), "countries").get(row.get("country_code"))
    return address


def resolve_last_order(row: Row, info: GraphQLResolveInfo) -> Row | None:
    ctx = context_of(info)

    def fetch(customer_ids: Any) -> list[Row]:
        condition = views.visible_stores(ctx, Where()).any_of("customer_id", customer_ids)
        latest = f"SELECT max(number) FROM ({views.ORDERS}){condition.sql()} GROUP BY customer_id"
        return views.select(ctx, views.ORDERS, Where().add(f"number IN ({latest})", *condition.params))

    return related_one(row, "last_order", "id", "customer_id", fetch)


customer = ObjectType("Customer")
customer.set_field("billingAddress", resolve_billing_address)
customer.set_field("lastOrder", resolve_last_order)

account = ObjectType("Account")
account.set_field("market", by_key("markets", "market_id"))
account.set_field("pricelist", by_key("pricelists", "pricelist_id"))
account.set_field(
    "buyers",
    lambda row, info: related_many(
        row, "buyers", "id", "account_id",
        lambda ids: views.select_in(context_of(info), views.BUYERS, "account_id", ids, " ORDER BY id"),
    ),
)  # fmt: skip

buyer = ObjectType("Buyer")
buyer.set_field(
    "account",
    lambda row, info: related_one(
        row, "account", "account_id", "id",
        lambda ids: views.select_in(context_of(info), views.ACCOUNTS, "id", ids),
    ),
)  # fmt: skip

BINDABLES = [query, customer, account, buyer]
