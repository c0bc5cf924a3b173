"""The windows a reconciliation compares: local calendar days and hours of the instance's zone.

Centra's counts are asked for by `createdAt` range in the instance's local time (filter bounds are local
`YYYY-MM-DD HH:MM:SS`, inclusive), the warehouse's by the same instants in UTC, so both sides count the same
orders. Days are compared (60 to a request, so three years cost 19 requests); only a day whose counts
differ is split into its hours (a DST day has 23 or 25 of them), so the keys read for a repair are an hour's.
Days rather than months first: a deletion and an addition in the same window cancel out in its count, and
a month gathers thirty times the chances of that (DECISIONS §27).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pipelines.centra.mapping import shop_time

Grain = Literal["day", "hour", "all"]


@dataclass(frozen=True)
class Window:
    grain: Grain
    start: datetime  # UTC, inclusive
    end: datetime  # UTC, exclusive
    day: date | None  # the local day the window starts on (None for "all")

    def where(self, timezone: str, field: str = "createdAt") -> dict[str, Any]:
        """The Centra filter for this window (inclusive local bounds, as the loads use)."""
        return {
            field: {
                "from": shop_time(self.start, timezone),
                "to": shop_time(self.end - timedelta(seconds=1), timezone),
            }
        }

    def split(self, timezone: str) -> list[Window]:
        """The next finer windows covering this one: a day's hours; [] below that.

        Centra's filter bounds are naive local times, so an hour of the night clocks go back has the same
        bounds as the hour after it, and Centra may read either. Hours are merged until every bound is a
        local time that happens once: the hour before, the repeated hours and the hour after then make one
        window (01:00 to 03:59:59 in Stockholm), which both sides count the same whichever way Centra reads
        its naive times."""
        if self.grain != "day":
            return []
        bounds, moment = [self.start], self.start + timedelta(hours=1)
        while moment < self.end:
            if not (_repeated(moment, timezone) or _repeated(moment - timedelta(seconds=1), timezone)):
                bounds.append(moment)
            moment += timedelta(hours=1)
        bounds.append(self.end)
        return [Window("hour", start, stop, self.day) for start, stop in itertools.pairwise(bounds)]


EVERYTHING = Window("all", datetime(1970, 1, 1, tzinfo=UTC), datetime(9999, 1, 1, tzinfo=UTC), None)


def _repeated(moment: datetime, timezone: str) -> bool:
    """True when the local wall time of `moment` happens twice (the hour repeated when clocks go back)."""
    zone = ZoneInfo(timezone)
    wall = moment.astimezone(zone).replace(tzinfo=None)
    return wall.replace(tzinfo=zone, fold=0).astimezone(UTC) != wall.replace(tzinfo=zone, fold=1).astimezone(
        UTC
    )


def _midnight(day: date, timezone: str) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def local_day(day: date, timezone: str) -> Window:
    return Window("day", _midnight(day, timezone), _midnight(day + timedelta(days=1), timezone), day)


def days_between(first: date, last: date, timezone: str) -> list[Window]:
    return [local_day(first + timedelta(days=i), timezone) for i in range((last - first).days + 1)]


def local_date(moment: datetime, timezone: str) -> date:
    return moment.astimezone(ZoneInfo(timezone)).date()
