"""`hash_pii` as a setting: `centra-elt run` and `centra-elt backfill` read `sources.centra.hash_pii`, the flag
`--hash-pii/--no-hash-pii` overrides it, and the scheduled deployments leave it to the configuration."""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest
import yaml
from prefect.utilities.callables import parameter_schema
from typer.testing import CliRunner

from flows.cli import app
from flows.deployments import deployments
from flows.elt import centra_elt
from sandbox.server import RunningSandbox
from tests.flows.conftest import point_at
from tests.pipelines.loading_support import GENEROUS_QUOTAS

pytestmark = pytest.mark.usefixtures("prefect_harness")
SandboxFactory = Callable[..., AbstractContextManager[RunningSandbox]]
runner = CliRunner()
SHA256_HEX = re.compile(r"[0-9a-f]{64}")
PREFECT_YAML = Path(__file__).resolve().parents[2] / "prefect.yaml"


def _emails(warehouse: Path) -> tuple[list[str], set[str]]:
    """The non-empty emails of reporting.dim_customers, and those of centra_raw.customers."""
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        shown = [row[0] for row in connection.execute(
            "SELECT email FROM reporting.dim_customers WHERE email IS NOT NULL AND email <> ''"
        ).fetchall()]  # fmt: skip
        raw = {row[0] for row in connection.execute(
            "SELECT email FROM centra_raw.customers WHERE email IS NOT NULL AND email <> ''"
        ).fetchall()}  # fmt: skip
    return shown, raw


def _hashed(warehouse: Path) -> bool:
    """True when every email in reporting is a SHA-256 hex, False when every one is the raw email."""
    shown, raw = _emails(warehouse)
    assert shown, "no customer emails in reporting"
    if all(SHA256_HEX.fullmatch(email) for email in shown):
        assert not set(shown) & raw
        return True
    assert set(shown) <= raw, "reporting shows emails that are neither Centra's nor hashes"
    return False


def _invoke(arguments: list[str]) -> None:
    result = runner.invoke(app, arguments)
    assert result.exit_code == 0, result.output


def test_run_and_backfill_honour_the_hash_pii_setting_and_the_flag_overrides_it(
    sandbox_factory: SandboxFactory, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    warehouse = tmp_path / "centra.duckdb"
    run = ["run", "--warehouse", str(warehouse)]
    with sandbox_factory(orders=80, quotas=GENEROUS_QUOTAS) as sandbox:
        point_at(monkeypatch, sandbox)
        monkeypatch.delenv("SOURCES__CENTRA__HASH_PII", raising=False)
        _invoke(run)
        assert not _hashed(warehouse)  # not configured: off
        monkeypatch.setenv("SOURCES__CENTRA__HASH_PII", "true")
        _invoke(run)
        assert _hashed(warehouse)
        _invoke([*run, "--no-hash-pii"])
        assert not _hashed(warehouse)
        span = sandbox.state.store.rows(
            "SELECT min(created_at) AS first, max(created_at) AS last FROM orders"
        )[0]
        backfill = ["backfill", "--warehouse", str(warehouse), "--window-days", "3650",
                    "--from", (span["first"].date() - timedelta(days=1)).isoformat(),
                    "--to", (span["last"].date() + timedelta(days=1)).isoformat()]  # fmt: skip
        _invoke(backfill)
        assert _hashed(warehouse)
        _invoke([*backfill, "--no-hash-pii"])  # windows already loaded: only the rebuild
        assert not _hashed(warehouse)
        monkeypatch.setenv("SOURCES__CENTRA__HASH_PII", "false")
        _invoke(backfill)
        assert not _hashed(warehouse)
        _invoke([*backfill, "--hash-pii"])
        assert _hashed(warehouse)
        _invoke([*run, "--hash-pii"])
        assert _hashed(warehouse)
        _invoke(run)
        assert not _hashed(warehouse)


@pytest.mark.parametrize("command", ["run", "backfill"])
def test_a_hash_pii_setting_that_is_not_a_boolean_fails_naming_the_variable(
    shared_sandbox: RunningSandbox, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, command: str
) -> None:
    point_at(monkeypatch, shared_sandbox)
    monkeypatch.setenv("SOURCES__CENTRA__HASH_PII", "sometimes")
    dates = ["--from", "2026-01-01", "--to", "2026-01-31"] if command == "backfill" else []
    result = runner.invoke(app, [command, "--warehouse", str(tmp_path / "centra.duckdb"), *dates])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    last = result.output.strip().splitlines()[-1]
    assert last.startswith("error: SOURCES__CENTRA__HASH_PII must be true or false"), result.output
    assert "'sometimes'" in last
    assert not (tmp_path / "centra.duckdb").exists()  # failed before anything was loaded


def test_the_flow_reads_the_setting_when_its_parameter_is_left_out(
    shared_sandbox: RunningSandbox, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    point_at(monkeypatch, shared_sandbox)
    monkeypatch.setenv("SOURCES__CENTRA__HASH_PII", "true")
    warehouse = tmp_path / "centra.duckdb"
    summary = centra_elt(warehouse=str(warehouse), as_of=shared_sandbox.state.clock.now(), retries=0)
    assert summary.succeeded, summary.failure_reasons()
    assert _hashed(warehouse)


def test_the_deployments_leave_hash_pii_to_the_configuration() -> None:
    # What a scheduled run gets: the deployment's parameters over the flow's defaults (None: configuration).
    flow_defaults = parameter_schema(centra_elt).model_dump()["properties"]
    assert "default" in flow_defaults["hash_pii"]
    assert flow_defaults["hash_pii"]["default"] is None
    served = deployments()
    assert [deployment.name for deployment in served] == ["hourly-incremental", "nightly-reconcile"]
    for deployment in served:
        assert "hash_pii" not in deployment.parameters, deployment.name
    declared = yaml.safe_load(PREFECT_YAML.read_text())["deployments"]
    assert [deployment["name"] for deployment in declared] == ["hourly-incremental", "nightly-reconcile"]
    for deployment in declared:
        assert deployment["entrypoint"] == "flows/elt.py:centra_elt"
        assert "hash_pii" not in (deployment.get("parameters") or {}), deployment["name"]
