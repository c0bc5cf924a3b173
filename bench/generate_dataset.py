"""Time and peak memory of the sandbox's dataset generator: `python bench/generate_dataset.py --orders 1000000`.

Prints the order count, the seconds `generate` took and the process's peak resident memory (MB), plus the
row count of every table. Targets: 20,000 orders in under 10 s; 1,000,000 orders within 4 GB.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time

from sandbox.generator import generate
from sandbox.settings import SandboxSettings
from sandbox.state import SandboxState


def peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 / 1024 if sys.platform == "darwin" else peak / 1024  # bytes on macOS, KiB on Linux


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orders", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    settings = SandboxSettings(orders=args.orders, seed=args.seed, clock_follows_real_time=False)
    state = SandboxState.empty(settings)
    started = time.perf_counter()
    generate(state.store, settings)
    seconds = time.perf_counter() - started
    print(f"orders={args.orders} seconds={seconds:.1f} peak_rss_mb={peak_rss_mb():.0f}")
    for table, rows in state.store.counts().items():
        print(f"  {table:<20} {rows:>10,}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
