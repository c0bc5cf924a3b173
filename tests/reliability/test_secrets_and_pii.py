"""The API token and the Order API key never appear in logs, exceptions, Prefect artifacts and logs, dlt's
state and trace files, the warehouse or the published file; with hash_pii no customer email, name or
address reaches `reporting`, and an anonymized customer stays anonymized downstream.

The flow runs under Prefect here (its artifacts and logs are among the places searched): against the
session's test harness when tests/flows started one, else Prefect's own temporary local server.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import duckdb
import pytest
from prefect.client.orchestration import get_client

from flows.elt import RunFailedError, centra_elt
from sandbox.changes import ChangeSet
from sandbox.faults import FaultPlan
from sandbox.server import RunningSandbox
from tests.conftest import GENEROUS_QUOTAS
from tests.flows.conftest import point_at
from tests.reliability.secrets_scan import cells_containing, duckdb_files, files_containing

pytestmark = pytest.mark.reliability

SandboxFactory = Callable[..., AbstractContextManager[RunningSandbox]]
TOKEN = "tok-SECRET-7f3a9c41d2"
ORDER_API_KEY = "key-SECRET-b81e2d6c05"
WRONG_TOKEN = "tok-WRONG-5c0ffee"
ORDER_API_FAMILIES = ["catalog", "customers", "orders", "stock"]


def _prefect_texts() -> str:
    """Every artifact and every log line the Prefect API holds."""

    async def read() -> str:
        async with get_client() as client:
            artifacts = await client.read_artifacts()
            logs = await client.read_logs()
        return "\n".join([str(a.data) for a in artifacts] + [f"{line.message}" for line in logs])

    return asyncio.run(read())


def test_no_secret_in_logs_errors_artifacts_state_traces_warehouse_or_snapshot(
    sandbox_factory: SandboxFactory,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    secrets = [TOKEN, ORDER_API_KEY]
    with sandbox_factory(orders=150, quotas=GENEROUS_QUOTAS, graphql_token=TOKEN,
                         order_api_key=ORDER_API_KEY, events_enabled=True) as sandbox:  # fmt: skip
        point_at(monkeypatch, sandbox, order_api=True)
        monkeypatch.setenv("SOURCES__CENTRA__USE_EVENTS", "true")
        monkeypatch.setenv("SOURCES__CENTRA__REQUEST_ATTEMPTS", "2")
        as_of = sandbox.state.clock.now()
        # a first and an incremental run over GraphQL (events), and a run over the Order API
        graphql, order_api = tmp_path / "graphql" / "centra.duckdb", tmp_path / "order_api" / "centra.duckdb"
        centra_elt(warehouse=str(graphql), as_of=as_of, retries=0)
        sandbox.control.apply_change_set(ChangeSet(seed=1, new_orders=5, status_changes=5))
        centra_elt(warehouse=str(graphql), as_of=as_of, retries=0)
        # every family: it serves no reference data, and the run builds and publishes without it
        monkeypatch.setenv("SOURCES__CENTRA__API", "order_api")
        centra_elt(warehouse=str(order_api), as_of=as_of, retries=0)
        monkeypatch.delenv("SOURCES__CENTRA__API")
        # a refused token and a failing family: the errors and the failed run's artifact hold no secret
        sandbox.control.install_faults(FaultPlan(server_error_rate=1.0, scope="order_api"))
        monkeypatch.setenv("SOURCES__CENTRA__API", "order_api")
        with pytest.raises(RunFailedError) as failed_order_api:
            centra_elt(
                warehouse=str(tmp_path / "failed" / "centra.duckdb"),
                as_of=as_of,
                retries=0,
                resources=ORDER_API_FAMILIES,
            )
        sandbox.control.clear_faults()
        monkeypatch.delenv("SOURCES__CENTRA__API")
        monkeypatch.setenv("SOURCES__CENTRA__API_TOKEN", WRONG_TOKEN)
        monkeypatch.delenv("SOURCES__CENTRA__ORDER_API_URL")
        with pytest.raises(RunFailedError) as refused:
            centra_elt(warehouse=str(tmp_path / "refused" / "centra.duckdb"), as_of=as_of, retries=0)
    assert "CentraAuthError" in str(refused.value)
    secrets.append(WRONG_TOKEN)
    errors = [
        str(failed_order_api.value),
        repr(failed_order_api.value),
        str(refused.value),
        repr(refused.value),
    ]
    errors += [str(e.__cause__) for e in (failed_order_api.value, refused.value)]
    logs = caplog.text + "\n".join(record.getMessage() for record in caplog.records)  # tracebacks too
    captured = capsys.readouterr()
    texts = {"errors": "\n".join(errors), "logs": logs, "stdout": captured.out, "stderr": captured.err,
             "prefect": _prefect_texts()}  # fmt: skip
    leaks = [f"{where}: {secret!r}" for where, text in texts.items() for secret in secrets if secret in text]
    leaks += files_containing(tmp_path, secrets)
    for database in duckdb_files(tmp_path):
        leaks += cells_containing(database, secrets)
    assert len(duckdb_files(tmp_path)) >= 3  # the working files and the published snapshot were read
    assert any(p.name == "state.json" for p in tmp_path.rglob("state.json"))  # dlt's state was read
    assert any(p.name == "trace.pickle" for p in tmp_path.rglob("trace.pickle"))  # and its trace
    assert not leaks, "\n".join(leaks)


def _texts(database: Path) -> str:
    """Every text cell of every table of `database`, one a line."""
    with duckdb.connect(str(database), read_only=True) as connection:
        columns = connection.execute(
            "SELECT schema_name, table_name, column_name FROM duckdb_columns() "
            "WHERE database_name = current_database() AND data_type = 'VARCHAR'"
        ).fetchall()
        cells = []
        for schema, table, column in columns:
            query = f'SELECT DISTINCT "{column}" FROM "{schema}"."{table}" WHERE "{column}" IS NOT NULL'
            cells += [str(row[0]) for row in connection.execute(query).fetchall()]
    return "\n".join(cells)


def _sha256(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def test_hash_pii_keeps_emails_names_and_addresses_out_and_anonymized_customers_stay_so(
    sandbox_factory: SandboxFactory, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    warehouse = tmp_path / "centra.duckdb"
    with sandbox_factory(orders=150, quotas=GENEROUS_QUOTAS, clock_follows_real_time=False) as sandbox:
        point_at(monkeypatch, sandbox)
        store, as_of = sandbox.state.store, sandbox.state.clock.now()
        centra_elt(warehouse=str(warehouse), as_of=as_of, hash_pii=True, retries=0)
        emails = {row["email"] for row in store.rows("SELECT email FROM customers WHERE email IS NOT NULL")}
        hashed_before = _texts(warehouse.with_name("centra_reporting.duckdb"))
        changed = sandbox.control.apply_change_set(ChangeSet(seed=4, anonymized_customers=3))
        anonymized = changed.anonymized_customer_ids
        old_emails = emails - {row["email"] for row in store.rows("SELECT email FROM customers")}
        centra_elt(warehouse=str(warehouse), as_of=as_of, hash_pii=True, retries=0)
        personal = store.rows(
            "SELECT shipping_email, billing_email, shipping_address1, billing_address1, shipping_phone_number, "
            "billing_first_name || ' ' || billing_last_name AS billing_name FROM orders"
        )
    assert len(old_emails) == 3
    assert all(_sha256(email) in hashed_before for email in old_emails)  # they were there, hashed
    needles = {value for row in personal for value in row.values() if value} | emails
    for database in (warehouse.with_name("centra_reporting.duckdb"),):
        texts = _texts(database)
        leaked = sorted(needle for needle in needles if needle in texts)
        assert not leaked, leaked[:5]
        assert not [email for email in old_emails if _sha256(email) in texts]
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        rows = connection.execute(
            "SELECT customer_id, is_anonymized, email FROM reporting.dim_customers WHERE customer_id IN "
            f"({', '.join(map(str, anonymized))})"
        ).fetchall()
    assert sorted(rows) == sorted((customer, True, None) for customer in anonymized)
