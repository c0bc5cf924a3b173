"""Pacing requests inside a share of Centra's rate-limit buckets.

Centra meters requests and query complexity in token buckets over 10 s and 1 h, shared by every
integration on the instance (docs/centra-api-reference.md §A9). The client keeps its own copy of each bucket, sized to
`share` of the quota, and waits before a request that its copy can not pay for. Reading `rateLimits` from
time to time re-aligns the copies with what the instance reports, so other integrations' use counts too.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

INTERVAL_SECONDS = {"TEN_SECONDS": 10, "ONE_HOUR": 3600}
REQUEST, COMPLEXITY, MUTATION = "REQUEST_COUNT", "QUERY_COMPLEXITY", "MUTATION_COUNT"


@dataclass
class LocalBucket:
    kind: str
    interval_seconds: int
    quota: int  # the instance's quota
    share: float
    tokens: float
    updated: float

    @property
    def capacity(self) -> float:
        return self.quota * self.share

    @property
    def rate(self) -> float:
        return self.capacity / self.interval_seconds

    def refill(self, now: float) -> None:
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now

    def wait_for(self, cost: float) -> float:
        """Seconds until `cost` tokens are available; a cost above capacity waits for a full bucket."""
        needed = min(cost, self.capacity)
        return 0.0 if self.tokens >= needed else (needed - self.tokens) / self.rate


class RateBudget:
    """Client-side buckets; `acquire(cost)` blocks until the request fits, then takes its tokens."""

    def __init__(
        self,
        share: float = 0.5,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not 0 < share <= 1:
            raise ValueError(f"the rate-limit share must be in (0, 1], got {share}")
        self.share = share
        self._monotonic = monotonic
        self._sleep = sleep
        self._lock = threading.Lock()
        self.buckets: list[LocalBucket] = []
        self.waited_seconds = 0.0
        self.complexity_spent = 0
        self.requests = 0

    @property
    def configured(self) -> bool:
        return bool(self.buckets)

    def align(self, rate_limits: Iterable[Mapping[str, object]]) -> None:
        """Take quotas and remaining tokens from a `rateLimits` answer.

        The instance's remaining tokens are shared; our copy may use what is left above the reserve that
        the share keeps free for other integrations.
        """
        now = self._monotonic()
        with self._lock:
            known = {(b.kind, b.interval_seconds): b for b in self.buckets}
            aligned: list[LocalBucket] = []
            for row in rate_limits:
                kind = str(row["type"])
                interval = INTERVAL_SECONDS[str(row["intervalSeconds"])]
                quota = int(str(row["quota"]))
                remaining = int(str(row["remainingQuota"]))
                reserve = quota * (1 - self.share)
                bucket = known.get((kind, interval)) or LocalBucket(
                    kind, interval, quota, self.share, 0.0, now
                )
                bucket.refill(now)
                bucket.quota = quota
                bucket.tokens = max(0.0, min(bucket.capacity, remaining - reserve))
                bucket.updated = now
                aligned.append(bucket)
            self.buckets = aligned

    def acquire(self, complexity: int, is_mutation: bool = False) -> float:
        """Wait until the buckets can pay for a request; take its tokens; return the seconds waited."""
        costs = {REQUEST: 1.0, COMPLEXITY: float(complexity), MUTATION: 1.0 if is_mutation else 0.0}
        waited = 0.0
        while True:
            with self._lock:
                now = self._monotonic()
                for bucket in self.buckets:
                    bucket.refill(now)
                wait = max((b.wait_for(costs[b.kind]) for b in self.buckets), default=0.0)
                if wait <= 0:
                    for bucket in self.buckets:
                        bucket.tokens -= min(costs[bucket.kind], bucket.capacity)
                    self.requests += 1
                    self.waited_seconds += waited
                    return waited
            self._sleep(wait)
            waited += wait

    def settle(self, estimated: int, actual: int, is_mutation: bool = False) -> None:
        """Correct what `acquire` took with the complexity the response reported.

        `acquire` takes tokens when the request leaves, Centra when it arrives. If Centra's bucket was full
        in between, the refill we counted for the flight was lost there, so after the answer our copy may
        hold at most a full bucket less this request's cost.
        """
        costs = {REQUEST: 1.0, COMPLEXITY: float(actual), MUTATION: 1.0 if is_mutation else 0.0}
        now = self._monotonic()
        with self._lock:
            self.complexity_spent += actual
            for bucket in self.buckets:
                if bucket.kind == COMPLEXITY:
                    bucket.tokens -= actual - estimated
                bucket.refill(now)
                bucket.tokens = min(bucket.tokens, bucket.capacity - min(costs[bucket.kind], bucket.capacity))

    def max_complexity_per_request(self, fraction: float = 0.25) -> int:
        """A page's complexity ceiling: a fraction of our share of the 10-second complexity bucket."""
        caps = [b.capacity for b in self.buckets if b.kind == COMPLEXITY and b.interval_seconds == 10]
        return int(min(caps) * fraction) if caps else 10_000
