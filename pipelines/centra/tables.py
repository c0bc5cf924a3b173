"""The canonical tables: one shape per table whichever API served the rows.

Each table states its grain, key, write disposition and every column with its type, so the warehouse
schema is the same from the first load on (dlt would otherwise leave out a column that happened to be all
NULL) and both APIs map into exactly these names. Money is DECIMAL with its currency in `currency_code`;
timestamps are UTC; `_source_api` says which API served the row.

Lines, shipments and returns are nested under their order (dlt names them `orders__lines`, ...): a merge
of an order replaces all its nested rows in one transaction, so a line, shipment or return that vanished
upstream vanishes here too. They still carry their own Centra ids and `order_number`, so analysts join on
natural keys, never on dlt's `_dlt_*` columns or list positions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from dlt.common.schema.typing import TColumnSchema

ColumnType = Literal["text", "bigint", "bool", "money", "rate", "percent", "timestamp", "date", "json"]

_DLT_TYPES: dict[str, TColumnSchema] = {
    "text": {"data_type": "text"},
    "bigint": {"data_type": "bigint"},
    "bool": {"data_type": "bool"},
    "money": {"data_type": "decimal", "precision": 18, "scale": 4},
    "rate": {"data_type": "decimal", "precision": 18, "scale": 8},
    "percent": {"data_type": "decimal", "precision": 9, "scale": 4},
    "timestamp": {"data_type": "timestamp", "timezone": True},
    "date": {"data_type": "date"},
    "json": {"data_type": "json"},
}

SOURCE_API = "_source_api"  # "graphql" or "order_api"
ADDRESS_PARTS = (
    "first_name", "last_name", "company_name", "address1", "address2", "city", "zip_code",
    "state_or_province", "country_code", "email", "phone_number", "cell_phone_number", "vat_number",
)  # fmt: skip


@dataclass(frozen=True)
class TableSpec:
    name: str
    grain: str
    primary_key: tuple[str, ...]
    columns: tuple[tuple[str, ColumnType], ...]
    write_disposition: Literal["merge", "replace", "append"] = "merge"
    merge_key: str | None = None
    nested: tuple[tuple[tuple[str, ...], TableSpec], ...] = ()  # (path below this table, spec)

    def column_hints(self) -> dict[str, TColumnSchema]:
        hints: dict[str, TColumnSchema] = {}
        own = () if self.is_nested else ((SOURCE_API, "text"),)
        for name, kind in (*self.columns, *own):
            hint: dict[str, Any] = {
                "name": name,
                **_DLT_TYPES[kind],
                "nullable": name not in self.primary_key,
            }
            hints[name] = hint  # type: ignore[assignment]
        return hints

    def resource_hints(self) -> dict[str, Any]:
        """Keyword arguments for `dlt.resource(...)` / `resource.apply_hints(...)`."""
        hints: dict[str, Any] = {
            "table_name": self.name,
            "primary_key": list(self.primary_key),
            "write_disposition": self.write_disposition,
            "columns": self.column_hints(),
        }
        if self.merge_key:
            hints["merge_key"] = self.merge_key
        if self.nested:
            hints["nested_hints"] = {path: {"columns": spec.column_hints()} for path, spec in self.nested}
        return hints

    def row(self, values: Mapping[str, Any], api: str | None = None) -> dict[str, Any]:
        """`values` as a row of this table: every column in order, NULL where `values` has none, and the
        API that served it (root tables); a name that is not a column fails at once (a typo would
        otherwise load as a new column)."""
        unknown = sorted(set(values) - set(self.column_names))
        if unknown:
            raise ValueError(f"{self.name} has no column {', '.join(unknown)}")
        row = {name: values.get(name) for name in self.column_names}
        if api is not None:
            row[SOURCE_API] = api
        return row

    def all_tables(self) -> tuple[TableSpec, ...]:
        return (self, *(spec for _, spec in self.nested))

    @property
    def is_nested(self) -> bool:
        return "__" in self.name

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.columns)


def typed_columns(spec: str) -> tuple[tuple[str, ColumnType], ...]:
    """`"order_number:bigint status:text"` -> ((name, type), ...)."""
    pairs: list[tuple[str, ColumnType]] = []
    for item in spec.split():
        name, _, kind = item.partition(":")
        if kind not in _DLT_TYPES:
            raise ValueError(f"unknown column type {kind!r} for {name}")
        pairs.append((name, kind))  # type: ignore[arg-type]
    return tuple(pairs)


def _address(prefix: str) -> str:
    return " ".join(f"{prefix}_{part}:text" for part in ADDRESS_PARTS)


ORDER_LINES = TableSpec(
    "orders__lines",
    "one row per order line, fully cancelled lines included",
    ("order_line_id",),
    typed_columns(
        "order_line_id:bigint order_number:bigint product_id:bigint variant_id:bigint size_id:bigint "
        "brand_id:bigint sku:text ean:text product_name:text variant_name:text size_name:text "
        "quantity:bigint cancelled_quantity:bigint unit_price_amount:money unit_original_price_amount:money "
        "line_amount:money discount_percent:percent tax_percent:percent currency_code:text comment:text"
    ),
)
SHIPMENTS = TableSpec(
    "orders__shipments",
    "one row per shipment",
    ("shipment_number",),
    typed_columns(
        "shipment_number:text shipment_id:bigint order_number:bigint is_good_to_go:bool is_shipped:bool "
        "is_paid:bool is_captured:bool created_at:timestamp updated_at:timestamp shipped_at:timestamp "
        "paid_at:timestamp captured_at:timestamp tracking_number:text carrier_name:text service_name:text "
        "number_of_packages:bigint"
    ),
)
SHIPMENT_LINES = TableSpec(
    "orders__shipments__lines",
    "one row per shipment line",
    ("shipment_line_id",),
    typed_columns(
        "shipment_line_id:bigint shipment_number:text order_number:bigint order_line_id:bigint quantity:bigint"
    ),
)
RETURNS = TableSpec(
    "orders__returns",
    "one row per return",
    ("return_id",),
    typed_columns(
        "return_id:bigint order_number:bigint shipment_number:text status:text is_completed:bool "
        "created_at:timestamp updated_at:timestamp completed_at:timestamp return_to_stock:bool "
        "currency_code:text comment:text"
    ),
)
RETURN_LINES = TableSpec(
    "orders__returns__lines",
    "one row per return line",
    ("return_line_id",),
    typed_columns(
        "return_line_id:bigint return_id:bigint order_number:bigint order_line_id:bigint quantity:bigint "
        "amount:money currency_code:text"
    ),
)
ORDERS = TableSpec(
    "orders",
    "one row per order (DTC and wholesale)",
    ("order_number",),
    typed_columns(
        "order_number:bigint order_id:text store_id:bigint store_type:text market_id:bigint pricelist_id:bigint "
        "customer_id:bigint account_id:bigint buyer_id:bigint purchase_order_number:text status:text "
        "is_on_hold:bool is_waiting_for_payment:bool currency_code:text conversion_rate:rate "
        "grand_total_amount:money items_amount:money shipping_amount:money handling_amount:money "
        "tax_included_amount:money tax_added_amount:money tax_deducted_amount:money voucher_amount:money "
        "voucher_code:text voucher_name:text payment_method:text payment_plugin:text "
        "created_at:timestamp updated_at:timestamp "
        f"{_address('shipping')} {_address('billing')}"
    ),
    nested=(
        (("lines",), ORDER_LINES),
        (("shipments",), SHIPMENTS),
        (("shipments", "lines"), SHIPMENT_LINES),
        (("returns",), RETURNS),
        (("returns", "lines"), RETURN_LINES),
    ),
)

CUSTOMERS = TableSpec(
    "customers",
    "one row per DTC customer (registered or guest; two customers may share an email)",
    ("customer_id",),
    typed_columns(
        "customer_id:bigint email:text first_name:text last_name:text gender:text phone_number:text "
        "is_registered:bool has_newsletter:bool country_code:text created_at:timestamp updated_at:timestamp"
    ),
)
ACCOUNTS = TableSpec(
    "accounts",
    "one row per wholesale account",
    ("account_id",),
    typed_columns(
        "account_id:bigint name:text status:text market_id:bigint pricelist_id:bigint "
        "discount_percent:percent created_at:timestamp updated_at:timestamp"
    ),
)
BUYERS = TableSpec(
    "buyers",
    "one row per wholesale buyer (a person buying for an account)",
    ("buyer_id",),
    typed_columns(
        "buyer_id:bigint account_id:bigint email:text first_name:text last_name:text status:text "
        "created_at:timestamp updated_at:timestamp"
    ),
)
STORES = TableSpec(
    "stores",
    "one row per store",
    ("store_id",),
    typed_columns("store_id:bigint name:text store_type:text"),
    "replace",
)
MARKETS = TableSpec(
    "markets",
    "one row per market",
    ("market_id",),
    typed_columns("market_id:bigint name:text store_id:bigint country_codes:json"),
    "replace",
)
PRICELISTS = TableSpec(
    "pricelists",
    "one row per pricelist",
    ("pricelist_id",),
    typed_columns(
        "pricelist_id:bigint name:text status:text currency_code:text store_id:bigint country_codes:json"
    ),
    "replace",
)
CURRENCIES = TableSpec(
    "currencies",
    "one row per currency; exactly one is the base currency",
    ("currency_code",),
    typed_columns("currency_code:text currency_id:bigint name:text is_base:bool"),
    "replace",
)
COUNTRIES = TableSpec(
    "countries",
    "one row per country",
    ("country_code",),
    typed_columns("country_code:text country_id:bigint name:text continent:text is_eu:bool"),
    "replace",
)
WAREHOUSES = TableSpec(
    "warehouses",
    "one row per warehouse",
    ("warehouse_id",),
    typed_columns("warehouse_id:bigint name:text status:text country_code:text threshold:bigint"),
    "replace",
)
BRANDS = TableSpec(
    "brands", "one row per brand", ("brand_id",), typed_columns("brand_id:bigint name:text"), "replace"
)
COLLECTIONS = TableSpec(
    "collections",
    "one row per collection",
    ("collection_id",),
    typed_columns("collection_id:bigint name:text status:text"),
    "replace",
)
SIZES = TableSpec(
    "sizes",
    "one row per size of a size chart",
    ("size_id",),
    typed_columns("size_id:bigint size_chart_id:bigint size_chart_name:text name:text"),
    "replace",
)
PRODUCTS = TableSpec(
    "products",
    "one row per product",
    ("product_id",),
    typed_columns(
        "product_id:bigint name:text status:text product_number:text brand_id:bigint collection_id:bigint "
        "size_chart_id:bigint is_bundle:bool harmonized_commodity_code:text created_at:timestamp "
        "updated_at:timestamp"
    ),
)
VARIANTS = TableSpec(
    "variants",
    "one row per product variant (a colour of a product)",
    ("variant_id",),
    typed_columns(
        "variant_id:bigint product_id:bigint name:text status:text variant_number:text unit_cost_amount:money "
        "unit_cost_currency_code:text created_at:timestamp updated_at:timestamp"
    ),
)
PRODUCT_SIZES = TableSpec(
    "product_sizes",
    "one row per product size, the sellable unit (SKU)",
    ("size_id",),
    typed_columns(
        "size_id:bigint variant_id:bigint product_id:bigint size_chart_size_id:bigint size_name:text "
        "size_number:text sku:text ean:text upc:text is_preorder:bool"
    ),
)
PRICES = TableSpec(
    "prices",
    "one row per variant × pricelist",
    ("variant_id", "pricelist_id"),
    typed_columns("variant_id:bigint pricelist_id:bigint price_amount:money currency_code:text"),
)
STOCK = TableSpec(
    "stock",
    "one row per warehouse × product size at the snapshot time (the current snapshot; history downstream)",
    ("warehouse_id", "size_id"),
    typed_columns(
        "warehouse_id:bigint size_id:bigint free_to_allocate_quantity:bigint physical_quantity:bigint "
        "allocated_quantity:bigint snapshot_at:timestamp"
    ),
    "replace",
)

RECONCILIATION_CHECKS = TableSpec(
    "reconciliation_checks",
    "one row per family × period last checked against Centra (a local day, or `all` for families counted "
    "whole)",
    ("family", "period"),
    typed_columns(
        "family:text period:text grain:text day:date period_end:date centra_count:bigint "
        "warehouse_count:bigint matched:bool method:text loaded:bigint removed:bigint checked_at:timestamp"
    ),
)

# Every root table (nested ones hang off ORDERS). A resource fills the table it is named after, or those
# RESOURCE_TABLES lists for it (one resource, several dlt table variants).
CANONICAL_TABLES: tuple[TableSpec, ...] = (
    ORDERS, CUSTOMERS, ACCOUNTS, BUYERS, STORES, MARKETS, PRICELISTS, CURRENCIES, COUNTRIES, WAREHOUSES,
    BRANDS, COLLECTIONS, SIZES, PRODUCTS, VARIANTS, PRODUCT_SIZES, PRICES, STOCK,
)  # fmt: skip
CATALOG_TABLES = (PRODUCTS, VARIANTS, PRODUCT_SIZES, PRICES)
RESOURCE_TABLES: dict[str, tuple[TableSpec, ...]] = {
    "catalog": CATALOG_TABLES,
    "reconciliation_checks": (RECONCILIATION_CHECKS,),
}
