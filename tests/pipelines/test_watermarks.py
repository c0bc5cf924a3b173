"""Where an updatedAt window starts again, and what a run keeps of the rows it loaded inside the overlap."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest

from pipelines.centra.families.watermarks import RecentlyLoaded, before_repeated_hour, overlap_start
from pipelines.centra.mapping import shop_time, utc_timestamp
from pipelines.centra.settings import CentraSettings

STOCKHOLM = "Europe/Stockholm"  # summer time ends 2026-10-25 03:00 local: 02:00–02:59 happens twice


def test_a_start_in_the_first_pass_of_the_repeated_hour_moves_an_hour_earlier() -> None:
    first_pass = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 02:30 local, summer time (UTC+2)
    second_pass = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)  # 02:30 local again, winter time (UTC+1)
    assert shop_time(first_pass, STOCKHOLM) == shop_time(second_pass, STOCKHOLM) == "2026-10-25 02:30:00"
    # Centra may read "02:30" as the second pass: starting at 01:30 local (summer) covers both readings.
    assert before_repeated_hour(first_pass, STOCKHOLM) == first_pass - timedelta(hours=1)
    assert shop_time(before_repeated_hour(first_pass, STOCKHOLM), STOCKHOLM) == "2026-10-25 01:30:00"
    assert before_repeated_hour(second_pass, STOCKHOLM) == second_pass
    ordinary = datetime(2026, 7, 2, 10, tzinfo=UTC)
    assert before_repeated_hour(ordinary, STOCKHOLM) == ordinary
    assert before_repeated_hour(first_pass, "UTC") == first_pass


def test_the_overlap_is_ten_minutes_unless_configured_and_the_deprecated_hours_win() -> None:
    mark = "2026-07-02T10:00:00+00:00"
    assert overlap_start(mark, CentraSettings(require_api=False)) == datetime(2026, 7, 2, 9, 50, tzinfo=UTC)
    minutes = CentraSettings(updated_at_overlap_minutes=0, require_api=False)
    assert overlap_start(mark, minutes) == datetime(2026, 7, 2, 10, tzinfo=UTC)
    hours = CentraSettings(updated_at_overlap_minutes=0, updated_at_overlap_hours=2, require_api=False)
    assert overlap_start(mark, hours) == datetime(2026, 7, 2, 8, tzinfo=UTC)


def test_recently_loaded_rows_are_skipped_only_with_the_same_updated_at_and_state_stays_bounded() -> None:
    overlap = timedelta(minutes=10)
    mark = datetime(2026, 7, 2, 10, tzinfo=UTC)
    recent = RecentlyLoaded({"1": mark.isoformat(), "2": (mark - timedelta(minutes=5)).isoformat()}, overlap)
    assert not recent.changed(1, mark)
    assert recent.changed(2, mark)  # its updatedAt moved
    assert recent.changed(3, mark)  # never loaded
    assert recent.changed(4, None)  # no updatedAt: always loaded
    assert recent.unchanged == 1

    later = RecentlyLoaded(None, overlap)
    newest = mark + timedelta(hours=5)
    for step in range(3001):  # a row every 6 s up to the newest mark: prunes along the way
        at = mark + timedelta(seconds=6 * step)
        later.remember(step, at, at.isoformat())
    kept = later.stored(newest.isoformat())
    assert set(kept) == {str(step) for step in range(3000 - 100, 3001)}  # the last 10 minutes
    assert later.stored(None) == {}


def test_timestamps_in_another_zone_than_the_configured_one_warn_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="pipelines.centra.mapping")
    assert utc_timestamp("2026-07-02T12:00:00+02:00", STOCKHOLM) == datetime(2026, 7, 2, 10, tzinfo=UTC)
    assert utc_timestamp("2026-01-02T12:00:00+0100", STOCKHOLM) == datetime(2026, 1, 2, 11, tzinfo=UTC)
    assert not caplog.records  # Stockholm's offsets in summer and winter
    for hour in (12, 13):
        utc_timestamp(f"2026-07-02T{hour}:00:00-04:00", STOCKHOLM)
    warnings = [record.getMessage() for record in caplog.records]
    assert len(warnings) == 1
    assert "UTC offset -0400 " in warnings[0]
    assert "SOURCES__CENTRA__TIMEZONE Europe/Stockholm" in warnings[0]
