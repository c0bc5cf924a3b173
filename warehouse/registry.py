"""The registry of reporting tables: each a pure polars function with its grain, key and dictionary.

A table names its `inputs`: canonical `centra_raw` tables (defined in `pipelines/centra/tables.py`; a
table's `canonical_inputs`), or other reporting tables (its `reporting_inputs`, which are then built first).
The function receives those inputs as LazyFrames and returns one LazyFrame; it does no I/O. Which canonical
columns it reads is derived from the function itself (`warehouse.contract.columns_read`) and checked against
the warehouse before every build; a name that is neither a canonical nor a registered table fails that check.

An accumulating table (history the canonical tables no longer hold, such as daily stock) also names its own
previous version, `previous_version(name)` = `"reporting.<name>"`, and declares its column types in
`schema`: the build passes the stored table, or an empty frame of that schema on the first build, and the
function returns the whole new version (old rows it keeps plus new ones).

A table whose rows for an order depend only on that order's input rows declares `partition_by` (a column
every such input carries, e.g. `order_number`): the build may then run it on parts of the orders, one at a
time, to bound memory (`warehouse.partitioned_build`). Inputs without that column are passed whole. A column
that needs the whole history (a customer's order sequence) comes from a `whole_history` function: it gets
the whole inputs, returns a slim frame, and the table function receives it as one more input of that name.
`ReportingTable.build` is the whole table as one plan, and what a partitioned build must equal.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import polars as pl

from pipelines.centra.settings import DEFAULT_TIMEZONE  # the one default (flows pass the configured zone)
from warehouse.canonical import CANONICAL, TABLES_MODULE


@dataclass(frozen=True)
class BuildParams:
    """What a build needs besides its inputs: the instance's timezone, the moment it is built for and
    whether PII is hashed (`hash_pii`: `dim_customers.email` becomes the SHA-256 hex of the trimmed,
    lower-cased email; no reporting table carries names, addresses or phone numbers either way)."""

    timezone: str = DEFAULT_TIMEZONE
    as_of: datetime = field(default_factory=lambda: datetime.now(UTC))
    hash_pii: bool = False

    def __post_init__(self) -> None:
        ZoneInfo(self.timezone)  # fails early on a misspelt zone
        if self.as_of.tzinfo is None:
            raise ValueError("BuildParams.as_of must be timezone-aware (UTC)")


TableFunction = Callable[[Mapping[str, pl.LazyFrame], BuildParams], pl.LazyFrame]

REPORTING_SCHEMA = "reporting"  # the schema every reporting table is built in, and published
PREVIOUS_VERSION_PREFIX = f"{REPORTING_SCHEMA}."


def previous_version(name: str) -> str:
    """The input name under which an accumulating table reads its own last written version."""
    return f"{PREVIOUS_VERSION_PREFIX}{name}"


def latest_per_key(
    stored: pl.LazyFrame, current: pl.LazyFrame, key: tuple[str, ...], order_by: tuple[str, ...]
) -> pl.LazyFrame:
    """An accumulating table's merge: per `key`, the row last by `order_by` among its stored version and this
    build's rows; this build's row where the two tie."""
    return (
        pl.concat(
            [
                stored.with_columns(pl.lit(0).alias("_is_current")),
                current.with_columns(pl.lit(1).alias("_is_current")),
            ]
        )
        .sort(*order_by, "_is_current")
        .group_by(key, maintain_order=True)
        .last()
        .drop("_is_current")
    )


@dataclass(frozen=True)
class ReportingTable:
    name: str
    grain: str
    key: tuple[str, ...]
    inputs: tuple[str, ...]
    description: str
    columns: Mapping[str, str]
    function: TableFunction
    schema: Mapping[str, pl.DataType] | None = None  # column types; required for an accumulating table
    partition_by: str | None = None  # the table may be built in parts by ranges of this column
    whole_history: Mapping[str, TableFunction] = field(
        default_factory=dict
    )  # extra inputs, from whole inputs
    # Inputs that may not exist yet (a canonical table only some runs write): absent, the function gets an
    # empty frame of these columns and types.
    optional_inputs: Mapping[str, Mapping[str, pl.DataType]] = field(default_factory=dict)

    def build(self, inputs: Mapping[str, pl.LazyFrame], params: BuildParams) -> pl.LazyFrame:
        """The whole table as one plan: the `whole_history` frames computed from `inputs`, then the function."""
        history = {name: function(inputs, params) for name, function in self.whole_history.items()}
        return self.function({**inputs, **history}, params)

    @property
    def canonical_inputs(self) -> tuple[str, ...]:
        """The `centra_raw` tables this table reads (required or optional)."""
        return tuple(name for name in self.inputs if name in CANONICAL)

    @property
    def reporting_inputs(self) -> tuple[str, ...]:
        """The other reporting tables (and its own previous version) this table reads: every input that is
        not canonical."""
        return tuple(name for name in self.inputs if name not in CANONICAL)

    @property
    def accumulates(self) -> bool:
        """True when the table reads its own previous version (and so keeps history across builds)."""
        return previous_version(self.name) in self.inputs


class DuplicateTableError(ValueError):
    pass


class Registry:
    """Reporting tables by name; `ordered()` gives them in dependency order."""

    def __init__(self) -> None:
        self._tables: dict[str, ReportingTable] = {}

    def table(
        self,
        *,
        name: str,
        grain: str,
        key: tuple[str, ...],
        inputs: tuple[str, ...],
        description: str,
        columns: Mapping[str, str],
        schema: Mapping[str, pl.DataType] | None = None,
        partition_by: str | None = None,
        whole_history: Mapping[str, TableFunction] | None = None,
        optional_inputs: Mapping[str, Mapping[str, pl.DataType]] | None = None,
    ) -> Callable[[TableFunction], TableFunction]:
        missing_key = [column for column in key if column not in columns]
        if missing_key:
            raise ValueError(f"table {name}: key columns {missing_key} are not described in columns")
        if not grain.startswith("one row per "):
            raise ValueError(f"table {name}: grain must read 'one row per ...', got {grain!r}")
        previous = [upstream for upstream in inputs if upstream.startswith(PREVIOUS_VERSION_PREFIX)]
        if previous and previous != [previous_version(name)]:
            raise ValueError(f"table {name}: the only reporting.* input allowed is {previous_version(name)}")
        if previous and (schema is None or list(schema) != list(columns)):
            raise ValueError(
                f"table {name}: an accumulating table needs a schema typing every column, in order"
            )
        if partition_by is not None and previous:
            raise ValueError(f"table {name}: an accumulating table can not be built in parts")
        not_canonical = [extra for extra in optional_inputs or {} if extra not in CANONICAL]
        if not_canonical:
            raise ValueError(
                f"table {name}: optional inputs {not_canonical} are not canonical tables ({TABLES_MODULE})"
            )
        clashing = [extra for extra in whole_history or {} if extra in inputs]
        if clashing:
            raise ValueError(f"table {name}: whole_history names {clashing} are already input names")

        def register(function: TableFunction) -> TableFunction:
            if name in self._tables:
                raise DuplicateTableError(f"reporting table {name} is registered twice")
            self._tables[name] = ReportingTable(
                name,
                grain,
                tuple(key),
                tuple(inputs),
                description,
                dict(columns),
                function,
                None if schema is None else dict(schema),
                partition_by,
                dict(whole_history or {}),
                {input_name: dict(types) for input_name, types in (optional_inputs or {}).items()},
            )
            return function

        return register

    def __contains__(self, name: object) -> bool:
        return name in self._tables

    def __getitem__(self, name: str) -> ReportingTable:
        return self._tables[name]

    def ordered(self) -> list[ReportingTable]:
        """Every table after the reporting tables it reads; ties in name order, so builds are repeatable."""
        ordered: list[ReportingTable] = []
        state: dict[str, str] = {}

        def visit(spec: ReportingTable, path: tuple[str, ...]) -> None:
            if state.get(spec.name) == "done":
                return
            if state.get(spec.name) == "visiting":
                raise ValueError(f"reporting tables depend on each other in a cycle: {' -> '.join(path)}")
            state[spec.name] = "visiting"
            for upstream in spec.inputs:
                if upstream in self._tables:
                    visit(self._tables[upstream], (*path, upstream))
            state[spec.name] = "done"
            ordered.append(spec)

        for name in sorted(self._tables):
            visit(self._tables[name], (name,))
        return ordered

    def unknown_inputs(self) -> dict[str, list[str]]:
        """Per table, the inputs that name neither a canonical table, nor a registered reporting table, nor its
        own previous version: a typo, or a canonical table renamed in `pipelines/centra/tables.py`."""
        unknown = {
            spec.name: [
                name
                for name in spec.reporting_inputs
                if name not in self and name != previous_version(spec.name)
            ]
            for spec in self._tables.values()
        }
        return {table: names for table, names in sorted(unknown.items()) if names}

    def raw_inputs(self) -> list[str]:
        """The canonical tables some registered table needs (not a table's own previous version, nor an
        optional input)."""
        optional = self.optional_raw_inputs()
        return sorted(
            {
                name
                for spec in self._tables.values()
                for name in spec.inputs
                if name in CANONICAL and name not in optional
            }
        )

    def optional_raw_inputs(self) -> dict[str, Mapping[str, pl.DataType]]:
        """The canonical tables some registered table reads if they exist, with their columns' types."""
        return {name: types for spec in self._tables.values() for name, types in spec.optional_inputs.items()}


REGISTRY = Registry()
table = REGISTRY.table
