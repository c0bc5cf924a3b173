"""The Order API's three paging styles (reference B3, C18), each as SQL `LIMIT/OFFSET` plus what the
envelope shows.

- offset (`/orders`, `/customers`, `/shipments`): `limit` + `offset`; the end is a short page; no total.
- page (`/returns`): `limit` + 1-based `page`; the end is a short page.
- links (`/products`, `/stock`): `limit` + `page`, and top-level `previous`/`next` query strings relative to
  the endpoint. Choices [?]: `previous` is absent on page 1 and `next` is absent when no row follows (the
  sandbox looks one row ahead, so a last page that happens to be full has no `next` either); the links
  carry the request's other parameters after `limit` and `page`, so following them keeps the filters;
  without `limit` every row comes back and there are no links.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from sandbox.order_api.params import INVALID, ParamError, QueryParams

DEFAULT_LIMIT = 20


@dataclass(frozen=True)
class Window:
    """Which rows of the sorted result a request asked for."""

    limit: int | None  # None: every row
    offset: int

    def sql(self) -> str:
        if self.limit is None:
            return f"OFFSET {self.offset}"
        return f"LIMIT {self.limit} OFFSET {self.offset}"

    def look_ahead_sql(self) -> str:
        """One row more than asked for, to learn whether another page follows."""
        if self.limit is None:
            return self.sql()
        return f"LIMIT {self.limit + 1} OFFSET {self.offset}"


def offset_window(params: QueryParams, maximum: int | None = None) -> Window:
    limit = params.required_integer("limit", DEFAULT_LIMIT, minimum=1)
    if maximum is not None and limit > maximum:
        raise ParamError({"limit": INVALID})
    return Window(limit, params.required_integer("offset", 0, minimum=0))


def page_window(params: QueryParams, default_limit: int | None = DEFAULT_LIMIT) -> tuple[Window, int]:
    """A `limit` + `page` window and the page number it stands for."""
    limit = params.integer("limit", default_limit, minimum=1)
    page = params.required_integer("page", 1, minimum=1)
    offset = 0 if limit is None else (page - 1) * limit
    return Window(limit, offset), page


def page_links(params: QueryParams, window: Window, page: int, rows: list[Any]) -> dict[str, str]:
    """`previous`/`next` for a look-ahead result; trims the extra row from `rows` in place."""
    if window.limit is None:
        return {}
    has_next = len(rows) > window.limit
    del rows[window.limit :]
    others = [(name, value) for name, value in params.raw.items() if name not in {"limit", "page"}]

    def link(target: int) -> str:
        return "?" + urlencode([("limit", str(window.limit)), ("page", str(target)), *others])

    links: dict[str, str] = {}
    if page > 1:
        links["previous"] = link(page - 1)
    if has_next:
        links["next"] = link(page + 1)
    return links
