"""Personal data Centra no longer holds leaves the warehouse too: anonymized and deleted customers.

Which customers are anonymized is `pipelines/anonymized.py`'s one rule (reporting uses the same).
`scrub_anonymized` blanks (NULL) what `centra_raw` still holds of each anonymized customer: their row's
personal columns and the address columns of every order of theirs, old orders no run re-reads included.
`forget_customers` is for customers deleted in Centra under GDPR: their row is deleted (hard, no tombstone),
and their orders' address columns and customer_id are NULL: the order stays, for the sales figures, as an
order of nobody (a customer_id pointing at no customer would fail the check `ri_orders__customers` and hold
back the snapshot). Both touch dlt's staging dataset (`centra_raw_staging`) as well, which keeps the last
merge's rows. An anonymized customer's orders keep their customer_id (the customer row stays, blanked);
amounts and country codes stay everywhere: they identify no one.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import polars as pl

from pipelines.anonymized import is_anonymized
from pipelines.centra.tables import ADDRESS_PARTS

RAW_SCHEMAS = ("centra_raw", "centra_raw_staging")  # the dataset and dlt's staging dataset beside it
CUSTOMER_IDENTIFYING = ("email", "first_name", "last_name")
CUSTOMER_PERSONAL = ("email", "first_name", "last_name", "gender", "phone_number")
ORDER_PERSONAL = tuple(
    f"{prefix}_{part}"
    for prefix in ("shipping", "billing")
    for part in ADDRESS_PARTS
    if part != "country_code"
)


def anonymized_customer_ids(connection: duckdb.DuckDBPyConnection, schema: str = "centra_raw") -> list[int]:
    """The customers of `schema`.customers that are anonymized (a schema without the table has none)."""
    if not _columns(connection, schema, "customers"):
        return []
    customers = connection.execute(
        f"SELECT customer_id, {', '.join(CUSTOMER_IDENTIFYING)} FROM {schema}.customers"
    ).pl()
    flagged = customers.filter(is_anonymized(*(pl.col(name) for name in CUSTOMER_IDENTIFYING)))
    return [int(value) for value in flagged["customer_id"].to_list()]


def scrub_anonymized(connection: duckdb.DuckDBPyConnection) -> int:
    """NULL the personal data `centra_raw` (and its staging dataset) still holds of anonymized customers:
    their customer row and the address columns of all their orders. Returns the rows changed (0 when
    nothing was left to scrub: running it again changes nothing)."""
    customer_ids = anonymized_customer_ids(connection)
    if not customer_ids:
        return 0
    scrubbed = 0
    for schema in RAW_SCHEMAS:
        scrubbed += _null_columns(connection, schema, "customers", CUSTOMER_PERSONAL, customer_ids)
        scrubbed += _null_columns(connection, schema, "orders", ORDER_PERSONAL, customer_ids)
    return scrubbed


def forget_customers(connection: duckdb.DuckDBPyConnection, customer_ids: Sequence[int]) -> int:
    """Customers deleted in Centra (GDPR): delete their customer rows and NULL their orders' address columns
    and customer_id, in `centra_raw` and its staging dataset. Returns the rows deleted or changed."""
    ids = sorted({int(customer_id) for customer_id in customer_ids})
    if not ids:
        return 0
    changed = 0
    for schema in RAW_SCHEMAS:
        changed += _null_columns(connection, schema, "orders", (*ORDER_PERSONAL, "customer_id"), ids)
        if _columns(connection, schema, "customers"):
            row = connection.execute(
                f"DELETE FROM {schema}.customers WHERE customer_id IN (SELECT unnest(?))", [ids]
            ).fetchone()
            changed += int(row[0]) if row else 0
    return changed


def _null_columns(
    connection: duckdb.DuckDBPyConnection,
    schema: str,
    table: str,
    columns: Sequence[str],
    customer_ids: Sequence[int],
) -> int:
    """NULL `columns` (those the table has) of the rows of `customer_ids` that still hold a value."""
    present = [column for column in columns if column in _columns(connection, schema, table)]
    if not present:
        return 0
    row = connection.execute(
        f"UPDATE {schema}.{table} SET {', '.join(f'{column} = NULL' for column in present)} "
        f"WHERE customer_id IN (SELECT unnest(?)) "
        f"AND ({' OR '.join(f'{column} IS NOT NULL' for column in present)})",
        [list(customer_ids)],
    ).fetchone()
    return int(row[0]) if row else 0


def _columns(connection: duckdb.DuckDBPyConnection, schema: str, table: str) -> set[str]:
    rows = connection.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND table_name = ?",
        [schema, table],
    ).fetchall()
    return {name for (name,) in rows}
