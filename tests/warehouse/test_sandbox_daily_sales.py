"""agg_daily_sales on a loaded sandbox equals the day totals computed from the sandbox's own store."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import duckdb

from sandbox.money import line_value
from sandbox.server import RunningSandbox
from tests.pipelines.loading_support import GENEROUS_QUOTAS, run_load
from warehouse.build import build_reporting
from warehouse.registry import BuildParams

SandboxFactory = Callable[..., AbstractContextManager[RunningSandbox]]
BASE_PLACES = Decimal("0.0001")


def _sandbox_day_totals(sandbox: RunningSandbox) -> dict[date, tuple[int, int, Decimal]]:
    """(orders, units, net base) per local day, straight from the sandbox's store and its money rules."""
    zone = ZoneInfo(sandbox.state.settings.timezone)
    store = sandbox.state.store
    lines: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for line in store.rows("SELECT order_number, quantity, unit_price FROM order_lines"):
        lines[int(line["order_number"])].append(line)
    days: dict[date, tuple[int, int, Decimal]] = {}
    for order in store.rows(
        "SELECT order_number, created_at, conversion_rate FROM orders WHERE status <> 'CANCELLED'"
    ):
        order_lines = lines[order["order_number"]]
        net = sum((line_value(line) for line in order_lines), Decimal(0))
        base = (net * Decimal(order["conversion_rate"])).quantize(BASE_PLACES, rounding=ROUND_HALF_UP)
        units = sum(int(line["quantity"]) for line in order_lines)
        day = order["created_at"].replace(tzinfo=UTC).astimezone(zone).date()
        orders_so_far, units_so_far, base_so_far = days.get(day, (0, 0, Decimal(0)))
        days[day] = (orders_so_far + 1, units_so_far + units, base_so_far + base)
    return days


def test_daily_totals_equal_the_sandbox_figures(sandbox_factory: SandboxFactory, tmp_path: Path) -> None:
    warehouse = tmp_path / "centra.duckdb"
    with sandbox_factory(quotas=GENEROUS_QUOTAS) as sandbox:  # default data, 400 orders
        run_load(sandbox, warehouse)
        expected = _sandbox_day_totals(sandbox)
        timezone = sandbox.state.settings.timezone

    with duckdb.connect(str(warehouse)) as connection:
        build_reporting(connection, BuildParams(timezone=timezone, as_of=datetime(2030, 1, 1, tzinfo=UTC)))
        got = {
            day: (orders, units, net_base)
            for day, orders, units, net_base in connection.execute(
                "SELECT order_date, sum(orders), sum(units), sum(net_amount_base) "
                "FROM reporting.agg_daily_sales GROUP BY order_date"
            ).fetchall()
        }

    assert len(expected) > 10
    assert got == expected
