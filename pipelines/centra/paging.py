"""Page sizes chosen by cost: as many rows per request as a fraction of the complexity budget allows."""

from __future__ import annotations

from pipelines.centra.budget import RateBudget

MAX_PAGE = 200  # Centra: "Limit must be in range 1 - 200"


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
