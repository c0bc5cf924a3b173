"""The HTTP client for Centra's REST Order API (docs/centra-api-reference.md §B): the fallback when GraphQL can not serve.

Every call is a GET with `API-Authorization: <key>` and answers the `{"status": ...}` envelope. Classified
like the GraphQL client, with the Order API's own settings named in every message:
- connection errors, timeouts, 5xx, non-JSON bodies: retried with exponential backoff and jitter, then
  `CentraUnavailableError` / `CentraResponseError` naming SOURCES__CENTRA__ORDER_API_URL;
- 429 (Centra documents no rate limits here, but a proxy may send one): wait for `Retry-After`, retry;
- 401, or 403 with a `msg` (the sandbox's and probably Centra's answer to a bad key, §E.1):
  `CentraAuthError` naming SOURCES__CENTRA__ORDER_API_KEY;
- 403 `{"status":"Not Allowed"}` (an endpoint left out of the plugin's allow-list, §B1):
  `CentraPermissionError` naming the endpoint, so the resource is skipped like a refused GraphQL list;
- 404 or another 4xx: `CentraConfigError` naming SOURCES__CENTRA__ORDER_API_URL;
- HTTP 200 with `status: "no"`: `CentraQueryError` with Centra's `msg`.
The key is registered with `redaction`, so no message or log line can carry it.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from pipelines.centra.errors import (
    CentraAuthError,
    CentraConfigError,
    CentraPermissionError,
    CentraQueryError,
    CentraRateLimitedError,
    CentraResponseError,
    CentraUnavailableError,
)
from pipelines.centra.graphql_client import RetryPolicy
from pipelines.centra.redaction import redact, register_secret
from pipelines.centra.retry_after import seconds_to_wait

log = logging.getLogger(__name__)

ORDER_API = "order_api"  # the value of `_source_api` on rows this API served
KEY_HINT = "check SOURCES__CENTRA__ORDER_API_KEY (the secret API key of the Order API plugin in AMS)"
URL_HINT = (
    "check SOURCES__CENTRA__ORDER_API_URL (the plugin URL, https://<client>.centra.com/api/<plugin-uri>)"
)


@dataclass(frozen=True)
class OrderApiResponse:
    body: dict[str, Any]
    server_time: datetime | None  # the HTTP `Date` header: the server's clock, for "modified since" marks


class CentraOrderApiClient:
    def __init__(
        self,
        url: str,
        key: str,
        *,
        retry: RetryPolicy | None = None,
        timeout: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
        http: httpx.Client | None = None,
    ) -> None:
        if not url:
            raise CentraConfigError(f"no Order API URL configured — {URL_HINT}")
        if not key:
            raise CentraConfigError(f"no Order API key configured — {KEY_HINT}")
        register_secret(key)
        self.url = url.rstrip("/")
        self.retry = retry or RetryPolicy()
        self.requests = 0
        self._sleep = sleep
        self._random = random.Random()
        self._http = http or httpx.Client(timeout=timeout)
        self._headers = {"API-Authorization": key, "Accept": "application/json", "User-Agent": "centra-elt"}

    def close(self) -> None:
        self._http.close()

    def get(self, endpoint: str, params: Mapping[str, Any] | None = None) -> OrderApiResponse:
        """GET `<url>/<endpoint>?<params>`; the envelope when `status` is ok, else a CentraError."""
        query = {name: str(value) for name, value in (params or {}).items() if value is not None}
        failures = rate_limited = 0
        while True:
            outcome = self._attempt(endpoint, query)
            if isinstance(outcome, OrderApiResponse):
                return outcome
            kind, detail, wait = outcome
            if kind == "rate_limited":
                rate_limited += 1
                if rate_limited > self.retry.max_rate_limited:
                    raise CentraRateLimitedError(
                        f"the Order API kept answering 429 Too Many Requests ({rate_limited} times) — retry later"
                    )
                self._pause(wait, jitter=0.1)
                continue
            failures += 1
            if failures >= self.retry.max_attempts:
                error = CentraResponseError if kind == "bad_body" else CentraUnavailableError
                raise error(
                    redact(
                        f"Centra's Order API at {self.url} failed {failures} times in a row on /{endpoint}: "
                        f"{detail} — {URL_HINT}, or retry later"
                    )
                )
            backoff = min(self.retry.backoff_cap, self.retry.backoff_base * 2 ** (failures - 1))
            log.warning(
                "Order API request failed (%s); retry %d in %.1f s", redact(detail), failures, backoff
            )
            self._pause(backoff, jitter=0.5)

    def _pause(self, seconds: float, jitter: float) -> None:
        self._sleep(seconds + self._random.uniform(0, jitter * max(seconds, 0.1)))

    def _attempt(self, endpoint: str, query: dict[str, str]) -> OrderApiResponse | tuple[str, str, float]:
        self.requests += 1
        try:
            response = self._http.get(f"{self.url}/{endpoint}", params=query, headers=self._headers)
        except httpx.TimeoutException as error:
            return ("unavailable", f"timed out ({type(error).__name__})", 0.0)
        except httpx.TransportError as error:
            return ("unavailable", f"could not connect ({type(error).__name__}: {error})", 0.0)
        status = response.status_code
        if status == 429:
            default = self.retry.backoff_base * 2
            return ("rate_limited", "429", seconds_to_wait(response.headers.get("Retry-After"), default))
        if status >= 500:
            return ("unavailable", f"HTTP {status}", 0.0)
        body = _json(response)
        if status == 401 or (status == 403 and body is not None and body.get("status") != "Not Allowed"):
            raise CentraAuthError(f"the Order API key was rejected (HTTP {status}) — {KEY_HINT}")
        if status == 403:
            raise CentraPermissionError(
                f"the Order API plugin does not allow /{endpoint} (HTTP 403 Not Allowed) — add the endpoint "
                "to the plugin's allowed endpoints in AMS",
                permission=f"Order API /{endpoint}",
            )
        if status >= 400:
            raise CentraConfigError(
                redact(f"{self.url}/{endpoint} answered HTTP {status}, not the Order API — {URL_HINT}")
            )
        if body is None or "status" not in body:
            kind = response.headers.get("content-type", "unknown content type")
            return ("bad_body", f"HTTP {status} with a body that is not Order API JSON ({kind})", 0.0)
        if body["status"] != "ok":
            raise CentraQueryError(
                redact(f"the Order API refused /{endpoint} {query}: {json.dumps(body.get('msg'))}")
            )
        return OrderApiResponse(body, _server_time(response))


def _json(response: httpx.Response) -> dict[str, Any] | None:
    try:
        payload = json.loads(response.content)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
    return payload if isinstance(payload, dict) else None


def _server_time(response: httpx.Response) -> datetime | None:
    value = response.headers.get("date")
    if not value:
        return None
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
