"""The HTTP client for Centra's GraphQL Integration API: pacing, retries and errors a person can act on.

It speaks plain HTTP (httpx) rather than through gql's transport because the decisions it makes need the
status code, the headers and the body together: a 429 or a 5xx may carry a GraphQL-style JSON body, and
gql's transports report those as query errors with the status lost (see DECISIONS.md). Query documents
are still parsed and validated with gql against the instance's own schema (see `capabilities`).

Classification of an answer:
- connection errors, timeouts, 5xx, truncated or non-JSON bodies: retried with exponential backoff and
  jitter, then `CentraUnavailableError` / `CentraResponseError`;
- 429: wait for `Retry-After` (any format) and retry;
- 401/403 or `errors[].extensions.category == "authentication"`: `CentraAuthError`, never retried;
- `category == "authorization"`: `CentraPermissionError` naming the permission;
- other GraphQL errors: `CentraSchemaError` for validation problems, else `CentraQueryError`. A response
  with `errors` is never returned as data: nulls from a failed field must not be loaded as values.
"""

from __future__ import annotations

import json
import logging
import random
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from pipelines.centra.budget import RateBudget
from pipelines.centra.errors import (
    CentraAuthError,
    CentraComplexityError,
    CentraConfigError,
    CentraPermissionError,
    CentraQueryError,
    CentraRateLimitedError,
    CentraResponseError,
    CentraSchemaError,
    CentraUnavailableError,
)
from pipelines.centra.redaction import redact, register_secret
from pipelines.centra.retry_after import seconds_to_wait

log = logging.getLogger(__name__)

RATE_LIMITS_QUERY = "query RateLimits { rateLimits { type intervalSeconds quota usedQuota remainingQuota } }"
TOKEN_HINT = "check SOURCES__CENTRA__API_TOKEN (an Integration API token from AMS, System → API tokens)"
URL_HINT = "check SOURCES__CENTRA__GRAPHQL_URL (https://<client>.centra.com/graphql)"
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
class RetryPolicy:
    max_attempts: int = 6  # for 5xx, timeouts, broken bodies
    max_rate_limited: int = 50  # 429s tolerated for one request
    backoff_base: float = 1.0
    backoff_cap: float = 60.0


@dataclass
class ClientStats:
    requests: int = 0
    rate_limited: int = 0
    retried: int = 0
    complexity: int = 0
    by_status: dict[int, int] = field(default_factory=dict)


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
        register_secret(token)
        self.url = url
        self._token = token
        self.budget = budget or RateBudget()
        self.retry = retry or RetryPolicy()
        self.align_every = align_every
        self.stats = ClientStats()
        self._sleep = sleep
        self._random = random.Random()
        self._observed: dict[str, int] = {}
        self._http = http or httpx.Client(timeout=timeout)
        self._headers = {
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Accept": "application/json",
            "User-Agent": "centra-elt",
        }

    def close(self) -> None:
        self._http.close()

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
        body = {"query": query, "variables": dict(variables or {})}
        failures = rate_limited = 0
        while True:
            self.budget.acquire(estimated, is_mutation=mutation)
            outcome = self._attempt(body)
            if isinstance(outcome, GraphQLResult):
                self.budget.settle(estimated, outcome.complexity, mutation)
                self._observed[key] = outcome.complexity
                self.stats.complexity += outcome.complexity
                return outcome
            kind, detail, wait = outcome
            if kind == "rate_limited":
                rate_limited += 1
                self.stats.rate_limited += 1
                if rate_limited > self.retry.max_rate_limited:
                    raise CentraRateLimitedError(
                        f"Centra kept answering 429 Too Many Requests ({rate_limited} times for one query) — "
                        "another integration may be using the shared rate limit; lower the rate-limit share "
                        "or run later"
                    )
                self._pause(wait, jitter=0.1)
                continue
            failures += 1
            self.stats.retried += 1
            if failures >= self.retry.max_attempts:
                error = CentraResponseError if kind == "bad_body" else CentraUnavailableError
                raise error(
                    redact(
                        f"Centra's GraphQL API at {self.url} failed {failures} times in a row: {detail} — {URL_HINT}, or retry later"
                    )
                )
            backoff = min(self.retry.backoff_cap, self.retry.backoff_base * 2 ** (failures - 1))
            log.warning("GraphQL request failed (%s); retry %d in %.1f s", redact(detail), failures, backoff)
            self._pause(backoff, jitter=0.5)

    def _pause(self, seconds: float, jitter: float) -> None:
        self._sleep(seconds + self._random.uniform(0, jitter * max(seconds, 0.1)))

    def _attempt(self, body: dict[str, Any]) -> GraphQLResult | tuple[str, str, float]:
        """One HTTP exchange: a result, or (retryable kind, detail, seconds to wait); raises final errors."""
        self.stats.requests += 1
        try:
            response = self._http.post(self.url, json=body, headers=self._headers)
        except httpx.TimeoutException as error:
            return ("unavailable", f"timed out ({type(error).__name__})", 0.0)
        except httpx.TransportError as error:
            return ("unavailable", f"could not connect ({type(error).__name__}: {error})", 0.0)
        status = response.status_code
        self.stats.by_status[status] = self.stats.by_status.get(status, 0) + 1
        if status == 429:
            default = self.retry.backoff_base * 2
            return ("rate_limited", "429", seconds_to_wait(response.headers.get("Retry-After"), default))
        if status >= 500:
            return ("unavailable", f"HTTP {status}", 0.0)
        payload = self._json(response)
        if payload is None:
            if status in (401, 403):
                raise CentraAuthError(f"the GraphQL token was rejected (HTTP {status}) — {TOKEN_HINT}")
            if status >= 400:
                raise CentraConfigError(
                    f"{self.url} answered HTTP {status}, not a GraphQL response — {URL_HINT}"
                )
            kind = response.headers.get("content-type", "unknown content type")
            return ("bad_body", f"HTTP {status} with a body that is not GraphQL JSON ({kind})", 0.0)
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
            return ("bad_body", "HTTP 200 without `data`", 0.0)
        extensions = payload.get("extensions") or {}
        return GraphQLResult(payload["data"], extensions, int(extensions.get("complexity") or 0))

    @staticmethod
    def _json(response: httpx.Response) -> dict[str, Any] | None:
        try:
            payload = json.loads(response.content)
        except (json.JSONDecodeError, UnicodeDecodeError):
            return None
        return payload if isinstance(payload, dict) else None


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
