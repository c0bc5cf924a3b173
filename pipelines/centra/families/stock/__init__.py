"""Stock: one snapshot per warehouse × product size each run (the history is kept downstream)."""

from pipelines.centra.families.family import ONE_ROW, Family, PermissionProbe
from pipelines.centra.families.stock import graphql, order_api

FAMILY = Family(
    "stock",
    graphql=graphql.PART,
    order_api=lambda client, settings: [order_api.order_api_stock_resource(client, settings)],
    probe=PermissionProbe(
        "Warehouse.stock:read",
        "query ProbeStock { warehouses { stock(limit: 1) { freeToAllocateQuantity } } }",
    ),
    doctor_probes=(("stock", ONE_ROW),),
    order_api_cannot_fill=order_api.CANNOT_FILL,
)
