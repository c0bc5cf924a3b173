"""Anonymized and deleted customers end to end, for every form the sandbox can give an anonymization: the
flow loads them (GraphQL, then the Order API), recognises them, blanks them in `centra_raw`, flags them in
reporting with no PII, and the published snapshot carries nothing of theirs."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import duckdb
import pytest

from flows import steps
from flows.elt import centra_elt
from pipelines.privacy import CUSTOMER_PERSONAL, ORDER_PERSONAL, forget_customers
from sandbox.changes import ChangeSet
from sandbox.generator.anonymization import ANONYMIZATION_STYLES
from sandbox.server import RunningSandbox
from tests.flows.conftest import point_at
from tests.pipelines.loading_support import GENEROUS_QUOTAS
from tests.reliability.secrets_scan import cells_containing

pytestmark = pytest.mark.usefixtures("prefect_harness")
SandboxFactory = Callable[..., AbstractContextManager[RunningSandbox]]


def _ids(sql: str, database: Path) -> set[int]:
    with duckdb.connect(str(database), read_only=True) as connection:
        return {int(row[0]) for row in connection.execute(sql).fetchall()}


def _assert_forgotten_everywhere(sandbox: RunningSandbox, warehouse: Path, old_pii: list[str]) -> None:
    anonymized = {row["customer_id"] for row in sandbox.state.store.rows(
        "SELECT customer_id FROM customers WHERE is_anonymized"
    )}  # fmt: skip
    ids = ", ".join(map(str, sorted(anonymized)))
    published = warehouse.with_name(f"{warehouse.stem}_reporting.duckdb")
    for database in (warehouse, published):
        assert (
            _ids("SELECT customer_id FROM reporting.dim_customers WHERE is_anonymized", database)
            == anonymized
        )
        assert _ids(f"SELECT customer_id FROM reporting.dim_customers WHERE customer_id IN ({ids}) "
                    "AND email IS NOT NULL", database) == set()  # fmt: skip
    real = sandbox.state.store.scalar(
        "SELECT count(*) FROM customers WHERE NOT is_anonymized AND email IS NOT NULL"
    )
    with duckdb.connect(str(published), read_only=True) as connection:
        shown = connection.execute(
            "SELECT count(*) FROM reporting.dim_customers WHERE NOT is_anonymized AND email IS NOT NULL"
        ).fetchone()
    assert shown == (real,)  # nobody else was taken for anonymized
    customers = " OR ".join(f"{column} IS NOT NULL" for column in CUSTOMER_PERSONAL)
    orders = " OR ".join(f"{column} IS NOT NULL" for column in ORDER_PERSONAL)
    assert _ids(f"SELECT customer_id FROM centra_raw.customers WHERE customer_id IN ({ids}) AND ({customers})",
                warehouse) == set()  # fmt: skip
    assert _ids(f"SELECT order_number FROM centra_raw.orders WHERE customer_id IN ({ids}) AND ({orders})",
                warehouse) == set()  # fmt: skip
    assert cells_containing(published, old_pii) == []
    assert cells_containing(warehouse, old_pii) == []


def _emails(sandbox: RunningSandbox) -> set[str]:
    """Every email Centra holds now: customers' and their orders' addresses'."""
    rows = sandbox.state.store.rows(
        "SELECT email AS e FROM customers UNION SELECT shipping_email FROM orders UNION SELECT billing_email FROM orders"
    )
    return {row["e"] for row in rows if row["e"]}


