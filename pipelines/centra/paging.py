"""Paging, every kind Centra offers, in one place: how big a GraphQL page is, and how each list is walked.

- `PageSizer`: page sizes chosen by cost, as many rows per request as a share of the complexity budget allows.
- `walk_offset_pages`: any offset-paged GraphQL list (`limit`, `page`), a root list or one nested under a
  parent. `page` counts in units of `limit`, so a walk keeps one page size: its first page (at the sizer's
  current size) measures what a row costs, and the rest use the size chosen from that, starting at the page
  of that size that holds the next unread row. A key is yielded at most once per walk: that drops the
  re-read part of the first page after a resize, and rows pushed forward by rows that joined the list while
  we paged. A row removed while we page shifts the rest back, so one row can be missed until the next run.
  A page Centra refuses as too complex is asked again at half the size.
- The Order API's three paging styles (docs/centra-api-reference.md §B3, §C18), each walked to its end:
  offset (`/orders`, `/customers`): `limit` + `offset`, the end is a short page, no total; rows that join
  the filtered set while we page push later rows back, so a row may come twice and is dropped by key.
  page (`/returns`): `limit` + 1-based `page`, newest first; the end is a short page.
  links (`/products`, `/stock`): `limit` + `page`, then follow the `next` query string until it is absent.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Mapping
from typing import Any, Literal
from urllib.parse import parse_qsl

from pipelines.centra.budget import RateBudget
from pipelines.centra.errors import CentraComplexityError
from pipelines.centra.order_api_client import CentraOrderApiClient, OrderApiResponse

Row = dict[str, Any]
MAX_PAGE = 200  # Centra: "Limit must be in range 1 - 200"
GROW_AT_LEAST = 1.25  # a new size re-reads up to a page of rows, so small gains are not worth it
PageFetch = Callable[[int, int], tuple[list[Row], int]]  # (limit, page) -> (rows, complexity reported)
ORDER_API_PAGE_SIZE = 100  # /shipments caps some states at 100; no other endpoint documents a maximum


class PageSizer:
    """Starts small, then sizes pages from the complexity Centra reported per requested row."""

    def __init__(self, budget: RateBudget, first: int = 20, maximum: int = MAX_PAGE) -> None:
        self.budget = budget
        self.size = min(first, maximum)
        self.maximum = maximum
        self.per_row: float | None = None

    def estimate(self) -> int | None:
        """The complexity the next page should cost, once one page was measured."""
        return None if self.per_row is None else int(self.per_row * self.size) + 1

    def observe(self, complexity: int, requested: int) -> None:
        if complexity <= 0 or requested <= 0:
            return
        per_row = self.per_row = complexity / requested
        affordable = int(self.budget.max_complexity_per_request() / per_row)
        self.size = max(1, min(self.maximum, affordable))

    def shrink(self, requested: int) -> bool:
        """Halve the page after Centra refused `requested` rows as too complex; False at one row."""
        if requested <= 1:
            return False
        self.size = max(1, requested // 2)
        self.maximum = self.size
        return True


def walk_offset_pages(
    fetch: PageFetch, sizer: PageSizer, key: Callable[[Row], Hashable]
) -> Iterator[list[Row]]:
    """The list's rows page by page (new keys only), until a short page."""
    seen: set[Hashable] = set()
    walked = 0  # rows of the list before the next unread one
    limit, measured = sizer.size, False
    while True:
        page = walked // limit + 1
        try:
            rows, complexity = fetch(limit, page)
        except CentraComplexityError:
            if not sizer.shrink(limit):
                raise
            limit, measured = sizer.size, True
            continue
        fresh = _unique(rows, key, seen)
        if fresh:
            yield fresh
        if len(rows) < limit:
            return
        walked = page * limit
        if not measured:
            sizer.observe(complexity, limit)
            limit, measured = _resized(limit, sizer.size), True


def _resized(limit: int, affordable: int) -> int:
    """Shrink to what the budget affords; grow only when it pays for re-reading part of a page."""
    return affordable if affordable < limit or affordable >= limit * GROW_AT_LEAST else limit


def _unique(rows: list[Row], key: Callable[[Row], Hashable], seen: set[Hashable]) -> list[Row]:
    fresh = []
    for row in rows:
        if key(row) not in seen:
            seen.add(key(row))
            fresh.append(row)
    return fresh


def counted_pages(
    client: CentraOrderApiClient,
    endpoint: str,
    root: str,
    params: Mapping[str, Any],
    key: Callable[[Row], Hashable],
    *,
    position: Literal["offset", "page"],
    limit: int = ORDER_API_PAGE_SIZE,
) -> Iterator[list[Row]]:
    """`limit` + `offset` (rows skipped so far) or `limit` + `page` (1-based), until a page comes back short;
    a row seen on an earlier page (the list shifted) is dropped."""
    seen: set[Hashable] = set()
    pages = skipped = 0
    while True:
        at = {"offset": skipped} if position == "offset" else {"page": pages + 1}
        rows: list[Row] = client.get(endpoint, {**params, "limit": limit, **at}).body[root]
        fresh = _unique(rows, key, seen)
        if fresh:
            yield fresh
        if len(rows) < limit:
            return
        pages, skipped = pages + 1, skipped + len(rows)


def linked_pages(
    client: CentraOrderApiClient,
    endpoint: str,
    root: str,
    params: Mapping[str, Any],
    key: Callable[[Row], Hashable],
    limit: int = ORDER_API_PAGE_SIZE,
    first: Callable[[OrderApiResponse], None] | None = None,
) -> Iterator[list[Row]]:
    """Follow `next`; `first` sees the first response (its server time starts a "modified" mark)."""
    seen: set[Hashable] = set()
    query: dict[str, Any] = {**params, "limit": limit, "page": 1}
    while True:
        response = client.get(endpoint, query)
        if first is not None:
            first(response)
            first = None
        fresh = _unique(response.body.get(root) or [], key, seen)
        if fresh:
            yield fresh
        link = response.body.get("next")
        if not link:
            return
        query = dict(parse_qsl(str(link).lstrip("?"), keep_blank_values=True))
