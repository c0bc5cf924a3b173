"""Everything one running sandbox holds; the HTTP handlers reach it as `request.app.state.sandbox`."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field

from sandbox.clock import SandboxClock
from sandbox.faults import FaultInjector
from sandbox.ratelimit import RateLimiter
from sandbox.settings import SandboxSettings
from sandbox.store import Store


@dataclass
class RequestStats:
    """What the sandbox answered, for tests and benchmarks (e.g. the share of 429s)."""

    counts: Counter[str] = field(default_factory=Counter)
    complexity_spent: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, key: str, complexity: int = 0) -> None:
        with self.lock:
            self.counts[key] += 1
            self.complexity_spent += complexity

    def add(self, key: str, amount: int) -> None:
        """Count `amount` things under `key` (e.g. `orders_served`: order nodes in GraphQL answers)."""
        with self.lock:
            self.counts[key] += amount

    def snapshot(self) -> dict[str, object]:
        with self.lock:
            return {"counts": dict(self.counts), "complexity_spent": self.complexity_spent}

    def reset(self) -> None:
        with self.lock:
            self.counts.clear()
            self.complexity_spent = 0


@dataclass
class SandboxState:
    settings: SandboxSettings
    store: Store
    clock: SandboxClock
    rate_limiter: RateLimiter
    faults: FaultInjector
    stats: RequestStats

    @classmethod
    def empty(cls, settings: SandboxSettings) -> SandboxState:
        """A state with an empty store (the generator fills it)."""
        return cls(
            settings=settings,
            store=Store(),
            clock=SandboxClock(settings.now, settings.clock_follows_real_time),
            rate_limiter=RateLimiter(settings.quotas, settings.rate_limits_enabled),
            faults=FaultInjector(),
            stats=RequestStats(),
        )