@pytest.mark.parametrize("style", ANONYMIZATION_STYLES)
def test_anonymized_customers_in_each_form_are_flagged_and_blanked_through_both_apis(
    sandbox_factory: SandboxFactory, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, style: str
) -> None:
    warehouse = tmp_path / "centra.duckdb"
    settings = {"orders": 150, "quotas": GENEROUS_QUOTAS, "clock_follows_real_time": False}
    with sandbox_factory(anonymization_style=style, **settings) as sandbox:
        point_at(monkeypatch, sandbox, order_api=True)
        as_of = sandbox.state.clock.now()
        centra_elt(warehouse=str(warehouse), as_of=as_of, retries=0)
        before = _emails(sandbox)
        sandbox.control.apply_change_set(ChangeSet(seed=4, anonymized_customers=3))
        gone = sorted(before - _emails(sandbox))  # theirs alone (a guest twin keeps a shared email)
        assert gone
        summary = centra_elt(warehouse=str(warehouse), as_of=as_of, retries=0)  # GraphQL
        assert summary.succeeded, summary.failure_reasons()
        _assert_forgotten_everywhere(sandbox, warehouse, gone)

        before = _emails(sandbox)
        assert sandbox.control.apply_change_set(
            ChangeSet(seed=6, anonymized_customers=2)
        ).anonymized_customer_ids
        gone += sorted(before - _emails(sandbox))
        # The customers from the Order API; their orders are not re-read this time (orders loaded from the
        # Order API lack store_id, which reporting needs): the scrub blanks what centra_raw holds of them.
        monkeypatch.setenv("SOURCES__CENTRA__API", "order_api")
        summary = centra_elt(warehouse=str(warehouse), resources=["customers"], as_of=as_of, retries=0)
        assert summary.succeeded, summary.failure_reasons()
        assert [family.api for family in summary.families] == ["order_api"]
        _assert_forgotten_everywhere(sandbox, warehouse, gone)


def test_a_forgotten_customer_leaves_the_warehouse_and_the_published_snapshot(
    sandbox_factory: SandboxFactory, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    warehouse = tmp_path / "centra.duckdb"
    with sandbox_factory(orders=150, quotas=GENEROUS_QUOTAS, clock_follows_real_time=False) as sandbox:
        point_at(monkeypatch, sandbox)
        as_of = sandbox.state.clock.now()
        centra_elt(warehouse=str(warehouse), as_of=as_of, retries=0)
        forgotten = [row["customer_id"] for row in sandbox.state.store.rows(
            "SELECT customer_id FROM orders WHERE customer_id IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT 2"
        )]  # fmt: skip
        ids = ", ".join(map(str, forgotten))
        their_orders = ", ".join(str(row["order_number"]) for row in sandbox.state.store.rows(
            f"SELECT order_number FROM orders WHERE customer_id IN ({ids})"
        ))  # fmt: skip
        emails = {
            row["e"]
            for row in sandbox.state.store.rows(
                f"SELECT email AS e FROM customers WHERE customer_id IN ({ids}) UNION "
                f"SELECT billing_email FROM orders WHERE customer_id IN ({ids})"
            )
            if row["e"]
        } - {
            row["e"]
            for row in sandbox.state.store.rows(
                f"SELECT email AS e FROM customers WHERE customer_id NOT IN ({ids}) UNION "
                f"SELECT billing_email FROM orders WHERE customer_id NOT IN ({ids})"
            )
        }  # fmt: skip
    published = tmp_path / "centra_reporting.duckdb"
    assert emails
    assert cells_containing(published, sorted(emails))  # they were published
    # what the reconciliation does when Centra deleted them
    with duckdb.connect(str(warehouse)) as connection:
        assert forget_customers(connection, forgotten) > len(forgotten)
    report = steps.build(warehouse, as_of, 48, hash_pii=False)
    assert not [check for check in report.checks or [] if not check.passed and check.severity == "error"]
    steps.publish(warehouse)
    assert cells_containing(published, sorted(emails)) == []
    assert cells_containing(warehouse, sorted(emails)) == []
    in_reporting = f"SELECT customer_id FROM reporting.dim_customers WHERE customer_id IN ({ids})"
    assert _ids(in_reporting, published) == set()
    assert (
        _ids(f"SELECT order_number FROM reporting.fct_orders WHERE customer_id IN ({ids})", published)
        == set()
    )
    # their orders stay in the sales figures, as orders of nobody
    kept = _ids(
        f"SELECT order_number FROM reporting.fct_orders WHERE order_number IN ({their_orders})", published
    )
    assert kept == {int(number) for number in their_orders.split(", ")}
