"""Configuration the dlt way: SOURCES__CENTRA__* environment variables reach the source."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import pytest

from pipelines.centra import centra_source
from pipelines.centra.errors import CentraConfigError
from pipelines.loading import centra_pipeline, load_until_current
from sandbox.server import RunningSandbox
from tests.pipelines.loading_support import GENEROUS_QUOTAS, count

SandboxFactory = Callable[..., AbstractContextManager[RunningSandbox]]


def test_environment_variables_configure_the_source(
    sandbox_factory: SandboxFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with sandbox_factory(orders=20, quotas=GENEROUS_QUOTAS) as sandbox:
        monkeypatch.setenv("SOURCES__CENTRA__GRAPHQL_URL", sandbox.graphql_url)
        monkeypatch.setenv("SOURCES__CENTRA__API_TOKEN", "sandbox-token")
        monkeypatch.setenv("SOURCES__CENTRA__RATE_LIMIT_SHARE", "1.0")
        load_until_current(
            centra_pipeline(tmp_path / "centra.duckdb"), lambda: centra_source(resources=["reference"])
        )
        assert count(tmp_path / "centra.duckdb", "stores") == sandbox.control.truth()["stores"]


def test_a_bad_setting_from_the_environment_names_its_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCES__CENTRA__GRAPHQL_URL", "http://127.0.0.1:9/graphql")
    monkeypatch.setenv("SOURCES__CENTRA__API_TOKEN", "sandbox-token")
    monkeypatch.setenv("SOURCES__CENTRA__TIMEZONE", "Mars/Base")
    with pytest.raises(CentraConfigError, match="SOURCES__CENTRA__TIMEZONE"):
        centra_source()


def test_a_bad_staleness_limit_fails_the_source_before_any_request(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCES__CENTRA__GRAPHQL_URL", "http://127.0.0.1:9/graphql")  # nothing listens
    monkeypatch.setenv("SOURCES__CENTRA__API_TOKEN", "sandbox-token")
    monkeypatch.setenv("SOURCES__CENTRA__MAX_EXTRACTION_AGE_HOURS", "two days")
    with pytest.raises(CentraConfigError, match="SOURCES__CENTRA__MAX_EXTRACTION_AGE_HOURS"):
        centra_source()
