"""The reference tables (stores, markets, warehouses, ...) as optional inputs of the reporting build.

Only GraphQL serves reference data (the Order API has no endpoint for it, docs/centra-api-reference.md §B3). A run with GraphQL
down keeps what the last GraphQL run loaded; a warehouse that never saw GraphQL has none, and the build still
runs: a table reading these gets an empty frame of the canonical columns (the registry's `optional_inputs`)
and fills in what the orders and stock themselves name (`order_api_members`).
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from pipelines.centra.tables import (
    BRANDS,
    COLLECTIONS,
    COUNTRIES,
    CURRENCIES,
    MARKETS,
    SIZES,
    STORES,
    WAREHOUSES,
    TableSpec,
)
from warehouse.canonical import canonical_schema

REFERENCE_TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (STORES, MARKETS, WAREHOUSES, COUNTRIES, CURRENCIES, BRANDS, COLLECTIONS, SIZES)
}


def optional_reference(*names: str) -> Mapping[str, Mapping[str, pl.DataType]]:
    """`optional_inputs` for the reference tables `names`."""
    return {name: canonical_schema(REFERENCE_TABLES[name]) for name in names}
