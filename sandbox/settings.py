"""Every knob of the sandbox: dataset size, credentials, and the variants of Centra behaviour that its
documentation leaves open (docs/centra-api-reference.md §E). Tests build a `SandboxSettings` and hand it to the server."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

UnknownTokenResponse = Literal["http_401", "graphql_200"]
RetryAfterFormat = Literal["seconds", "http_date", "epoch", "iso8601"]
RateLimitBody = Literal["json", "text"]
# What an anonymized customer looks like (generator/anonymization.py; Centra does not document it).
AnonymizationStyle = Literal["null", "blank", "placeholder", "hashed", "anonymous"]

DEFAULT_NOW = datetime(2026, 11, 1, 9, 0, 0, tzinfo=UTC)

READ_PERMISSIONS: frozenset[str] = frozenset(
    {
        "Account:read", "Attribute:read", "Brand:read", "Buyer:read", "Collection:read", "Country:read",
        "Currency:read", "Customer:read", "Customer.attributes:read", "Display:read", "Market:read",
        "Order:read", "Order.billingAddress:read", "Order.internalComment:read", "Order.shippingAddress:read",
        "PaymentHistory:read", "Pricelist:read", "Product:read", "ProductSize:read",
        "ProductSize.stockTotals:read", "ProductVariant:read", "ProductVariant.stock:read",
        "ProductVariant.stockTotals:read", "Return:read", "Shipment:read", "SizeChart:read", "Store:read",
        "Warehouse:read", "Warehouse.stock:read", "Event:read", "Event:write",
    }
)  # fmt: skip


@dataclass(frozen=True)
class TokenSpec:
    """One Integration API token as AMS would hold it."""

    token: str
    permissions: frozenset[str] = READ_PERMISSIONS
    integration_name: str = "centra-elt"
    expires_at: datetime | None = None  # sandbox-clock time; None = never
    store_id: int | None = None  # a store-restricted token sees only this store's objects
    revoked: bool = False


@dataclass
class RateLimitQuotas:
    """Token-bucket sizes; defaults are the docs.centra.com example column of docs/centra-api-reference.md §A9."""

    request_10s: int = 20
    request_1h: int = 10_000
    complexity_10s: int = 150_000
    complexity_1h: int = 20_000_000
    mutation_10s: int = 100
    mutation_1h: int = 1_000


# Quotas no client would pace itself to (GraphQL's Int is 32-bit: 2e9 is about the most `rateLimits` can
# report): for the demo, data tests and the quotas-off benchmarks, where Centra's limits are not the subject.
NON_BINDING_QUOTAS = RateLimitQuotas(
    request_10s=2 * 10**9, request_1h=2 * 10**9, complexity_10s=2 * 10**9, complexity_1h=2 * 10**9,
    mutation_10s=2 * 10**9, mutation_1h=2 * 10**9,
)  # fmt: skip


@dataclass
class OrderApiPluginSettings:
    """What the Order API plugin in AMS is configured to show (docs/centra-api-reference.md §B2)."""

    plugin_uri: str = "order-api"
    market_ids: frozenset[int] | None = None  # None: every market
    statuses: frozenset[str] = frozenset(
        {"PENDING", "CONFIRMED", "PROCESSING", "SHIPPED", "CANCELLED", "ARCHIVED"}
    )
    include_on_hold: bool = False  # "Return on hold / waiting for payment orders" (off in Centra by default)
    disabled_endpoints: frozenset[str] = frozenset()  # e.g. {"customers"} -> 403 {"status":"Not Allowed"}


@dataclass
class SandboxSettings:
    seed: int = 1
    orders: int = 20_000
    timezone: str = "Europe/Stockholm"
    now: datetime = DEFAULT_NOW  # the instance clock at start; the dataset ends here
    clock_follows_real_time: bool = True  # False: the clock moves only when advanced (deterministic tests)
    # The shape of the seeded shop (change sets still add what they are asked for, e.g. a first return).
    returns_enabled: bool = True  # False: no returns at all (a young shop)
    wholesale_enabled: bool = True  # False: no wholesale accounts, buyers or orders (DTC only)
    quiet_days: int = 0  # no orders placed in the last N days before `now` (a quiet shop, a holiday)
    history_days: int = 730  # the orders span this many days up to `now` (two years)
    anonymization_style: AnonymizationStyle = "null"  # personal data of anonymized customers: NULL, "", ...

    graphql_token: str = "sandbox-token"
    order_api_key: str = "sandbox-key"
    extra_tokens: tuple[TokenSpec, ...] = ()
    unknown_token_response: UnknownTokenResponse = "http_401"

    rate_limits_enabled: bool = True
    quotas: RateLimitQuotas = field(default_factory=RateLimitQuotas)
    retry_after_format: RetryAfterFormat = "seconds"
    rate_limit_body: RateLimitBody = "json"  # 429 body: GraphQL-style errors JSON, or plain text

    order_updated_at: bool = False  # OrderFilter.updatedAt and OrderSort updatedAt_ASC/DESC exist
    customer_updated_at: bool = False  # Customer.updatedAt, CustomerFilter.updatedAt exist
    events_enabled: bool = False  # Centra switched the events system on for this instance
    app_version: str | None = "v0.32.3"  # None: extensions carry no appVersion
    legacy_catalog_offsets: bool = True  # product/variant timestamps as +0100 (no colon), like the PIM docs

    order_api: OrderApiPluginSettings = field(default_factory=OrderApiPluginSettings)

    # Schema drift (graphql_api/schema.py): an instance on another API version than the one we know.
    removed_fields: frozenset[str] = frozenset()  # "Type.field" left out of the schema, e.g. "Order.status"
    renamed_enum_values: frozenset[tuple[str, str, str]] = frozenset()  # (enum, old, new): served as new
    added_fields: frozenset[str] = frozenset()  # "Type.field": a new nullable String field, always null
    max_limit: int = 200  # the highest `limit` GraphQL accepts; above it "Limit must be in range 1 - N."
    # The whole schema (graphql_api/variants.py): only the documented core the pipeline needs (no
    # orderConnection, accounts, events, mutations or undocumented fields), and the older names of renamed
    # fields (ProductSize.GTIN, Customer.sex, AppliedDiscount.discount) instead of the current ones.
    minimal_schema: bool = False
    legacy_names: bool = False
    # `counters { orders(where: …) }` and its siblings take a `where` (reference: [I] for orders, [C] for
    # products); off: the Counters fields take no argument and count everything the token sees.
    counters_where: bool = True

    def tokens(self) -> dict[str, TokenSpec]:
        """Every token the instance accepts, by token text."""
        specs = {self.graphql_token: TokenSpec(self.graphql_token)}
        specs.update({spec.token: spec for spec in self.extra_tokens})
        return specs
