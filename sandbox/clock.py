"""The sandbox instance's clock: starts at `settings.now`, can be advanced by tests."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta


class SandboxClock:
    def __init__(self, start: datetime, follows_real_time: bool = True) -> None:
        self._start = start.astimezone(UTC)
        self._follows_real_time = follows_real_time
        self._started_monotonic = time.monotonic()
        self._advanced = timedelta()
        self._lock = threading.Lock()

    def now(self) -> datetime:
        """Current instance time, timezone-aware UTC."""
        with self._lock:
            elapsed = timedelta(seconds=time.monotonic() - self._started_monotonic)
            real = elapsed if self._follows_real_time else timedelta()
            return self._start + self._advanced + real

    def now_naive_utc(self) -> datetime:
        """Current time in the store's convention (naive UTC), microseconds dropped."""
        return self.now().replace(tzinfo=None, microsecond=0)

    def advance(self, delta: timedelta) -> datetime:
        with self._lock:
            self._advanced += delta
        return self.now()
