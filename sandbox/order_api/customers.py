"""`GET customers` (limit/offset) and `GET customers/<id>` (reference B3).

List parameters: `limit` (default 20), `offset`, `email` (exact match), `created` (customers added after),
`modified` (customers modified after). The list answers `"customers": [...]`, the single form
`"customer": {...}`; an unknown (or non-numeric) id answers HTTP 200
`{"status":"no","msg":"The customer was not found."}` as documented for anonymization.

Choices where Centra's behaviour is unknown:
- Sort: ascending customer id. `created`/`modified` are exclusive ("after"), in instance time, on the
  customer's `created_at`/`updated_at`.
- `consents` is always `[]` (the sandbox keeps no consents); `gender` and missing address texts are `""`.
- Anonymized customers are served as the store holds them (the generator blanks their personal data in
  the `anonymization_style`; NULL is `""` here).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sandbox.order_api.conditions import Conditions
from sandbox.order_api.envelope import ApplicationError, OrderApiRequest
from sandbox.order_api.lines import text
from sandbox.order_api.paging import offset_window
from sandbox.timefmt import naive_local

NOT_FOUND = "The customer was not found."


def list_customers(call: OrderApiRequest) -> dict[str, Any]:
    params = call.params
    window = offset_window(params)
    conditions = Conditions()
    conditions.add_if(params.text("email"), "c.email = ?")
    conditions.after("c.created_at", params.local_time("created"))
    conditions.after("c.updated_at", params.local_time("modified"))
    sql = f"SELECT * FROM customers c {conditions.where()} ORDER BY c.customer_id {window.sql()}"
    timezone = call.state.settings.timezone
    return {"customers": [_customer(row, timezone) for row in call.state.store.rows(sql, conditions.params)]}


def get_customer(call: OrderApiRequest) -> dict[str, Any]:
    raw_id = call.path_params.get("customer_id", "")
    rows = []
    if raw_id.isdigit():
        rows = call.state.store.rows("SELECT * FROM customers WHERE customer_id = ?", [int(raw_id)])
    if not rows:
        raise ApplicationError(NOT_FOUND)
    return {"customer": _customer(rows[0], call.state.settings.timezone)}


def _customer(row: Mapping[str, Any], timezone: str) -> dict[str, Any]:
    return {
        "customerId": str(row["customer_id"]),
        "email": text(row["email"]),
        "firstName": text(row["first_name"]),
        "lastName": text(row["last_name"]),
        "address1": text(row["address1"]),
        "address2": text(row["address2"]),
        "zipCode": text(row["zip_code"]),
        "city": text(row["city"]),
        "state": text(row["state"]),
        "country": text(row["country_code"]),
        "phoneNumber": text(row["phone_number"]),
        "newsletter": bool(row["has_newsletter"]),
        "gender": text(row["gender"]),
        "registered": bool(row["is_registered"]),
        "consents": [],
        "created": naive_local(row["created_at"], timezone),
        "modified": naive_local(row["updated_at"], timezone),
    }
