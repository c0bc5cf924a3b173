"""Reading Centra's `Retry-After`: documented as "the timestamp of when you can resume", format unknown.

Accept every plausible form: delta-seconds (`3`), an HTTP-date (`Wed, 21 Oct 2026 07:28:00 GMT`), and a Unix
timestamp (`1793000000`, seconds or milliseconds). A value we can not read falls back to `default`.
"""

from __future__ import annotations

import time
from email.utils import parsedate_to_datetime

# Delta-seconds above this are taken as a Unix timestamp: no limiter asks for a 30-year pause.
_EPOCH_THRESHOLD = 1_000_000_000


def seconds_to_wait(value: str | None, default: float, now: float | None = None) -> float:
    """Seconds from `now` (wall clock) until the moment `value` names; never negative."""
    if not value:
        return default
    wall_clock = time.time() if now is None else now
    text = value.strip()
    try:
        number = float(text)
    except ValueError:
        return _from_http_date(text, wall_clock, default)
    if number >= _EPOCH_THRESHOLD * 1000:
        number /= 1000  # epoch milliseconds
    if number >= _EPOCH_THRESHOLD:
        return max(0.0, number - wall_clock)
    return max(0.0, number)


def _from_http_date(text: str, wall_clock: float, default: float) -> float:
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return default
    return max(0.0, moment.timestamp() - wall_clock)
