"""Bad input ends in correct data or one clear error, with nothing partial committed: a refused token (unknown,
expired), a wrong host, HTML instead of JSON, a schema that lost a field, a renamed enum value, a new
unknown field, an out-of-range `limit`, an order with 500 lines, non-ASCII text and nulls.

Error cases run on a copy of a warehouse one good run filled: after the failed run its canonical and
reporting tables and the published snapshot are exactly as before.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from flows.run import RunFailedError
from flows.summary import RunSummary
from sandbox.changes import ChangeSet
from sandbox.faults import FaultPlan
from sandbox.server import RunningSandbox, free_port, serve_in_thread
from sandbox.settings import DEFAULT_NOW, SandboxSettings, TokenSpec
from tests.conftest import GENEROUS_QUOTAS
from tests.reliability.plain_run import run
from tests.reliability.sandbox_setup import centra_env, configured, copy_warehouse
from tests.reliability.warehouse_state import checksums, differences, duplicate_keys

pytestmark = pytest.mark.reliability

EXPIRED = TokenSpec("expired-token-0b1", expires_at=DEFAULT_NOW - timedelta(days=1))
ORDER_TYPES = ("Order", "DirectToConsumerOrder", "WholesaleOrder")


@dataclass
class Good:
    sandbox: RunningSandbox
    warehouse: Path
    as_of: datetime
    tables: dict[str, tuple[int, str]]
    published: dict[str, tuple[int, str]]


def _published(warehouse: Path) -> dict[str, tuple[int, str]]:
    return checksums(warehouse.with_name("centra_reporting.duckdb"), schemas=("reporting",))


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Good]:
    settings = SandboxSettings(
        orders=150, quotas=GENEROUS_QUOTAS, clock_follows_real_time=False, extra_tokens=(EXPIRED,)
    )
    warehouse = tmp_path_factory.mktemp("bad-input") / "good" / "centra.duckdb"
    with serve_in_thread(settings) as sandbox:
        with configured(centra_env(sandbox)):
            run(warehouse, sandbox.state.clock.now())
        yield Good(sandbox, warehouse, sandbox.state.clock.now(), checksums(warehouse), _published(warehouse))


def _fails_cleanly(good: Good, tmp_path: Path, env: dict[str, str]) -> str:
    """Run on a copy of the good warehouse; return the run's first error line; check nothing changed."""
    warehouse = tmp_path / "copy" / "centra.duckdb"
    copy_warehouse(good.warehouse, warehouse)
    failure: RunFailedError | None = None
    with configured({**env, "SOURCES__CENTRA__REQUEST_ATTEMPTS": "2"}):
        try:
            run(warehouse, good.as_of)
        except RunFailedError as error:
            failure = error
    assert failure is not None, "the run did not fail"
    assert differences(checksums(warehouse), good.tables) == []
    assert _published(warehouse) == good.published
    return _first_error(failure.summary)


def _first_error(summary: RunSummary) -> str:
    """The first failed family's line (as `steps.describe_error` wrote it), else the build's."""
    errors = [family.error for family in summary.failed_families] + [summary.build_error]
    return next(error for error in errors if error)


def test_an_unknown_token_is_one_clear_error(good: Good, tmp_path: Path) -> None:
    error = _fails_cleanly(good, tmp_path, centra_env(good.sandbox, token="no-such-token-9d2"))
    assert error.startswith("CentraAuthError:"), error
    assert "SOURCES__CENTRA__API_TOKEN" in error
    assert "no-such-token-9d2" not in error


def test_an_expired_token_is_one_clear_error(good: Good, tmp_path: Path) -> None:
    error = _fails_cleanly(good, tmp_path, centra_env(good.sandbox, token=EXPIRED.token))
    assert error.startswith("CentraAuthError:"), error
    assert EXPIRED.token not in error


@pytest.mark.parametrize("where", ["nothing listening", "a page that is not GraphQL"])
def test_a_wrong_host_is_one_clear_error(good: Good, tmp_path: Path, where: str) -> None:
    url = (
        f"http://127.0.0.1:{free_port()}/graphql"
        if where == "nothing listening"
        else good.sandbox.url + "/nope"
    )
    env = {**centra_env(good.sandbox), "SOURCES__CENTRA__GRAPHQL_URL": url}
    error = _fails_cleanly(good, tmp_path, env)
    assert error.split(":")[0] in ("CentraUnavailableError", "CentraResponseError", "CentraConfigError"), (
        error
    )
    assert "127.0.0.1" in error


def test_an_html_page_instead_of_json_is_one_clear_error(good: Good, tmp_path: Path) -> None:
    good.sandbox.control.install_faults(FaultPlan(html_rate=1.0, scope="graphql"))
    try:
        error = _fails_cleanly(good, tmp_path, centra_env(good.sandbox))
    finally:
        good.sandbox.control.clear_faults()
    assert error.startswith(("CentraResponseError:", "CentraUnavailableError:")), error
    assert "HTML" in error or "JSON" in error, error


