"""Extraction at the rate-limit bound: orders/s achieved against what Centra's buckets allow (issue 7.1).

For each budget share, a fresh sandbox (its own process, Centra's documented default quotas, buckets full)
serves N orders and the source backfills them through GraphQL into a temporary DuckDB file. The sandbox
accounts every request and its complexity; from the totals:

    cost per order   c = complexity spent / orders,  r = requests / orders
    capacity in T s  = min over the complexity buckets of (quota + quota / interval * T), likewise requests
    max orders in T  = min(complexity capacity / c, request capacity / r)
    ratio            = orders loaded / max orders in T        (target ≥ 0.85 at share 1.0)

At a share below 1 the target is orders ≥ 0.85 × share × max, and the buckets' used share — polled from
`rateLimits` every few seconds, the way another integration would see it — stays ≤ share + 5 points.
The poller's own requests (complexity 10 each) are taken off the capacity.

    uv run python -m bench.extraction_efficiency --orders 450 --share 1.0 --share 0.5
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bench.support import SandboxProcess, cpu_seconds, record_result, sandbox_process
from pipelines.centra import centra_source
from pipelines.loading import centra_pipeline, load, rows_loaded
from sandbox.settings import RateLimitQuotas

TOKEN = "sandbox-token"
POLL_SECONDS = 5.0
RATE_LIMITS = "{ rateLimits { type intervalSeconds quota usedQuota remainingQuota } }"
INTERVALS = {"TEN_SECONDS": 10, "ONE_HOUR": 3600}


@dataclass
class Poller:
    """Reads `rateLimits` like any other integration would; remembers each bucket's highest used share."""

    url: str
    highest: dict[str, float] = field(default_factory=dict)
    polls: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        with httpx.Client(timeout=30) as client:
            while not self._stop.wait(POLL_SECONDS):
                response = client.post(
                    self.url, json={"query": RATE_LIMITS}, headers={"Authorization": f"Bearer {TOKEN}"}
                )
                self.polls += 1
                if response.status_code != 200:
                    continue
                for bucket in response.json()["data"]["rateLimits"]:
                    key = f"{bucket['type']}/{bucket['intervalSeconds']}"
                    share = bucket["usedQuota"] / bucket["quota"] if bucket["quota"] else 0.0
                    self.highest[key] = max(self.highest.get(key, 0.0), share)

    def stop(self) -> None:
        self._stop.set()


@dataclass(frozen=True)
class Measurement:
    share: float
    orders: int
    rows: int
    seconds: float
    cpu_seconds: float
    requests: int
    rate_limited: int
    complexity: int
    max_orders: float
    highest_used: dict[str, float]

    @property
    def ratio(self) -> float:
        return self.orders / self.max_orders if self.max_orders else 0.0

    def line(self) -> str:
        used = max(self.highest_used.values(), default=0.0)
        return (
            f"share={self.share:.2f} orders={self.orders} rows={self.rows} seconds={self.seconds:.1f} "
            f"orders_per_s={self.orders / self.seconds:.2f} max_orders_per_s={self.max_orders / self.seconds:.2f} "
            f"ratio={self.ratio:.3f} target_ratio={0.85 * self.share:.3f} requests={self.requests} "
            f"answered_429={self.rate_limited} share_429={self.rate_limited / max(self.requests, 1):.2%} "
            f"complexity_per_order={self.complexity / max(self.orders, 1):.0f} highest_bucket_use={used:.1%} "
            f"pipeline_cpu_s={self.cpu_seconds:.1f}"
        )


def capacity(quotas: RateLimitQuotas, seconds: float, kind: str) -> float:
    """The most a bucket pair lets through in `seconds`, starting full."""
    pairs = {
        "requests": ((quotas.request_10s, 10), (quotas.request_1h, 3600)),
        "complexity": ((quotas.complexity_10s, 10), (quotas.complexity_1h, 3600)),
    }[kind]
    return min(quota + quota / interval * seconds for quota, interval in pairs)


def measure(sandbox: SandboxProcess, share: float, warehouse: Path) -> Measurement:
    sandbox.control("DELETE", "stats")
    poller = Poller(sandbox.graphql_url)
    thread = threading.Thread(target=poller.run, daemon=True)
    pipeline = centra_pipeline(warehouse)
    source = centra_source(
        graphql_url=sandbox.graphql_url,
        api_token=TOKEN,
        api="graphql",
        rate_limit_share=share,
        resources=["orders"],
    )
    cpu, started = cpu_seconds(), time.perf_counter()
    thread.start()
    try:
        load(pipeline, source)
    finally:
        poller.stop()
    seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    thread.join()
    stats: dict[str, Any] = sandbox.control("GET", "stats")
    counts: dict[str, int] = stats["counts"]
    graphql = {key: value for key, value in counts.items() if key.startswith("graphql:")}
    requests = sum(graphql.values()) - poller.polls
    complexity = int(stats["complexity_spent"]) - 10 * poller.polls
    loaded = rows_loaded(pipeline)
    orders = loaded.get("orders", 0)
    quotas = RateLimitQuotas()
    by_complexity = (capacity(quotas, seconds, "complexity") - 10 * poller.polls) / (complexity / orders)
    by_requests = (capacity(quotas, seconds, "requests") - poller.polls) / (requests / orders)
    return Measurement(
        share, orders, sum(loaded.values()), seconds, cpu, requests, counts.get("graphql:429", 0), complexity,
        min(by_complexity, by_requests), dict(poller.highest),
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--orders", type=int, default=450, help="orders in the sandbox (sets the run's length)"
    )
    parser.add_argument(
        "--share", type=float, action="append", help="budget share(s) to run (default 1.0 and 0.5)"
    )
    parser.add_argument("--no-record", action="store_true", help="do not add the figures to bench/README.md")
    args = parser.parse_args()
    results = []
    for share in args.share or [1.0, 0.5]:
        with (
            sandbox_process("--orders", str(args.orders)) as sandbox,
            tempfile.TemporaryDirectory() as folder,
        ):
            results.append(measure(sandbox, share, Path(folder) / "bench.duckdb"))
        print(results[-1].line(), flush=True)
    if not args.no_record:
        record_result(
            "extraction_efficiency",
            "; ".join(
                f"share {m.share:.0%}: {m.orders:,} orders in {m.seconds:.0f} s = {m.orders / m.seconds:.2f}/s of "
                f"max {m.max_orders / m.seconds:.2f}/s (ratio {m.ratio:.2f}, target {0.85 * m.share:.2f}), "
                f"429s {m.rate_limited}/{m.requests}, highest bucket use {max(m.highest_used.values(), default=0):.0%}"
                for m in results
            ),
        )
    for measurement in results:
        print(measurement.line())


if __name__ == "__main__":
    main()
