"""The pipeline's own staleness: when each family last extracted successfully, and whether that is too long ago.

After a family's load has committed, the flow records it in `elt_meta.extractions` (one row per successful
extraction: family, when it started on the run's clock, rows, API). Before publishing, the check
`extraction_staleness` fails when a family the reporting build reads has no recorded successful extraction
within `max_extraction_age_hours` (`SOURCES__CENTRA__MAX_EXTRACTION_AGE_HOURS`, 48 by default) of the run's
`as_of`: a run whose families keep failing stops replacing the snapshot after that long, while a quiet shop
whose last order is weeks old publishes (its old newest order is only a warning, `recency_orders`).

A record is written only after the commit, so a crash in between makes the family look older than it is
(the safe side); a backfill records nothing (history windows do not make the incremental data current).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

META_SCHEMA = "elt_meta"
EXTRACTIONS_TABLE = f"{META_SCHEMA}.extractions"
STALENESS_CHECK = "extraction_staleness"


@dataclass(frozen=True)
class FamilyAge:
    family: str
    last_extracted_at: datetime | None  # None: never recorded
    age_hours: float | None

    def describe(self) -> str:
        if self.last_extracted_at is None or self.age_hours is None:
            return f"{self.family} (no successful extraction recorded)"
        return f"{self.family} (last {self.last_extracted_at:%Y-%m-%d %H:%M %Z}, {self.age_hours:.1f} h ago)"


def record_extraction(warehouse: Path, family: str, started_at: datetime, rows: int, api: str | None) -> None:
    """Record that `family`'s extraction started at `started_at` has committed."""
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute(f"CREATE SCHEMA IF NOT EXISTS {META_SCHEMA}")
        connection.execute(
            f"CREATE TABLE IF NOT EXISTS {EXTRACTIONS_TABLE} (family TEXT NOT NULL, "
            "started_at TIMESTAMPTZ NOT NULL, rows_loaded BIGINT, api TEXT)"
        )
        connection.execute(
            f"INSERT INTO {EXTRACTIONS_TABLE} VALUES (?, ?, ?, ?)", [family, started_at, rows, api]
        )


def last_extractions(warehouse: Path) -> dict[str, datetime]:
    """The start of each family's latest successful extraction; {} when none was ever recorded."""
    if not Path(warehouse).exists():
        return {}
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        try:
            found = connection.execute(
                f"SELECT family, max(started_at) FROM {EXTRACTIONS_TABLE} GROUP BY family"
            ).fetchall()
        except duckdb.CatalogException:
            return {}
    return dict(found)


def last_served_extraction(warehouse: Path, family: str) -> datetime | None:
    """The start of `family`'s latest extraction that an API served (not skipped); None when none was."""
    if not Path(warehouse).exists():
        return None
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        try:
            row = connection.execute(
                f"SELECT max(started_at) FROM {EXTRACTIONS_TABLE} WHERE family = ? AND api IS NOT NULL",
                [family],
            ).fetchone()
        except duckdb.CatalogException:
            return None
    return row[0] if row else None


def family_ages(last: Mapping[str, datetime], families: Iterable[str], as_of: datetime) -> list[FamilyAge]:
    ages = []
    for family in families:
        at = last.get(family)
        age = (as_of - at).total_seconds() / 3600 if at is not None else None
        ages.append(FamilyAge(family, at, age))
    return ages


def stale_families(
    last: Mapping[str, datetime], families: Iterable[str], as_of: datetime, max_age_hours: int
) -> list[FamilyAge]:
    """The families with no successful extraction within `max_age_hours` before `as_of` (exactly that old
    is not stale). Only the pipeline's own records count: how old the newest order is does not."""
    return [
        age
        for age in family_ages(last, families, as_of)
        if age.age_hours is None or age.age_hours > max_age_hours
    ]


def staleness_summary(stale: list[FamilyAge], max_age_hours: int) -> str:
    """The check's line for the run summary."""
    if not stale:
        return f"{STALENESS_CHECK}: passed (every family extracted within {max_age_hours} h)"
    return (
        f"{STALENESS_CHECK}: no successful extraction within {max_age_hours} h "
        f"(max_extraction_age_hours) for " + ", ".join(age.describe() for age in stale)
    )
