"""Run the sandbox over real HTTP: in a background thread of this process (tests) or in the foreground."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import uvicorn

from sandbox.app import build_state, create_app
from sandbox.control import SandboxControl
from sandbox.settings import SandboxSettings
from sandbox.state import SandboxState


@dataclass
class RunningSandbox:
    state: SandboxState
    host: str
    port: int

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def graphql_url(self) -> str:
        return f"{self.url}/graphql"

    @property
    def order_api_url(self) -> str:
        return f"{self.url}/api/{self.state.settings.order_api.plugin_uri}"

    @property
    def control(self) -> SandboxControl:
        return SandboxControl(self.state)


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve_in_thread(
    settings: SandboxSettings | None = None, state: SandboxState | None = None, host: str = "127.0.0.1"
) -> Iterator[RunningSandbox]:
    """Start the sandbox on a free port of `host` in a daemon thread; stop it on exit."""
    state = state or build_state(settings or SandboxSettings())
    port = free_port(host)
    config = uvicorn.Config(create_app(state), host=host, port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"centra-sandbox-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the sandbox did not start on {host}:{port}")
        time.sleep(0.02)
    try:
        yield RunningSandbox(state, host, port)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
