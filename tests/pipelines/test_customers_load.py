"""Customers, accounts and buyers from the sandbox's GraphQL API into DuckDB, full scan and updatedAt."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from graphql import GraphQLSchema

from pipelines.centra.capabilities import Capabilities
from pipelines.centra.families.customers.graphql import plan_customers
from pipelines.centra.settings import CentraSettings
from sandbox.changes import ChangeSet
from sandbox.server import RunningSandbox
from sandbox.settings import READ_PERMISSIONS, TokenSpec
from tests.pipelines.loading_support import GENEROUS_QUOTAS, count, rows, run_load, table

SandboxFactory = Callable[..., AbstractContextManager[RunningSandbox]]
FAMILY = ("customers", "accounts", "buyers")
CUSTOMER_COLUMNS = (
    "customer_id, email, first_name, last_name, gender, phone_number, is_registered, has_newsletter, "
    "country_code, created_at, updated_at"
)
ACCOUNT_COLUMNS = (
    "account_id, name, status, market_id, pricelist_id, discount_percent, created_at, updated_at"
)
BUYER_COLUMNS = "buyer_id, account_id, email, first_name, last_name, status, created_at, updated_at"
NO_PERSONAL_DATA = TokenSpec(
    "no-personal-data", permissions=READ_PERMISSIONS - {"Customer:read", "Buyer:read"}
)
CHANGES = ChangeSet(seed=11, anonymized_customers=2, new_orders=8)


@pytest.fixture
def sandbox(sandbox_factory: SandboxFactory) -> Iterator[RunningSandbox]:
    with sandbox_factory(orders=400, quotas=GENEROUS_QUOTAS) as running:
        yield running


def load_customers(sandbox: RunningSandbox, warehouse: Path, **args: Any) -> dict[str, Any]:
    return run_load(sandbox, warehouse, resources=["customers"], **args)


def naive_utc(value: Any) -> Any:
    """The warehouse's TIMESTAMPTZ as the sandbox stores it: naive UTC (other values unchanged)."""
    return value.astimezone(UTC).replace(tzinfo=None) if isinstance(value, datetime) else value


def loaded(warehouse: Path, sql: str) -> set[tuple[Any, ...]]:
    return {tuple(naive_utc(value) for value in row) for row in rows(warehouse, sql)}


def truth(sandbox: RunningSandbox, sql: str) -> set[tuple[Any, ...]]:
    return {tuple(row.values()) for row in sandbox.state.store.rows(sql)}


def sandbox_customers(sandbox: RunningSandbox, with_updated_at: bool) -> set[tuple[Any, ...]]:
    updated_at = "updated_at" if with_updated_at else "NULL::TIMESTAMP"
    columns = CUSTOMER_COLUMNS.replace("updated_at", updated_at)
    return truth(sandbox, f"SELECT {columns} FROM customers")


def assert_customers_match(sandbox: RunningSandbox, warehouse: Path, with_updated_at: bool) -> None:
    assert loaded(warehouse, f"SELECT {CUSTOMER_COLUMNS} FROM centra_raw.customers") == sandbox_customers(
        sandbox, with_updated_at
    )


def test_first_load_equals_the_sandbox_and_a_second_run_changes_nothing(
    sandbox: RunningSandbox, tmp_path: Path
) -> None:
    warehouse = tmp_path / "centra.duckdb"
    assert load_customers(sandbox, warehouse)["customers_strategy"] == "full_scan"
    sandbox_counts = sandbox.control.truth()
    for name in FAMILY:
        assert count(warehouse, name) == sandbox_counts[name], name
    assert_customers_match(sandbox, warehouse, with_updated_at=False)
    assert loaded(warehouse, f"SELECT {ACCOUNT_COLUMNS} FROM centra_raw.accounts") == truth(
        sandbox, f"SELECT {ACCOUNT_COLUMNS} FROM accounts"
    )
    assert loaded(warehouse, f"SELECT {BUYER_COLUMNS} FROM centra_raw.buyers") == truth(
        sandbox, f"SELECT {BUYER_COLUMNS} FROM buyers"
    )
    assert rows(warehouse, "SELECT DISTINCT _source_api FROM centra_raw.customers") == [("graphql",)]

    before = {name: table(warehouse, name) for name in FAMILY}
    load_customers(sandbox, warehouse)
    assert {name: table(warehouse, name) for name in FAMILY} == before


def test_values_keep_shared_emails_non_ascii_names_nulls_and_utc_times(
    sandbox: RunningSandbox, tmp_path: Path
) -> None:
    warehouse = tmp_path / "centra.duckdb"
    load_customers(sandbox, warehouse)
    shared = "SELECT email, count(*) FROM {} WHERE email IS NOT NULL GROUP BY email HAVING count(*) > 1"
    pairs = loaded(warehouse, shared.format("centra_raw.customers"))
    assert pairs
    assert pairs == truth(sandbox, shared.format("customers"))
    email = sorted(pairs)[0][0]
    registered = f"SELECT is_registered FROM centra_raw.customers WHERE email = '{email}' ORDER BY 1"
    assert rows(warehouse, registered) == [(False,), (True,)]  # a guest and a registered customer

    non_ascii = "SELECT customer_id, first_name, last_name FROM {} WHERE first_name IN ('Åsa', '娜', 'Zoë')"
    names = loaded(warehouse, non_ascii.format("centra_raw.customers"))
    assert {first for _, first, _ in names} == {"Åsa", "娜", "Zoë"}
    assert names == truth(sandbox, non_ascii.format("customers"))

    anonymized = truth(sandbox, "SELECT customer_id FROM customers WHERE is_anonymized")
    assert anonymized
    for (customer_id,) in anonymized:
        pii = "email, first_name, last_name, gender, phone_number, has_newsletter"
        assert rows(
            warehouse, f"SELECT {pii} FROM centra_raw.customers WHERE customer_id = {customer_id}"
        ) == [(None, None, None, None, None, False)]
    nulls = (
        "SELECT count(*) FILTER (WHERE gender IS NULL), count(*) FILTER (WHERE phone_number IS NULL) FROM {}"
    )
    assert loaded(warehouse, nulls.format("centra_raw.customers")) == truth(
        sandbox, nulls.format("customers")
    )

    first = rows(warehouse, "SELECT created_at FROM centra_raw.customers WHERE customer_id = 1")[0][0]
    assert first.utcoffset().total_seconds() == 0
    stored = truth(sandbox, "SELECT created_at FROM customers WHERE customer_id = 1")
    assert {(naive_utc(first),)} == stored


