"""What Centra holds, read as cheaply as the instance's schema allows: counts per window, else keys.

Counts, in order of cost (docs/centra-api-reference.md §A5, §A9):
- `counters { orders(where: {createdAt: …}) }` and its siblings (`returns`, and `customers` / `products`
  totals). `counters.orders` is documented; a `where` on it is inferred, so it is used only where the
  schema offers it. Many windows go in one request, one alias each (`w0: orders(where: $w0) …`).
- `orderConnection(where: …) { totalCount }`, aliased the same way (orders only).
- Neither: the window's keys are paged and counted (the caller then has the keys already).
Keys are read with one small document per family (`families/reconciliation/queries/*_keys.graphql`), fitted
to the schema like every query: numbers or ids, nothing else.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from graphql import GraphQLInputObjectType, GraphQLNamedType, GraphQLObjectType, get_named_type

from pipelines.centra.capabilities import Capabilities
from pipelines.centra.graphql_client import CentraGraphQLClient
from pipelines.centra.paging import MAX_PAGE, PageSizer, walk_offset_pages
from pipelines.centra.reconcile.windows import Window

CountMethod = Literal["counters", "total_count", "keys"]
ALIASES_PER_REQUEST = 60  # counts per request: two months of days, or 60 hours
KEY_REQUIRED = frozenset(
    {"Order.number", "Return.id", "Return.order", "Customer.id", "Product.id", "ProductVariant.id",
     "ProductSize.id", "Account.id", "Buyer.id"}
)  # fmt: skip


@dataclass(frozen=True)
class Countable:
    """A family Centra can count: its `Counters` field, the filter field its windows use (None: totals
    only), and the connection whose `totalCount` can stand in for the counter."""

    family: str
    counter: str
    window_field: str | None = "createdAt"
    connection: str | None = None


ORDERS = Countable("orders", "orders", connection="orderConnection")
RETURNS = Countable("returns", "returns")
CUSTOMERS = Countable("customers", "customers", window_field=None)
PRODUCTS = Countable("products", "products", window_field=None)


def count_method(capabilities: Capabilities, countable: Countable) -> CountMethod:
    """The cheapest way this instance offers to count the family's windows."""
    schema = capabilities.schema
    counters = schema.get_type("Counters")
    if isinstance(counters, GraphQLObjectType) and countable.counter in counters.fields:
        if countable.window_field is None:
            return "counters"
        where = counters.fields[countable.counter].args.get("where")
        if where is not None and _has_input(get_named_type(where.type), countable.window_field):
            return "counters"
    query = schema.query_type
    if countable.connection and query is not None and countable.connection in query.fields:
        field = query.fields[countable.connection]
        where = field.args.get("where")
        kind = get_named_type(field.type)
        if (
            where is not None
            and _has_input(get_named_type(where.type), countable.window_field or "")
            and isinstance(kind, GraphQLObjectType)
            and "totalCount" in kind.fields
        ):
            return "total_count"
    return "keys"


def _has_input(kind: GraphQLNamedType, name: str) -> bool:
    return isinstance(kind, GraphQLInputObjectType) and name in kind.fields


def _where_type(capabilities: Capabilities, countable: Countable, method: CountMethod) -> str:
    schema = capabilities.schema
    if method == "counters":
        counters = schema.get_type("Counters")
        assert isinstance(counters, GraphQLObjectType)
        return str(counters.fields[countable.counter].args["where"].type)
    assert schema.query_type is not None
    assert countable.connection is not None
    return str(schema.query_type.fields[countable.connection].args["where"].type)


def count_document(capabilities: Capabilities, countable: Countable, method: CountMethod, size: int) -> str:
    """One request counting `size` windows, alias `w<i>` each (a single `total` without windows)."""
    if countable.window_field is None:
        return f"query ReconcileTotal {{ counters {{ total: {countable.counter} }} }}"
    kind = _where_type(capabilities, countable, method)
    variables = ", ".join(f"$w{i}: {kind}" for i in range(size))
    if method == "counters":
        fields = " ".join(f"w{i}: {countable.counter}(where: $w{i})" for i in range(size))
        return f"query ReconcileCounts({variables}) {{ counters {{ {fields} }} }}"
    fields = " ".join(
        f"w{i}: {countable.connection}(where: $w{i}, first: 1) {{ totalCount }}" for i in range(size)
    )
    return f"query ReconcileTotalCounts({variables}) {{ {fields} }}"


