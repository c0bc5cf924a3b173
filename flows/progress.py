"""Progress on the terminal while a family loads: rows per table every few seconds, with an ETA when the
source knows the total (dlt calls this collector; nothing is printed for steps that finish quickly)."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from dlt.common.runtime.collector_base import Collector


class TerminalProgress(Collector):
    def __init__(self, period_seconds: float = 10.0, stream: TextIO | None = None, prefix: str = "") -> None:
        self.period = period_seconds
        self.stream = stream
        self.prefix = prefix
        self.step = ""
        self._counts: dict[str, int] = {}
        self._totals: dict[str, int] = {}
        self._started = 0.0
        self._last_print = 0.0

    def update(
        self,
        name: str,
        inc: int = 1,
        total: int | None = None,
        inc_total: int | None = None,
        message: str | None = None,
        label: str | None = None,
    ) -> None:
        if label or name in ("Resources", "Files", "Items", "Jobs") or name.startswith("_dlt"):
            return
        self._counts[name] = self._counts.get(name, 0) + inc
        if total is not None:
            self._totals[name] = total
        if inc_total:
            self._totals[name] = self._totals.get(name, 0) + inc_total
        now = time.monotonic()
        if now - self._last_print >= self.period:
            self._last_print = now
            self._print(now)

    def line(self, now: float) -> str:
        elapsed = max(now - self._started, 1e-9)
        parts = []
        for name, count in sorted(self._counts.items(), key=lambda item: -item[1])[:4]:
            text = f"{name} {count:,}"
            total = self._totals.get(name)
            if total:
                rate = count / elapsed
                remaining = (total - count) / rate if rate > 0 and total > count else 0.0
                text += f"/{total:,} (ETA {remaining:,.0f} s)"
            parts.append(text)
        rows = sum(self._counts.values())
        return f"{self.prefix}{self.step.lower()}: {', '.join(parts)} — {rows / elapsed:,.0f} rows/s, {elapsed:,.0f} s"

    def _print(self, now: float) -> None:
        if self._counts and now - self._started >= self.period:
            print(self.line(now), file=self.stream or sys.stderr, flush=True)

    def _start(self, step: str) -> None:
        self.step = step.split(" ")[0]
        self._counts, self._totals = {}, {}
        self._started = self._last_print = time.monotonic()

    def _stop(self) -> None:
        now = time.monotonic()
        if now - self._started >= self.period:  # a long step says where it ended
            self._print(now)
