"""Reading Centra's `Retry-After`: documented as "the timestamp of when you can resume", format unknown.

Accept every plausible form: delta-seconds (`3`), an HTTP-date (`Wed, 21 Oct 2026 07:28:00 GMT`), a Unix
timestamp (`1793000000`, seconds or milliseconds) and an ISO-8601 timestamp (`2026-11-01T09:00:05Z`,
`2026-11-01T10:00:05+01:00`; one without an offset is taken as UTC). A value we can not read falls back to
`default`.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
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
        return _from_iso8601(text, wall_clock, default)
    return max(0.0, moment.timestamp() - wall_clock)


def _from_iso8601(text: str, wall_clock: float, default: float) -> float:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return default
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, moment.timestamp() - wall_clock)
