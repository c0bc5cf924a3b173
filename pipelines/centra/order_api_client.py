"""The HTTP client for Centra's REST Order API (docs/centra-api-reference.md §B): the fallback when GraphQL can not serve.

Every call is a GET with `API-Authorization: <key>` and answers the `{"status": ...}` envelope. Sent through
the shared `transport` (retries, 429, timeouts, redaction) and classified like the GraphQL client, with the
Order API's own settings named in every message:
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
)
from pipelines.centra.redaction import redact
from pipelines.centra.transport import Api, Retry, RetryPolicy, Transport, json_object

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
        self.url = url.rstrip("/")
        self._transport = Transport(
            Api("Centra's Order API", self.url, URL_HINT),
            secret=key,
            headers={"API-Authorization": key},
            retry=retry,
            timeout=timeout,
            sleep=sleep,
            http=http,
        )
        self.stats = self._transport.stats

    @property
    def retry(self) -> RetryPolicy:
        """The retry policy its transport follows."""
        return self._transport.retry

    def close(self) -> None:
        self._transport.close()

    def get(self, endpoint: str, params: Mapping[str, Any] | None = None) -> OrderApiResponse:
        """GET `<url>/<endpoint>?<params>`; the envelope when `status` is ok, else a CentraError."""
        query = {name: str(value) for name, value in (params or {}).items() if value is not None}
        return self._transport.send(
            "GET",
            f"{self.url}/{endpoint}",
            lambda response: _read(response, endpoint, self.url, query),
            what=f" on /{endpoint}",
            params=query,
        )


def _read(
    response: httpx.Response, endpoint: str, url: str, query: dict[str, str]
) -> OrderApiResponse | Retry:
    """An Order API answer (not a 429 or 5xx: the transport keeps those): the envelope, or a final error."""
    status = response.status_code
    body = json_object(response)
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
            redact(f"{url}/{endpoint} answered HTTP {status}, not the Order API — {URL_HINT}")
        )
    if body is None or "status" not in body:
        kind = response.headers.get("content-type", "unknown content type")
        return Retry(f"HTTP {status} with a body that is not Order API JSON ({kind})")
    if body["status"] != "ok":
        raise CentraQueryError(
            redact(f"the Order API refused /{endpoint} {query}: {json.dumps(body.get('msg'))}")
        )
    return OrderApiResponse(body, _server_time(response))


def _server_time(response: httpx.Response) -> datetime | None:
    value = response.headers.get("date")
    if not value:
        return None
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