@pytest.mark.parametrize(
    ("customer_updated_at", "second_strategy"), [(False, "full_scan"), (True, "updated_at")]
)
def test_anonymized_and_new_guest_customers_arrive_on_the_next_run(
    sandbox_factory: SandboxFactory, tmp_path: Path, customer_updated_at: bool, second_strategy: str
) -> None:
    warehouse = tmp_path / "centra.duckdb"
    with sandbox_factory(
        orders=400, quotas=GENEROUS_QUOTAS, customer_updated_at=customer_updated_at
    ) as sandbox:
        first = load_customers(sandbox, warehouse)
        assert first["customers_strategy"] == "full_scan"
        assert ("customers_updated_max" in first) is customer_updated_at
        customers_before = sandbox.control.truth()["customers"]

        # Stamp the changes 5 minutes before the newest updatedAt already loaded, as a transaction that
        # commits late would be: without the (10-minute) overlap an updatedAt window would pass over them.
        newest = max(updated for (updated,) in truth(sandbox, "SELECT updated_at FROM customers"))
        late = newest.replace(tzinfo=UTC) - timedelta(minutes=5) - sandbox.state.clock.now()
        sandbox.control.advance_clock(late.total_seconds())
        result = sandbox.control.apply_change_set(CHANGES)
        anonymized = result.anonymized_customer_ids
        assert len(anonymized) == 2
        assert sandbox.control.truth()["customers"] > customers_before  # the new orders brought new guests
        assert rows(
            warehouse,
            f"SELECT count(*) FROM centra_raw.customers WHERE customer_id IN {tuple(anonymized)} "
            "AND email IS NOT NULL",
        ) == [(2,)]

        second = load_customers(sandbox, warehouse)
        assert second["customers_strategy"] == second_strategy
        assert count(warehouse, "customers") == sandbox.control.truth()["customers"]
        assert_customers_match(sandbox, warehouse, with_updated_at=customer_updated_at)
        assert rows(
            warehouse,
            f"SELECT count(*) FROM centra_raw.customers WHERE customer_id IN {tuple(anonymized)} "
            "AND email IS NULL AND first_name IS NULL AND last_name IS NULL",
        ) == [(2,)]
        if customer_updated_at:  # the watermark is the newest updatedAt in the data, not our clock
            newest_now = max(updated for (updated,) in truth(sandbox, "SELECT updated_at FROM customers"))
            assert second["customers_updated_max"] == newest_now.replace(tzinfo=UTC).isoformat()


def test_a_token_without_customer_or_buyer_read_skips_them_with_warnings_and_loads_accounts(
    sandbox_factory: SandboxFactory, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    warehouse = tmp_path / "centra.duckdb"
    with sandbox_factory(orders=100, quotas=GENEROUS_QUOTAS, extra_tokens=(NO_PERSONAL_DATA,)) as sandbox:
        with caplog.at_level(logging.WARNING, logger="pipelines.centra"):
            state = load_customers(sandbox, warehouse, api_token=NO_PERSONAL_DATA.token)
        truth_counts = sandbox.control.truth()
    assert state["customers_strategy"] == "skipped"
    assert "customers_updated_max" not in state
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("customers" in message and "Customer:read" in message for message in warnings), warnings
    assert any("buyers" in message and "Buyer:read" in message for message in warnings), warnings
    assert count(warehouse, "accounts") == truth_counts["accounts"]
    for skipped in ("customers", "buyers"):
        tables = {name for (name,) in rows(warehouse, "SELECT table_name FROM information_schema.tables")}
        assert skipped not in tables or count(warehouse, skipped) == 0, skipped


def test_the_plan_follows_capabilities_watermark_and_reconcile() -> None:
    settings = CentraSettings(
        graphql_url="http://centra.test/graphql", api_token="t", timezone="Europe/Stockholm"
    )
    with_updated_at = Capabilities(
        GraphQLSchema(), order_updated_at=False, customer_updated_at=True, events=False
    )
    without = Capabilities(GraphQLSchema(), order_updated_at=False, customer_updated_at=False, events=False)
    mark = {"customers_updated_max": "2026-07-02T10:00:00+00:00"}

    assert plan_customers(settings, without, mark).strategy == "full_scan"
    assert plan_customers(settings, without, mark).query == "customers"
    assert plan_customers(settings, with_updated_at, {}).strategy == "full_scan"
    assert plan_customers(settings, with_updated_at, {}).query == "customers_updated_at"
    window = plan_customers(settings, with_updated_at, mark)
    assert (window.strategy, window.query) == ("updated_at", "customers_updated_at")
    # 10 minutes' overlap before the newest updatedAt seen, in the shop's zone (summer time: UTC+2).
    assert window.where == {"updatedAt": {"from": "2026-07-02 11:50:00"}}
    reconcile = CentraSettings(graphql_url="http://centra.test/graphql", api_token="t", reconcile=True)
    assert plan_customers(reconcile, with_updated_at, mark).strategy == "full_scan"
