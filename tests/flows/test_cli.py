"""`centra-elt`: the demo's printed numbers match the reporting tables; expected failures are one line."""

from __future__ import annotations

import os
import re
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from flows.cli import app
from tests.queries.support import analysis_queries

runner = CliRunner()


def test_every_command_has_help() -> None:
    for command in ("run", "demo", "backfill", "doctor", "serve"):
        result = runner.invoke(app, [command, "--help"])
        assert result.exit_code == 0, result.output
        assert "Usage:" in result.output


@pytest.mark.usefixtures("prefect_harness")
def test_the_demo_prints_numbers_that_match_the_reporting_tables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The user's own configuration points elsewhere: the demo reads its sandbox's settings only, and leaves
    # the environment as it found it.
    monkeypatch.setenv("SOURCES__CENTRA__GRAPHQL_URL", "http://127.0.0.1:9/graphql")  # nothing listens
    monkeypatch.setenv("SOURCES__CENTRA__API_TOKEN", "the-users-own-token")
    monkeypatch.delenv("SOURCES__CENTRA__ORDER_API_URL", raising=False)
    environment = {name: value for name, value in os.environ.items() if name.startswith("SOURCES__CENTRA__")}
    warehouse = tmp_path / "demo.duckdb"
    result = runner.invoke(app, ["demo", "--orders", "300", "--seed", "7", "--warehouse", str(warehouse)])
    assert result.exit_code == 0, result.output
    assert {
        name: value for name, value in os.environ.items() if name.startswith("SOURCES__CENTRA__")
    } == environment
    printed = dict(re.findall(r"^(orders \(not cancelled\)|net sales, base currency|return rate \(units\))\s+(.+)$",
                              result.output, re.MULTILINE))  # fmt: skip
    published = tmp_path / "demo_reporting.duckdb"
    with duckdb.connect(str(published), read_only=True) as connection:
        orders, net = connection.execute(
            "SELECT sum(orders), sum(net_amount_base) FROM reporting.agg_daily_sales"
        ).fetchone() or (0, 0)
        returned, sold = connection.execute(
            "SELECT sum(quantity), (SELECT sum(units) FROM reporting.agg_daily_sales) FROM reporting.fct_returns"
        ).fetchone() or (0, 0)
        top_market = connection.execute(
            "SELECT market_id FROM reporting.agg_daily_sales GROUP BY market_id ORDER BY sum(net_amount_base) DESC LIMIT 1"
        ).fetchone()
    assert int(printed["orders (not cancelled)"].replace(",", "")) == orders
    assert Decimal(printed["net sales, base currency"].split()[0].replace(",", "")) == round(Decimal(net), 2)
    assert float(printed["return rate (units)"].rstrip("%")) == pytest.approx(100 * returned / sold, abs=0.05)
    assert top_market is not None
    assert re.search(
        rf"^top market by net sales\s+.*\(market {top_market[0]}\)$", result.output, re.MULTILINE
    )
    assert str(published) in result.output
    with duckdb.connect(str(published), read_only=True) as connection:  # every analyst query, on the demo
        empty = [query.name for query in analysis_queries() if not connection.execute(query.sql).fetchall()]
    assert empty == []


def test_a_run_naming_an_unknown_resource_fails_in_one_line_without_a_traceback(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in ("GRAPHQL_URL", "API_TOKEN", "ORDER_API_URL", "ORDER_API_KEY"):
        monkeypatch.delenv(f"SOURCES__CENTRA__{name}", raising=False)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["run", "--resources", "nonsense"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.output.strip().splitlines()[-1].startswith("error: unknown resources ['nonsense']")
