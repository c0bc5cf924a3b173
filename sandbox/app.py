"""The sandbox's ASGI app: the two imitated Centra APIs plus the control endpoints."""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route

from sandbox.control import SandboxControl, change_set_from_json, fault_plan_from_json, result_to_json
from sandbox.faults_middleware import FaultMiddleware
from sandbox.generator import generate
from sandbox.graphql_api.endpoint import graphql_endpoint
from sandbox.order_api.routes import order_api_routes
from sandbox.settings import RateLimitQuotas, SandboxSettings
from sandbox.state import SandboxState

CONTROL_PREFIX = "/__sandbox__"


def build_state(settings: SandboxSettings) -> SandboxState:
    """A sandbox state with its dataset generated from the settings' seed."""
    state = SandboxState.empty(settings)
    generate(state.store, settings)
    return state


def _control(request: Request) -> SandboxControl:
    return SandboxControl(request.app.state.sandbox)


async def _json(request: Request) -> dict[str, Any]:
    body = await request.body()
    return (await request.json()) if body else {}


async def health(request: Request) -> Response:
    state: SandboxState = request.app.state.sandbox
    return JSONResponse({"status": "ok", "now": state.clock.now().isoformat()})


async def truth(request: Request) -> Response:
    return JSONResponse(_control(request).truth())


async def key_truth(request: Request) -> Response:
    return JSONResponse(_control(request).key_truth().to_json())


async def clock(request: Request) -> Response:
    body = await _json(request)
    return JSONResponse({"now": _control(request).advance_clock(float(body.get("advance_seconds", 0)))})


async def change_set(request: Request) -> Response:
    result = _control(request).apply_change_set(change_set_from_json(await _json(request)))
    return JSONResponse(result_to_json(result))


async def faults(request: Request) -> Response:
    control = _control(request)
    if request.method == "DELETE":
        control.clear_faults()
    else:
        control.install_faults(fault_plan_from_json(await _json(request)))
    return JSONResponse({"status": "ok"})


async def rate_limits(request: Request) -> Response:
    body = await _json(request)
    quotas = RateLimitQuotas(**body["quotas"]) if "quotas" in body else None
    _control(request).set_rate_limits(bool(body.get("enabled", True)), quotas)
    return JSONResponse({"status": "ok"})


async def settings(request: Request) -> Response:
    try:
        _control(request).update_settings(**(await _json(request)))
    except ValueError as error:
        return JSONResponse({"error": str(error)}, status_code=400)
    return JSONResponse({"status": "ok"})


async def stats(request: Request) -> Response:
    control = _control(request)
    if request.method == "DELETE":
        control.reset_stats()
    return JSONResponse(control.stats())


def create_app(state: SandboxState) -> Starlette:
    plugin_uri = state.settings.order_api.plugin_uri
    routes = [
        Route("/graphql", graphql_endpoint, methods=["POST"]),
        Mount(f"/api/{plugin_uri}", routes=order_api_routes()),
        Route(f"{CONTROL_PREFIX}/health", health),
        Route(f"{CONTROL_PREFIX}/truth", truth),
        Route(f"{CONTROL_PREFIX}/truth/keys", key_truth),
        Route(f"{CONTROL_PREFIX}/clock", clock, methods=["POST"]),
        Route(f"{CONTROL_PREFIX}/change-set", change_set, methods=["POST"]),
        Route(f"{CONTROL_PREFIX}/faults", faults, methods=["POST", "DELETE"]),
        Route(f"{CONTROL_PREFIX}/rate-limits", rate_limits, methods=["POST"]),
        Route(f"{CONTROL_PREFIX}/settings", settings, methods=["PATCH"]),
        Route(f"{CONTROL_PREFIX}/stats", stats, methods=["GET", "DELETE"]),
    ]
    app = Starlette(routes=routes, middleware=[Middleware(FaultMiddleware, state=state)])
    app.state.sandbox = state
    return app
