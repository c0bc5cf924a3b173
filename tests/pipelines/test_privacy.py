"""Anonymized and deleted customers leave `centra_raw`, its staging dataset and dlt's working folder: the
recogniser on every form, `scrub_anonymized` on old orders no run re-reads, `forget_customers`, and a load
that keeps no copy of the rows it loaded."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pytest

from pipelines.anonymized import is_anonymized
from pipelines.privacy import CUSTOMER_PERSONAL, ORDER_PERSONAL, forget_customers, scrub_anonymized
from sandbox.changes import ChangeSet
from sandbox.server import RunningSandbox
from tests.pipelines.loading_support import GENEROUS_QUOTAS, rows, run_load
from tests.reliability.secrets_scan import files_containing

SandboxFactory = Callable[..., AbstractContextManager[RunningSandbox]]

ANONYMIZED = [
    (None, None, None),
    ("", " ", ""),
    ("anonymized-229@anonymized.invalid", "Anonymized", "Anonymized"),
    ("anonymized-229@anonymized.invalid", None, ""),
    ("a1b2c3d4e5f60718293a4b5c6d7e8f90@anonymized", "*****", "*****"),
    ("anonymous-12@example.com", "Anonymous", "Anonymous"),
    ("deleted.7@shop.se", "Deleted", "deleted user"),
    ("x81@example.invalid", "N/A", "-"),
    ("gdpr-3@anonymised.example", "Redacted", "###"),
    ("  ANONYMIZED@Example.COM ", "  ANONYMOUS ", None),
]
REAL = [
    ("anna.svensson.4@example.com", "Anna", "Svensson"),
    (None, "Anna", None),  # a name is still there
    ("anna@example.com", None, None),  # an email is still there
    ("anonymized-229@anonymized.invalid", "Anna", "Svensson"),  # a real name beside a placeholder email
    ("deletedscenes.fan@example.com", "Anna", "Svensson"),
    ("anna@invalid-domains.com", "", ""),  # `.invalid` is a TLD, not a word in a domain
    ("anna@anonymizer.io", None, None),
    ("xavier@example.com", "Xx", "Dash-Smith"),
]


@pytest.mark.parametrize(("email", "first", "last", "expected"),
                         [(*row, True) for row in ANONYMIZED] + [(*row, False) for row in REAL])  # fmt: skip
def test_every_plausible_form_of_an_anonymized_customer_is_recognised_and_no_real_one(
    email: str | None, first: str | None, last: str | None, expected: bool
) -> None:
    frame = pl.DataFrame(
        {"email": [email], "first_name": [first], "last_name": [last]},
        schema={"email": pl.String, "first_name": pl.String, "last_name": pl.String},
    )
    flagged = frame.select(is_anonymized(pl.col("email"), pl.col("first_name"), pl.col("last_name")))
    assert flagged.item() is expected


def _personal(warehouse: Path, schema: str, customer_ids: list[int]) -> dict[str, list[tuple[Any, ...]]]:
    """Non-NULL personal values left for `customer_ids` in `schema`'s customers and orders."""
    ids = ", ".join(map(str, customer_ids))
    customers = " OR ".join(f"{column} IS NOT NULL" for column in CUSTOMER_PERSONAL)
    orders = " OR ".join(f"{column} IS NOT NULL" for column in ORDER_PERSONAL)
    return {
        "customers": rows(warehouse, f"SELECT * FROM {schema}.customers WHERE customer_id IN ({ids}) AND ({customers})"),
        "orders": rows(warehouse, f"SELECT * FROM {schema}.orders WHERE customer_id IN ({ids}) AND ({orders})"),
    }  # fmt: skip


def _other_customers_with_email(warehouse: Path, customer_ids: list[int]) -> int:
    ids = ", ".join(map(str, customer_ids))
    sql = f"SELECT count(*) FROM centra_raw.customers WHERE customer_id NOT IN ({ids}) AND email IS NOT NULL"
    return int(rows(warehouse, sql)[0][0])


