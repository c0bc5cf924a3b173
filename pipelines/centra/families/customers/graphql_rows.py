"""GraphQL customer, account and buyer nodes → canonical rows (tables CUSTOMERS, ACCOUNTS, BUYERS)."""

from __future__ import annotations

from typing import Any

from pipelines.centra.mapping import money, optional_int, optional_text, utc_timestamp
from pipelines.centra.tables import SOURCE_API

Row = dict[str, Any]
GRAPHQL = "graphql"


def _id(value: Any) -> int | None:
    return None if value is None else optional_int(value.get("id"))


def customer_row(node: Row, timezone: str) -> Row:
    """One customer; `updated_at` is NULL on instances whose Customer has no updatedAt (docs/centra-api-reference.md §E4).

    An anonymized customer keeps its row with the personal fields NULL, and a guest and a registered
    customer sharing an email stay two rows: the key is the id, never the email (docs/centra-api-reference.md §A8.4).
    """
    country = ((node.get("billingAddress") or {}).get("country")) or {}
    return {
        "customer_id": int(node["id"]),
        "email": optional_text(node.get("email")),
        "first_name": optional_text(node.get("firstName")),
        "last_name": optional_text(node.get("lastName")),
        "gender": optional_text(node.get("gender")),
        "phone_number": optional_text(node.get("phoneNumber")),
        "is_registered": node.get("isRegistered"),
        "has_newsletter": node.get("newsletter"),
        "country_code": optional_text(country.get("code")),
        "created_at": utc_timestamp(node.get("createdAt"), timezone),
        "updated_at": utc_timestamp(node.get("updatedAt"), timezone),
        SOURCE_API: GRAPHQL,
    }


def account_row(node: Row, timezone: str) -> Row:
    return {
        "account_id": int(node["id"]),
        "name": node.get("name"),
        "status": node.get("status"),
        "market_id": _id(node.get("market")),
        "pricelist_id": _id(node.get("pricelist")),
        "discount_percent": money(node.get("discountPercent")),
        "created_at": utc_timestamp(node.get("createdAt"), timezone),
        "updated_at": utc_timestamp(node.get("updatedAt"), timezone),
        SOURCE_API: GRAPHQL,
    }


def buyer_rows(account: Row, timezone: str) -> list[Row]:
    """The buyers of one account node; a buyer belongs to exactly one account."""
    return [
        {
            "buyer_id": int(buyer["id"]),
            "account_id": int(account["id"]),
            "email": optional_text(buyer.get("email")),
            "first_name": optional_text(buyer.get("firstName")),
            "last_name": optional_text(buyer.get("lastName")),
            "status": buyer.get("status"),
            "created_at": utc_timestamp(buyer.get("createdAt"), timezone),
            "updated_at": utc_timestamp(buyer.get("updatedAt"), timezone),
            SOURCE_API: GRAPHQL,
        }
        for buyer in account.get("buyers") or []
    ]
