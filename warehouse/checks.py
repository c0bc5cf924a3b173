"""Data-quality checks on the `reporting` schema: each returns its offending rows, zero rows = pass.

Two kinds, run together by `run_checks`:
- generated from the registry, per reporting table: `key_unique__<table>` (key values on more than one
  row) and `key_not_null__<table>` (rows with an empty key column);
- one SELECT per file in `warehouse/check_queries/*.sql` (the check's name is the file's stem), against
  `reporting.*` and `centra_raw.*`. A file may use the DuckDB prepared parameters `$as_of` (TIMESTAMPTZ) and
  `$recency_hours` (whole hours); only the ones it names are bound.

A check is an error (the default) or, with a `-- Severity: warning` header line, a warning: its offending
rows say something worth knowing that is not wrong data (the newest order is old: the shop may be quiet).
A check that can not run (a table missing, a syntax error) fails with `error` set, whatever its severity.
What a failed check does to a scheduled run (alert, stop publishing) is the flows' decision: here it is only
reported (`CheckResult.failed` for errors, `.warned` for warnings).

The SQL files are package data of `warehouse` (read through `importlib.resources`), so an installed wheel
runs the same checks as a clone; the analyst queries in `queries/analysis/` are not part of the package.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any, Literal

import duckdb

import warehouse.tables  # noqa: F401  (registering the tables is importing them)
from warehouse.registry import REGISTRY, Registry, ReportingTable

CHECKS_DIR: Traversable = files("warehouse") / "check_queries"
DEFAULT_RECENCY_HOURS = 48
EXAMPLE_ROWS = 5
_PARAMETER = re.compile(r"\$([A-Za-z_]\w*)")
_SEVERITY = re.compile(r"^severity:\s*(error|warning)\s*$", re.IGNORECASE)
Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Check:
    name: str
    description: str
    sql: str
    severity: Severity = "error"


@dataclass
class CheckResult:
    name: str
    passed: bool  # no offending rows (and it ran)
    offending_rows: int
    examples: list[dict[str, Any]] = field(default_factory=list)
    description: str = ""
    error: str | None = None
    severity: Severity = "error"

    @property
    def failed(self) -> bool:
        """Offending rows of an error check, or any check that could not run."""
        return not self.passed and (self.severity == "error" or self.error is not None)

    @property
    def warned(self) -> bool:
        return not self.passed and not self.failed

    def summary(self) -> str:
        if self.passed:
            return f"{self.name}: passed"
        if self.error is not None:
            return f"{self.name}: could not run: {self.error}"
        examples = "; ".join(
            ", ".join(f"{column}={value}" for column, value in row.items()) for row in self.examples
        )
        kind = " (warning)" if self.warned else ""
        return f"{self.name}{kind}: {self.offending_rows} offending row(s), e.g. {examples}"


def key_checks(registry: Registry = REGISTRY) -> list[Check]:
    """Key uniqueness and not-null for every registered table, generated from its declared key."""
    checks: list[Check] = []
    for spec in sorted(registry.ordered(), key=lambda spec: spec.name):
        checks.append(_key_unique(spec))
        checks.append(_key_not_null(spec))
    return checks


def _key_unique(spec: ReportingTable) -> Check:
    key = ", ".join(f'"{column}"' for column in spec.key)
    return Check(
        f"key_unique__{spec.name}",
        f"reporting.{spec.name}: no value of the key ({', '.join(spec.key)}) on more than one row "
        f"(grain: {spec.grain}).",
        f'SELECT {key}, count(*) AS row_count FROM reporting."{spec.name}" '
        f"GROUP BY {key} HAVING count(*) > 1 ORDER BY {key}",
    )


def _key_not_null(spec: ReportingTable) -> Check:
    key = ", ".join(f'"{column}"' for column in spec.key)
    empty = " OR ".join(f'"{column}" IS NULL' for column in spec.key)
    return Check(
        f"key_not_null__{spec.name}",
        f"reporting.{spec.name}: no key column ({', '.join(spec.key)}) empty.",
        f'SELECT {key} FROM reporting."{spec.name}" WHERE {empty} ORDER BY {key}',
    )


def sql_checks(directory: Traversable = CHECKS_DIR) -> list[Check]:
    """One check per `*.sql` file, in name order; the description is the file's leading comment, but for
    a `Severity: warning` (or `error`) line in it."""
    checks = []
    for path in sorted((entry for entry in directory.iterdir() if entry.name.endswith(".sql")), key=_name):
        sql = path.read_text(encoding="utf-8").strip().rstrip(";").strip()
        header: list[str] = []
        severity: Severity = "error"
        for line in sql.splitlines():
            if not line.startswith("--"):
                break
            text = line.removeprefix("--").strip()
            if matched := _SEVERITY.match(text):
                severity = "warning" if matched.group(1).lower() == "warning" else "error"
            else:
                header.append(text)
        checks.append(Check(path.name.removesuffix(".sql"), " ".join(header), sql, severity))
    return checks


def _name(entry: Traversable) -> str:
    return entry.name


def all_checks(registry: Registry = REGISTRY, directory: Traversable = CHECKS_DIR) -> list[Check]:
    return key_checks(registry) + sql_checks(directory)


def run_checks(
    connection: duckdb.DuckDBPyConnection,
    as_of: datetime,
    recency_hours: int = DEFAULT_RECENCY_HOURS,
    *,
    registry: Registry = REGISTRY,
    directory: Traversable = CHECKS_DIR,
) -> list[CheckResult]:
    """Run every check (generated key checks, then the SQL files); one result per check, in that order."""
    if as_of.tzinfo is None:
        raise ValueError("run_checks: as_of must be timezone-aware (UTC)")
    values: dict[str, object] = {"as_of": as_of, "recency_hours": int(recency_hours)}
    return [_run(connection, check, values) for check in all_checks(registry, directory)]


def _run(connection: duckdb.DuckDBPyConnection, check: Check, values: dict[str, object]) -> CheckResult:
    code = "\n".join(line for line in check.sql.splitlines() if not line.lstrip().startswith("--"))
    unknown = sorted(set(_PARAMETER.findall(code)) - set(values))
    if unknown:
        error = f"unknown parameters {unknown}"
        return CheckResult(check.name, False, 0, [], check.description, error, check.severity)
    parameters = {name: values[name] for name in set(_PARAMETER.findall(code))}
    try:
        count_row = connection.execute(f"SELECT count(*) FROM (\n{check.sql}\n)", parameters).fetchone()
        offending = int(count_row[0]) if count_row else 0
        examples: list[dict[str, Any]] = []
        if offending:
            result = connection.execute(check.sql, parameters)
            columns = [column[0] for column in result.description or []]
            examples = [dict(zip(columns, row, strict=True)) for row in result.fetchmany(EXAMPLE_ROWS)]
    except duckdb.Error as error:
        message = str(error).splitlines()[0]
        return CheckResult(check.name, False, 0, [], check.description, message, check.severity)
    return CheckResult(
        check.name, offending == 0, offending, examples, check.description, None, check.severity
    )


def summarize(results: list[CheckResult]) -> str:
    """One line for the count, then one line per failed check and per warning with its offending rows."""
    failed = [result for result in results if result.failed]
    warned = [result for result in results if result.warned]
    if failed:
        lines = [
            f"{len(failed)} of {len(results)} data-quality checks failed: "
            + ", ".join(result.name for result in failed)
        ]
    else:
        lines = [f"all {len(results)} data-quality checks passed"]
    if warned:
        lines[0] += f"; {len(warned)} warning(s): " + ", ".join(result.name for result in warned)
    lines.extend(f"- {result.summary()}" for result in failed + warned)
    return "\n".join(lines)
