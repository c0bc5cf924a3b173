"""Reference data: stores, markets, pricelists, currencies, countries, warehouses, brands, collections,
size charts. GraphQL only: the Order API has no endpoint for it."""

from pipelines.centra.families.family import Family
from pipelines.centra.families.reference import graphql

FAMILY = Family(
    "reference",
    graphql=graphql.PART,
    doctor_probes=tuple(
        (name, {}) for name in ("markets", "pricelists", "stores", "currencies", "warehouses")
    ),
)
