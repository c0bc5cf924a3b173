"""Prefect's test harness (one temporary API server for the session) and a sandbox-backed configuration."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from prefect.testing.utilities import prefect_test_harness

from sandbox.server import RunningSandbox


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    with prefect_test_harness(server_startup_timeout=120):
        yield


def point_at(monkeypatch: pytest.MonkeyPatch, sandbox: RunningSandbox, order_api: bool = False) -> None:
    """Configure `sources.centra.*` for `sandbox` through the environment, as a user would."""
    settings = sandbox.state.settings
    monkeypatch.setenv("SOURCES__CENTRA__GRAPHQL_URL", sandbox.graphql_url)
    monkeypatch.setenv("SOURCES__CENTRA__API_TOKEN", settings.graphql_token)
    monkeypatch.setenv("SOURCES__CENTRA__TIMEZONE", settings.timezone)
    monkeypatch.setenv("SOURCES__CENTRA__RATE_LIMIT_SHARE", "1.0")
    if order_api:
        monkeypatch.setenv("SOURCES__CENTRA__ORDER_API_URL", sandbox.order_api_url)
        monkeypatch.setenv("SOURCES__CENTRA__ORDER_API_KEY", settings.order_api_key)
    else:
        monkeypatch.delenv("SOURCES__CENTRA__ORDER_API_URL", raising=False)
        monkeypatch.delenv("SOURCES__CENTRA__ORDER_API_KEY", raising=False)
