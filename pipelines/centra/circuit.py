"""One decision per run about an API being down: the circuit breaker the families of one run share.

The flow loads each family with a source of its own, and each source plans its APIs anew (`api_choice`).
Without a shared memory, every family would retry a dead GraphQL for the client's whole backoff (about
31 s with the default six attempts) before falling back. The policy:

- **Down** means the API stayed unreachable after the client's own retries on the requests a plan sends
  before any family-specific one (GraphQL: `rateLimits` and introspection; the Order API: the key check):
  connection errors, timeouts, 5xx answers, or bodies that are not the API's JSON (a proxy's maintenance
  page). Only that opens the breaker. A rejected token (401), a missing permission, a schema error, a 429
  storm (`CentraRateLimitedError`: the API is up, only busy) or a configuration error never does.
- The first family whose plan finds an API down opens the breaker for that API. Every later family of the
  run plans as if that API were gone, without sending it a request: GraphQL's families go to the Order API
  where it has their endpoint (the reason in the run summary says GraphQL was found down earlier, when and
  with which error); a family with no fallback fails at once with `CentraApiDownError` saying the same.
  The Order API is treated the same way: once its check found it down, later families that need it fail
  at once instead of retrying it.
- A query failing during extraction fails its family but does not open the breaker: one operation failing
  is not the API being down (the flow's other families still try it), and if the API really went away the
  next family's plan finds it down and opens the breaker then.
- The breaker lives for one run (the flow creates one and passes it to every family's source); nothing is
  persisted, so the next run asks the API again. A direct `centra_source()` call gets a breaker of its own.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

from pipelines.centra.errors import (
    CentraApiDownError,
    CentraError,
    CentraRateLimitedError,
    CentraResponseError,
    CentraUnavailableError,
)

T = TypeVar("T")
API_NAMES = {"graphql": "GraphQL", "order_api": "the Order API"}


def means_down(error: BaseException) -> bool:
    """Whether `error` (what a client raised after its retries) says the API is down."""
    if isinstance(error, CentraRateLimitedError | CentraApiDownError):
        return False
    return isinstance(error, CentraUnavailableError | CentraResponseError)


@dataclass(frozen=True)
class Outage:
    api: str  # "graphql" | "order_api"
    found_at: datetime  # UTC, this machine's clock
    during: str  # the families whose plan found it down
    error: str  # "CentraUnavailableError: ..."

    @property
    def api_name(self) -> str:
        return API_NAMES.get(self.api, self.api)

    def describe(self) -> str:
        """ "GraphQL was found down at 2026-11-02 10:04:31 UTC (planning reference): CentraUnavailableError: ..."."""
        name = self.api_name[0].upper() + self.api_name[1:]
        return f"{name} was found down at {self.found_at:%Y-%m-%d %H:%M:%S} UTC (planning {self.during}): {self.error}"

    def reason(self) -> str:
        """Why a later family does not ask the API: the words of a fallback's reason or a fail-fast error."""
        return (
            f"{self.api_name} was found down earlier in this run, at {self.found_at:%H:%M:%S} UTC while planning "
            f"{self.during} ({self.error}); not asked again until the next run"
        )


class CircuitBreaker:
    """Which APIs were found down in this run, and which families were routed around them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._outages: dict[str, Outage] = {}
        self._routed: dict[str, dict[str, str | None]] = {}  # api -> {family: the API that served it instead}

    def outage(self, api: str) -> Outage | None:
        """The outage that keeps `api` from being asked this run, or None (closed: ask it)."""
        with self._lock:
            return self._outages.get(api)

    def record(self, api: str, families: list[str], error: BaseException) -> bool:
        """Open the breaker for `api` when `error` means it is down; True when it did (or already was)."""
        if not means_down(error):
            return False
        text = f"{type(error).__name__}: {str(error).strip().splitlines()[0] if str(error).strip() else ''}"
        with self._lock:
            self._outages.setdefault(api, Outage(api, datetime.now(UTC), ", ".join(families), text))
        return True

    def check(self, api: str) -> None:
        """Raise `CentraApiDownError` when `api` was found down earlier in this run."""
        outage = self.outage(api)
        if outage is not None:
            raise CentraApiDownError(outage.reason())

    def ask(self, api: str, families: list[str], open_client: Callable[[], T]) -> T:
        """`open_client()` (the plan's first requests to `api` for `families`) unless `api` was found down;
        when it finds `api` down, open the breaker. Either way the error propagates, and `families` are
        noted as not served (until the plan says which fallback served them)."""
        try:
            self.check(api)
            return open_client()
        except CentraError as error:
            self.record(api, families, error)
            if self.outage(api) is not None:
                for family in families:
                    self.routed_around(api, family, None)
            raise

    def routed_around(self, api: str, family: str, served_by: str | None) -> None:
        """Note that `family` was not served by `api` because it was down (`served_by`: None = nothing)."""
        with self._lock:
            self._routed.setdefault(api, {})[family] = served_by

    @property
    def outages(self) -> list[Outage]:
        with self._lock:
            return list(self._outages.values())

    def report(self) -> list[str]:
        """One line per API found down this run, naming the families served by the fallback because of it."""
        lines = []
        for outage in self.outages:
            with self._lock:
                routed = dict(self._routed.get(outage.api, {}))
            line = outage.describe() + "; not asked again this run"
            by_api: dict[str | None, list[str]] = {}
            for family, served in routed.items():
                by_api.setdefault(served, []).append(family)
            for served, families in sorted(by_api.items(), key=lambda item: str(item[0])):
                names = ", ".join(sorted(families))
                line += (
                    f"; served by {API_NAMES.get(served, served)} because of it: {names}"
                    if served
                    else f"; not loaded because of it: {names}"
                )
            lines.append(line)
        return lines