@pytest.mark.parametrize("style", ["null", "placeholder", "hashed"])
def test_scrub_blanks_anonymized_customers_and_their_old_orders_that_no_run_re_reads(
    sandbox_factory: SandboxFactory, tmp_path: Path, style: str
) -> None:
    warehouse = tmp_path / "centra.duckdb"
    with sandbox_factory(orders=150, quotas=GENEROUS_QUOTAS, anonymization_style=style) as sandbox:
        run_load(sandbox, warehouse, resources=["customers", "orders"], window_days=3650)
        sandbox.control.apply_change_set(ChangeSet(seed=5, anonymized_customers=4))
        run_load(sandbox, warehouse, resources=["customers"])  # the customers again, not their orders
        ids = [
            row["customer_id"]
            for row in sandbox.state.store.rows("SELECT customer_id FROM customers WHERE is_anonymized")
        ]  # the generator's anonymized customers and the change set's four
        emails_before = _other_customers_with_email(warehouse, ids)
    their_orders = f"SELECT count(*) FROM centra_raw.orders WHERE customer_id IN ({', '.join(map(str, ids))})"
    orders_before = rows(warehouse, their_orders)
    left = _personal(warehouse, "centra_raw", ids)
    assert left["orders"], "the orders' addresses should still be there before the scrub"
    with duckdb.connect(str(warehouse)) as connection:
        scrubbed = scrub_anonymized(connection)
        again = scrub_anonymized(connection)
    assert scrubbed >= len(left["orders"]) + len(left["customers"])
    assert again == 0
    assert _personal(warehouse, "centra_raw", ids) == {"customers": [], "orders": []}
    assert _other_customers_with_email(warehouse, ids) == emails_before > 0  # nobody else lost data
    assert rows(warehouse, their_orders) == orders_before  # their orders stay, for the sales figures


def test_forget_customers_deletes_the_customer_and_blanks_their_orders_in_raw_and_staging(
    sandbox_factory: SandboxFactory, tmp_path: Path
) -> None:
    warehouse = tmp_path / "centra.duckdb"
    with sandbox_factory(orders=150, quotas=GENEROUS_QUOTAS) as sandbox:
        run_load(sandbox, warehouse, resources=["customers", "orders"], window_days=3650)
        gone = [row["customer_id"] for row in sandbox.state.store.rows(
            "SELECT customer_id FROM orders WHERE customer_id IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT 3"
        )]  # fmt: skip
    before = rows(
        warehouse, "SELECT count(*), (SELECT count(*) FROM centra_raw.orders) FROM centra_raw.customers"
    )
    with duckdb.connect(str(warehouse)) as connection:  # as if a staging table still held them
        connection.execute("CREATE SCHEMA IF NOT EXISTS centra_raw_staging")
        connection.execute(
            "CREATE OR REPLACE TABLE centra_raw_staging.customers AS FROM centra_raw.customers"
        )
        connection.execute("CREATE OR REPLACE TABLE centra_raw_staging.orders AS FROM centra_raw.orders")
        changed = forget_customers(connection, [*gone, gone[0], 999_999_999])
    assert changed > 2 * len(gone)
    ids = ", ".join(map(str, gone))
    for schema in ("centra_raw", "centra_raw_staging"):
        assert rows(warehouse, f"SELECT count(*) FROM {schema}.customers WHERE customer_id IN ({ids})") == [
            (0,)
        ]
        assert _personal(warehouse, schema, gone)["orders"] == []
        assert rows(warehouse, f"SELECT count(*) FROM {schema}.orders WHERE customer_id IN ({ids})") == [(0,)]
    after = rows(
        warehouse, "SELECT count(*), (SELECT count(*) FROM centra_raw.orders) FROM centra_raw.customers"
    )
    assert after == [(before[0][0] - len(gone), before[0][1])]  # only their rows; every order stays


def test_a_load_leaves_no_row_in_dlts_working_folder_nor_in_the_staging_dataset(
    sandbox_factory: SandboxFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no project .dlt/config.toml: the pipeline's own settings must do it
    warehouse = tmp_path / "centra.duckdb"
    with sandbox_factory(orders=150, quotas=GENEROUS_QUOTAS) as sandbox:
        run_load(sandbox, warehouse, resources=["customers", "orders"], window_days=3650)
        sandbox.control.apply_change_set(ChangeSet(seed=6, anonymized_customers=2, new_orders=5))
        run_load(sandbox, warehouse, resources=["customers", "orders"], window_days=3650)  # merges again
        emails = [row["email"] for row in sandbox.state.store.rows(
            "SELECT email FROM customers WHERE email IS NOT NULL ORDER BY customer_id LIMIT 40"
        )]  # fmt: skip
        streets = [row["shipping_address1"] for row in sandbox.state.store.rows(
            "SELECT shipping_address1 FROM orders WHERE shipping_address1 IS NOT NULL LIMIT 40"
        )]  # fmt: skip
    working_folder = tmp_path / ".centra.dlt"
    assert working_folder.is_dir()
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        loaded = connection.execute("SELECT count(*) FROM centra_raw.customers WHERE email = ?", [emails[0]])
        assert loaded.fetchone() == (1,)  # the needles are real: they were loaded
    assert files_containing(working_folder, emails + streets) == []
    staged = rows(
        warehouse,
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'centra_raw_staging'",
    )
    assert {"customers", "orders"} <= {name for (name,) in staged}, "the merge should have staged its rows"
    for (name,) in staged:
        if name.startswith("_dlt"):  # dlt's own bookkeeping (schema versions), no loaded row
            continue
        assert rows(warehouse, f'SELECT count(*) FROM centra_raw_staging."{name}"') == [(0,)], name
