"""ASGI middleware that applies the fault plan to the imitated APIs (not to the control endpoints)."""

from __future__ import annotations

import asyncio
from typing import Literal

from starlette.responses import HTMLResponse, JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sandbox.faults import Fault
from sandbox.responses import too_many_requests
from sandbox.state import SandboxState

MAINTENANCE_PAGE = "<!DOCTYPE html><html><head><title>Maintenance</title></head><body><h1>We'll be right back</h1></body></html>"


class FaultMiddleware:
    def __init__(self, app: ASGIApp, state: SandboxState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        api = self._api_of(scope)
        fault = self.state.faults.decide(api) if api else None
        if api is None or fault is None:
            await self.app(scope, receive, send)
            return
        self.state.stats.record(f"fault:{fault.kind}")
        if fault.kind == "slow":
            await asyncio.sleep(fault.seconds)
            await self.app(scope, receive, send)
        elif fault.kind == "server_error":
            body = (
                {"errors": [{"message": "Internal server error"}]} if api == "graphql" else {"status": "no"}
            )
            await JSONResponse(body, status_code=fault.status)(scope, receive, send)
        elif fault.kind == "rate_limited":
            settings = self.state.settings
            await too_many_requests(fault.seconds, settings.retry_after_format, settings.rate_limit_body)(
                scope, receive, send
            )
        elif fault.kind == "html":
            await HTMLResponse(MAINTENANCE_PAGE)(scope, receive, send)
        else:
            await self._truncated(scope, receive, send, fault)

    def _api_of(self, scope: Scope) -> Literal["graphql", "order_api"] | None:
        if scope["type"] != "http":
            return None
        path: str = scope["path"]
        if path.startswith("/graphql"):
            return "graphql"
        if path.startswith("/api/"):
            return "order_api"
        return None

    async def _truncated(self, scope: Scope, receive: Receive, send: Send, fault: Fault) -> None:
        """Serve the real answer with its body cut in half: a connection that dropped mid-body."""
        start: Message = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, capture)
        body = b"".join(chunks)
        cut = body[: max(1, len(body) // 2)]
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(cut)).encode()))
        await send({"type": "http.response.start", "status": start.get("status", 200), "headers": headers})
        await send({"type": "http.response.body", "body": cut})