def centra_counts(
    client: CentraGraphQLClient,
    capabilities: Capabilities,
    countable: Countable,
    method: CountMethod,
    windows: Sequence[Window],
    timezone: str,
) -> list[int | None]:
    """Centra's count for each window (`method` "counters" or "total_count"), in batches of aliases.
    None where Centra answered null."""
    if countable.window_field is None:
        data = client.execute(count_document(capabilities, countable, method, 0), name="reconcile_total").data
        return [_int(data["counters"]["total"])] * len(windows)
    counts: list[int | None] = []
    for first in range(0, len(windows), ALIASES_PER_REQUEST):
        batch = windows[first : first + ALIASES_PER_REQUEST]
        document = count_document(capabilities, countable, method, len(batch))
        variables = {
            f"w{i}": window.where(timezone, countable.window_field) for i, window in enumerate(batch)
        }
        data = client.execute(document, variables, name=f"reconcile_counts_{countable.family}").data
        answers = data["counters"] if method == "counters" else data
        for i in range(len(batch)):
            value = answers[f"w{i}"]
            counts.append(_int(value if method == "counters" else (value or {}).get("totalCount")))
    return counts


def _lacks(missing: Sequence[str], coordinate: str) -> bool:
    """Whether fitting left `coordinate` out (entries read `Type.field` or `Type.field (needs …)`)."""
    return any(entry.split(" ")[0] == coordinate for entry in missing)


def _int(value: Any) -> int | None:
    return int(value) if value is not None else None


def _pages(
    client: CentraGraphQLClient, query: str, name: str, root: str, variables: dict[str, Any], key: str
) -> Iterator[list[dict[str, Any]]]:
    def fetch(limit: int, page: int) -> tuple[list[dict[str, Any]], int]:
        result = client.execute(query, {**variables, "limit": limit, "page": page}, name=name)
        return result.data[root], result.complexity

    return walk_offset_pages(fetch, PageSizer(client.budget, first=MAX_PAGE), key=lambda row: row[key])


def order_numbers(
    client: CentraGraphQLClient, capabilities: Capabilities, window: Window, timezone: str
) -> set[int]:
    query = capabilities.query("order_keys", KEY_REQUIRED)
    where = {"where": window.where(timezone)}
    return {int(row["number"]) for page in _pages(client, query, "order_keys", "orders", where, "number")
            for row in page}  # fmt: skip


def return_keys(
    client: CentraGraphQLClient, capabilities: Capabilities, window: Window, timezone: str
) -> dict[int, int]:
    """Return id → its order's number, for the returns created in `window`."""
    query = capabilities.query("return_keys", KEY_REQUIRED)
    where = {"where": window.where(timezone)}
    return {
        int(row["id"]): int(row["order"]["number"])
        for page in _pages(client, query, "return_keys", "returns", where, "id")
        for row in page
        if row.get("order")
    }


def customer_ids(client: CentraGraphQLClient, capabilities: Capabilities) -> set[int]:
    query = capabilities.query("customer_keys", KEY_REQUIRED)
    return {int(row["id"]) for page in _pages(client, query, "customer_keys", "customers", {}, "id")
            for row in page}  # fmt: skip


@dataclass
class CatalogKeys:
    products: set[int]
    variants: dict[int, int]  # variant id -> product id
    sizes: dict[int, int]  # size id -> variant id
    has_variants: bool  # the schema let the walk read variants (and sizes) too


def catalog_keys(client: CentraGraphQLClient, capabilities: Capabilities) -> CatalogKeys:
    fitted = capabilities.fit("catalog_keys", KEY_REQUIRED)
    keys = CatalogKeys(set(), {}, {}, not _lacks(fitted.missing, "Product.variants"))
    for page in _pages(client, fitted.text, "catalog_keys", "products", {}, "id"):
        for product in page:
            keys.products.add(int(product["id"]))
            for variant in product.get("variants") or []:
                keys.variants[int(variant["id"])] = int(product["id"])
                for size in variant.get("productSizes") or []:
                    keys.sizes[int(size["id"])] = int(variant["id"])
    return keys


@dataclass
class AccountKeys:
    accounts: set[int]
    buyers: dict[int, int]  # buyer id -> account id
    has_buyers: bool


def account_keys(client: CentraGraphQLClient, capabilities: Capabilities) -> AccountKeys | None:
    """Every account and buyer id, or None where the instance has no root `accounts` list."""
    if not capabilities.has_field("Query", "accounts"):
        return None
    fitted = capabilities.fit("account_keys", KEY_REQUIRED)
    keys = AccountKeys(set(), {}, not _lacks(fitted.missing, "Account.buyers"))
    for page in _pages(client, fitted.text, "account_keys", "accounts", {}, "id"):
        for account in page:
            keys.accounts.add(int(account["id"]))
            for buyer in account.get("buyers") or []:
                keys.buyers[int(buyer["id"])] = int(account["id"])
    return keys
