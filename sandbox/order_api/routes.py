"""Placeholder until the Order API side lands: every path answers 501."""

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route


async def _not_implemented(request: Request) -> Response:
    return JSONResponse({"status": "no", "msg": "not implemented yet"}, status_code=501)


def order_api_routes() -> list[Route]:
    return [Route("/{path:path}", _not_implemented, methods=["GET", "POST", "PUT", "DELETE"])]
