"""A resource the token may not read: warn with the permission's name, load nothing, keep the last load.

Reference data, the catalog and stock each need their own permissions (`Market:read`, `Product:read`,
`Warehouse.stock:read`, ...; reference §A2), and a brand may leave some out of an analytics token. The run
goes on without that resource. Fields the token may not read inside an allowed query are dropped earlier,
by `pruning.AdaptiveQuery`; this handles a refusal of the whole list.

A replace table (reference data, the stock snapshot) keeps its last load: dlt empties a replace table whose
resource yields nothing, and a refused permission says nothing about the data having gone.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import TypeVar

import dlt

from pipelines.centra.errors import CentraPermissionError

log = logging.getLogger(__name__)
T = TypeVar("T")


def unless_denied(resource: str, items: Iterator[T]) -> Iterator[T]:
    """Yield from `items`; on a refused permission log it by name and stop without failing the run.

    What `items` would do after its last row (such as moving a watermark) does not happen then.
    """
    yielded = False
    try:
        for item in items:
            yielded = True
            yield item
    except CentraPermissionError as error:
        log.warning(
            "%s: skipped, the token lacks %s — the run goes on without it (%s)",
            resource,
            error.permission or "a permission",
            error,
        )
        if not yielded:
            # Appending nothing leaves the table as it was; replacing with nothing would empty it.
            dlt.current.resource().apply_hints(write_disposition="append")
