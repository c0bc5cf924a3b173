"""Walking any offset-paged Centra list (`limit`, `page`), a root list or one nested under a parent.

`page` counts in units of `limit`, so a walk keeps one page size: its first page (at the sizer's current
size) measures what a row costs, and the rest use the size chosen from that, starting at the page of that
size that holds the next unread row. A key is yielded at most once per walk: that drops the re-read part
of the first page after a resize, and rows pushed forward by rows that joined the list while we paged. A
row removed while we page shifts the rest back, so one row can be missed until the next run. A page
Centra refuses as too complex is asked again at half the size.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from typing import Any

from pipelines.centra.errors import CentraComplexityError
from pipelines.centra.paging import PageSizer

Row = dict[str, Any]
GROW_AT_LEAST = 1.25  # a new size re-reads up to a page of rows, so small gains are not worth it
PageFetch = Callable[[int, int], tuple[list[Row], int]]  # (limit, page) -> (rows, complexity reported)


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
        fresh = [row for row in rows if key(row) not in seen]
        seen.update(key(row) for row in fresh)
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
