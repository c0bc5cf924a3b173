"""Reading the Order API's query parameters, with Centra's answer to a bad one.

Centra documents date parameters as `YYYY-mm-dd` or `YYYY-mm-dd HH:MM:SS` in the instance's timezone; the
sandbox accepts exactly those two forms (no ISO `T`, no offsets) so that a client sending ISO strings finds
out here rather than in production. A bad value makes the whole request fail with HTTP 200 and
`{"status": "no", "msg": {"<param>": "invalid value"}}`, the field-error shape Centra uses for writes
(reference B1); that the read endpoints answer the same way is [I].
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime

from sandbox.timefmt import parse_filter_time

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}:\d{2})?$")
INVALID = "invalid value"


class ParamError(Exception):
    """A request parameter Centra would refuse; `fields` maps each bad parameter to its complaint."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__(", ".join(f"{name}: {text}" for name, text in fields.items()))
        self.fields = fields


class QueryParams:
    """Typed access to one request's query string; every getter raises ParamError on a bad value."""

    def __init__(self, raw: Mapping[str, str], timezone: str) -> None:
        self.raw = raw
        self.timezone = timezone

    def text(self, name: str) -> str | None:
        value = self.raw.get(name)
        return value if value else None

    def integer(self, name: str, default: int | None = None, minimum: int | None = None) -> int | None:
        value = self.raw.get(name)
        if value is None or value == "":
            return default
        try:
            number = int(value)
        except ValueError:
            raise ParamError({name: INVALID}) from None
        if minimum is not None and number < minimum:
            raise ParamError({name: INVALID})
        return number

    def required_integer(self, name: str, default: int, minimum: int | None = None) -> int:
        number = self.integer(name, default, minimum)
        return default if number is None else number

    def local_time(self, name: str) -> datetime | None:
        """A date parameter in instance time, returned as naive UTC (the store's convention)."""
        value = self.raw.get(name)
        if value is None or value == "":
            return None
        cleaned = value.strip()
        if not _DATE.match(cleaned):
            raise ParamError({name: INVALID})
        try:
            return parse_filter_time(cleaned, self.timezone)
        except ValueError:
            raise ParamError({name: INVALID}) from None

    def flag(self, name: str) -> bool:
        return self.raw.get(name, "").lower() in {"1", "true", "yes"}
