"""Keys a reconciliation found missing, waiting in the source state for their family's next load.

The reconciliation records them (`add`); the family's resource reads them at its next run (`take`), fetches
those keys besides its own strategy, and the state it commits with that load no longer holds them. A crash
before that commit leaves them recorded: the next run fetches them again. Nothing here moves a watermark.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

REPAIRS = "reconcile_repairs"


def add(state: dict[str, Any], family: str, keys: Iterable[int]) -> None:
    """Ask `family` (orders, catalog, customers) to fetch these keys at its next load."""
    pending: dict[str, list[int]] = state.setdefault(REPAIRS, {})
    pending[family] = sorted(set(pending.get(family) or []) | {int(key) for key in keys})


def pending(state: dict[str, Any]) -> dict[str, list[int]]:
    """The families with keys waiting, and the keys."""
    return {family: list(keys) for family, keys in (state.get(REPAIRS) or {}).items() if keys}


def take(state: dict[str, Any], family: str) -> list[int]:
    """The keys waiting for `family`, now handed to it (the resource's committed state drops them)."""
    waiting: dict[str, list[int]] = state.get(REPAIRS) or {}
    keys = list(waiting.get(family) or [])
    if keys:
        waiting[family] = []
    return keys
