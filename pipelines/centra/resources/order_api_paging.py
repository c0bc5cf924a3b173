"""The Order API's three paging styles (docs/centra-api-reference.md §B3, §C18), each walked to its end.

- offset (`/orders`, `/customers`): `limit` + `offset`; the end is a short page; no total. Rows that join the
  filtered set while we page push later rows back, so a row may come twice: callers drop repeats by key.
- page (`/returns`): `limit` + 1-based `page`, newest first; the end is a short page.
- links (`/products`, `/stock`): `limit` + `page`, then follow the `next` query string until it is absent.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Mapping
from typing import Any
from urllib.parse import parse_qsl

from pipelines.centra.order_api_client import CentraOrderApiClient, OrderApiResponse

Row = dict[str, Any]
PAGE_SIZE = 100  # /shipments caps some states at 100; no other endpoint documents a maximum


def _unique(rows: list[Row], key: Callable[[Row], Hashable], seen: set[Hashable]) -> list[Row]:
    fresh = []
    for row in rows:
        if key(row) not in seen:
            seen.add(key(row))
            fresh.append(row)
    return fresh


def offset_pages(
    client: CentraOrderApiClient,
    endpoint: str,
    root: str,
    params: Mapping[str, Any],
    key: Callable[[Row], Hashable],
    limit: int = PAGE_SIZE,
) -> Iterator[list[Row]]:
    """`limit` + `offset` (rows skipped so far)."""
    return _counted_pages(client, endpoint, root, params, key, limit, lambda _, skipped: {"offset": skipped})


def numbered_pages(
    client: CentraOrderApiClient,
    endpoint: str,
    root: str,
    params: Mapping[str, Any],
    key: Callable[[Row], Hashable],
    limit: int = PAGE_SIZE,
) -> Iterator[list[Row]]:
    """`limit` + `page` (1-based)."""
    return _counted_pages(client, endpoint, root, params, key, limit, lambda pages, _: {"page": pages + 1})


def _counted_pages(
    client: CentraOrderApiClient,
    endpoint: str,
    root: str,
    params: Mapping[str, Any],
    key: Callable[[Row], Hashable],
    limit: int,
    position: Callable[[int, int], dict[str, int]],
) -> Iterator[list[Row]]:
    """Pages until one comes back short; a row seen on an earlier page (the list shifted) is dropped."""
    seen: set[Hashable] = set()
    pages = skipped = 0
    while True:
        request = {**params, "limit": limit, **position(pages, skipped)}
        rows: list[Row] = client.get(endpoint, request).body[root]
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
    limit: int = PAGE_SIZE,
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
