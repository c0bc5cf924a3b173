"""Centra's ways of writing time: local-offset ISO strings, PHP `date()` patterns, naive Order API strings.

The store keeps naive UTC; everything here converts at the edge, in the instance's timezone.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

DEFAULT_GRAPHQL_FORMAT = "Y-m-d\\TH:i:sP"  # Centra's documented default for DateTimeTz fields


@lru_cache(maxsize=16)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def to_local(value: datetime, timezone: str) -> datetime:
    """A store timestamp (naive UTC) as an aware datetime in the instance zone."""
    aware = value.replace(tzinfo=UTC) if value.tzinfo is None else value
    return aware.astimezone(zone(timezone))


def iso_local(value: datetime, timezone: str, colon: bool = True) -> str:
    """`2022-06-23T15:47:12+02:00` (or `+0200` with colon=False, as older Centra responses)."""
    return php_date(to_local(value, timezone), "Y-m-d\\TH:i:sP" if colon else "Y-m-d\\TH:i:sO")


def naive_local(value: datetime | None, timezone: str) -> str:
    """Order API style `YYYY-mm-dd HH:MM:SS` in the instance zone; None becomes Centra's zero date."""
    if value is None:
        return "0000-00-00 00:00:00"
    return to_local(value, timezone).strftime("%Y-%m-%d %H:%M:%S")


def _offset(value: datetime, colon: bool) -> str:
    offset = value.utcoffset()
    seconds = int(offset.total_seconds()) if offset is not None else 0
    sign = "+" if seconds >= 0 else "-"
    hours, minutes = divmod(abs(seconds) // 60, 60)
    return f"{sign}{hours:02d}:{minutes:02d}" if colon else f"{sign}{hours:02d}{minutes:02d}"


_PHP_CODES = {
    "Y": lambda v: f"{v.year:04d}",
    "y": lambda v: f"{v.year % 100:02d}",
    "m": lambda v: f"{v.month:02d}",
    "n": lambda v: str(v.month),
    "d": lambda v: f"{v.day:02d}",
    "j": lambda v: str(v.day),
    "H": lambda v: f"{v.hour:02d}",
    "G": lambda v: str(v.hour),
    "i": lambda v: f"{v.minute:02d}",
    "s": lambda v: f"{v.second:02d}",
    "u": lambda v: f"{v.microsecond:06d}",
    "D": lambda v: v.strftime("%a"),
    "l": lambda v: v.strftime("%A"),
    "M": lambda v: v.strftime("%b"),
    "F": lambda v: v.strftime("%B"),
    "N": lambda v: str(v.isoweekday()),
    "U": lambda v: str(int(v.timestamp())),
    "O": lambda v: _offset(v, colon=False),
    "P": lambda v: _offset(v, colon=True),
    "T": lambda v: v.tzname() or "",
    "c": lambda v: php_date(v, "Y-m-d\\TH:i:sP"),
}


def php_date(value: datetime, pattern: str) -> str:
    """Format like PHP's `date()`: letters are codes, a backslash escapes the next character."""
    out: list[str] = []
    escaped = False
    for char in pattern:
        if escaped:
            out.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in _PHP_CODES:
            out.append(_PHP_CODES[char](value))
        else:
            out.append(char)
    return "".join(out)


def parse_filter_time(text: str, timezone: str) -> datetime:
    """A `{from, to}` filter bound as naive UTC.

    Accepts `YYYY-MM-DD HH:MM:SS` and `YYYY-MM-DD` (shop time, as Centra's own examples), and ISO-8601 with
    an offset (`+01:00`, `+0100`) or `Z`. Raises ValueError for anything else.
    """
    cleaned = text.strip()
    if cleaned.endswith("Z"):
        cleaned = cleaned[:-1] + "+00:00"
    if len(cleaned) >= 5 and cleaned[-5] in "+-" and cleaned[-3] != ":" and "T" in cleaned:
        cleaned = cleaned[:-2] + ":" + cleaned[-2:]
    parsed = datetime.fromisoformat(cleaned)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone(timezone))
    return parsed.astimezone(UTC).replace(tzinfo=None)


def local_date(value: datetime, timezone: str) -> date:
    return to_local(value, timezone).date()
