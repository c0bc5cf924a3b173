"""Canonical notation for both APIs: UTC timestamps, Decimal money, NULL for Centra's empties."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from zoneinfo import ZoneInfo

log = logging.getLogger(__name__)
ZERO_DATES = frozenset({"", "0000-00-00 00:00:00", "0000-00-00"})


@lru_cache(maxsize=8)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def utc_timestamp(value: str | None, timezone: str) -> datetime | None:
    """A Centra timestamp as an aware UTC datetime.

    Offsets are taken from the value itself (`+02:00`, `+0200`, `Z`); a naive value (the Order API's
    `YYYY-mm-dd HH:MM:SS`) is read in the instance's `timezone`. Empty and zero dates become None.
    """
    if value is None or value.strip() in ZERO_DATES:
        return None
    text = value.strip().replace(" ", "T", 1) if "T" not in value else value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    elif len(text) > 5 and text[-5] in "+-" and text[-3] != ":":
        text = f"{text[:-2]}:{text[-2:]}"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError as error:
        raise ValueError(f"not a Centra timestamp: {value!r}") from error
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=_zone(timezone))
    elif parsed.utcoffset() != parsed.astimezone(_zone(timezone)).utcoffset():
        _zone_differs(timezone, parsed.strftime("%z"))
    return parsed.astimezone(UTC)


@lru_cache(maxsize=64)
def _zone_differs(timezone: str, offset: str) -> None:
    """Once per offset: Centra's own timestamps are not in the configured zone, in which every filter bound
    is sent (`shop_time`): a wrong zone shifts the incremental windows by hours (DECISIONS.md §37)."""
    log.warning(
        "Centra's timestamps carry UTC offset %s where SOURCES__CENTRA__TIMEZONE %s has another: if the "
        "instance is not in %s, set SOURCES__CENTRA__TIMEZONE to its zone (filters are sent in that zone)",
        offset, timezone, timezone,
    )  # fmt: skip


def money(value: object) -> Decimal | None:
    """An amount as Decimal: JSON numbers go through `str` (no float noise), numeric strings are parsed.

    Display strings such as "0.00 USD" are refused: amounts must come from numeric fields.
    """
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(f"not an amount: {value!r}")
    try:
        return Decimal(str(value))
    except InvalidOperation as error:
        raise ValueError(f"not an amount: {value!r}") from error


def optional_text(value: object) -> str | None:
    """Centra's empty strings are NULL in the warehouse."""
    if value is None:
        return None
    text = str(value)
    return text if text.strip() else None


def flag(value: object) -> bool | None:
    """Booleans from `true`/`false`, 0/1 and "0"/"1"."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if str(value) in ("0", "1"):
        return str(value) == "1"
    raise ValueError(f"not a flag: {value!r}")


def optional_int(value: object) -> int | None:
    """Ids sent as strings ("83651") or ints; "" is NULL."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(f"not an integer id: {value!r}")
    return int(str(value))


def shop_time(moment: datetime, timezone: str) -> str:
    """A filter bound in Centra's documented notation: `YYYY-MM-DD HH:MM:SS` in the instance's zone."""
    return moment.astimezone(_zone(timezone)).strftime("%Y-%m-%d %H:%M:%S")
