"""Sandbox and environment helpers shared by the reliability tests."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest.mock import patch

from sandbox.server import RunningSandbox

ENV_KEYS = ("GRAPHQL_URL", "API_TOKEN", "TIMEZONE", "RATE_LIMIT_SHARE", "USE_EVENTS", "ORDER_API_URL",
            "ORDER_API_KEY", "REQUEST_ATTEMPTS", "API")  # fmt: skip


def centra_env(
    sandbox: RunningSandbox, *, token: str | None = None, use_events: bool = False, order_api: bool = False
) -> dict[str, str]:
    """`SOURCES__CENTRA__*` for `sandbox`, as a user would configure it."""
    settings = sandbox.state.settings
    env = {
        "SOURCES__CENTRA__GRAPHQL_URL": sandbox.graphql_url,
        "SOURCES__CENTRA__API_TOKEN": token or settings.graphql_token,
        "SOURCES__CENTRA__TIMEZONE": settings.timezone,
        "SOURCES__CENTRA__RATE_LIMIT_SHARE": "1.0",
        "SOURCES__CENTRA__USE_EVENTS": "true" if use_events else "false",
    }
    if order_api:
        env["SOURCES__CENTRA__ORDER_API_URL"] = sandbox.order_api_url
        env["SOURCES__CENTRA__ORDER_API_KEY"] = settings.order_api_key
    return env


@contextmanager
def configured(env: dict[str, str]) -> Iterator[None]:
    """Set exactly `env` among the `SOURCES__CENTRA__*` variables for the block, then restore them."""
    with patch.dict(os.environ):  # restores the whole environment on exit
        for key in ENV_KEYS:
            os.environ.pop(f"SOURCES__CENTRA__{key}", None)
        os.environ.update(env)
        yield


def copy_warehouse(source: Path, target: Path) -> None:
    """Copy a warehouse folder (DuckDB files and dlt's working folder) to a new folder."""
    shutil.copytree(source.parent, target.parent, ignore=shutil.ignore_patterns("*.lock"))


def event_ids(sandbox: RunningSandbox, confirmed: bool, integration: str = "centra-elt") -> set[int]:
    rows: list[dict[str, Any]] = sandbox.state.store.rows(
        "SELECT event_id FROM events WHERE integration_name = ? AND (confirmed_at IS NOT NULL) = ?",
        [integration, confirmed],
    )
    return {int(row["event_id"]) for row in rows}
