"""Declared tables exist from the first load, empty if need be, exactly as dlt makes them from rows; later
loads merge into them; a table the token could not read, or of a family not loaded, stays absent."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from pipelines.centra.families.denied import unreadable_tables
from pipelines.loading import centra_pipeline
from sandbox.changes import ChangeSet
from sandbox.server import RunningSandbox
from sandbox.settings import READ_PERMISSIONS, TokenSpec
from tests.pipelines.loading_support import GENEROUS_QUOTAS, count, rows, run_load, table

SandboxFactory = Callable[..., AbstractContextManager[RunningSandbox]]
YOUNG = {"returns_enabled": False, "wholesale_enabled": False, "quiet_days": 30}
NO_ROWS_YET = ("orders__returns", "orders__returns__lines", "accounts", "buyers")
FAMILIES = ["orders", "customers"]


def _tables(warehouse: Path) -> set[str]:
    sql = "SELECT table_name FROM information_schema.tables WHERE table_schema = 'centra_raw'"
    return {name for (name,) in rows(warehouse, sql) if not name.startswith("_dlt")}


def _columns(warehouse: Path, name: str) -> list[tuple[Any, ...]]:
    return rows(
        warehouse,
        "SELECT column_name, data_type, is_nullable FROM information_schema.columns "
        f"WHERE table_schema = 'centra_raw' AND table_name = '{name}' ORDER BY ordinal_position",
    )


def _dlt_table(warehouse: Path, name: str) -> dict[str, Any]:
    return dict(centra_pipeline(warehouse).default_schema.tables[name])


def test_a_young_shop_has_every_declared_table_from_its_first_load_as_dlt_makes_it_from_rows(
    sandbox_factory: SandboxFactory, tmp_path: Path
) -> None:
    young, usual = tmp_path / "young.duckdb", tmp_path / "usual.duckdb"
    with sandbox_factory(orders=200, seed=3, quotas=GENEROUS_QUOTAS, **YOUNG) as sandbox:
        run_load(sandbox, young, resources=FAMILIES)
    with sandbox_factory(orders=200, seed=3, quotas=GENEROUS_QUOTAS) as sandbox:
        run_load(sandbox, usual, resources=FAMILIES)
    assert _tables(young) == _tables(usual)
    for name in NO_ROWS_YET:
        assert count(young, name) == 0, name
        assert count(usual, name) > 0, name
        assert _columns(young, name) == _columns(usual, name), name
        assert _dlt_table(young, name) == _dlt_table(usual, name), name


def test_later_loads_merge_into_the_declared_tables_without_duplicates(
    sandbox_factory: SandboxFactory, tmp_path: Path
) -> None:
    warehouse, fresh = tmp_path / "centra.duckdb", tmp_path / "fresh.duckdb"
    with sandbox_factory(orders=200, seed=4, quotas=GENEROUS_QUOTAS, **YOUNG) as sandbox:
        run_load(sandbox, warehouse, resources=["orders"])
        assert count(warehouse, "orders__returns") == 0
        # The shop's first returns, on orders placed over a month ago: a lookback run re-reads them.
        result = sandbox.control.apply_change_set(ChangeSet(seed=5, new_returns=3, new_orders=2))
        run_load(sandbox, warehouse, resources=["orders"], order_lookback_days=400)
        run_load(sandbox, warehouse, resources=["orders"], order_lookback_days=400)  # nothing new
        run_load(sandbox, fresh, resources=["orders"])
        truth = sandbox.control.truth()
    assert len(result.new_return_ids) == 3
    assert count(warehouse, "orders__returns") == truth["returns"] == 3
    assert count(warehouse, "orders__returns__lines") == truth["return_lines"]
    repeated = "SELECT return_id FROM centra_raw.orders__returns GROUP BY 1 HAVING count(*) > 1"
    assert rows(warehouse, repeated) == []
    for name in ("orders", "orders__lines", "orders__returns", "orders__returns__lines"):
        assert table(warehouse, name) == table(fresh, name), name
        assert _dlt_table(warehouse, name) == _dlt_table(fresh, name), name


def test_tables_the_token_could_not_read_or_of_a_family_not_loaded_stay_absent(
    sandbox_factory: SandboxFactory, tmp_path: Path
) -> None:
    refused = TokenSpec("no-returns-no-wholesale", READ_PERMISSIONS - {"Return:read", "Account:read"})
    warehouse = tmp_path / "centra.duckdb"
    with sandbox_factory(orders=120, quotas=GENEROUS_QUOTAS, extra_tokens=(refused,), **YOUNG) as sandbox:
        run_load(sandbox, warehouse, resources=FAMILIES, api_token=refused.token)
        partial = _tables(warehouse)
        run_load(sandbox, warehouse, resources=FAMILIES)  # the full token: what it can read exists
        full = _tables(warehouse)
    readable = {"orders", "orders__lines", "orders__shipments", "orders__shipments__lines", "customers"}
    assert readable <= partial
    assert not partial & {"orders__returns", "orders__returns__lines", "accounts", "buyers"}
    assert not partial & {"products", "stock", "markets"}  # families not loaded
    assert full == partial | set(NO_ROWS_YET)


def test_what_a_refusal_says_about_a_resources_tables() -> None:
    assert unreadable_tables({}) == set()
    assert unreadable_tables({"permissions_refused": ["Order.shippingAddress:read"]}) == set()
    assert unreadable_tables({"permissions_refused": ["Return:read", "Pricelist:read"]}) == {
        "orders__returns", "orders__returns__lines", "prices",
    }  # fmt: skip
    assert unreadable_tables({"permission_denied": True}) is None
    assert unreadable_tables({"permissions_refused": ["unknown"]}) is None
