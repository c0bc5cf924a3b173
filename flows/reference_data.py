"""The `reference_data` check: says what a run without reference data could not refresh or build.

Only GraphQL serves reference data (stores, markets, pricelists, currencies, countries, warehouses, brands,
collections, size charts: the Order API has no endpoint for it). When no API served it this run, the
reporting tables are built from what the last GraphQL load left, or, on a warehouse that never had one,
from what the orders and stock name themselves (`warehouse/tables/order_api_members.py`). Either way this
warning says which, and what that costs the reporting tables; the run still publishes.
"""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

import duckdb

from flows.extractions import last_served_extraction
from flows.summary import CheckOutcome, RunSummary
from pipelines.loading import DATASET

REFERENCE_CHECK = "reference_data"
REFERENCE = "reference"
NEVER_LOADED_COSTS = (
    "dim_stores holds stand-ins -1 (DTC) and -2 (wholesale) for the stores, dim_markets the markets the "
    "orders name without names or countries, dim_warehouses only warehouse 0 (the Order API plugin's "
    "warehouses summed); dim_products has no brand, collection or size chart names; the base currency is "
    "unknown, so an order has a conversion rate only where a return gives one, for itself or, inferred, for "
    "its currency on the same or the nearest day (conversion_rate_source). One run with GraphQL fills them all"
)


def reference_data_check(warehouse: Path, summary: RunSummary) -> CheckOutcome | None:
    """A warning when no API served the reference family this run; None when one did (or it did not run)."""
    family = next((family for family in summary.families if family.name == REFERENCE), None)
    if family is None or not family.succeeded or family.api is not None:
        return None
    why = family.api_reason or "no API could serve it"
    loaded = last_served_extraction(warehouse, REFERENCE)
    if loaded is not None and _has_reference_tables(warehouse):
        text = (
            f"reference data kept from the last GraphQL load ({loaded.astimezone(UTC):%Y-%m-%d %H:%M} UTC), "
            f"not refreshed this run: {why}"
        )
    else:
        text = f"reference data never loaded ({why}): {NEVER_LOADED_COSTS}"
    return CheckOutcome(REFERENCE_CHECK, passed=False, summary=text, severity="warning")


def _has_reference_tables(warehouse: Path) -> bool:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        row = connection.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = 'stores'",
            [DATASET],
        ).fetchone()
    return bool(row and row[0])
