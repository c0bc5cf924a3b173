"""The families' watermarks: ISO timestamps kept in their resources' dlt state (committed with the load
they describe), and the overlap a later run reads again before them (`updated_at_overlap_hours`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from pipelines.centra.mapping import shop_time
from pipelines.centra.settings import CentraSettings


def overlap_start(mark: str, settings: CentraSettings) -> datetime:
    """Where a run reading "changed since `mark`" starts: the overlap before it covers Centra's clock
    and rows committed while the last run read."""
    return datetime.fromisoformat(mark) - timedelta(hours=settings.updated_at_overlap_hours)


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
