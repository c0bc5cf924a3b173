"""Orders, with their lines, shipments (with lines) and returns (with lines) nested."""

from pipelines.centra.families.family import Family, PermissionProbe
from pipelines.centra.families.orders import graphql, order_api

FAMILY = Family(
    "orders",
    graphql=graphql.PART,
    order_api=lambda client, settings: [order_api.order_api_orders_resource(client, settings)],
    probe=PermissionProbe("Order:read", "query ProbeOrders { orders(limit: 1) { number } }"),
    doctor_probes=(("orders", {"first": 1}),),
    order_api_cannot_fill=order_api.CANNOT_FILL,
)
