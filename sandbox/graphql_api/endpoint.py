"""`POST /graphql`: the HTTP edge of the imitated Integration API. The work runs in a worker thread, since
the store is a blocking DuckDB connection."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from sandbox.graphql_api.execution import HttpRequest, handle
from sandbox.state import SandboxState


async def graphql_endpoint(request: Request) -> Response:
    state: SandboxState = request.app.state.sandbox
    http_request = HttpRequest(
        body=await request.body(),
        authorization=request.headers.get("authorization"),
        cookies=dict(request.cookies),
    )
    return await run_in_threadpool(handle, state, http_request)
