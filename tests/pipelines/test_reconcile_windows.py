"""The windows the reconciliation compares: every local day's hours cover it without gaps or overlaps, and
no window's bounds, written as Centra's naive local times, are ambiguous on the night clocks go back."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from pipelines.centra.reconcile.windows import Window, local_day

STOCKHOLM = "Europe/Stockholm"


def _happens_once(bound: str, timezone: str) -> bool:
    wall, zone = datetime.fromisoformat(bound), ZoneInfo(timezone)
    return wall.replace(tzinfo=zone, fold=0) == wall.replace(tzinfo=zone, fold=1)


def _bounds(window: Window) -> tuple[str, str]:
    where = window.where(STOCKHOLM)["createdAt"]
    return where["from"], where["to"]


@pytest.mark.parametrize(
    ("day", "hours"),
    [(date(2026, 6, 1), 24), (date(2026, 3, 29), 23), (date(2026, 10, 25), 25)],
    ids=["summer day", "clocks forward", "clocks back"],
)
def test_a_days_windows_cover_it_in_order_with_bounds_that_happen_once(day: date, hours: int) -> None:
    whole = local_day(day, STOCKHOLM)
    assert whole.end - whole.start == timedelta(hours=hours)

    parts = whole.split(STOCKHOLM)

    assert parts[0].start == whole.start
    assert parts[-1].end == whole.end
    assert all(before.end == after.start for before, after in itertools.pairwise(parts))
    assert {part.grain for part in parts} == {"hour"}
    for part in parts:
        start, end = _bounds(part)
        assert _happens_once(start, STOCKHOLM), start
        assert _happens_once(end, STOCKHOLM), end
    # naive local ranges that do not overlap: Centra can not count an order in two windows
    ranges = [_bounds(part) for part in parts]
    assert all(before[1] < after[0] for before, after in itertools.pairwise(ranges))


def test_only_the_hours_around_the_repeated_one_are_merged() -> None:
    parts = local_day(date(2026, 10, 25), STOCKHOLM).split(STOCKHOLM)

    assert [part.end - part.start for part in parts].count(timedelta(hours=1)) == 21
    assert [_bounds(part) for part in parts if part.end - part.start > timedelta(hours=1)] == [
        ("2026-10-25 01:00:00", "2026-10-25 03:59:59")
    ]
