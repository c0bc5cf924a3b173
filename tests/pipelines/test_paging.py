"""Walking offset pages: one size per walk after the first page, every row once, complexity refusals."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from pipelines.centra.budget import RateBudget
from pipelines.centra.errors import CentraComplexityError
from pipelines.centra.paging import PageSizer, walk_offset_pages

Row = dict[str, Any]
PER_ROW = 100  # complexity of one row; an unconfigured budget allows 10,000 per request: 100 rows


class OffsetList:
    """A list served the way Centra serves `limit`/`page`; `before_page` may change it between requests."""

    def __init__(self, size: int, refuse_above: int | None = None) -> None:
        self.rows: list[Row] = [{"id": i} for i in range(size)]
        self.requests: list[tuple[int, int]] = []
        self.refuse_above = refuse_above
        self.before_page: Callable[[OffsetList], None] = lambda _: None

    def fetch(self, limit: int, page: int) -> tuple[list[Row], int]:
        self.requests.append((limit, page))
        if self.refuse_above is not None and limit > self.refuse_above:
            raise CentraComplexityError("too complex")
        self.before_page(self)
        start = (page - 1) * limit
        return self.rows[start : start + limit], PER_ROW * limit


def walk(served: OffsetList, sizer: PageSizer | None = None) -> list[int]:
    sizer = sizer or PageSizer(RateBudget())
    pages = list(walk_offset_pages(served.fetch, sizer, key=lambda row: row["id"]))
    return [row["id"] for page in pages for row in page]


def test_the_first_page_measures_then_one_size_walks_to_a_short_page() -> None:
    served = OffsetList(250)
    assert walk(served) == list(range(250))
    # 20 rows measured; then pages of 100 from the page holding row 20 (rows 0-19 re-read, dropped).
    assert served.requests == [(20, 1), (100, 1), (100, 2), (100, 3)]


def test_a_list_ending_on_a_page_boundary_ends_with_an_empty_page() -> None:
    served = OffsetList(200)
    assert walk(served) == list(range(200))
    assert served.requests[-1] == (100, 3)


def test_rows_joining_ahead_of_the_walk_repeat_nothing_and_skip_nothing() -> None:
    served = OffsetList(150)

    def insert_at_front(listed: OffsetList) -> None:
        if len(listed.requests) == 3:
            listed.rows.insert(0, {"id": 1000})

    served.before_page = insert_at_front
    ids = walk(served)
    assert len(ids) == len(set(ids))
    assert set(range(150)) <= set(ids)


def test_a_page_refused_as_too_complex_is_asked_again_smaller() -> None:
    served = OffsetList(130, refuse_above=30)
    sizer = PageSizer(RateBudget(), first=40)
    assert walk(served, sizer) == list(range(130))
    assert served.requests[:2] == [(40, 1), (20, 1)]
    assert {limit for limit, _ in served.requests[1:]} == {20}


def test_a_refusal_at_one_row_is_raised() -> None:
    served = OffsetList(10, refuse_above=0)
    with pytest.raises(CentraComplexityError):
        walk(served, PageSizer(RateBudget(), first=1))


def test_a_small_gain_keeps_the_page_size() -> None:
    served = OffsetList(300)
    sizer = PageSizer(RateBudget(), first=90)  # affordable is 100: not worth re-reading part of a page
    assert walk(served, sizer) == list(range(300))
    assert {limit for limit, _ in served.requests} == {90}
