"""`centra-sandbox` as a user runs it: a real process that serves until SIGTERM."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from sandbox.cli import parse_args, settings_from_args
from sandbox.server import free_port


def test_the_console_script_serves_both_apis_with_its_credentials_and_stops_on_sigterm() -> None:
    port = free_port()
    script = Path(sys.executable).parent / "centra-sandbox"
    process = subprocess.Popen(
        [
            str(script),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--orders",
            "60",
            "--seed",
            "7",
            "--token",
            "cli-token",
            "--order-api-key",
            "cli-key",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/__sandbox__/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, process.stdout.read() if process.stdout else ""
            assert time.monotonic() < deadline, "the sandbox did not come up within 60 s"
            time.sleep(0.2)
        graphql = httpx.post(
            f"{base}/graphql",
            json={"query": "{ counters { orders } }"},
            headers={"Authorization": "Bearer cli-token"},
        )
        assert graphql.json()["data"]["counters"]["orders"] == 60
        refused = httpx.post(f"{base}/graphql", json={"query": "{ counters { orders } }"},
                             headers={"Authorization": "Bearer sandbox-token"})  # fmt: skip
        assert refused.status_code == 401
        orders = httpx.get(f"{base}/api/order-api/orders", headers={"API-Authorization": "cli-key"})
        assert orders.json()["status"] == "ok"
    finally:
        process.send_signal(signal.SIGTERM)
        exit_code = process.wait(timeout=30)
    # uvicorn shuts down gracefully, then re-raises the signal it caught, as a service manager expects
    assert exit_code in (0, -signal.SIGTERM)


def test_the_shop_shape_options_reach_the_generator_settings() -> None:
    default = settings_from_args(parse_args([]))
    assert (default.returns_enabled, default.wholesale_enabled, default.quiet_days) == (True, True, 0)
    shaped = settings_from_args(parse_args(["--no-returns", "--no-wholesale", "--quiet-days", "30"]))
    assert (shaped.returns_enabled, shaped.wholesale_enabled, shaped.quiet_days) == (False, False, 30)


def test_the_anonymization_style_option_reaches_the_settings() -> None:
    assert settings_from_args(parse_args([])).anonymization_style == "null"
    chosen = settings_from_args(parse_args(["--anonymization-style", "placeholder"]))
    assert chosen.anonymization_style == "placeholder"
    with pytest.raises(SystemExit):
        parse_args(["--anonymization-style", "shredded"])
