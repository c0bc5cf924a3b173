"""`centra-elt doctor` against the sandbox: capabilities per variant, missing permissions by name."""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.doctor import DoctorReport, diagnose
from sandbox.server import RunningSandbox
from sandbox.settings import READ_PERMISSIONS, TokenSpec
from tests.flows.conftest import point_at

SandboxFactory = Callable[..., AbstractContextManager[RunningSandbox]]


def _messages(report: DoctorReport, area: str) -> list[str]:
    return [finding.message for finding in report.findings if finding.area == area]


@pytest.mark.parametrize(
    ("variant", "expected"),
    [
        ({}, {"orders": "no", "customers": "no", "events": "yes"}),
        ({"order_updated_at": True}, {"orders": "yes", "customers": "no", "events": "yes"}),
        ({"customer_updated_at": True}, {"orders": "no", "customers": "yes", "events": "yes"}),
    ],
)
def test_doctor_reports_the_capabilities_of_each_variant(
    sandbox_factory: SandboxFactory,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    variant: dict[str, bool],
    expected: dict[str, str],
) -> None:
    with sandbox_factory(orders=20, **variant) as sandbox:
        point_at(monkeypatch, sandbox, order_api=True)
        report = diagnose(tmp_path / "centra.duckdb")
    capabilities = _messages(report, "capabilities")
    assert f"orders filterable by updatedAt: {expected['orders']}" in capabilities
    assert f"customers filterable by updatedAt: {expected['customers']}" in capabilities
    assert any(message.startswith(f"events API present: {expected['events']}") for message in capabilities)
    assert report.healthy, report.render()
    assert _messages(report, "token") == ["accepted"]
    assert _messages(report, "order api")[0].startswith("answers at")
    assert "Order:read" in report.permissions_used


def test_doctor_names_the_permission_a_restricted_token_lacks(
    sandbox_factory: SandboxFactory, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    restricted = TokenSpec("no-customers-token", permissions=READ_PERMISSIONS - {"Customer:read"})
    with sandbox_factory(orders=20, extra_tokens=(restricted,)) as sandbox:
        point_at(monkeypatch, sandbox)
        monkeypatch.setenv("SOURCES__CENTRA__API_TOKEN", restricted.token)
        report = diagnose(tmp_path / "centra.duckdb")
    (customers,) = _messages(report, "permission customers")
    assert "lacks Customer:read" in customers
    (orders,) = _messages(report, "permission orders")  # orders carry their customer: those fields go
    assert orders.startswith("readable, but the token lacks Customer:read")
    assert _messages(report, "permission catalog") == ["readable"]
    assert restricted.token not in report.render()


def test_doctor_says_what_to_fix_for_a_rejected_token_and_a_wrong_order_api_key(
    shared_sandbox: RunningSandbox, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    point_at(monkeypatch, shared_sandbox, order_api=True)
    monkeypatch.setenv("SOURCES__CENTRA__API_TOKEN", "not-a-valid-token-123")
    monkeypatch.setenv("SOURCES__CENTRA__ORDER_API_KEY", "not-a-valid-key-456")
    report = diagnose(tmp_path / "centra.duckdb")
    assert not report.healthy
    text = report.render()
    assert "SOURCES__CENTRA__API_TOKEN" in " ".join(_messages(report, "token"))
    assert "SOURCES__CENTRA__ORDER_API_KEY" in " ".join(_messages(report, "order api"))
    assert "not-a-valid-token-123" not in text
    assert "not-a-valid-key-456" not in text


def test_doctor_without_configuration_tells_what_to_set(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in ("GRAPHQL_URL", "API_TOKEN", "ORDER_API_URL", "ORDER_API_KEY"):
        monkeypatch.delenv(f"SOURCES__CENTRA__{name}", raising=False)
    monkeypatch.chdir(tmp_path)  # no .dlt/ here
    report = diagnose(tmp_path / "centra.duckdb")
    text = report.render()
    assert "SOURCES__CENTRA__GRAPHQL_URL" in text
    assert "SOURCES__CENTRA__ORDER_API_KEY" in text


@pytest.mark.parametrize(
    ("configured", "missing"),
    [
        ({}, ["GRAPHQL_URL", "API_TOKEN", "ORDER_API_URL", "ORDER_API_KEY"]),
        ({"GRAPHQL_URL": "https://shop.centra.com/graphql"}, ["API_TOKEN", "ORDER_API_URL", "ORDER_API_KEY"]),
        ({"ORDER_API_KEY": "some-order-api-key"}, ["GRAPHQL_URL", "API_TOKEN", "ORDER_API_URL"]),
    ],
)
def test_doctor_with_no_api_configured_names_what_is_missing_and_exits_non_zero(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, configured: dict[str, str], missing: list[str]
) -> None:
    for name in ("GRAPHQL_URL", "API_TOKEN", "ORDER_API_URL", "ORDER_API_KEY"):
        monkeypatch.delenv(f"SOURCES__CENTRA__{name}", raising=False)
    for name, value in configured.items():
        monkeypatch.setenv(f"SOURCES__CENTRA__{name}", value)
    monkeypatch.chdir(tmp_path)  # no .dlt/ here: nothing configured but the environment
    result = CliRunner().invoke(app, ["doctor", "--warehouse", str(tmp_path / "centra.duckdb")])
    assert result.exit_code == 1, result.output
    assert "ready to run" not in result.output
    (line,) = [line for line in result.output.splitlines() if "no Centra API is configured" in line]
    named = re.findall(r"SOURCES__CENTRA__([A-Z_]+)", line.split("missing:")[1].split("(")[0])
    assert named == missing
    assert "some-order-api-key" not in result.output


def test_doctor_with_only_the_order_api_configured_is_not_missing_an_api(
    shared_sandbox: RunningSandbox, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    point_at(monkeypatch, shared_sandbox, order_api=True)
    monkeypatch.delenv("SOURCES__CENTRA__GRAPHQL_URL")
    monkeypatch.delenv("SOURCES__CENTRA__API_TOKEN")
    report = diagnose(tmp_path / "centra.duckdb")
    assert _messages(report, "configuration") == []
    assert report.healthy, report.render()
