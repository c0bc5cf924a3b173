"""Shared fixtures: an isolated environment for dlt and Prefect, and sandboxes over real HTTP."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager

import pytest

_WORKER = os.environ.get("PYTEST_XDIST_WORKER")  # set in each process of `pytest -n N`
_TEMP_HOME = tempfile.mkdtemp(prefix=f"centra-elt-tests-{_WORKER or 'main'}-")
if _WORKER:  # workers inherit the controller's environment: each needs a Prefect and dlt home of its own
    os.environ["PREFECT_HOME"] = os.path.join(_TEMP_HOME, "prefect")
    os.environ["DLT_DATA_DIR"] = os.path.join(_TEMP_HOME, "dlt")
os.environ.setdefault("PREFECT_HOME", os.path.join(_TEMP_HOME, "prefect"))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
os.environ.setdefault("DLT_DATA_DIR", os.path.join(_TEMP_HOME, "dlt"))

from sandbox.server import RunningSandbox, serve_in_thread  # noqa: E402
from sandbox.settings import NON_BINDING_QUOTAS, SandboxSettings  # noqa: E402

SMALL_ORDERS = 400
# Quotas that never bind: tests about data; rate-limit behaviour has its own tests with tight quotas.
GENEROUS_QUOTAS = NON_BINDING_QUOTAS


@pytest.fixture
def sandbox_factory() -> Callable[..., AbstractContextManager[RunningSandbox]]:
    """Start a sandbox with the given settings: `with sandbox_factory(orders=50, events_enabled=True) as sb:`."""

    def factory(**overrides: object) -> AbstractContextManager[RunningSandbox]:
        settings = SandboxSettings(**{"orders": SMALL_ORDERS, **overrides})  # type: ignore[arg-type]
        return serve_in_thread(settings)

    return factory


@pytest.fixture(scope="session")
def shared_sandbox() -> Iterator[RunningSandbox]:
    """One read-only sandbox (default settings but a small dataset, rate limits off) for many tests.

    Tests that change data, settings, faults or quotas must start their own with `sandbox_factory`.
    Rate limits are on with quotas that never bind.
    """
    # Generous quotas rather than rate limits off: the sandbox's `rateLimits` reports the quotas either way,
    # and a client pacing itself to Centra's default quotas makes every load test crawl.
    with serve_in_thread(SandboxSettings(orders=SMALL_ORDERS, quotas=GENEROUS_QUOTAS)) as running:
        yield running
