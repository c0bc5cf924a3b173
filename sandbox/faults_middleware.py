"""ASGI middleware that applies the fault plan to the imitated APIs (not to the control endpoints)."""

from __future__ import annotations

import asyncio
import json
import re
from typing import Literal

from starlette.responses import HTMLResponse, JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sandbox.faults import Fault
from sandbox.responses import too_many_requests
from sandbox.state import SandboxState

MAINTENANCE_PAGE = "<!DOCTYPE html><html><head><title>Maintenance</title></head><body><h1>We'll be right back</h1></body></html>"


_OPERATION = re.compile(r"^\s*(?:query|mutation)\s+([A-Za-z_]\w*)", re.MULTILINE)


def graphql_operation_name(body: bytes) -> str | None:
    """`operationName`, else the name of the first operation in the query text."""
    try:
        payload = json.loads(body or b"null")
    except ValueError:
        return None
    if not isinstance(payload, dict):
        return None
    if isinstance(payload.get("operationName"), str):
        return str(payload["operationName"])
    match = _OPERATION.search(str(payload.get("query") or ""))
    return match.group(1) if match else None


class FaultMiddleware:
    def __init__(self, app: ASGIApp, state: SandboxState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        api = self._api_of(scope)
        operation = None
        if api is not None and self.state.faults.plan.operations:
            operation, receive = await self._operation_of(api, scope, receive)
        fault = self.state.faults.decide(api, operation) if api else None
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

    async def _operation_of(
        self, api: Literal["graphql", "order_api"], scope: Scope, receive: Receive
    ) -> tuple[str | None, Receive]:
        """The request's operation name, and a `receive` that replays the body it had to read for it."""
        if api == "order_api":
            return str(scope["path"]).rstrip("/").split("/")[-1], receive
        messages: list[Message] = []
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request" or not message.get("more_body"):
                break
        body = b"".join(message.get("body", b"") for message in messages)

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        return graphql_operation_name(body), replay

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
