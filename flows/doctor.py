"""`centra-elt doctor`: what is configured, what answers, what the token may read, what the warehouse holds.

Each finding is ok, a warning (the pipeline copes, e.g. by falling back to the Order API) or a problem
(a run will fail), with the fix. Probes send the pipeline's own query documents with a page of one, so a
permission the doctor finds missing is one a run would miss; nothing is written anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlparse

import duckdb

from flows import steps
from flows.lock import lock_path
from flows.summary import buckets_from
from pipelines.centra.capabilities import Capabilities, detect
from pipelines.centra.errors import (
    CentraAuthError,
    CentraConfigError,
    CentraError,
    CentraPermissionError,
    CentraSchemaError,
)
from pipelines.centra.families import FAMILIES
from pipelines.centra.graphql_client import CentraGraphQLClient
from pipelines.centra.order_api_client import CentraOrderApiClient
from pipelines.centra.redaction import redact, register_secret
from pipelines.centra.settings import CentraSettings
from pipelines.centra.transport import RetryPolicy
from warehouse.publish import published_path

Level = Literal["ok", "warning", "problem"]
# (family, query document, variables): a page of one of what each family reads.
SYMBOL = {"ok": "ok     ", "warning": "warning", "problem": "PROBLEM"}


@dataclass(frozen=True)
class Finding:
    level: Level
    area: str
    message: str


@dataclass
class DoctorReport:
    findings: list[Finding] = field(default_factory=list)
    permissions_used: set[str] = field(default_factory=set)

    def add(self, level: Level, area: str, message: str) -> None:
        self.findings.append(Finding(level, area, redact(message)))

    @property
    def healthy(self) -> bool:
        return not any(finding.level == "problem" for finding in self.findings)

    def render(self) -> str:
        width = max((len(finding.area) for finding in self.findings), default=10)
        lines = [f"[{SYMBOL[f.level]}] {f.area.ljust(width)}  {f.message}" for f in self.findings]
        problems = sum(1 for finding in self.findings if finding.level == "problem")
        warnings = sum(1 for finding in self.findings if finding.level == "warning")
        lines.append("")
        lines.append(f"{problems} problem(s), {warnings} warning(s)" + ("" if problems else ": ready to run"))
        return "\n".join(lines)


def diagnose(warehouse: Path) -> DoctorReport:
    report = DoctorReport()
    settings = _settings(report)
    if settings is not None:
        _check_something_to_read(report, settings)
        graphql = _check_configuration(report, settings)
        if graphql is not None:
            _check_graphql(report, settings, *graphql)
        _check_order_api(report, settings)
    _check_warehouse(report, Path(warehouse))
    return report


def _settings(report: DoctorReport) -> CentraSettings | None:
    """The run's settings, resolved as a run resolves them (`steps.run_settings`); None, with the problem
    (the variable to fix), when a value does not parse or check."""
    try:
        settings = steps.run_settings()
    except CentraConfigError as error:
        report.add("problem", "configuration", str(error))
        return None
    register_secret(settings.api_token)
    register_secret(settings.order_api_key)
    return settings


def _check_something_to_read(report: DoctorReport, settings: CentraSettings) -> None:
    """Neither API configured: a run can read nothing. Name every variable that is missing."""
    graphql = {"SOURCES__CENTRA__GRAPHQL_URL": settings.graphql_url,
               "SOURCES__CENTRA__API_TOKEN": settings.api_token}  # fmt: skip
    order_api = {"SOURCES__CENTRA__ORDER_API_URL": settings.order_api_url,
                 "SOURCES__CENTRA__ORDER_API_KEY": settings.order_api_key}  # fmt: skip
    if all(graphql.values()) or all(order_api.values()):
        return
    missing = [name for name, value in (graphql | order_api).items() if not value]
    report.add(
        "problem", "configuration",
        f"no Centra API is configured; missing: {', '.join(missing)} (set the GraphQL URL and token, "
        "and the Order API URL and key for the fallback, in .dlt/secrets.toml or the environment)",
    )  # fmt: skip


def _check_configuration(report: DoctorReport, settings: CentraSettings) -> tuple[str, str] | None:
    url, token = settings.graphql_url, settings.api_token
    report.add("ok", "timezone", f"instance timezone {settings.timezone} (days in reports are local days)")
    if not url and not token:
        report.add(
            "warning", "graphql", "not configured: set SOURCES__CENTRA__GRAPHQL_URL and SOURCES__CENTRA__API_TOKEN "
            "(without them every family comes from the Order API, and reference data is not loaded)",
        )  # fmt: skip
        return None
    if not url or urlparse(str(url)).scheme not in ("http", "https"):
        report.add("problem", "graphql", f"SOURCES__CENTRA__GRAPHQL_URL {url!r} is not an http(s) URL")
        return None
    if not token:
        report.add(
            "problem",
            "graphql",
            "SOURCES__CENTRA__API_TOKEN is not set: create an Integration API token in AMS",
        )
        return None
    report.add("ok", "graphql", f"configured: {url}")
    return str(url), str(token)


def _check_graphql(report: DoctorReport, settings: CentraSettings, url: str, token: str) -> None:
    retry = RetryPolicy(max_attempts=2, max_rate_limited=3, backoff_cap=5)
    with CentraGraphQLClient(url, token, retry=retry, timeout=20) as client:
        try:
            buckets = buckets_from(client.rate_limits())
        except CentraAuthError as error:
            report.add("problem", "token", f"{error} (a run falls back to the Order API if it is configured)")
            return
        except CentraError as error:
            report.add("problem", "graphql", f"unreachable: {error}")
            return
        report.add("ok", "token", "accepted")
        for bucket in buckets:
            level: Level = "warning" if bucket.headroom < 0.2 else "ok"
            report.add(
                level, "rate limits", f"{bucket.kind} per {bucket.interval}: {bucket.used:,} of {bucket.quota:,} "
                f"used ({bucket.headroom:.0%} headroom; other integrations share it)",
            )  # fmt: skip
        try:
            capabilities = detect(client)
        except CentraError as error:
            report.add("problem", "schema", f"introspection failed: {error}")
            return
        report.add(
            "ok", "capabilities", "orders filterable by updatedAt: " + _yes(capabilities.order_updated_at)
        )
        report.add(
            "ok",
            "capabilities",
            "customers filterable by updatedAt: " + _yes(capabilities.customer_updated_at),
        )
        report.add("ok", "capabilities", "events API present: " + _yes(capabilities.events)
                   + (" (Centra produces events only when enabled for the instance; set use_events)"
                      if capabilities.events else ""))  # fmt: skip
        if _check_schema(report, capabilities, settings):
            _check_permissions(report, client, capabilities)


def _check_schema(report: DoctorReport, capabilities: Capabilities, settings: CentraSettings) -> bool:
    """Fit every family's documents as a run would: what the instance lacks, before any run."""
    fitted = True
    for name, family in FAMILIES.items():
        try:
            missing = family.fit(capabilities, settings)
        except CentraSchemaError as error:
            report.add("problem", f"schema {name}", f"{error}: {name} can not load from GraphQL")
            fitted = False
            continue
        if missing:
            report.add(
                "warning", f"schema {name}",
                f"this instance does not offer: {', '.join(missing)} (those columns load as NULL)",
            )  # fmt: skip
        else:
            report.add("ok", f"schema {name}", "every field the pipeline reads is offered")
    return fitted


