"""Two variants of the whole schema: the documented core only (settings.minimal_schema) and the older names
Centra's docs still show (settings.legacy_names). schema.py applies them; they combine with each other and
with the other variants.

**Minimal schema.** An instance that offers only what docs/centra-api-reference.md §A documents and the pipeline needs: every
field of an object or interface type that is not in `MINIMAL_SCHEMA_KEPT` leaves the schema (an
interface's kept field stays on its implementations), `Mutation` goes with its last field, and object,
interface and union types nothing reaches any more go too. Input types, enums and scalars stay whole: their
consumers may be gone, but nothing about them is pruned. Arguments of kept fields stay as they are.

**Legacy names.** The names §A8 shows before Centra renamed them, with the same data under them:
`ProductSize.GTIN` (not deprecated, no `EAN`), `Customer.sex` (no `gender`), `AppliedDiscount.discount`
of type `Discount` (no `AppliedVoucher.voucher`/`Voucher`). `Display.localized` is not imitated: the sandbox
has no `Display` type.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
    get_named_type,
)

# The minimal schema's fields, as "Type.field" (an interface's entry covers its implementations).
#
# Where the list comes from: the fields the pipeline requires (its families' REQUIRED coordinates, as the
# pipeline's REQUIRED lists), the documented root lists, and the documented relationships without which a
# required field could not be reached. Every entry is named in docs/centra-api-reference.md (tag after
# each group), except Customer.updatedAt, which the pipeline reads only where an instance offers it (the
# customer_updated_at variant).
# Two roots go beyond the pipeline's own lists: `currencies` (documented, §A8.7, and the pipeline's
# reference family reads it) and `rateLimits` (documented, §A9: the pipeline's client reads it before its
# first request, so an instance without it would be less than Centra documents).
MINIMAL_SCHEMA_KEPT: frozenset[str] = frozenset(
    {
        # Root lists [C: DTC, PIM, ERP, B2B, AUTH, RL; §A8, §A9, §A11]
        "Query.orders", "Query.returns", "Query.customers", "Query.products", "Query.productVariants",
        "Query.warehouses", "Query.stores", "Query.markets", "Query.pricelists", "Query.countries",
        "Query.currencies", "Query.brands", "Query.collections", "Query.sizeCharts", "Query.counters",
        "Query.rateLimits",
        # §A9 [C: RL]
        "RateLimit.type", "RateLimit.intervalSeconds", "RateLimit.quota", "RateLimit.usedQuota",
        "RateLimit.remainingQuota",
        # Orders §A8.1 [C: DTC, ERP]; `shipments` is the documented way to shipments (§A8.2)
        "Order.id", "Order.number", "Order.status", "Order.createdAt", "Order.store", "Order.market",
        "Order.pricelist", "Order.grandTotal", "Order.lines", "Order.shipments",
        "DirectToConsumerOrder.customer", "WholesaleOrder.account", "WholesaleOrder.buyer",
        # §A4 money [C: DTC, PIM]
        "MonetaryValue.value", "MonetaryValue.currency", "MonetaryValue.conversionRate", "Currency.code",
        # Order lines §A8.1 [C: DTC, ERP]
        "OrderLine.id", "OrderLine.quantity", "OrderLine.cancelledQuantity", "OrderLine.product",
        "OrderLine.productVariant", "OrderLine.productSize", "OrderLine.unitPrice",
        "OrderLine.unitOriginalPrice", "OrderLine.lineValue",
        # Shipments §A8.2 [C: DTC; `lines.orderLine` O: missmary]
        "Shipment.id", "Shipment.number", "Shipment.lines",
        "ShipmentLine.id", "ShipmentLine.quantity", "ShipmentLine.orderLine",
        # Returns §A8.3 [C: DTC `returns { id status lines { … } }`; createdAt, order, lines.orderLine
        # O: FlowEngine]. A GraphQL return line's documented fields are shipmentLine and orderLine only.
        "Return.id", "Return.status", "Return.createdAt", "Return.order", "Return.lines", "ReturnLine.orderLine",
        # People §A8.1, §A8.4 [C: DTC, ERP, B2B]. Customer.updatedAt: [?] in §A8.4, §E4; only the
        # customer_updated_at variant has it, and then it stays (the pipeline filters by it where offered).
        "Customer.id", "Customer.updatedAt", "Account.id", "Buyer.id",
        # §A5: counters.products(where: ProductFilter) [C: PIM]; counters.orders and counters.customers
        # "filtered by storeId" [C: AUTH], read as a `where` (its other fields, e.g. createdAt, are [I] but the
        # filter input stays whole, as every input does). counters.returns is not documented: it leaves.
        "Counters.orders", "Counters.customers", "Counters.products",
        # Catalog §A8.5 [C: PIM]
        "Product.id", "Product.updatedAt", "Product.variants",
        "ProductVariant.id", "ProductVariant.updatedAt", "ProductVariant.product", "ProductVariant.productSizes",
        "ProductSize.id",
        # Stock §A8.6 [C: warehouse.html, stock.html]
        "Warehouse.id", "Warehouse.name", "Warehouse.stock", "Stock.productSize", "Stock.freeToAllocateQuantity",
        # Reference data §A8.5, §A8.7, §A11 [C: DTC, PIM, B2B]
        "Store.id", "Store.type", "Store.name", "Market.id", "Market.name", "Pricelist.id", "Pricelist.name",
        "Country.code", "Brand.id", "Brand.name", "Collection.id", "Collection.name",
        "SizeChart.id", "SizeChart.name", "SizeChart.sizes", "Size.id", "Size.name",
    }
)  # fmt: skip

# Legacy names (§A8.1, §A8.4, §A8.5): the current "Type.field" -> the older one served instead.
LEGACY_FIELD_NAMES: dict[str, str] = {
    "ProductSize.EAN": "ProductSize.GTIN",
    "Customer.gender": "Customer.sex",
    "AppliedVoucher.voucher": "AppliedDiscount.discount",
}
# "After the Discount→Voucher rename" (§A8.1): the applied type and the object it holds.
LEGACY_TYPE_NAMES: dict[str, str] = {"AppliedVoucher": "AppliedDiscount", "Voucher": "Discount"}


def legacy_coordinate(coordinate: str) -> str:
    """A "Type.field" as the legacy-names schema spells it."""
    if coordinate in LEGACY_FIELD_NAMES:
        return LEGACY_FIELD_NAMES[coordinate]
    kind, field = coordinate.split(".")
    return f"{LEGACY_TYPE_NAMES.get(kind, kind)}.{field}"


def minimal_kept(legacy_names: bool, added_fields: Iterable[str] = ()) -> frozenset[str]:
    """What the minimal schema keeps; fields added by schema drift stay on top of it."""
    kept = MINIMAL_SCHEMA_KEPT | frozenset(added_fields)
    return frozenset(legacy_coordinate(entry) for entry in kept) if legacy_names else kept


# --- legacy names ---------------------------------------------------------------------------------------

_LEGACY_SDL_EDITS: tuple[tuple[str, str], ...] = (
    ('  GTIN: String @deprecated(reason: "Use EAN.")\n  EAN: String\n', "  GTIN: String\n"),
    ("  gender: String\n", "  sex: String\n"),
    (
        "type AppliedVoucher implements AppliedPromotion {",
        "type AppliedDiscount implements AppliedPromotion {",
    ),
    ("  voucher: Voucher!\n", "  discount: Discount!\n"),
    ("type Voucher {", "type Discount {"),
)


def legacy_sdl(sdl: str) -> str:
    """The base SDL with the legacy names; each edit must hit exactly once (the SDL changed otherwise)."""
    for old, new in _LEGACY_SDL_EDITS:
        if sdl.count(old) != 1:
            raise ValueError(f"legacy_names: expected one {old!r} in the SDL, found {sdl.count(old)}")
        sdl = sdl.replace(old, new)
    return sdl


def _reads(key: str) -> Callable[..., Any]:
    return lambda source, info, **_: source.get(key)


def bind_legacy_names(schema: GraphQLSchema) -> None:
    """Resolve the legacy fields from the rows the current names read (GTIN already reads `gtin`)."""
    customer = schema.type_map["Customer"]
    applied = schema.type_map["AppliedDiscount"]
    promotion = schema.type_map["AppliedPromotion"]
    assert isinstance(customer, GraphQLObjectType)
    assert isinstance(applied, GraphQLObjectType)
    assert isinstance(promotion, GraphQLInterfaceType)
    assert promotion.resolve_type is not None
    customer.fields["sex"].resolve = _reads("gender")
    applied.fields["discount"].resolve = _reads("voucher")
    current = promotion.resolve_type

    def resolve_type(value: Any, info: GraphQLResolveInfo, abstract: Any) -> Any:
        name = current(value, info, abstract)
        return LEGACY_TYPE_NAMES.get(name, name) if isinstance(name, str) else name

    promotion.resolve_type = resolve_type


# --- minimal schema -------------------------------------------------------------------------------------

KEPT_WHOLE = (GraphQLInputObjectType, GraphQLEnumType, GraphQLScalarType)


def _kept_on(graphql_type: GraphQLObjectType | GraphQLInterfaceType, kept: frozenset[str]) -> set[str]:
    owners = [graphql_type.name, *(interface.name for interface in graphql_type.interfaces)]
    return {name for name in graphql_type.fields if any(f"{owner}.{name}" in kept for owner in owners)}


def prune_schema(schema: GraphQLSchema, kept: frozenset[str]) -> GraphQLSchema:
    """A schema of the kept fields only, and of the types they still reach (plus every input, enum, scalar).

    The field objects keep their bound resolvers; `schema` is not reused (its types are pruned in place)."""
    for name, graphql_type in schema.type_map.items():
        if name.startswith("__") or not isinstance(graphql_type, GraphQLObjectType | GraphQLInterfaceType):
            continue
        names = _kept_on(graphql_type, kept)
        for field in [field for field in graphql_type.fields if field not in names]:
            del graphql_type.fields[field]
    mutation = schema.mutation_type if schema.mutation_type and schema.mutation_type.fields else None
    assert schema.query_type is not None
    reached = _reachable(schema, [schema.query_type, *([mutation] if mutation else [])])
    types = [
        graphql_type
        for name, graphql_type in schema.type_map.items()
        if not name.startswith("__") and (name in reached or isinstance(graphql_type, KEPT_WHOLE))
    ]
    fielded = [t for t in types if isinstance(t, GraphQLObjectType | GraphQLInterfaceType)]
    empty = [t.name for t in fielded if not t.fields]
    if empty:
        raise ValueError(f"minimal schema: types reached but left without fields: {sorted(empty)}")
    return GraphQLSchema(
        query=schema.query_type, mutation=mutation, types=types, directives=schema.directives
    )


def _reachable(schema: GraphQLSchema, roots: list[GraphQLObjectType]) -> set[str]:
    """Names of the types reachable from the roots through fields, arguments, interfaces and unions."""
    seen: set[str] = set()
    pending: list[GraphQLNamedType] = list(roots)
    while pending:
        graphql_type = pending.pop()
        if graphql_type.name in seen:
            continue
        seen.add(graphql_type.name)
        if isinstance(graphql_type, GraphQLObjectType | GraphQLInterfaceType):
            for field in graphql_type.fields.values():
                pending.append(get_named_type(field.type))
                pending.extend(get_named_type(argument.type) for argument in field.args.values())
            pending.extend(graphql_type.interfaces)
        if isinstance(graphql_type, GraphQLInterfaceType):
            implementations = schema.get_implementations(graphql_type)
            pending.extend([*implementations.objects, *implementations.interfaces])
        if isinstance(graphql_type, GraphQLUnionType):
            pending.extend(graphql_type.types)
        if isinstance(graphql_type, GraphQLInputObjectType):
            pending.extend(get_named_type(field.type) for field in graphql_type.fields.values())
    return seen
