"""Placeholder until the GraphQL side lands: answers 501 so nothing pretends to work."""

from starlette.requests import Request
from starlette.responses import JSONResponse, Response


async def graphql_endpoint(request: Request) -> Response:
    return JSONResponse({"errors": [{"message": "not implemented yet"}]}, status_code=501)