def _probe(
    capabilities: Capabilities, document: str, variables: dict[str, Any]
) -> tuple[str, dict[str, Any]]:
    """The probe a run of this instance would send instead, where the instance lacks a root list."""
    if document == "orders" and not capabilities.has_field("Query", "orderConnection"):
        return "orders_page", {"limit": 1, "page": 1}
    if document == "accounts" and not capabilities.has_field("Query", "accounts"):
        return "wholesale_orders", {"limit": 1, "page": 1}
    return document, variables


def _check_permissions(report: DoctorReport, client: CentraGraphQLClient, capabilities: Capabilities) -> None:
    missing: dict[str, set[str]] = {}
    fields_only: dict[str, set[str]] = {}
    probes = [(name, *probe) for name, family in FAMILIES.items() for probe in family.doctor_probes]
    for family, probe, probe_variables in probes:
        document, variables = _probe(capabilities, probe, dict(probe_variables))
        query = capabilities.query(document, FAMILIES[family].required)
        try:
            result = client.execute(query, variables, name=f"doctor:{document}")
            report.permissions_used.update(result.extensions.get("permissionsUsed") or [])
        except CentraPermissionError as error:
            permission = error.permission or f"the permission {document} needs"
            nested = bool(error.paths) and all(len(path) > 1 for path in error.paths)
            (fields_only if nested else missing).setdefault(family, set()).add(permission)
        except CentraError as error:
            report.add("problem", f"probe {family}", f"{document}: {error}")
    for family in sorted({family for family, _, _ in probes}):
        if family in missing:
            report.add(
                "warning", f"permission {family}",
                f"the token lacks {', '.join(sorted(missing[family]))}: add it in AMS (System → API tokens), "
                "or that family comes from the Order API",
            )  # fmt: skip
        elif family in fields_only:
            report.add(
                "warning", f"permission {family}",
                f"readable, but the token lacks {', '.join(sorted(fields_only[family]))} for some fields: "
                "they load as NULL until it is added in AMS",
            )  # fmt: skip
        else:
            report.add("ok", f"permission {family}", "readable")
    if report.permissions_used:
        report.add("ok", "permissions used", ", ".join(sorted(report.permissions_used)))


