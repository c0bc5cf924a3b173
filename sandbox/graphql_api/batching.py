"""Batched child fetches: the rows one resolver returned together are siblings, and the first sibling that
needs a relation fetches it for all of them with one query (so a page of 200 orders costs one query for
their lines, one for their shipments, ... instead of one per order).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence
from typing import Any

Row = dict[str, Any]
SIBLINGS_KEY = "_siblings"


class Siblings:
    def __init__(self, rows: list[Row]) -> None:
        self.rows = rows
        self.fetched: dict[Hashable, dict[Any, Any]] = {}


def as_siblings(rows: list[Row]) -> list[Row]:
    """Mark the rows as fetched together; returns them for chaining."""
    group = Siblings(rows)
    for row in rows:
        row[SIBLINGS_KEY] = group
    return rows


def siblings_of(row: Row) -> Siblings:
    """The row's sibling group (a lone row becomes a group of one)."""
    group = row.get(SIBLINGS_KEY)
    if group is None:
        group = as_siblings([row])[0][SIBLINGS_KEY]
    return group


def related_many(
    row: Row,
    relation: Hashable,
    parent_key: str,
    child_key: str,
    fetch: Callable[[Sequence[Any]], list[Row]],
) -> list[Row]:
    """The child rows of `row` (those whose `child_key` equals its `parent_key`), fetched for all siblings."""
    group = siblings_of(row)
    if relation not in group.fetched:
        keys = sorted({r[parent_key] for r in group.rows if r.get(parent_key) is not None})
        by_parent: dict[Any, list[Row]] = defaultdict(list)
        for child in as_siblings(fetch(keys)) if keys else []:
            by_parent[child[child_key]].append(child)
        group.fetched[relation] = by_parent
    return list(group.fetched[relation].get(row.get(parent_key), []))


def related_one(
    row: Row,
    relation: Hashable,
    parent_key: str,
    child_key: str,
    fetch: Callable[[Sequence[Any]], list[Row]],
) -> Row | None:
    """The one row whose `child_key` equals `row[parent_key]`, fetched for all siblings at once."""
    matches = related_many(row, relation, parent_key, child_key, fetch)
    return matches[0] if matches else None
