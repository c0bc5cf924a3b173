"""Returns for instances whose `Order` has no `returns` field: the documented root `returns` query.

docs/centra-api-reference.md §A8.3 documents `returns(where: {createdAt: {from, to}}, limit, page)`; `Order.returns` is only
our sandbox's. A return is created after its order, so every return of the orders created in a window
starting at T was created at or after T: one walk of the returns created since the run's first window
covers every order the run reads. They are held by order number (a few per hundred orders) and nested into
each order as `Order.returns` would have been, so the canonical rows are built the same way. A return
deleted in Centra vanishes with the next read of its order; one created or changed after its order left the
lookback waits for a reconcile run.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pipelines.centra.capabilities import Capabilities
from pipelines.centra.graphql_client import CentraGraphQLClient
from pipelines.centra.mapping import shop_time
from pipelines.centra.paging import PageSizer, walk_offset_pages
from pipelines.centra.pruning import AdaptiveQuery

log = logging.getLogger(__name__)
RETURNS_QUERY = "returns"
Row = dict[str, Any]


@dataclass
class ReturnsByOrder:
    by_number: dict[int, list[Row]] = field(default_factory=dict)

    @classmethod
    def read(
        cls,
        client: CentraGraphQLClient,
        capabilities: Capabilities,
        required: frozenset[str],
        since: datetime,
        timezone: str,
    ) -> ReturnsByOrder:
        """Every return created from `since` (UTC) on, by its order's number."""
        query = AdaptiveQuery(RETURNS_QUERY, capabilities.query(RETURNS_QUERY, required))
        where = {"createdAt": {"from": shop_time(since, timezone)}}
        sizer = PageSizer(client.budget)

        def fetch(limit: int, page: int) -> tuple[list[Row], int]:
            result = query.execute(client, {"where": where, "limit": limit, "page": page}, sizer.estimate())
            return result.data["returns"], result.complexity

        grouped = cls()
        count = 0
        for rows in walk_offset_pages(fetch, sizer, key=lambda row: int(row["id"])):
            for row in rows:
                grouped.by_number.setdefault(int(row["order"]["number"]), []).append(row)
            count += len(rows)
        log.info("orders: %d returns created since %s, for %d orders", count, since, len(grouped.by_number))
        return grouped


def nested_returns(node: Row, returns: ReturnsByOrder) -> Row:
    """The order node with its returns where `Order.returns` would have put them."""
    return {**node, "returns": returns.by_number.get(int(node["number"]), [])}
