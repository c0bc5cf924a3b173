"""The `where`/`sort`/`limit`/`page` arguments of list queries, turned into SQL over the sandbox store."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from contextvars import ContextVar
from typing import Any

from sandbox.graphql_api.errors import ApiError
from sandbox.timefmt import parse_filter_time

MIN_LIMIT, MAX_LIMIT = 1, 200
# The instance's cap on `limit` for the request being answered (settings.max_limit; Centra's is 200).
LIMIT_CAP: ContextVar[int] = ContextVar("limit_cap", default=MAX_LIMIT)


class Where:
    """AND-ed conditions with their positional parameters."""

    def __init__(self) -> None:
        self.conditions: list[str] = []
        self.params: list[Any] = []

    def add(self, condition: str, *params: Any) -> Where:
        self.conditions.append(condition)
        self.params.extend(params)
        return self

    def any_of(self, column: str, values: Iterable[Any] | None) -> Where:
        """`column IN (values)`; None means no condition, an empty list matches nothing."""
        if values is None:
            return self
        # A scalar reaches here when a variable typed `Int!` feeds a list argument: Centra's relaxed
        # variable checks let it through, and the scalar means a list of one.
        values = list(values) if isinstance(values, list | tuple | set) else [values]
        if not values:
            return self.add("FALSE")
        if all(type(value) is int for value in values):
            # Inlined: DuckDB probes for pandas once per bound parameter, which dominates batched lookups.
            return self.add(f"{column} IN ({', '.join(str(value) for value in values)})")
        return self.add(f"{column} IN ({', '.join('?' for _ in values)})", *values)

    def equals(self, column: str, value: Any) -> Where:
        return self if value is None else self.add(f"{column} = ?", value)

    def time_range(self, column: str, bounds: Mapping[str, Any] | None, timezone: str) -> Where:
        """`{from, to}`, both bounds inclusive, in any format `parse_filter_time` accepts."""
        if not bounds:
            return self
        for key, operator in (("from", ">="), ("to", "<=")):
            text = bounds.get(key)
            if text is None:
                continue
            try:
                moment = parse_filter_time(str(text), timezone)
            except ValueError:
                raise ApiError(
                    f'Invalid date "{text}" in "{key}": use "YYYY-MM-DD HH:MM:SS" or ISO-8601 with an offset.'
                ) from None
            self.add(f"{column} {operator} ?", moment)
        return self

    def string_match(self, column: str, match: Mapping[str, Any] | None) -> Where:
        """`StringMatch`: case-insensitive like Centra's MySQL collation."""
        if not match:
            return self
        if match.get("equals") is not None:
            self.add(f"lower({column}) = lower(?)", match["equals"])
        if match.get("contains") is not None:
            self.add(f"contains(lower({column}), lower(?))", match["contains"])
        return self

    def sql(self) -> str:
        return f" WHERE {' AND '.join(self.conditions)}" if self.conditions else ""


def order_by(sort: Iterable[str] | None, columns: Mapping[str, str], tiebreak: str) -> str:
    """`ORDER BY` for `[field_ASC, ...]` values; the unique tiebreak keeps pages stable."""
    parts = []
    for value in sort or []:
        field, _, direction = value.rpartition("_")
        parts.append(f"{columns[field]} {direction}")
    parts.append(tiebreak)
    return " ORDER BY " + ", ".join(parts)


def page_window(limit: int | None, page: int | None) -> tuple[int, int]:
    """`(limit, offset)` for 1-based pages; out-of-range values are errors, as in Centra, not clamped."""
    limit = 20 if limit is None else limit
    page = 1 if page is None else page
    if not MIN_LIMIT <= limit <= LIMIT_CAP.get():
        raise ApiError(f"Limit must be in range {MIN_LIMIT} - {LIMIT_CAP.get()}.")
    if page < 1:
        raise ApiError("Page must be greater than or equal to 1.")
    return limit, (page - 1) * limit


def paged_sql(limit: int | None, page: int | None) -> str:
    size, offset = page_window(limit, page)
    return f" LIMIT {size} OFFSET {offset}"
