"""The catalog: products, variants, product sizes (the SKUs) and prices."""

from pipelines.centra.families.catalog import graphql, order_api
from pipelines.centra.families.family import ONE_ROW, Family, PermissionProbe

FAMILY = Family(
    "catalog",
    graphql=graphql.PART,
    order_api=lambda client, settings: [order_api.order_api_catalog_resource(client, settings)],
    probe=PermissionProbe("Product:read", "query ProbeProducts { products(limit: 1) { id } }"),
    doctor_probes=(("catalog_products", ONE_ROW), ("catalog_variants", ONE_ROW)),
    order_api_cannot_fill=order_api.CANNOT_FILL,
)
