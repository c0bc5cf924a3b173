"""The families' watermarks: ISO timestamps kept in their resources' dlt state (committed with the load
they describe), and the overlap a later run reads again before them (`updated_at_overlap_minutes`).

A watermark is the newest `updatedAt` Centra wrote, never our clock, so our clock's skew does not matter.
The overlap covers what can still appear behind it: a row stamped before its transaction commits and
visible after our read, Centra's servers' clocks against each other, and the filter's whole-second,
possibly exclusive bounds (DECISIONS.md §37).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pipelines.centra.mapping import shop_time
from pipelines.centra.settings import CentraSettings


def overlap_start(mark: str, settings: CentraSettings) -> datetime:
    """Where a run reading "changed since `mark`" starts: the overlap before it."""
    return before_repeated_hour(datetime.fromisoformat(mark) - settings.updated_at_overlap, settings.timezone)


def before_repeated_hour(moment: datetime, timezone: str) -> datetime:
    """`moment`, or where it names the first pass of the hour that repeats when summer time ends, that
    much earlier: a filter bound is shop-local wall time, which Centra may read as the second pass."""
    local = moment.astimezone(ZoneInfo(timezone))
    first, second = local.utcoffset(), local.replace(fold=1).utcoffset()
    if local.fold or first is None or second is None:
        return moment
    return moment - max(first - second, timedelta(0))


class RecentlyLoaded:
    """The rows a run loaded inside the overlap before its watermark, with their `updatedAt`: the next run
    reads them again (that is what the overlap is for) but loads again only those whose `updatedAt` moved.
    Kept in dlt state as {key: ISO updatedAt}; bounded by the overlap, not by the history."""

    def __init__(self, stored: Mapping[str, str] | None, overlap: timedelta) -> None:
        self._before = dict(stored or {})
        self._overlap = overlap
        self._now: dict[str, datetime] = {}
        self._pruned_at = 1024
        self.unchanged = 0  # rows read again and not loaded again

    def changed(self, key: object, updated_at: datetime | None) -> bool:
        """Whether a row read again must be loaded: new, or its `updatedAt` differs from the one loaded."""
        if updated_at is not None and self._before.get(str(key)) == updated_at.isoformat():
            self.unchanged += 1
            return False
        return True

    def remember(self, key: object, updated_at: datetime | None, mark: str | None) -> None:
        """Note a row loaded (or read unchanged) at `updated_at`; `mark` is the watermark so far."""
        if updated_at is None:
            return
        self._now[str(key)] = updated_at
        if len(self._now) > self._pruned_at and mark is not None:
            self._now = self._within(mark)
            self._pruned_at = max(1024, 2 * len(self._now))

    def stored(self, mark: str | None) -> dict[str, str]:
        """What the state keeps for the next run: the rows inside the overlap before `mark`."""
        if mark is None:
            return {}
        return {key: updated_at.isoformat() for key, updated_at in self._within(mark).items()}

    def _within(self, mark: str) -> dict[str, datetime]:
        start = datetime.fromisoformat(mark) - self._overlap
        return {key: updated_at for key, updated_at in self._now.items() if updated_at >= start}


def later(mark: str | None, seen: datetime | None) -> str | None:
    """The later of a watermark and a time seen in a row (None: nothing seen)."""
    if seen is None:
        return mark
    if mark is None or seen > datetime.fromisoformat(mark):
        return seen.isoformat()
    return mark


def newest(mark: str | None, rows: Iterable[Mapping[str, Any]], column: str = "updated_at") -> str | None:
    """The watermark after `rows`: the latest of `mark` and their `column`."""
    for row in rows:
        mark = later(mark, row[column])
    return mark


def modified_since(mark: str | None, settings: CentraSettings) -> dict[str, Any]:
    """The Order API's `modified` filter for a run after `mark` ({} reads everything: the first run, and a
    reconciling one)."""
    if mark is None or settings.reconcile:
        return {}
    return {"modified": shop_time(overlap_start(mark, settings), settings.timezone)}
