"""Centra's rate limits: token buckets for requests, query complexity and mutations, over 10 s and 1 h.

Each bucket holds up to `quota` tokens and refills continuously at quota / interval. A request costs one
request token and `complexity` complexity tokens (plus one mutation token for a mutation). When any bucket
is short, the request is refused with the time at which it would succeed; Centra refuses every request
before that moment too (docs/centra-api-reference.md §A9), so the limiter remembers it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from sandbox.settings import RateLimitQuotas

INTERVAL_NAMES = {10: "TEN_SECONDS", 3600: "ONE_HOUR"}


class ComplexityTooHighError(Exception):
    """A single query costs more than the 10-second complexity bucket can ever hold."""


@dataclass
class TokenBucket:
    kind: str  # REQUEST_COUNT | QUERY_COMPLEXITY | MUTATION_COUNT
    interval_seconds: int
    quota: int
    tokens: float
    updated: float

    def refill(self, now: float) -> None:
        rate = self.quota / self.interval_seconds
        self.tokens = min(float(self.quota), self.tokens + (now - self.updated) * rate)
        self.updated = now

    def seconds_until(self, cost: float) -> float:
        if self.tokens >= cost:
            return 0.0
        return (cost - self.tokens) * self.interval_seconds / self.quota


class RateLimiter:
    def __init__(
        self, quotas: RateLimitQuotas, enabled: bool = True, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self.enabled = enabled
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._blocked_until = 0.0
        self.configure(quotas)

    def configure(self, quotas: RateLimitQuotas) -> None:
        """Replace the quotas; buckets start full."""
        now = self._monotonic()
        sizes = [
            ("REQUEST_COUNT", 10, quotas.request_10s),
            ("REQUEST_COUNT", 3600, quotas.request_1h),
            ("QUERY_COMPLEXITY", 10, quotas.complexity_10s),
            ("QUERY_COMPLEXITY", 3600, quotas.complexity_1h),
            ("MUTATION_COUNT", 10, quotas.mutation_10s),
            ("MUTATION_COUNT", 3600, quotas.mutation_1h),
        ]
        with self._lock:
            self.buckets = [
                TokenBucket(kind, seconds, quota, float(quota), now) for kind, seconds, quota in sizes
            ]
            self._blocked_until = 0.0

    def charge(self, complexity: int, is_mutation: bool = False) -> float:
        """Take the request's tokens; return 0.0 when allowed, else the seconds to wait (nothing taken)."""
        if not self.enabled:
            return 0.0
        costs = {"REQUEST_COUNT": 1.0, "QUERY_COMPLEXITY": float(complexity),
                 "MUTATION_COUNT": 1.0 if is_mutation else 0.0}  # fmt: skip
        with self._lock:
            now = self._monotonic()
            for bucket in self.buckets:
                if (
                    bucket.kind == "QUERY_COMPLEXITY"
                    and bucket.interval_seconds == 10
                    and complexity > bucket.quota
                ):
                    raise ComplexityTooHighError(
                        f"query complexity {complexity} exceeds the limit {bucket.quota}"
                    )
                bucket.refill(now)
            if now < self._blocked_until:
                return self._blocked_until - now
            wait = max(bucket.seconds_until(costs[bucket.kind]) for bucket in self.buckets)
            if wait > 0:
                self._blocked_until = now + wait
                return wait
            for bucket in self.buckets:
                bucket.tokens -= costs[bucket.kind]
            return 0.0

    def snapshot(self) -> list[dict[str, object]]:
        """The six buckets as Centra's `rateLimits` query reports them."""
        with self._lock:
            now = self._monotonic()
            rows: list[dict[str, object]] = []
            for bucket in self.buckets:
                bucket.refill(now)
                remaining = int(bucket.tokens) if self.enabled else bucket.quota
                rows.append(
                    {
                        "type": bucket.kind,
                        "intervalSeconds": INTERVAL_NAMES[bucket.interval_seconds],
                        "quota": bucket.quota,
                        "usedQuota": bucket.quota - remaining,
                        "remainingQuota": remaining,
                    }
                )
            return rows
