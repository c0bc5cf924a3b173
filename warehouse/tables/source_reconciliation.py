"""source_reconciliation: the last check of each family × period against Centra's own counts."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from pipelines.centra.tables import RECONCILIATION_CHECKS
from warehouse.canonical import POLARS_TYPES
from warehouse.registry import BuildParams, table

# the canonical table's columns (pipelines/centra/tables.py), `_source_api` aside: the checks are ours
RAW_TYPES: dict[str, pl.DataType] = {name: POLARS_TYPES[kind] for name, kind in RECONCILIATION_CHECKS.columns}
COLUMNS = {
    "family": "What was counted: orders, returns (by local created day), customers, products, variants, "
    "sizes, accounts or buyers (whole).",
    "period": "The period checked: a local day (YYYY-MM-DD), or `all` for a family counted whole.",
    "grain": "day or all.",
    "day": "First local day of the period (NULL for `all`).",
    "period_end": "Last local day of the period (NULL for `all`).",
    "centra_count": "Rows Centra holds in the period, by the cheapest count its schema offers (see `method`).",
    "warehouse_count": "Rows the warehouse held in the period when it was checked (before that check's repair; "
    "duplicates counted).",
    "matched": "True when both counts are equal. A period that differed is repaired and checked again in the "
    "same run; a row still false after that run failed the `source_reconciliation` check.",
    "method": "How Centra was counted: counters (counters { … }), total_count (orderConnection.totalCount) "
    "or keys (the keys were read and counted).",
    "loaded": "Keys the check queued for loading (missing or duplicated in the warehouse).",
    "removed": "Rows removed because Centra no longer has them (or held twice).",
    "checked_at": "When the check ran (UTC).",
}


@table(
    name="source_reconciliation",
    grain="one row per family × period, the latest check",
    key=("family", "period"),
    inputs=("reconciliation_checks",),
    description="Whether the warehouse holds what Centra holds: Centra's own counts against the warehouse's, "
    "per family and local day, as last checked (a plain run checks the recent days, the nightly "
    "run the whole history).",
    columns=COLUMNS,
    optional_inputs={"reconciliation_checks": RAW_TYPES},  # absent until a reconciliation ran
)
def source_reconciliation(inputs: Mapping[str, pl.LazyFrame], params: BuildParams) -> pl.LazyFrame:
    checks = inputs["reconciliation_checks"].select(
        pl.col(name).cast(kind) for name, kind in RAW_TYPES.items()
    )
    return checks.sort("family", "period").select(list(COLUMNS))
