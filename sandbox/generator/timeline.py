"""When orders are placed: two years up to the dataset's end, growing over time, with seasonal peaks
(Black Week, Christmas, sales), an evening peak in the day, and a few orders right around each DST switch
so both UTC offsets of the instance's zone and the ambiguous local hour are exercised.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

DAY = 86_400
HOUR = 3_600
WINDOW_DAYS = 730
# Order share per UTC hour: quiet nights, busy lunch breaks and evenings in Europe.
HOURLY_WEIGHTS = (
    0.4, 0.25, 0.15, 0.1, 0.1, 0.2, 0.5, 0.9, 1.1, 1.2, 1.3, 1.5,
    1.4, 1.3, 1.3, 1.4, 1.6, 1.9, 2.2, 2.4, 2.2, 1.6, 1.0, 0.6,
)  # fmt: skip
ORDERS_AROUND_EACH_DST_SWITCH = 2


def window(end: int, days: int = WINDOW_DAYS) -> tuple[int, int]:
    """The history's first and last moment: `days` days up to `end`."""
    return end - days * DAY, end


def day_weight(day_start: int, position: float) -> float:
    """Relative order volume of a day; `position` runs from 0 (two years ago) to 1 (the end)."""
    day = datetime.fromtimestamp(day_start, UTC)
    weight = 1.0 + 0.6 * position
    if day.month == 11 and 20 <= day.day <= 30:
        weight *= 2.5 if day.weekday() == 4 else 1.6  # Black Week, Black Friday
    elif day.month == 12 and day.day <= 20:
        weight *= 1.4
    elif (day.month == 12 and day.day >= 26) or day.month == 1:
        weight *= 1.2
    elif day.month == 2:
        weight *= 0.8
    elif day.month == 6 and day.day >= 20:
        weight *= 1.25
    if day.weekday() == 6:
        weight *= 1.15
    return weight


def dst_switches(start: int, end: int, timezone: str) -> list[int]:
    """Epoch seconds at which the zone's UTC offset changes within [start, end)."""
    zone = ZoneInfo(timezone)

    def offset(at: int) -> timedelta | None:
        return datetime.fromtimestamp(at, UTC).astimezone(zone).utcoffset()

    first = start - start % HOUR + HOUR
    return [at for at in range(first, end, HOUR) if offset(at - HOUR) != offset(at)]


def daily_counts(total: int, start: int, end: int) -> list[int]:
    """Orders per day (exactly `total`), by largest remainder over the day weights."""
    days = (end - start + DAY - 1) // DAY
    weights = [day_weight(start + d * DAY, d / max(days - 1, 1)) for d in range(days)]
    scale = total / sum(weights)
    exact = [w * scale for w in weights]
    counts = [int(x) for x in exact]
    remainders = sorted(range(days), key=lambda d: (counts[d] - exact[d], d))
    for d in remainders[: total - sum(counts)]:
        counts[d] += 1
    return counts


def order_times(
    rng: random.Random,
    total: int,
    end: int,
    timezone: str,
    quiet_days: int = 0,
    history_days: int = WINDOW_DAYS,
) -> Iterator[int]:
    """`total` order times (epoch seconds) in ascending order, all within the `history_days` window (two
    years by default) but its last `quiet_days` days (a shop on holiday, a small wholesale brand: no order for
    a while before the end)."""
    if not 0 <= quiet_days < history_days:
        raise ValueError(f"quiet_days must be in [0, {history_days}), got {quiet_days}")
    start, end = window(end, history_days)
    end -= quiet_days * DAY
    counts = daily_counts(total, start, end)
    forced: dict[int, list[int]] = {}
    if total >= 50:
        for switch in dst_switches(start, end, timezone):
            for _ in range(ORDERS_AROUND_EACH_DST_SWITCH):
                at = switch + rng.choice((-1, 1)) * rng.randrange(60, HOUR)
                if not start <= at < end:
                    continue
                forced.setdefault((at - start) // DAY, []).append(at)
        for _ in range(sum(len(times) for times in forced.values())):
            busiest = max(range(len(counts)), key=lambda d: (counts[d], -d))
            counts[busiest] -= 1
    for d, count in enumerate(counts):
        day_start = start + d * DAY
        day_end = min(day_start + DAY, end)
        times = list(forced.get(d, ()))
        first_hour = datetime.fromtimestamp(day_start, UTC).hour
        hours = [(first_hour + h) % 24 for h in range(24)]
        weights = [HOURLY_WEIGHTS[hour] for hour in hours]
        for offset_hour in rng.choices(range(24), weights=weights, k=count):
            at = day_start + offset_hour * HOUR + rng.randrange(HOUR)
            times.append(at if at < day_end else day_start + rng.randrange(day_end - day_start))
        times.sort()
        yield from times
