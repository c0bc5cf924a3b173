"""The HTTP client for Centra's GraphQL Integration API: pacing, retries and errors a person can act on.

It speaks plain HTTP (httpx) rather than through gql's transport because the decisions it makes need the
status code, the headers and the body together: a 429 or a 5xx may carry a GraphQL-style JSON body, and
gql's transports report those as query errors with the status lost (see DECISIONS.md). Query documents
are still parsed and validated with gql against the instance's own schema (see `capabilities`).

Classification of an answer (retries, 429 and timeouts are the shared `transport`'s):
- connection errors, timeouts, 5xx, truncated or non-JSON bodies: retried with exponential backoff and
  jitter, then `CentraUnavailableError` / `CentraResponseError`;
- 429: wait for `Retry-After` (any format) and retry;
- 401/403 or `errors[].extensions.category == "authentication"`: `CentraAuthError`, never retried;
- `category == "authorization"`: `CentraPermissionError` naming the permission;
- other GraphQL errors: `CentraSchemaError` for validation problems, else `CentraQueryError`. A response
  with `errors` is never returned as data: nulls from a failed field must not be loaded as values.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from pipelines.centra.budget import RateBudget
from pipelines.centra.errors import (
    CentraAuthError,
    CentraComplexityError,
    CentraConfigError,
    CentraPermissionError,
    CentraQueryError,
    CentraSchemaError,
)
from pipelines.centra.redaction import redact
from pipelines.centra.transport import Api, Retry, RetryPolicy, Transport, TransportStats, json_object

RATE_LIMITS_QUERY = "query RateLimits { rateLimits { type intervalSeconds quota usedQuota remainingQuota } }"
TOKEN_HINT = "check SOURCES__CENTRA__API_TOKEN (an Integration API token from AMS, System → API tokens)"
URL_HINT = "check SOURCES__CENTRA__GRAPHQL_URL (https://<client>.centra.com/graphql)"
BUSY_HINT = "another integration may be using the shared rate limit; lower the rate-limit share or run later"
_PERMISSION_IN_MESSAGE = re.compile(r"need ([A-Za-z]+(?:\.[A-Za-z]+)*:(?:read|write))")
_VALIDATION_HINTS = (
    "Cannot query field",
    "Unknown argument",
    "Unknown type",
    "is not defined",
    "Expected type",
)


@dataclass(frozen=True)
class GraphQLResult:
    data: dict[str, Any]
    extensions: dict[str, Any]
    complexity: int


@dataclass
class ClientStats(TransportStats):
    complexity: int = 0  # the sum Centra reported for the answered queries


class CentraGraphQLClient:
    def __init__(
        self,
        url: str,
        token: str,
        *,
        budget: RateBudget | None = None,
        retry: RetryPolicy | None = None,
        timeout: float = 60.0,
        align_every: int = 100,
        sleep: Callable[[float], None] = time.sleep,
        http: httpx.Client | None = None,
    ) -> None:
        if not url:
            raise CentraConfigError(f"no GraphQL URL configured — {URL_HINT}")
        if not token:
            raise CentraConfigError(f"no GraphQL token configured — {TOKEN_HINT}")
        self.url = url
        self.budget = budget or RateBudget()
        self.align_every = align_every
        self.stats = ClientStats()
        self._observed: dict[str, int] = {}
        self._transport = Transport(
            Api("Centra's GraphQL API", url, URL_HINT, busy_hint=BUSY_HINT),
            secret=token,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            retry=retry,
            timeout=timeout,
            sleep=sleep,
            http=http,
            stats=self.stats,
        )

    @property
    def retry(self) -> RetryPolicy:
        """The retry policy its transport follows."""
        return self._transport.retry

    def close(self) -> None:
        self._transport.close()

    def __enter__(self) -> CentraGraphQLClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def rate_limits(self) -> list[dict[str, Any]]:
        """Read the instance's six buckets and re-align the budget with them."""
        result = self._send(RATE_LIMITS_QUERY, None, "RateLimits", estimated=10)
        rows: list[dict[str, Any]] = result.data["rateLimits"]
        self.budget.align(rows)
        return rows

    def execute(
        self,
        query: str,
        variables: Mapping[str, Any] | None = None,
        *,
        name: str | None = None,
        mutation: bool = False,
        estimated_complexity: int | None = None,
    ) -> GraphQLResult:
        """Run one query, paced by its expected complexity: `estimated_complexity` when the caller knows
        better (a page of another size), else what the query `name` cost last time."""
        if not self.budget.configured or self.budget.requests % self.align_every == self.align_every - 1:
            self.rate_limits()
        key = name or query
        estimate = estimated_complexity or self._observed.get(key, 100)
        return self._send(query, variables, key, estimated=estimate, mutation=mutation)

    def observed_complexity(self, name: str) -> int | None:
        return self._observed.get(name)

    def _send(
        self,
        query: str,
        variables: Mapping[str, Any] | None,
        key: str,
        estimated: int,
        mutation: bool = False,
    ) -> GraphQLResult:
        result = self._transport.send(
            "POST",
            self.url,
            self._read,
            json={"query": query, "variables": dict(variables or {})},
            before_attempt=lambda: self.budget.acquire(estimated, is_mutation=mutation),
        )
        self.budget.settle(estimated, result.complexity, mutation)
        self._observed[key] = result.complexity
        self.stats.complexity += result.complexity
        return result

    def _read(self, response: httpx.Response) -> GraphQLResult | Retry:
        """A GraphQL answer (not a 429 or 5xx: the transport keeps those): the data, or a final error."""
        status = response.status_code
        payload = json_object(response)
        if payload is None:
            if status in (401, 403):
                raise CentraAuthError(f"the GraphQL token was rejected (HTTP {status}) — {TOKEN_HINT}")
            if status >= 400:
                raise CentraConfigError(
                    f"{self.url} answered HTTP {status}, not a GraphQL response — {URL_HINT}"
                )
            kind = response.headers.get("content-type", "unknown content type")
            return Retry(f"HTTP {status} with a body that is not GraphQL JSON ({kind})")
        errors = payload.get("errors") or []
        if status in (401, 403) or _category(errors) == "authentication":
            raise CentraAuthError(
                redact(
                    f"the GraphQL token was rejected (HTTP {status}: {_first_message(errors)}) — {TOKEN_HINT}"
                )
            )
        if status >= 400:
            raise CentraConfigError(
                redact(f"{self.url} answered HTTP {status}: {_first_message(errors)} — {URL_HINT}")
            )
        if errors:
            raise _query_error(errors)
        if not isinstance(payload.get("data"), dict):
            return Retry("HTTP 200 without `data`")
        extensions = payload.get("extensions") or {}
        return GraphQLResult(payload["data"], extensions, int(extensions.get("complexity") or 0))


