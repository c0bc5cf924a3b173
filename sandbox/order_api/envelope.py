"""What every Order API request goes through: the key check, the plugin's endpoint allow-list, the
`{"status": ...}` envelope in JSON or XML, and the request stats.

Choices where Centra's behaviour is unknown:
- A missing or wrong `API-Authorization` key answers **HTTP 401 `{"status":"no","msg":"Unauthorized"}`**
  (reference B1 and §E.1 leave it open; 401 is the conventional answer and lets a client tell "bad key"
  apart from the documented 403 of a disabled endpoint). The key is checked before the allow-list.
- An endpoint left out of the plugin's allow-list answers the documented **HTTP 403 `{"status":"Not
  Allowed"}`** (no `msg`).
- Application errors (bad parameter, unknown order or customer) answer **HTTP 200** with `status: "no"` and
  a `msg` that is a sentence or an object of field errors, plus context keys such as `"order"` (reference B1).
- Paths outside the imitated read endpoints answer HTTP 404 `{"status":"no","msg":"Unknown endpoint"}`;
  write methods answer HTTP 501: the sandbox imitates only what the extractor reads.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from sandbox.order_api.params import ParamError, QueryParams
from sandbox.order_api.xml_body import render_xml
from sandbox.state import SandboxState

UNAUTHORIZED_STATUS = 401
KEY_HEADER = "API-Authorization"  # Starlette's header lookup is case-insensitive, as HTTP requires


class ApplicationError(Exception):
    """Centra's "HTTP 200 but status no" answer: `msg` plus optional context keys."""

    def __init__(self, msg: str | dict[str, str], **context: Any) -> None:
        super().__init__(str(msg))
        self.msg = msg
        self.context = context


@dataclass
class OrderApiRequest:
    """One authorised request: its parameters, the sandbox behind it, and the endpoint's base URL."""

    params: QueryParams
    state: SandboxState
    base_url: str
    path_params: dict[str, str]


Handler = Callable[[OrderApiRequest], dict[str, Any]]


def _render(envelope: dict[str, Any], status_code: int, as_xml: bool) -> Response:
    if as_xml:
        return Response(render_xml(envelope), status_code=status_code, media_type="application/xml")
    body = json.dumps(envelope, ensure_ascii=False, separators=(",", ":"))
    return Response(body, status_code=status_code, media_type="application/json")


def _key_matches(request: Request, expected: str) -> bool:
    given = request.headers.get(KEY_HEADER)
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


def answer(request: Request, endpoint: str, handler: Handler) -> Response:
    """Run `handler` behind the key check and the allow-list, and render its envelope."""
    state: SandboxState = request.app.state.sandbox
    as_xml = request.query_params.get("xml", "").lower() in {"1", "true"}
    status_code = 200
    envelope: dict[str, Any]
    if not _key_matches(request, state.settings.order_api_key):
        status_code, envelope = UNAUTHORIZED_STATUS, {"status": "no", "msg": "Unauthorized"}
    elif endpoint in state.settings.order_api.disabled_endpoints:
        status_code, envelope = 403, {"status": "Not Allowed"}
    else:
        params = QueryParams(request.query_params, state.settings.timezone)
        base_url = str(request.url.replace(query=""))
        call = OrderApiRequest(params, state, base_url, dict(request.path_params))
        try:
            envelope = {"status": "ok", **handler(call)}
        except ParamError as error:
            envelope = {"status": "no", "msg": error.fields}
        except ApplicationError as error:
            envelope = {"status": "no", "msg": error.msg, **error.context}
    state.stats.record(f"order_api:{status_code}")
    return _render(envelope, status_code, as_xml)


def fixed_answer(request: Request, status_code: int, msg: str) -> Response:
    """An answer for requests outside the imitated endpoints, still counted in the stats."""
    state: SandboxState = request.app.state.sandbox
    state.stats.record(f"order_api:{status_code}")
    return _render({"status": "no", "msg": msg}, status_code, as_xml=False)