def _check_order_api(report: DoctorReport, settings: CentraSettings) -> None:
    url, key = settings.order_api_url, settings.order_api_key
    if not url or not key:
        report.add(
            "warning", "order api", "not configured (SOURCES__CENTRA__ORDER_API_URL, SOURCES__CENTRA__ORDER_API_KEY): "
            "no fallback when GraphQL can not serve a family",
        )  # fmt: skip
        return
    client = CentraOrderApiClient(
        str(url), str(key), retry=RetryPolicy(max_attempts=2, max_rate_limited=3), timeout=20
    )
    try:
        client.get("orders", {"limit": 1})
    except CentraPermissionError:
        report.add("warning", "order api", f"answers at {url}, but the plugin does not allow /orders")
    except CentraError as error:  # the client's own message names the setting to fix
        report.add("problem", "order api", str(error))
    else:
        report.add("ok", "order api", f"answers at {url}")
    finally:
        client.close()


def _check_warehouse(report: DoctorReport, warehouse: Path) -> None:
    if not warehouse.exists():
        writable = warehouse.parent.exists() or warehouse.parent.parent.exists()
        report.add(
            "ok" if writable else "problem",
            "warehouse",
            f"{warehouse} does not exist yet: the first run creates it",
        )
        return
    try:
        with duckdb.connect(str(warehouse), read_only=True) as connection:
            loaded = _scalar(
                connection, "SELECT max(inserted_at) FROM centra_raw._dlt_loads WHERE status = 0"
            )
            orders = _scalar(connection, "SELECT count(*) FROM centra_raw.orders")
    except duckdb.Error as error:
        if "lock" in str(error).lower():
            holder = lock_path(warehouse).read_text().strip() if lock_path(warehouse).exists() else ""
            report.add(
                "warning",
                "warehouse",
                f"{warehouse} is being written by a run ({holder or 'another process'})",
            )
        else:
            report.add("warning", "warehouse", f"{warehouse}: {str(error).splitlines()[0]}")
        return
    when = f"{loaded:%Y-%m-%d %H:%M %Z}" if isinstance(loaded, datetime) else "never"
    report.add("ok", "warehouse", f"{warehouse}: {orders or 0:,} orders, last load {when}")
    published = published_path(warehouse)
    if published.exists():
        age = datetime.now(UTC).timestamp() - published.stat().st_mtime
        report.add("ok", "published", f"{published} ({age / 3600:.1f} h old), open it read-only in BI tools")
    else:
        report.add("warning", "published", f"{published} does not exist: a successful run publishes it")


def _scalar(connection: duckdb.DuckDBPyConnection, sql: str) -> Any:
    try:
        row = connection.execute(sql).fetchone()
    except duckdb.CatalogException:
        return None
    return row[0] if row else None


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"