@contextmanager
def _with_settings(good: Good, **changes: Any) -> Iterator[None]:
    before = {name: getattr(good.sandbox.state.settings, name) for name in changes}
    good.sandbox.control.update_settings(**changes)
    try:
        yield
    finally:
        good.sandbox.control.update_settings(**before)


def test_a_schema_without_a_field_the_source_needs_is_one_clear_error(good: Good, tmp_path: Path) -> None:
    removed = frozenset(f"{kind}.grandTotal" for kind in ORDER_TYPES)
    with _with_settings(good, removed_fields=removed):
        error = _fails_cleanly(good, tmp_path, centra_env(good.sandbox))
    assert error.startswith("CentraSchemaError:"), error
    assert "grandTotal" in error


def test_a_renamed_enum_value_is_one_clear_error_not_miscounted_orders(good: Good, tmp_path: Path) -> None:
    with _with_settings(good, renamed_enum_values=frozenset({("OrderStatus", "CANCELLED", "CANCELED")})):
        error = _fails_cleanly(good, tmp_path, centra_env(good.sandbox))
    assert error.startswith("CentraSchemaError:"), error
    assert "OrderStatus lacks CANCELLED" in error


def test_an_out_of_range_limit_is_one_clear_error(good: Good, tmp_path: Path) -> None:
    with _with_settings(good, max_limit=10):  # an instance capping `limit` below the pages we ask for
        error = _fails_cleanly(good, tmp_path, centra_env(good.sandbox))
    assert error.startswith(("CentraQueryError:", "CentraSchemaError:")), error  # permanent: not retried
    assert "Limit must be in range 1 - 10" in error


def test_a_new_unknown_field_changes_nothing(good: Good, tmp_path: Path) -> None:
    added = frozenset({*(f"{kind}.loyaltyTier" for kind in ORDER_TYPES), "Customer.loyaltyTier"})
    warehouse = tmp_path / "copy" / "centra.duckdb"
    copy_warehouse(good.warehouse, warehouse)
    with _with_settings(good, added_fields=added), configured(centra_env(good.sandbox)):
        run(warehouse, good.as_of)
    assert differences(checksums(warehouse), good.tables) == []


def _rows(path: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(path), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def test_an_order_with_500_lines_non_ascii_text_and_nulls_load_exactly(tmp_path: Path) -> None:
    warehouse = tmp_path / "centra.duckdb"
    settings = SandboxSettings(orders=150, quotas=GENEROUS_QUOTAS, clock_follows_real_time=False)
    with serve_in_thread(settings) as sandbox:
        env = centra_env(sandbox)
        with configured(env):
            run(warehouse, sandbox.state.clock.now())
            big = sandbox.control.apply_change_set(ChangeSet(seed=5, new_orders=1, new_order_lines=500))
            sandbox.control.apply_change_set(ChangeSet(seed=6, renamed_products=3, anonymized_customers=2))
            run(warehouse, sandbox.state.clock.now())
        store = sandbox.state.store
        customers = store.rows("SELECT customer_id, first_name, last_name, email FROM customers ORDER BY 1")
        products = store.rows("SELECT product_id, name FROM products ORDER BY 1")
        null_counts = store.rows(
            "SELECT count(*) FILTER (WHERE shipping_address1 IS NULL) AS a, "
            "count(*) FILTER (WHERE billing_first_name IS NULL) AS b, count(*) FILTER (WHERE customer_id IS NULL) AS c "
            "FROM orders"
        )[0]
    (number,) = big.new_order_numbers
    assert _rows(
        warehouse, f"SELECT count(*) FROM centra_raw.orders__lines WHERE order_number = {number}"
    ) == [(500,)]
    assert _rows(
        warehouse, f"SELECT count(*) FROM reporting.fct_order_lines WHERE order_number = {number}"
    ) == [(500,)]
    loaded_customers = _rows(
        warehouse, "SELECT customer_id, first_name, last_name, email FROM centra_raw.customers ORDER BY 1"
    )
    assert loaded_customers == [tuple(row.values()) for row in customers]
    assert _rows(warehouse, "SELECT product_id, name FROM centra_raw.products ORDER BY 1") == [
        tuple(row.values()) for row in products
    ]
    texts = [str(value) for row in customers + products for value in row.values() if value is not None]
    assert any(not text.isascii() for text in texts)  # there was non-ASCII to lose
    loaded_nulls = _rows(
        warehouse,
        "SELECT count(*) FILTER (WHERE shipping_address1 IS NULL), count(*) FILTER (WHERE billing_first_name IS NULL), "
        "count(*) FILTER (WHERE customer_id IS NULL) FROM centra_raw.orders",
    )[0]
    assert loaded_nulls == tuple(null_counts.values())
    assert all(null_counts.values())  # there were nulls to keep
    assert duplicate_keys(warehouse) == {}
