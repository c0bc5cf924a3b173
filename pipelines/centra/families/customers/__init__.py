"""Customers (DTC) and, through `wholesale`, wholesale accounts and their buyers."""

from pipelines.centra.families.customers import graphql, order_api, wholesale
from pipelines.centra.families.family import ONE_ROW, Family, PermissionProbe

FAMILY = Family(
    "customers",
    graphql=graphql.PART,
    order_api=lambda client, settings: [order_api.order_api_customers_resource(client, settings)],
    probe=PermissionProbe("Customer:read", "query ProbeCustomers { customers(limit: 1) { id } }"),
    # The Order API lists no accounts or buyers: those still come from GraphQL when it can serve them.
    alongside_order_api=wholesale.PART,
    doctor_probes=(("customers", ONE_ROW), ("accounts", ONE_ROW)),
    order_api_cannot_fill=order_api.CANNOT_FILL,
)