def _category(errors: list[dict[str, Any]]) -> str | None:
    for error in errors:
        category = (error.get("extensions") or {}).get("category")
        if category:
            return str(category)
    return None


def _first_message(errors: list[dict[str, Any]]) -> str:
    return str(errors[0].get("message", "no message")) if errors else "no message"


def _query_error(errors: list[dict[str, Any]]) -> Exception:
    message = redact("; ".join(str(error.get("message", "")) for error in errors[:3]))
    if _category(errors) == "authorization":
        match = _PERMISSION_IN_MESSAGE.search(message)
        permission = match.group(1) if match else None
        fix = (
            f"add {permission} to the token in AMS"
            if permission
            else "grant the token the missing permission"
        )
        paths = [list(error["path"]) for error in errors if error.get("path")]
        return CentraPermissionError(
            f"the GraphQL token lacks a permission: {message} — {fix}", permission, paths
        )
    if _category(errors) == "complexity" or "complexity" in message.lower():
        return CentraComplexityError(f"Centra refused the query as too complex: {message}")
    if _category(errors) == "graphql" or any(hint in message for hint in _VALIDATION_HINTS):
        return CentraSchemaError(
            f"Centra rejected the query: {message} — the instance's schema differs from what centra-elt expects"
        )
    return CentraQueryError(f"Centra answered with errors: {message}")
