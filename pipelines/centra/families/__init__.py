"""Every family, once, in load order: reference data first (the others refer to it), reconciliation last.

Read by the source (`pipelines/centra/source.py`), the flow (`flows/elt.py`), `api_choice` (which
families the Order API can serve, and their permission probes) and the doctor. A new family is a package
beside these plus one line here (pipelines/centra/README.md shows one).
"""

from __future__ import annotations

from pipelines.centra.families import catalog, customers, orders, reconciliation, reference, stock
from pipelines.centra.families.family import Family

FAMILIES: dict[str, Family] = {
    family.name: family
    for family in (
        reference.FAMILY,
        catalog.FAMILY,
        customers.FAMILY,
        orders.FAMILY,
        stock.FAMILY,
        reconciliation.FAMILY,
    )
}
# What a run loads when it names no family, in this order.
DEFAULT_FAMILIES: tuple[str, ...] = tuple(name for name, family in FAMILIES.items() if family.by_default)


def on_order_api() -> frozenset[str]:
    """The families the Order API has endpoints for."""
    return frozenset(name for name, family in FAMILIES.items() if family.order_api is not None)


def unknown_families(names: list[str] | tuple[str, ...]) -> list[str]:
    return sorted(set(names) - set(FAMILIES))
