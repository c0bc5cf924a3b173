"""What a run did, for the terminal, the Prefect artifact and the exit code.

Nothing here holds a secret: URLs, tokens and keys never enter a summary (the API column says which API
served a family, never with what credentials).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from flows.extractions import STALENESS_CHECK

if TYPE_CHECKING:
    from flows.reconciliation import Completeness


@dataclass
class FamilyOutcome:
    name: str
    succeeded: bool = False
    api: str | None = None  # "graphql" | "order_api" | None (nothing could serve it)
    api_reason: str | None = None  # why the fallback API served it
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    error: str | None = None


@dataclass(frozen=True)
class Bucket:
    """One of Centra's rate-limit buckets, read from `rateLimits`."""

    kind: str  # REQUEST_COUNT | QUERY_COMPLEXITY | MUTATION_COUNT
    interval: str  # TEN_SECONDS | ONE_HOUR
    quota: int
    used: int

    @property
    def headroom(self) -> float:
        return 1 - self.used / self.quota if self.quota else 1.0


@dataclass(frozen=True)
class CheckOutcome:
    """A check as the run saw it: an error check with offending rows fails the run and holds back the
    snapshot; a warning's rows are reported and nothing else."""

    name: str
    passed: bool
    summary: str
    severity: Literal["error", "warning"] = "error"

    @property
    def failed(self) -> bool:
        return not self.passed and self.severity == "error"

    @property
    def warned(self) -> bool:
        return not self.passed and self.severity == "warning"


