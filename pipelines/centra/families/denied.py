"""A resource the token may not read: warn with the permission's name, load nothing, keep the last load.

Reference data, the catalog and stock each need their own permissions (`Market:read`, `Product:read`,
`Warehouse.stock:read`, ...; docs/centra-api-reference.md §A2), and a brand may leave some out of an analytics token. The run
goes on without that resource. Fields the token may not read inside an allowed query are dropped earlier,
by `pruning.AdaptiveQuery`; this handles a refusal of the whole list.

A replace table (reference data, the stock snapshot) keeps its last load: dlt empties a replace table whose
resource yields nothing, and a refused permission says nothing about the data having gone.

Both kinds of refusal are noted in the resource's state for its last run (`DENIED`, `REFUSED_IN_PART`), so
`pipelines/declared_tables.py` does not create as empty a table whose rows the token could not read.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import TypeVar

import dlt

from pipelines.centra.errors import CentraPermissionError

log = logging.getLogger(__name__)
T = TypeVar("T")
DENIED = "permission_denied"  # resource state: the last run was refused the whole resource
REFUSED_IN_PART = "permissions_refused"  # resource state: the permissions its last run was refused fields for
UNKNOWN_PERMISSION = "unknown"
# Canonical tables whose rows come only through a field the permission guards (docs/centra-api-reference.md §A2): without it
# they can not be read though the rest of their resource loads. Other refused fields are columns only.
TABLES_BEHIND: dict[str, tuple[str, ...]] = {
    "Shipment:read": ("orders__shipments", "orders__shipments__lines"),
    "Return:read": ("orders__returns", "orders__returns__lines"),
    "ProductVariant:read": ("variants", "product_sizes", "prices"),
    "ProductSize:read": ("product_sizes",),
    "Pricelist:read": ("prices",),
    "Buyer:read": ("buyers",),  # the buyers resource reads them through `Account.buyers`
}


def unless_denied(resource: str, items: Iterator[T]) -> Iterator[T]:
    """Yield from `items`; on a refused permission log it by name and stop without failing the run.

    What `items` would do after its last row (such as moving a watermark) does not happen then.
    """
    yielded = False
    state = dlt.current.resource_state()
    state.pop(REFUSED_IN_PART, None)
    try:
        for item in items:
            yielded = True
            yield item
        state.pop(DENIED, None)
    except CentraPermissionError as error:
        state[DENIED] = True
        log.warning(
            "%s: skipped, the token lacks %s — the run goes on without it (%s)",
            resource,
            error.permission or "a permission",
            error,
        )
        if not yielded:
            # Appending nothing leaves the table as it was; replacing with nothing would empty it.
            dlt.current.resource().apply_hints(write_disposition="append")


def note_refused(permission: str | None) -> None:
    """Note in the running resource's state that its last run was refused fields needing `permission`."""
    refused = dlt.current.resource_state().setdefault(REFUSED_IN_PART, [])
    if (permission or UNKNOWN_PERMISSION) not in refused:
        refused.append(permission or UNKNOWN_PERMISSION)


def unreadable_tables(state: dict[str, object]) -> set[str] | None:
    """The tables a resource's last run (its state) could not read; None when that is not known."""
    if state.get(DENIED):
        return None
    refused = state.get(REFUSED_IN_PART) or []
    assert isinstance(refused, list)
    if UNKNOWN_PERMISSION in refused:
        return None
    return {table for permission in refused for table in TABLES_BEHIND.get(permission, ())}
