"""A DuckDB destination whose merge deduplicates staging rows by key alone, so a load's memory stays flat.

dlt's `delete-insert` merge deduplicates each staging table with
`SELECT cols FROM (SELECT ROW_NUMBER() OVER (PARTITION BY key ...) AS rn, <every column> FROM staging)
WHERE rn = 1`: DuckDB's window operator then holds every column of every staging row in memory, and does
not spill it (a `memory_limit` only turns that into an out-of-memory error). For the orders family that is
O(rows in the run): 2.2 GB for the 3M order lines of 1M orders, the load's peak.

Here the window numbers only the key and DuckDB's `rowid`, and the columns are read for the surviving row
ids: `SELECT cols FROM staging WHERE rowid IN (SELECT rowid FROM (SELECT ROW_NUMBER() OVER (...) AS rn,
rowid FROM staging) WHERE rn = 1) AND (condition)`. One row per key survives exactly as before (the same
window ordering, `dedup_sort` or dlt's arbitrary one, picks it; the condition is per row, so filtering after
the numbering is unchanged), in a fraction of the memory and time. Every other SQL dlt generates (deletes,
upserts, scd2, replace) is dlt's own.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dlt.common.destination.client import FollowupJobRequest, PreparedTableSchema
from dlt.common.schema import Schema
from dlt.common.typing import TSortOrder
from dlt.destinations.impl.duckdb.configuration import DuckDbClientConfiguration
from dlt.destinations.impl.duckdb.duck import DuckDbClient
from dlt.destinations.impl.duckdb.factory import duckdb
from dlt.destinations.sql_jobs import SqlMergeFollowupJob

DUCKDB_TYPE = "dlt.destinations.duckdb"
MEMORY_LIMIT = "512MB"


class KeyDedupMergeJob(SqlMergeFollowupJob):
    @classmethod
    def gen_select_from_dedup_sql(
        cls,
        table_name: str,
        primary_keys: Sequence[str],
        columns: Sequence[str],
        dedup_sort: tuple[str, TSortOrder] | None = None,
        condition: str | None = None,
        condition_columns: Sequence[str] | None = None,
        skip_dedup: bool = False,
    ) -> str:
        """dlt's deduplicated SELECT (see `SqlMergeFollowupJob`), with the window over key and `rowid` only."""
        if skip_dedup:
            return super().gen_select_from_dedup_sql(
                table_name, primary_keys, columns, skip_dedup=True, condition=condition or "1 = 1"
            )
        order_by = cls.default_order_by()
        if dedup_sort is not None:
            order_by = f"{dedup_sort[0]} {dedup_sort[1].upper()}"
        survivors = (
            f"SELECT rowid FROM (SELECT ROW_NUMBER() OVER (partition BY {', '.join(primary_keys)}"
            f" ORDER BY {order_by}) AS _dlt_dedup_rn, rowid FROM {table_name}) AS _dlt_dedup_numbered"
            " WHERE _dlt_dedup_rn = 1"
        )
        return (
            f"SELECT {', '.join(columns)} FROM {table_name}"
            f" WHERE rowid IN ({survivors}) AND ({condition or '1 = 1'})"
        )


class CentraDuckDbClient(DuckDbClient):
    """dlt's DuckDB client with the merge above, and DuckDB's memory capped at `MEMORY_LIMIT`.

    DuckDB's buffer pool otherwise keeps every block a load touched up to 80% of the machine's RAM; capped,
    it evicts (and spills to `<warehouse>.tmp`). A `memory_limit` in the user's own dlt config
    (`destination.duckdb.credentials.global_config`) wins over ours.
    """

    def __init__(self, schema: Schema, config: DuckDbClientConfiguration, capabilities: Any) -> None:
        super().__init__(schema, config, capabilities)
        if "memory_limit" not in (config.credentials.global_config or {}):
            self.sql_client._global_config["memory_limit"] = MEMORY_LIMIT

    def _create_merge_followup_jobs(
        self, table_chain: Sequence[PreparedTableSchema]
    ) -> list[FollowupJobRequest]:
        return [KeyDedupMergeJob.from_table_chain(table_chain, self.sql_client)]


class centra_duckdb(duckdb):  # noqa: N801  # dlt names destination factories in lower case
    """`dlt.destinations.duckdb` with the key-only deduplication above; takes the same arguments."""

    @property
    def client_class(self) -> type[DuckDbClient]:
        return CentraDuckDbClient

    @property
    def destination_type(self) -> str:
        """dlt's own duckdb type (else derived from this class's module): same name, config sections, state."""
        return DUCKDB_TYPE
