"""Helpers for the analysis-query tests: a published-style copy of the reporting schema, and query files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ANALYSIS_DIR = Path(__file__).resolve().parents[2] / "queries" / "analysis"
HEADER_FIELDS = ("Question", "Grain", "Parameters")


@dataclass(frozen=True)
class AnalysisQuery:
    path: Path

    @property
    def name(self) -> str:
        return self.path.stem

    @property
    def sql(self) -> str:
        return self.path.read_text(encoding="utf-8")

    def header(self) -> dict[str, str]:
        """The `-- Field: text` lines of the leading comment block, by field."""
        fields: dict[str, str] = {}
        for line in self.sql.splitlines():
            if not line.startswith("--"):
                break
            field, colon, text = line.removeprefix("--").strip().partition(":")
            if colon and field in HEADER_FIELDS:
                fields[field] = text.strip()
        return fields


def analysis_queries() -> list[AnalysisQuery]:
    return [AnalysisQuery(path) for path in sorted(ANALYSIS_DIR.glob("*.sql"))]
