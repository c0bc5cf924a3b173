"""How the sandbox represents an anonymized customer (Centra's docs leave the result open, docs/centra-api-reference.md §E10).

Centra documents that `anonymize-customer` removes the personal data, not what is left, so the setting
`anonymization_style` picks one of the plausible results (the pipeline must recognise each):

| style | email | first/last name | other personal texts |
|---|---|---|---|
| `null` (default) | NULL | NULL | NULL |
| `blank` | `""` | `""` | `""` |
| `placeholder` | `anonymized-<id>@anonymized.invalid` | `Anonymized` | NULL |
| `hashed` | `<32 hex>@anonymized` (an opaque hash of the id) | `*****` | `*****` |
| `anonymous` | `anonymous-<id>@example.com` | `Anonymous` | `""` |

What every style shares, and `is_anonymized` is true:
- customers: email, first/last name, phone, address1/2, zip, city and state take the style's values; gender
  is NULL; `has_newsletter` is false; `country_code` stays (it identifies no one and decides tax and market).
- their orders keep existing with blanked addresses: the shipping_/billing_ names, company, street lines,
  city, zip, state, email, phones and VAT number take the same values; the country codes stay.
- `updated_at` of the customer and of each touched order becomes the anonymization time.
An anonymized email (NULL, blank or made from the customer's id) is never shared with another customer.
`restyle` rewrites the customers already anonymized in another style (switching the setting at run time),
leaving `updated_at` alone: Centra has one style, the switch is the tests' way to meet each.
"""

from __future__ import annotations

from datetime import datetime
from typing import get_args

import duckdb
import pyarrow as pa

from sandbox.settings import AnonymizationStyle

ANONYMIZATION_STYLES: tuple[AnonymizationStyle, ...] = get_args(AnonymizationStyle)
CUSTOMER_PII_COLUMNS = (
    "email", "first_name", "last_name", "gender", "phone_number", "address1", "address2", "zip_code", "city",
    "state",
)  # fmt: skip
_ADDRESS_FIELDS = (
    "first_name", "last_name", "company_name", "address1", "address2", "city", "zip_code", "state_or_province",
    "email", "phone_number",
)  # fmt: skip
ORDER_PII_COLUMNS = (
    *(f"shipping_{name}" for name in _ADDRESS_FIELDS),
    "shipping_cell_phone_number",
    *(f"billing_{name}" for name in _ADDRESS_FIELDS),
    "billing_vat_number",
)

# Per style, SQL for (email, a name, any other personal text); `{id}` is the customer's id column.
_VALUES: dict[AnonymizationStyle, tuple[str, str, str]] = {
    "null": ("NULL", "NULL", "NULL"),
    "blank": ("''", "''", "''"),
    "placeholder": ("'anonymized-' || {id} || '@anonymized.invalid'", "'Anonymized'", "NULL"),
    "hashed": ("left(sha256('anonymized:' || {id}), 32) || '@anonymized'", "'*****'", "'*****'"),
    "anonymous": ("'anonymous-' || {id} || '@example.com'", "'Anonymous'", "''"),
}


def _value(column: str, style: AnonymizationStyle, customer_id: str) -> str:
    email, name, other = _VALUES[style]
    if column == "gender":
        return "NULL"
    if column.endswith("email"):
        return email.format(id=customer_id)
    if column.endswith(("first_name", "last_name")):
        return name
    return other


def _assignments(columns: tuple[str, ...], style: AnonymizationStyle, customer_id: str) -> str:
    if style not in _VALUES:
        raise ValueError(f"anonymization_style must be one of {', '.join(_VALUES)} (got {style!r})")
    return ", ".join(f"{column} = {_value(column, style, customer_id)}" for column in columns)


def anonymize(
    connection: duckdb.DuckDBPyConnection,
    customer_ids: list[int],
    times: list[datetime],
    style: AnonymizationStyle = "null",
) -> None:
    """Blank the personal data of each customer (and of their orders) as of its time (naive UTC)."""
    if not customer_ids:
        return
    targets = pa.table(
        {
            "customer_id": pa.array(customer_ids, pa.int64()),
            "anonymized_at": pa.array(times, pa.timestamp("s")),
        }
    )
    connection.register("anonymization_targets", targets)
    try:
        blank_customer = _assignments(CUSTOMER_PII_COLUMNS, style, "customers.customer_id")
        connection.execute(
            f"UPDATE customers SET {blank_customer}, is_anonymized = true, has_newsletter = false, "
            "updated_at = greatest(customers.updated_at, t.anonymized_at) "
            "FROM anonymization_targets t WHERE customers.customer_id = t.customer_id"
        )
        blank_order = _assignments(ORDER_PII_COLUMNS, style, "orders.customer_id")
        connection.execute(
            f"UPDATE orders SET {blank_order}, updated_at = greatest(orders.updated_at, t.anonymized_at) "
            "FROM anonymization_targets t WHERE orders.customer_id = t.customer_id"
        )
    finally:
        connection.unregister("anonymization_targets")


def restyle(connection: duckdb.DuckDBPyConnection, style: AnonymizationStyle) -> None:
    """Show every customer anonymized so far (and their orders) in `style`; `updated_at` stays."""
    blank_customer = _assignments(CUSTOMER_PII_COLUMNS, style, "customers.customer_id")
    connection.execute(f"UPDATE customers SET {blank_customer} WHERE is_anonymized")
    blank_order = _assignments(ORDER_PII_COLUMNS, style, "orders.customer_id")
    connection.execute(
        f"UPDATE orders SET {blank_order} "
        "WHERE customer_id IN (SELECT customer_id FROM customers WHERE is_anonymized)"
    )
