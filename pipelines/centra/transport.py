"""The one HTTP transport under both Centra clients: timeouts, retries, 429 and `Retry-After`, redaction, the
request log.

A client sends through `Transport.send` and reads each answer with its own `read` function, which returns
the result, raises a final error (a refused token, a wrong URL, a refused query), or returns `Retry(detail)`
for an answer worth asking again (a body that is not the API's JSON, as a proxy's maintenance page is). The
transport itself handles what no API's own reading needs to see:
- connection errors, timeouts and 5xx: retried with exponential backoff and jitter; after
  `RetryPolicy.max_attempts` failures in a row, `CentraUnavailableError` (or `CentraResponseError` when the
  last failure was a broken body);
- 429: wait as long as `Retry-After` says, in any of its formats (`retry_after`), and ask again; after
  `RetryPolicy.max_rate_limited` of them for one request, `CentraRateLimitedError`.
Every message names the API, its URL and the setting to check, and passes through `redaction`, so the
secret the transport was given can not reach a message or a log line. Each exchange is logged at DEBUG
(method, path, status, milliseconds): the request log.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx

from pipelines.centra.errors import CentraRateLimitedError, CentraResponseError, CentraUnavailableError
from pipelines.centra.redaction import redact, register_secret
from pipelines.centra.retry_after import seconds_to_wait

log = logging.getLogger(__name__)

Result = TypeVar("Result")


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 6  # for 5xx, timeouts, broken bodies
    max_rate_limited: int = 50  # 429s tolerated for one request
    backoff_base: float = 1.0
    backoff_cap: float = 60.0

    def backoff(self, failures: int) -> float:
        """Seconds to wait after the `failures`-th failure in a row (before jitter)."""
        return float(min(self.backoff_cap, self.backoff_base * 2 ** (failures - 1)))


@dataclass
class TransportStats:
    requests: int = 0
    rate_limited: int = 0
    retried: int = 0
    by_status: dict[int, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Retry:
    """An answer worth asking again; `detail` says what was wrong with it (for the log and the final error)."""

    detail: str


@dataclass(frozen=True)
class Api:
    """Who the transport speaks to, for its messages."""

    name: str  # "Centra's GraphQL API"
    url: str  # the configured URL, as messages show it
    url_hint: str  # the setting to check when the API can not be reached
    busy_hint: str = "retry later"  # what to do when it keeps answering 429


@dataclass(frozen=True)
class _Failed:
    detail: str
    broken_body: bool


@dataclass(frozen=True)
class _RateLimited:
    wait: float


class Transport:
    def __init__(
        self,
        api: Api,
        *,
        secret: str,
        headers: Mapping[str, str],
        retry: RetryPolicy | None = None,
        timeout: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
        http: httpx.Client | None = None,
        stats: TransportStats | None = None,
    ) -> None:
        register_secret(secret)
        self.api = api
        self.retry = retry or RetryPolicy()
        self.stats = stats or TransportStats()
        self._headers = {"Accept": "application/json", "User-Agent": "centra-elt", **headers}
        self._sleep = sleep
        self._random = random.Random()
        self._http = http or httpx.Client(timeout=timeout)

    def close(self) -> None:
        self._http.close()

    def send(
        self,
        method: str,
        url: str,
        read: Callable[[httpx.Response], Result | Retry],
        *,
        what: str = "",
        before_attempt: Callable[[], object] | None = None,
        **request: Any,
    ) -> Result:
        """One request, asked again until `read` accepts an answer or the policy gives up.

        `what` names the request in messages (" on /orders"); `before_attempt` runs before every attempt
        (the GraphQL client takes its rate budget there); `request` goes to httpx (`json`, `params`)."""
        failures = rate_limited = 0
        while True:
            if before_attempt is not None:
                before_attempt()
            outcome = self._exchange(method, url, read, request)
            if isinstance(outcome, _RateLimited):
                rate_limited += 1
                self.stats.rate_limited += 1
                if rate_limited > self.retry.max_rate_limited:
                    raise CentraRateLimitedError(
                        f"{self.api.name} kept answering 429 Too Many Requests ({rate_limited} times for one "
                        f"request{what}) — {self.api.busy_hint}"
                    )
                self._pause(outcome.wait, jitter=0.1)
                continue
            if not isinstance(outcome, _Failed):
                return outcome
            failures += 1
            self.stats.retried += 1
            if failures >= self.retry.max_attempts:
                error = CentraResponseError if outcome.broken_body else CentraUnavailableError
                raise error(
                    redact(
                        f"{self.api.name} at {self.api.url} failed {failures} times in a row{what}: "
                        f"{outcome.detail} — {self.api.url_hint}, or retry later"
                    )
                )
            backoff = self.retry.backoff(failures)
            log.warning(
                "%s request failed (%s); retry %d in %.1f s",
                self.api.name,
                redact(outcome.detail),
                failures,
                backoff,
            )
            self._pause(backoff, jitter=0.5)

    def _exchange(
        self,
        method: str,
        url: str,
        read: Callable[[httpx.Response], Result | Retry],
        request: dict[str, Any],
    ) -> Result | _Failed | _RateLimited:
        self.stats.requests += 1
        started = time.perf_counter()
        try:
            response = self._http.request(method, url, headers=self._headers, **request)
        except httpx.TimeoutException as error:
            return _Failed(f"timed out ({type(error).__name__})", broken_body=False)
        except httpx.TransportError as error:
            return _Failed(f"could not connect ({type(error).__name__}: {error})", broken_body=False)
        status = response.status_code
        self.stats.by_status[status] = self.stats.by_status.get(status, 0) + 1
        if log.isEnabledFor(logging.DEBUG):
            elapsed_ms = (time.perf_counter() - started) * 1000
            log.debug("%s %s → HTTP %d in %.0f ms", method, redact(response.url.path), status, elapsed_ms)
        if status == 429:
            default = self.retry.backoff_base * 2
            return _RateLimited(seconds_to_wait(response.headers.get("Retry-After"), default))
        if status >= 500:
            return _Failed(f"HTTP {status}", broken_body=False)
        answer = read(response)
        return _Failed(answer.detail, broken_body=True) if isinstance(answer, Retry) else answer

    def _pause(self, seconds: float, jitter: float) -> None:
        self._sleep(seconds + self._random.uniform(0, jitter * max(seconds, 0.1)))


def json_object(response: httpx.Response) -> dict[str, Any] | None:
    """The body as a JSON object, or None when it is not one (HTML, truncated, a list)."""
    try:
        payload = json.loads(response.content)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
    return payload if isinstance(payload, dict) else None
