"""How plain fields resolve: store rows are dicts with snake_case columns, GraphQL asks in camelCase.

The default resolver maps `isOnHold` to `is_on_hold`, renders every `DateTimeTz` in the instance's zone (or
with the field's PHP `format`), and turns DECIMALs into JSON numbers. Money gets its `MonetaryValue` here.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from graphql import GraphQLResolveInfo, get_named_type

from sandbox.graphql_api.context import RequestContext, context_of
from sandbox.money import formatted, json_number
from sandbox.timefmt import iso_local, php_date, to_local

Row = dict[str, Any]

# Centra's PIM examples show catalog timestamps with a `+0100` offset (no colon), orders with `+01:00`.
LEGACY_OFFSET_TYPES = frozenset({"Product", "ProductVariant"})


@lru_cache(maxsize=4096)
def snake_case(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def render_time(ctx: RequestContext, value: datetime, pattern: str | None, parent_type: str = "") -> str:
    if pattern is not None:
        return php_date(to_local(value, ctx.timezone), pattern)
    legacy = ctx.settings.legacy_catalog_offsets and parent_type in LEGACY_OFFSET_TYPES
    return iso_local(value, ctx.timezone, colon=not legacy)


def default_field_resolver(source: Any, info: GraphQLResolveInfo, **args: Any) -> Any:
    name = info.field_name
    if isinstance(source, dict):
        value = source[name] if name in source else source.get(snake_case(name))
    else:
        value = getattr(source, name, None)
    if isinstance(value, datetime) and get_named_type(info.return_type).name == "DateTimeTz":
        return render_time(context_of(info), value, args.get("format"), info.parent_type.name)
    if isinstance(value, Decimal):
        return json_number(value)
    return value


def currencies_by_code(ctx: RequestContext) -> dict[str, Row]:
    sql = "SELECT currency_id AS id, code, name, is_base, base_rate FROM currencies ORDER BY currency_id"
    return ctx.cached("currencies", lambda: {row["code"]: row for row in ctx.store.rows(sql)})


def monetary_value(
    ctx: RequestContext, amount: Decimal | int | float, currency_code: str, conversion_rate: Any = None
) -> Row:
    """`MonetaryValue`; `conversion_rate` is the order's (captured at order time), else the currency's."""
    currency = currencies_by_code(ctx).get(currency_code)
    if currency is None:
        currency = {"id": 0, "code": currency_code, "name": currency_code, "is_base": False, "base_rate": 1}
    rate = currency["base_rate"] if conversion_rate is None else conversion_rate
    return {
        "value": json_number(amount),
        "currency": currency,
        "formatted_value": formatted(amount, currency_code),
        "conversion_rate": json_number(rate),
    }


def order_money(ctx: RequestContext, row: Row, amount: Decimal | int | float) -> Row:
    """Money on an order or its children: the order's currency and conversion rate."""
    return monetary_value(ctx, amount, row["currency_code"], row["conversion_rate"])


def whole_numbers_as_ints(value: Any) -> Any:
    """JSON numbers as Centra writes them (`675`, `25`, `1`): graphql-core's Float makes them `675.0`."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {key: whole_numbers_as_ints(item) for key, item in value.items()}
    if isinstance(value, list):
        return [whole_numbers_as_ints(item) for item in value]
    return value
