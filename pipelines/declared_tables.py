"""Every canonical table a load declares exists after it, empty if no row arrived.

dlt creates a table when its first row arrives: a shop with no returns yet has no `orders__returns`, a
DTC-only brand no `accounts`, and the reporting build, which reads them, would refuse. After a load, each
table declared (`tables.py`, nested ones included) for the resources that ran and not yet created is added
to dlt's schema as dlt itself makes it from rows (the declared columns with their types, dlt's `_dlt_*`
columns, the parent link, the write disposition and keys), marked as having seen data, and dlt creates it
in the destination (`sync_schema`). A later load with rows merges into it as into any table dlt made.

A resource the token was refused (`families/denied.py`) says nothing about its data, nor does a field it
was refused about the tables filled through that field (`orders__returns` without `Return:read`), and a
family that did not run declares nothing: those tables stay absent until rows of theirs arrive.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

import dlt
from dlt.common.schema.typing import TColumnSchema, TFileFormat, TTableSchema
from dlt.common.schema.utils import has_table_seen_data, new_table

from pipelines.centra.families.denied import unreadable_tables
from pipelines.centra.tables import CANONICAL_TABLES, RESOURCE_TABLES, TableSpec

_CANONICAL = {spec.name: spec for spec in CANONICAL_TABLES}
_TEXT_KEY: TColumnSchema = {"data_type": "text", "nullable": False}
# The columns dlt's relational normalizer adds (dlt 1.31), declared as it declares them; a test compares
# a declared table with one dlt made from rows.
_ROOT_DLT_COLUMNS: tuple[TColumnSchema, ...] = (
    {"name": "_dlt_load_id", **_TEXT_KEY},
    {"name": "_dlt_id", **_TEXT_KEY, "unique": True, "row_key": True},
)
_ROOT_KEY: TColumnSchema = {"name": "_dlt_root_id", **_TEXT_KEY, "root_key": True}  # nested under a merge
_NESTED_DLT_COLUMNS: tuple[TColumnSchema, ...] = (
    {"name": "_dlt_parent_id", **_TEXT_KEY, "parent_key": True},
    {"name": "_dlt_list_idx", "data_type": "bigint", "nullable": False},
    {"name": "_dlt_id", **_TEXT_KEY, "unique": True, "row_key": True},
)


def declared_by(resource: Any) -> tuple[TableSpec, ...]:
    """The canonical root tables `resource` fills (with their nested tables); () for any other resource."""
    if resource.name in RESOURCE_TABLES:
        return RESOURCE_TABLES[resource.name]
    spec = _CANONICAL.get(resource.table_name) if isinstance(resource.table_name, str) else None
    return (spec,) if spec is not None else ()


@dataclass(frozen=True)
class Declared:
    """A canonical root table a resource fills, and the tables of it the token could not read."""

    resource: str
    spec: TableSpec
    unreadable: frozenset[str] = frozenset()


def specs_for(pipeline: dlt.Pipeline, source: Any) -> list[Declared]:
    """The canonical tables of the resources `source` ran, less those whose rows the token was refused.

    Call it after the load: the refusals are in the resources' state committed with it.
    """
    states = pipeline.state.get("sources", {}).get(source.name, {}).get("resources", {})
    declared = []
    for resource in source.resources.selected.values():
        unreadable = unreadable_tables(states.get(resource.name, {}))
        if unreadable is not None:
            declared += [
                Declared(resource.name, spec, frozenset(unreadable)) for spec in declared_by(resource)
            ]
    return declared


def create_declared_tables(
    pipeline: dlt.Pipeline, declared: list[Declared], file_format: TFileFormat | None = None
) -> list[str]:
    """Create each table of `declared` (and their nested tables) dlt has not created; return their names.

    `file_format` is the loader file format the load used, which dlt records on the root tables.
    """
    schema = pipeline.default_schema
    created = []
    for entry in declared:
        resource, root = entry.resource, entry.spec
        for spec, parent in _with_parents(root):
            stored = schema.tables.get(spec.name)
            if spec.name in entry.unreadable or (stored is not None and has_table_seen_data(stored)):
                continue
            table = _table_schema(spec, parent, root, resource, file_format)
            schema.update_table(table, normalize_identifiers=False)
            hints = cast(dict[str, Any], schema.tables[spec.name])
            hints.setdefault("x-normalizer", {})["seen-data"] = True  # as dlt marks a table rows arrived in
            created.append(spec.name)
    if created:
        pipeline.schemas.save_schema(schema)
        pipeline.sync_schema()
    return created


def _with_parents(root: TableSpec) -> list[tuple[TableSpec, str | None]]:
    """The root spec and its nested specs, each with its parent table's name (parents first)."""
    pairs: list[tuple[TableSpec, str | None]] = [(root, None)]
    for path, spec in sorted(root.nested, key=lambda pair: len(pair[0])):
        pairs.append((spec, "__".join((root.name, *path[:-1]))))
    return pairs


def _table_schema(
    spec: TableSpec, parent: str | None, root: TableSpec, resource: str, file_format: TFileFormat | None
) -> TTableSchema:
    declared = list(spec.column_hints().values())
    if parent is None:
        table = new_table(
            spec.name,
            write_disposition=spec.write_disposition,
            columns=declared + list(_ROOT_DLT_COLUMNS),
            resource=resource,
            file_format=file_format,  # type: ignore[arg-type]  # dlt's default is None too
        )
        for name in spec.primary_key:
            table["columns"][name]["primary_key"] = True
        if spec.merge_key:
            table["columns"][spec.merge_key]["merge_key"] = True
        return table
    own = ([_ROOT_KEY] if root.write_disposition == "merge" else []) + list(_NESTED_DLT_COLUMNS)
    return new_table(spec.name, parent_table_name=parent, columns=declared + own)
