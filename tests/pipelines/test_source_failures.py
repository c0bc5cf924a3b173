"""A bad token, a wrong URL and missing permissions: one clear message, nothing partial, no secret shown."""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import pytest

from pipelines.centra import centra_source
from pipelines.centra.errors import (
    CentraAuthError,
    CentraConfigError,
    CentraUnavailableError,
    find_centra_error,
)
from pipelines.loading import centra_pipeline, load
from sandbox.server import RunningSandbox, free_port
from sandbox.settings import READ_PERMISSIONS, TokenSpec
from tests.pipelines.loading_support import GENEROUS_QUOTAS, count, rows, run_load

SandboxFactory = Callable[..., AbstractContextManager[RunningSandbox]]
SECRET = "tok-3f9a1c77-never-print-me"


def assert_nothing_loaded(warehouse: Path) -> None:
    if warehouse.exists():
        schemas = rows(
            warehouse, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'centra_raw'"
        )
        assert not [name for (name,) in schemas if not name.startswith("_dlt")]


def test_a_rejected_token_is_one_clear_error_and_loads_nothing(
    sandbox_factory: SandboxFactory, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    warehouse = tmp_path / "centra.duckdb"
    with (
        sandbox_factory(orders=30, quotas=GENEROUS_QUOTAS) as sandbox,
        pytest.raises(CentraAuthError) as raised,
    ):
        run_load(sandbox, warehouse, api_token=SECRET)
    error = find_centra_error(raised.value)
    assert isinstance(error, CentraAuthError)
    assert "SOURCES__CENTRA__API_TOKEN" in str(error)
    assert SECRET not in str(raised.value)
    assert SECRET not in caplog.text
    assert_nothing_loaded(warehouse)


def test_a_wrong_url_names_the_setting(tmp_path: Path) -> None:
    warehouse = tmp_path / "centra.duckdb"
    unreachable = f"http://127.0.0.1:{free_port()}/graphql"
    with pytest.raises(CentraUnavailableError) as raised:
        load(
            centra_pipeline(warehouse),
            centra_source(graphql_url=unreachable, api_token=SECRET, request_attempts=2),
        )
    error = find_centra_error(raised.value)
    assert isinstance(error, CentraUnavailableError)
    assert "SOURCES__CENTRA__GRAPHQL_URL" in str(error)
    assert_nothing_loaded(warehouse)


def test_a_malformed_url_fails_before_any_request(tmp_path: Path) -> None:
    with pytest.raises(CentraConfigError, match="SOURCES__CENTRA__GRAPHQL_URL"):
        centra_source(graphql_url="centra.example/graphql", api_token=SECRET)


def test_a_field_the_token_may_not_read_is_dropped_with_a_warning(
    sandbox_factory: SandboxFactory, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    no_addresses = TokenSpec("no-addresses", permissions=READ_PERMISSIONS - {"Order.shippingAddress:read"})
    warehouse = tmp_path / "centra.duckdb"
    with sandbox_factory(orders=60, quotas=GENEROUS_QUOTAS, extra_tokens=(no_addresses,)) as sandbox:
        run_load(sandbox, warehouse, api_token="no-addresses", resources=["orders"])
        assert count(warehouse, "orders") == 60
    assert rows(warehouse, "SELECT count(*) FROM centra_raw.orders WHERE shipping_city IS NOT NULL") == [(0,)]
    assert rows(warehouse, "SELECT count(*) FROM centra_raw.orders WHERE billing_city IS NOT NULL")[0][0] > 0
    assert "Order.shippingAddress:read" in caplog.text


def test_a_resource_the_token_may_not_read_is_skipped_and_the_run_succeeds(
    sandbox_factory: SandboxFactory, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    no_orders = TokenSpec("no-orders", permissions=READ_PERMISSIONS - {"Order:read"})
    warehouse = tmp_path / "centra.duckdb"
    with sandbox_factory(orders=30, quotas=GENEROUS_QUOTAS, extra_tokens=(no_orders,)) as sandbox:
        run_load(sandbox, warehouse, api_token="no-orders", resources=["orders"])
    assert "Order:read" in caplog.text
    assert_nothing_loaded(warehouse)
