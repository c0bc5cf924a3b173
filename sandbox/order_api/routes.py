"""The imitated Order API's routes, mounted by the app under `/api/<plugin_uri>`.

Each endpoint name is what `OrderApiPluginSettings.disabled_endpoints` refers to (`orders`, `shipments`,
`returns`, `customers`, `products`, `stock`). Handlers are plain functions: Starlette runs them in its
thread pool, so a slow DuckDB query does not stall the event loop the GraphQL side shares.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sandbox.order_api.catalog import list_products, list_stock
from sandbox.order_api.customers import get_customer, list_customers
from sandbox.order_api.envelope import Handler, answer, fixed_answer
from sandbox.order_api.orders import list_orders
from sandbox.order_api.returns import list_returns
from sandbox.order_api.shipments import list_shipments

READ_ENDPOINTS: dict[str, tuple[str, Handler]] = {
    "/orders": ("orders", list_orders),
    "/shipments": ("shipments", list_shipments),
    "/returns": ("returns", list_returns),
    "/customers": ("customers", list_customers),
    "/customers/{customer_id}": ("customers", get_customer),
    "/products": ("products", list_products),
    "/stock": ("stock", list_stock),
}


def _endpoint(name: str, handler: Handler) -> Callable[[Request], Response]:
    def endpoint(request: Request) -> Response:
        if request.method != "GET":
            return fixed_answer(request, 501, "The sandbox imitates only the Order API's read endpoints")
        return answer(request, name, handler)

    return endpoint


def _unknown(request: Request) -> Response:
    return fixed_answer(request, 404, "Unknown endpoint")


def order_api_routes() -> list[Route]:
    routes = [
        Route(path, _endpoint(name, handler), methods=["GET", "POST", "PUT", "DELETE"])
        for path, (name, handler) in READ_ENDPOINTS.items()
    ]
    routes.append(Route("/{path:path}", _unknown, methods=["GET", "POST", "PUT", "DELETE"]))
    return routes
