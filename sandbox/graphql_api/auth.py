"""Integration API tokens: `Authorization: Bearer <token>` or the cookie `graphql-access=<token>`.

Centra does not document how it refuses a missing, unknown, expired or revoked token (docs/centra-api-reference.md §E1), so
the response follows `settings.unknown_token_response`: HTTP 401, or HTTP 200 — both with a GraphQL-style
`errors` body of category `authentication` and no `data`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from starlette.responses import JSONResponse, Response

from sandbox.settings import SandboxSettings, TokenSpec

COOKIE_NAME = "graphql-access"


@dataclass(frozen=True)
class AuthFailure:
    message: str


def presented_token(authorization: str | None, cookies: dict[str, str]) -> str | None:
    """The header wins when both are sent (Centra leaves precedence open)."""
    if authorization:
        scheme, _, value = authorization.strip().partition(" ")
        if scheme.lower() == "bearer" and value.strip():
            return value.strip()
    return cookies.get(COOKIE_NAME) or None


def authenticate(settings: SandboxSettings, token: str | None, now: datetime) -> TokenSpec | AuthFailure:
    if token is None:
        return AuthFailure(
            "Access token missing: send it as 'Authorization: Bearer <token>' or the cookie graphql-access."
        )
    spec = settings.tokens().get(token)
    if spec is None:
        return AuthFailure("Invalid access token.")
    if spec.revoked:
        return AuthFailure("Access token has been revoked.")
    if spec.expires_at is not None:
        expires_at = spec.expires_at if spec.expires_at.tzinfo else spec.expires_at.replace(tzinfo=UTC)
        if expires_at <= now:
            return AuthFailure(f"Access token expired at {expires_at.isoformat()}.")
    return spec


def refusal(settings: SandboxSettings, failure: AuthFailure) -> Response:
    body = {"errors": [{"message": failure.message, "extensions": {"category": "authentication"}}]}
    if settings.unknown_token_response == "graphql_200":
        return JSONResponse(body, status_code=200)
    return JSONResponse(body, status_code=401, headers={"WWW-Authenticate": 'Bearer realm="graphql"'})
