"""The reconciliation against Centra's own counts, through the real flow and the sandbox over HTTP: a
warehouse tampered with by hand is repaired by the nightly run, a plain run that finds nothing to repair costs
a handful of requests, and a difference that survives the repair fails the run and holds the snapshot back."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import duckdb
import pytest

from flows import steps
from flows.elt import RunFailedError, build_check_publish, centra_elt
from flows.reconciliation import CHECK, reconcile_run
from flows.summary import FamilyOutcome, RunSummary
from pipelines.loading import centra_pipeline
from sandbox.changes import ChangeSet
from sandbox.server import RunningSandbox
from tests.flows.conftest import point_at
from tests.pipelines.loading_support import GENEROUS_QUOTAS
from tests.reliability.secrets_scan import cells_containing, files_containing

pytestmark = pytest.mark.usefixtures("prefect_harness")
SandboxFactory = Callable[..., AbstractContextManager[RunningSandbox]]


def _rows(path: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(path), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def _truth(sandbox: RunningSandbox, sql: str) -> set[Any]:
    return {row[0] for row in sandbox.state.store.connection.execute(sql).fetchall()}


def _run(warehouse: Path, sandbox: RunningSandbox, **parameters: Any) -> RunSummary:
    try:
        return centra_elt(warehouse=str(warehouse), as_of=sandbox.state.clock.now(), **parameters)
    except RunFailedError as failed:
        return failed.summary


def _tamper(warehouse: Path) -> dict[str, Any]:
    """Rows deleted and doubled by hand, a product and a variant Centra never had; what was done."""
    with duckdb.connect(str(warehouse)) as connection:
        numbers = [row[0] for row in connection.execute(
            "SELECT order_number FROM centra_raw.orders ORDER BY created_at LIMIT 4").fetchall()]  # fmt: skip
        gone, doubled = numbers[:3], numbers[3]
        for table in ("orders__lines", "orders__returns__lines", "orders__returns", "orders"):
            connection.execute(
                f"DELETE FROM centra_raw.{table} WHERE order_number IN ({', '.join(map(str, gone))})"
            )
        connection.execute(
            f"INSERT INTO centra_raw.orders SELECT * FROM centra_raw.orders WHERE order_number = {doubled}"
        )
        connection.execute(
            "INSERT INTO centra_raw.products (product_id, name, _dlt_load_id, _dlt_id) VALUES (990001, 'ghost', 'x', 'g1')"
        )
        connection.execute(
            "INSERT INTO centra_raw.variants (variant_id, product_id, _dlt_load_id, _dlt_id) "
            "SELECT 990002, min(product_id), 'x', 'g2' FROM centra_raw.products WHERE product_id < 990001"
        )
        customer = connection.execute("SELECT min(customer_id) FROM centra_raw.customers").fetchone()
        assert customer is not None
        connection.execute(f"DELETE FROM centra_raw.customers WHERE customer_id = {customer[0]}")
    return {"gone": gone, "doubled": doubled, "customer": customer[0]}


def test_the_nightly_run_repairs_a_warehouse_tampered_with_by_hand(
    sandbox_factory: SandboxFactory, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    warehouse = tmp_path / "centra.duckdb"
    # customers by updatedAt: a plain run would not bring a deleted customer back by itself
    with sandbox_factory(quotas=GENEROUS_QUOTAS, customer_updated_at=True) as sandbox:
        point_at(monkeypatch, sandbox)
        first = _run(warehouse, sandbox)
        assert first.succeeded, first.failure_reasons()
        assert {entry.family for entry in first.completeness} >= {"orders", "customers", "products"}
        assert all(entry.percent == 100 for entry in first.completeness), first.completeness
        tampered = _tamper(warehouse)
        nightly = _run(warehouse, sandbox, reconcile=True)
        orders = _truth(sandbox, "SELECT order_number FROM orders")
        products = _truth(sandbox, "SELECT product_id FROM products")
        variants = _truth(sandbox, "SELECT variant_id FROM variants")
        customers = _truth(sandbox, "SELECT customer_id FROM customers")
        lines = _truth(sandbox, "SELECT order_line_id FROM order_lines")
    assert nightly.succeeded, nightly.failure_reasons()
    assert {row[0] for row in _rows(warehouse, "SELECT order_number FROM centra_raw.orders")} == orders
    assert _rows(warehouse, "SELECT count(*) FROM centra_raw.orders")[0][0] == len(
        orders
    )  # no duplicate left
    assert {row[0] for row in _rows(warehouse, "SELECT order_line_id FROM centra_raw.orders__lines")} == lines
    assert {row[0] for row in _rows(warehouse, "SELECT product_id FROM centra_raw.products")} == products
    assert {row[0] for row in _rows(warehouse, "SELECT variant_id FROM centra_raw.variants")} == variants
    assert {row[0] for row in _rows(warehouse, "SELECT customer_id FROM centra_raw.customers")} == customers
    assert tampered["customer"] in customers
    by_family = {entry.family: entry for entry in nightly.completeness}
    assert set(by_family) == {
        "orders",
        "returns",
        "customers",
        "products",
        "variants",
        "sizes",
        "accounts",
        "buyers",
    }
    assert all(entry.percent == 100 and not entry.unmatched for entry in by_family.values()), by_family
    assert nightly.reconciled["removed"] >= 3  # the two copies of the doubled order, the ghost product
    assert nightly.reconciled["queued"]["orders"] == 4  # the three deleted and the doubled one
    published = tmp_path / "centra_reporting.duckdb"
    assert nightly.published_to == str(published)
    reported = _rows(
        published,
        "SELECT family, grain, bool_and(matched), count(*) FROM reporting.source_reconciliation GROUP BY ALL",
    )
    assert reported
    assert all(row[2] for row in reported), reported
    assert {row[0] for row in reported} == set(by_family)
    assert ("orders", "day") in {(row[0], row[1]) for row in reported}
    fct = {row[0] for row in _rows(published, "SELECT order_number FROM reporting.fct_orders")}
    assert fct == orders
    assert 990001 not in {row[0] for row in _rows(published, "SELECT product_id FROM reporting.dim_products")}
    markdown = nightly.to_markdown()
    assert "## Completeness against Centra's own counts" in markdown
    assert "| orders | 100.00% |" in markdown


def test_a_plain_run_with_nothing_to_repair_checks_recent_days_in_a_few_requests(
    sandbox_factory: SandboxFactory, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    warehouse = tmp_path / "centra.duckdb"
    with sandbox_factory(quotas=GENEROUS_QUOTAS) as sandbox:
        point_at(monkeypatch, sandbox)
        assert _run(warehouse, sandbox).succeeded
        requests: list[int] = []

        def counted(family: str, args: Mapping[str, Any]) -> FamilyOutcome:
            before = sum(v for k, v in sandbox.control.stats()["counts"].items() if k.startswith("graphql:"))  # type: ignore[attr-defined]
            outcome = steps.load_family(centra_pipeline(warehouse), family, args)
            after = sum(v for k, v in sandbox.control.stats()["counts"].items() if k.startswith("graphql:"))  # type: ignore[attr-defined]
            requests.append(after - before)
            return outcome

        summary = RunSummary(warehouse=str(warehouse), started_at=sandbox.state.clock.now())
        summary.families = [
            FamilyOutcome(name, True, "graphql") for name in ("catalog", "customers", "orders")
        ]
        reconcile_run(centra_pipeline(warehouse), summary, {}, False, counted, sandbox.state.clock.now())
    assert [check.passed for check in summary.checks if check.name == CHECK] == [True]
    assert len(requests) == 1  # nothing differed: no repair load and no second pass
    # introspection, the rate-limit probe, one count of 31 days for orders and one for returns, a
    # total each for customers and products
    assert requests[0] <= 8, requests
    print(f"plain-run reconciliation with nothing to repair: {requests[0]} GraphQL requests")
    periods = {entry.family: entry.periods for entry in summary.completeness}
    assert periods["orders"] == periods["returns"] == 31


def test_a_difference_the_repair_can_not_fix_fails_the_run_check(
    sandbox_factory: SandboxFactory, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    warehouse = tmp_path / "centra.duckdb"
    with sandbox_factory(quotas=GENEROUS_QUOTAS) as sandbox:
        point_at(monkeypatch, sandbox)
        assert _run(warehouse, sandbox).succeeded
        orders = len(_truth(sandbox, "SELECT order_number FROM orders"))
        with duckdb.connect(str(warehouse)) as connection:
            connection.execute(
                "DELETE FROM centra_raw.orders WHERE order_number = (SELECT max(order_number) FROM centra_raw.orders)"
            )

        def refusing_repairs(family: str, args: Mapping[str, Any]) -> FamilyOutcome:
            if args.get("repair_only"):  # the repair load fails (say, Centra went down in between)
                return FamilyOutcome(family, False, error="CentraUnavailableError: 503")
            return steps.load_family(centra_pipeline(warehouse), family, args)

        summary = RunSummary(warehouse=str(warehouse), started_at=sandbox.state.clock.now())
        summary.families = [FamilyOutcome("orders", True, "graphql")]
        reconcile_run(
            centra_pipeline(warehouse), summary, {}, False, refusing_repairs, sandbox.state.clock.now()
        )
        build_check_publish(summary, warehouse, sandbox.state.clock.now(), hash_pii=False)
    (check,) = [check for check in summary.checks if check.name == CHECK]
    assert check.failed, check
    assert summary.build_rows  # the build ran and its checks passed, but the snapshot is held back
    assert summary.published_to is None
    assert summary.publish_skipped == "a check failed; the last snapshot stays"
    published = tmp_path / "centra_reporting.duckdb"  # the first run's snapshot, with the order still in it
    assert _rows(published, "SELECT count(*) FROM reporting.fct_orders")[0][0] == orders
    assert "orders: " in check.summary
    assert "1 period(s) differ" in check.summary
    assert not summary.succeeded
    assert any("repair load of orders failed" in note for note in summary.notes)


def _warehouse_keys(path: Path) -> dict[str, set[Any]]:
    return {
        name: {row[0] for row in _rows(path, f"SELECT {key} FROM centra_raw.{table}")}
        for name, (table, key) in WAREHOUSE_KEYS.items()
    }


WAREHOUSE_KEYS = {
    "orders": ("orders", "order_number"), "lines": ("orders__lines", "order_line_id"),
    "variants": ("variants", "variant_id"), "sizes": ("product_sizes", "size_id"),
    "customers": ("customers", "customer_id"), "accounts": ("accounts", "account_id"),
    "buyers": ("buyers", "buyer_id"),
}  # fmt: skip
SANDBOX_KEYS = {
    "orders": "SELECT order_number FROM orders", "lines": "SELECT order_line_id FROM order_lines",
    "variants": "SELECT variant_id FROM variants", "sizes": "SELECT product_size_id FROM product_sizes",
    "customers": "SELECT customer_id FROM customers", "accounts": "SELECT account_id FROM accounts",
    "buyers": "SELECT buyer_id FROM buyers",
}  # fmt: skip


def test_deletes_and_a_late_import_in_centra_leave_the_warehouse_equal_after_the_nightly_run(
    sandbox_factory: SandboxFactory, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    warehouse = tmp_path / "centra.duckdb"
    with sandbox_factory(quotas=GENEROUS_QUOTAS) as sandbox:
        point_at(monkeypatch, sandbox)
        assert _run(warehouse, sandbox).succeeded
        known = dict(_rows(warehouse, "SELECT customer_id, email FROM centra_raw.customers"))
        changes = sandbox.control.apply_change_set(
            ChangeSet(seed=5, late_imports=2, deleted_orders=2, deleted_variants=1, deleted_customers=1,
                      deleted_accounts=1)
        )  # fmt: skip
        plain = _run(warehouse, sandbox)
        held = _warehouse_keys(warehouse)
        emails = [known[customer] for customer in changes.deleted_customer_ids if known.get(customer)]
        nightly = _run(warehouse, sandbox, reconcile=True)
        truth = {name: _truth(sandbox, sql) for name, sql in SANDBOX_KEYS.items()}
    assert plain.succeeded, plain.failure_reasons()
    # A plain run (createdAt lookback, no events) sees neither the import 200 days back nor the old deletions
    assert not set(changes.late_import_order_numbers) & held["orders"]
    assert nightly.succeeded, nightly.failure_reasons()
    assert _warehouse_keys(warehouse) == truth
    assert set(changes.late_import_order_numbers) <= truth["orders"]
    assert not set(changes.deleted_order_numbers) & truth["orders"]
    assert changes.deleted_variant_ids
    assert changes.deleted_size_ids
    assert changes.deleted_customer_ids
    assert changes.deleted_account_ids
    published = tmp_path / "centra_reporting.duckdb"
    reported = _rows(
        published, "SELECT family, bool_and(matched) FROM reporting.source_reconciliation GROUP BY ALL"
    )
    assert dict(reported) == dict.fromkeys(
        ("orders", "returns", "customers", "products", "variants", "sizes", "accounts", "buyers"), True
    )
    fct = {row[0] for row in _rows(published, "SELECT order_number FROM reporting.fct_orders")}
    assert fct == truth["orders"]
    sizes = {row[0] for row in _rows(published, "SELECT size_id FROM reporting.dim_products")}
    assert not set(changes.deleted_size_ids) & sizes
    # the customer deleted under GDPR: in no table of the warehouse or the snapshot, no file of dlt's folder
    assert emails
    assert cells_containing(warehouse, emails) == []
    assert cells_containing(published, emails) == []
    assert files_containing(tmp_path / ".centra.dlt", emails) == []


def test_an_order_centra_reports_deleted_leaves_the_warehouse_in_the_next_plain_run(
    sandbox_factory: SandboxFactory, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    warehouse = tmp_path / "centra.duckdb"
    with sandbox_factory(quotas=GENEROUS_QUOTAS, events_enabled=True) as sandbox:
        point_at(monkeypatch, sandbox)
        monkeypatch.setenv("SOURCES__CENTRA__USE_EVENTS", "true")
        assert _run(warehouse, sandbox).succeeded
        with duckdb.connect(str(warehouse), read_only=True) as connection:
            oldest = connection.execute("SELECT min(order_number) FROM centra_raw.orders").fetchone()
        changes = sandbox.control.apply_change_set(ChangeSet(seed=9, deleted_orders=3))
        summary = _run(warehouse, sandbox)
        orders = _truth(sandbox, "SELECT order_number FROM orders")
    assert summary.succeeded, summary.failure_reasons()
    assert len(changes.deleted_order_numbers) == 3
    assert oldest is not None
    held = {row[0] for row in _rows(warehouse, "SELECT order_number FROM centra_raw.orders")}
    assert held == orders
    gone = ", ".join(map(str, changes.deleted_order_numbers))
    for table in ("orders__lines", "orders__shipments", "orders__returns"):
        assert _rows(
            warehouse, f"SELECT count(*) FROM centra_raw.{table} WHERE order_number IN ({gone})"
        ) == [(0,)]
    published = {
        row[0]
        for row in _rows(
            tmp_path / "centra_reporting.duckdb", "SELECT order_number FROM reporting.fct_orders"
        )
    }
    assert published == orders