@dataclass
class RunSummary:
    warehouse: str
    started_at: datetime
    families: list[FamilyOutcome] = field(default_factory=list)
    blind_spots: list[str] = field(default_factory=list)
    # One line per API found down during the run (`CircuitBreaker.report`): when, the error, and which
    # families the fallback served because of it.
    outages: list[str] = field(default_factory=list)
    # "<family>: this instance does not offer: …" per family whose queries left optional fields out (their
    # columns load as NULL), and the source's decisions worth knowing (events refused, …).
    lacking: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    build_rows: dict[str, int] = field(default_factory=dict)
    build_seconds: float | None = None
    build_error: str | None = None
    checks: list[CheckOutcome] = field(default_factory=list)
    published_to: str | None = None
    publish_skipped: str | None = None  # why the snapshot was not replaced
    buckets_before: list[Bucket] = field(default_factory=list)
    buckets_after: list[Bucket] = field(default_factory=list)
    latest_order_at: datetime | None = None  # the newest order in the reporting tables
    latest_order_age_hours: float | None = None  # its age at the run's as_of: recency, never a failure
    # The reconciliation against Centra's counts (flows/reconciliation.py): per family after repair, what
    # it removed and queued, and the rows the repair loads brought.
    completeness: list[Completeness] = field(default_factory=list)
    reconciled: dict[str, Any] = field(default_factory=dict)
    repaired_rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def failed_families(self) -> list[FamilyOutcome]:
        return [family for family in self.families if not family.succeeded]

    @property
    def failed_checks(self) -> list[str]:
        return [check.name for check in self.checks if check.failed]

    @property
    def warnings(self) -> list[str]:
        """What is worth knowing but fails nothing: a warning check's rows (e.g. the newest order is old)."""
        return [check.summary for check in self.checks if check.warned]

    @property
    def succeeded(self) -> bool:
        return not self.failed_families and self.build_error is None and not self.failed_checks

    @property
    def complexity_spent(self) -> int | None:
        """Growth of the hourly complexity bucket over the run (all integrations on the instance share it;
        None when the bucket was not read or its hour rolled over)."""
        before = _bucket(self.buckets_before, "QUERY_COMPLEXITY", "ONE_HOUR")
        after = _bucket(self.buckets_after, "QUERY_COMPLEXITY", "ONE_HOUR")
        if before is None or after is None or after.used < before.used:
            return None
        return after.used - before.used

    def failure_reasons(self) -> list[str]:
        """One line per distinct failure; families that failed the same way share a line."""
        by_error: dict[str, list[str]] = {}
        for family in self.failed_families:
            by_error.setdefault(family.error or "failed", []).append(family.name)
        reasons = [f"{', '.join(names)}: {error}" for error, names in by_error.items()]
        if self.build_error:
            reasons.append(f"reporting build: {self.build_error}")
        reasons += [f"check {check.summary}" for check in self.checks if check.failed]
        return reasons

    def rows_by_table(self) -> dict[str, int]:
        total: dict[str, int] = {}
        for family in self.families:
            for table, count in family.rows.items():
                total[table] = total.get(table, 0) + count
        return dict(sorted(total.items()))

    def to_markdown(self) -> str:
        status = "succeeded" if self.succeeded else "FAILED"
        lines = [
            f"# centra-elt run {status}",
            "",
            f"- warehouse: `{self.warehouse}`",
            f"- started: {self.started_at:%Y-%m-%d %H:%M:%S %Z}, took {self.seconds:.1f} s",
            f"- published: `{self.published_to}`"
            if self.published_to
            else f"- not published: {self.publish_skipped}",
            self._recency_line(),
            *(
                f"- {check.summary}"
                for check in self.checks
                if check.name == STALENESS_CHECK and check.passed
            ),
        ]
        if self.failure_reasons():
            lines += ["", "## What failed", ""] + [f"- {reason}" for reason in self.failure_reasons()]
        if self.outages:
            lines += ["", "## APIs found down (asked once this run)", ""] + [
                f"- {line}" for line in self.outages
            ]
        if self.warnings:
            lines += ["", "## Warnings (they fail nothing)", ""] + [
                f"- {warning}" for warning in self.warnings
            ]
        lines += ["", "## Resources", "", "| resource | result | API | why that API | rows | seconds |"]
        lines.append("|---|---|---|---|---:|---:|")
        for family in self.families:
            lines.append(
                f"| {family.name} | {'ok' if family.succeeded else 'failed'} | {family.api or '-'} | "
                f"{family.api_reason or ''} | {sum(family.rows.values()):,} | {family.seconds:.1f} |"
            )
        lines += self._completeness_lines()
        if self.blind_spots:
            lines += ["", "## What the API used can not see", ""] + [f"- {spot}" for spot in self.blind_spots]
        if self.lacking:
            lines += ["", "## Fields this instance does not offer (their columns load as NULL)", ""]
            lines += [f"- {line}" for line in self.lacking]
        if self.notes:
            lines += ["", "## Notes", ""] + [f"- {note}" for note in self.notes]
        lines += ["", "## Rows loaded per table", "", "| table | rows |", "|---|---:|"]
        lines += [f"| {table} | {count:,} |" for table, count in self.rows_by_table().items()]
        lines += self._rate_limit_lines()
        if self.build_rows:
            lines += [
                "",
                f"## Reporting tables (built in {self.build_seconds or 0:.1f} s)",
                "",
                "| table | rows |",
            ]
            lines += ["|---|---:|"] + [f"| {table} | {count:,} |" for table, count in self.build_rows.items()]
        if self.checks:
            passed = sum(1 for check in self.checks if check.passed)
            warned = f", {len(self.warnings)} warning(s)" if self.warnings else ""
            lines += ["", f"## Data-quality checks: {passed} of {len(self.checks)} passed{warned}", ""]
            lines += [f"- {check.summary}" for check in self.checks if not check.passed] or ["- all passed"]
        return "\n".join(lines) + "\n"

    def _completeness_lines(self) -> list[str]:
        if not self.completeness:
            return []
        lines = ["", "## Completeness against Centra's own counts", "", "| family | completeness | warehouse | "
                 "Centra | periods | differing |", "|---|---:|---:|---:|---:|---:|"]  # fmt: skip
        lines += [
            f"| {entry.family} | {entry.percent:.2f}% | {entry.warehouse:,} | {entry.centra:,} | {entry.periods:,} | "
            f"{entry.unmatched:,} |"
            for entry in self.completeness
        ]
        removed, queued = self.reconciled.get("removed", 0), self.reconciled.get("queued") or {}
        if removed or queued:
            fetched = (
                ", ".join(f"{count:,} {family}" for family, count in sorted(queued.items())) or "nothing"
            )
            lines += ["", f"Repaired: {removed:,} row(s) Centra no longer has removed; re-read {fetched}."]
        return lines

    def _recency_line(self) -> str:
        if self.latest_order_at is None or self.latest_order_age_hours is None:
            return "- order recency: no orders in the reporting tables"
        return (
            f"- order recency: newest order {self.latest_order_at:%Y-%m-%d %H:%M %Z}, "
            f"{self.latest_order_age_hours:.1f} h old"
        )

    def _rate_limit_lines(self) -> list[str]:
        if not self.buckets_after:
            return []
        spent = self.complexity_spent
        lines = [
            "",
            "## Rate limits after the run (shared by every integration on the instance)",
            "",
            f"Complexity spent this run (hourly bucket): {spent:,}" if spent is not None else "",
            "",
            "| bucket | used | quota | headroom |",
            "|---|---:|---:|---:|",
        ]
        lines += [
            f"| {bucket.kind} / {bucket.interval} | {bucket.used:,} | {bucket.quota:,} | {bucket.headroom:.0%} |"
            for bucket in self.buckets_after
        ]
        return lines

    def headline(self) -> str:
        rows = sum(self.rows_by_table().values())
        text = f"{'succeeded' if self.succeeded else 'FAILED'} in {self.seconds:.1f} s: {rows:,} rows loaded"
        if self.build_rows:
            text += f", {len(self.build_rows)} reporting tables built"
        if self.published_to:
            text += f", published to {self.published_to}"
        if self.warnings:
            text += f" ({len(self.warnings)} warning(s): {', '.join(self._warned_names())})"
        return text

    def _warned_names(self) -> list[str]:
        return [check.name for check in self.checks if check.warned]


def buckets_from(rate_limits: list[dict[str, Any]]) -> list[Bucket]:
    return [
        Bucket(
            kind=str(row.get("type")),
            interval=str(row.get("intervalSeconds")),
            quota=int(row.get("quota") or 0),
            used=int(row.get("usedQuota") or 0),
        )
        for row in rate_limits
    ]


def _bucket(buckets: list[Bucket], kind: str, interval: str) -> Bucket | None:
    return next((bucket for bucket in buckets if bucket.kind == kind and bucket.interval == interval), None)
