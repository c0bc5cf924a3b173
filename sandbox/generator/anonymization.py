"""How the sandbox represents an anonymized customer (Centra's docs leave the result open, reference §E10).

Chosen representation: every personal field becomes **NULL** — no placeholder strings — and
`is_anonymized` is true:
- customers: email, first/last name, gender, phone, address1/2, zip, city and state are NULL;
  `has_newsletter` is false; `country_code` stays (it identifies no one and decides tax and market).
- their orders keep existing with blanked addresses: the shipping_/billing_ names, company, street lines,
  city, zip, state, email, phones and VAT number are NULL; the country codes stay.
A NULL email means an anonymized customer never shares an email, not even with its guest twin.
`updated_at` of the customer and of each touched order becomes the anonymization time.
"""

from __future__ import annotations

from datetime import datetime

import duckdb
import pyarrow as pa

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


def anonymize(connection: duckdb.DuckDBPyConnection, customer_ids: list[int], times: list[datetime]) -> None:
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
        blank_customer = ", ".join(f"{column} = NULL" for column in CUSTOMER_PII_COLUMNS)
        connection.execute(
            f"UPDATE customers SET {blank_customer}, is_anonymized = true, has_newsletter = false, "
            "updated_at = greatest(customers.updated_at, t.anonymized_at) "
            "FROM anonymization_targets t WHERE customers.customer_id = t.customer_id"
        )
        blank_order = ", ".join(f"{column} = NULL" for column in ORDER_PII_COLUMNS)
        connection.execute(
            f"UPDATE orders SET {blank_order}, updated_at = greatest(orders.updated_at, t.anonymized_at) "
            "FROM anonymization_targets t WHERE orders.customer_id = t.customer_id"
        )
    finally:
        connection.unregister("anonymization_targets")
