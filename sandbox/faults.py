"""Deterministic fault injection: 5xx answers, slow answers, truncated JSON, HTML pages, 429 storms.

Whether request k fails is drawn from a generator seeded by the fault plan, so one plan replays the same
faults in the same order. Faults apply to the imitated APIs only, never to the control endpoints.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass
from typing import Literal

FaultKind = Literal["server_error", "slow", "truncated", "html", "rate_limited"]
FaultScope = Literal["all", "graphql", "order_api"]


@dataclass(frozen=True)
class FaultPlan:
    seed: int = 0
    server_error_rate: float = 0.0  # share answered 500/502/503
    slow_rate: float = 0.0  # share delayed by slow_seconds before answering
    slow_seconds: float = 0.0
    truncated_rate: float = 0.0  # share whose JSON body is cut in half (HTTP 200)
    html_rate: float = 0.0  # share answered with an HTML maintenance page (HTTP 200), as a proxy might
    storm_requests: int = 0  # the next N requests answer 429 regardless of buckets
    storm_retry_after: float = 1.0
    scope: FaultScope = "all"
    # Only these operations (a GraphQL operation name such as "Customers", or an Order API endpoint such as
    # "orders"); empty = every request in `scope`. Lets a test break one resource family and not the others.
    operations: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        object.__setattr__(self, "operations", frozenset(self.operations))


@dataclass(frozen=True)
class Fault:
    kind: FaultKind
    status: int = 200
    seconds: float = 0.0


class FaultInjector:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.install(FaultPlan())
        self.injected: dict[str, int] = {}

    def install(self, plan: FaultPlan) -> None:
        with self._lock:
            self.plan = plan
            self._random = random.Random(plan.seed)
            self._storm_left = plan.storm_requests
            self.injected = {}

    def clear(self) -> None:
        self.install(FaultPlan())

    def decide(self, api: Literal["graphql", "order_api"], operation: str | None = None) -> Fault | None:
        """The fault for the next request of `api` (running `operation`), or None to serve it normally."""
        with self._lock:
            plan = self.plan
            if plan.scope not in ("all", api):
                return None
            if plan.operations and operation not in plan.operations:
                return None
            fault = self._draw(plan)
            if fault is not None:
                self.injected[fault.kind] = self.injected.get(fault.kind, 0) + 1
            return fault

    def _draw(self, plan: FaultPlan) -> Fault | None:
        if self._storm_left > 0:
            self._storm_left -= 1
            return Fault("rate_limited", status=429, seconds=plan.storm_retry_after)
        roll = self._random.random()
        if roll < plan.server_error_rate:
            return Fault("server_error", status=self._random.choice((500, 502, 503)))
        roll -= plan.server_error_rate
        if roll < plan.truncated_rate:
            return Fault("truncated")
        roll -= plan.truncated_rate
        if roll < plan.html_rate:
            return Fault("html")
        roll -= plan.html_rate
        if roll < plan.slow_rate:
            return Fault("slow", seconds=plan.slow_seconds)
        return None
