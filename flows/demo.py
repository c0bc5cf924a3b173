"""`centra-elt demo`: the sandbox in-process, the same flow as production, headline numbers at the end.

The demo writes `warehouse/demo.duckdb` (and its snapshot `warehouse/demo_reporting.duckdb`), never the
production default `warehouse/centra.duckdb`, and starts from scratch each time: it refreshes the canonical
tables fully, because the sandbox's dataset ends at the moment the demo starts.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import duckdb

from flows import steps
from flows.elt import centra_elt
from flows.summary import RunSummary
from pipelines.centra.settings import CentraSettings
from sandbox.server import serve_in_thread
from sandbox.settings import NON_BINDING_QUOTAS, SandboxSettings

DEMO_WAREHOUSE = Path("warehouse/demo.duckdb")
DEMO_ORDERS = 20_000
# The demo shows the pipeline, not Centra's rate limits (bench/ measures those).
DEMO_QUOTAS = NON_BINDING_QUOTAS


@dataclass(frozen=True)
class Headline:
    orders: int
    net_sales_base: Decimal
    base_currency: str
    top_market: str
    top_product: str
    return_rate: float

    def lines(self) -> list[str]:
        return [
            f"orders (not cancelled)      {self.orders:,}",
            f"net sales, base currency    {self.net_sales_base:,.2f} {self.base_currency}",
            f"top market by net sales     {self.top_market}",
            f"top product by units sold   {self.top_product}",
            f"return rate (units)         {self.return_rate:.1%}",
        ]


@contextmanager
def sandbox_settings(orders: int, seed: int) -> Iterator[CentraSettings]:
    """Serve a sandbox; the settings that point a run at it (only those: the demo does not read the user's
    configuration, so a SOURCES__CENTRA__* in the shell can not send it to a real Centra)."""
    sandbox_config = SandboxSettings(orders=orders, seed=seed, now=datetime.now(UTC), quotas=DEMO_QUOTAS)
    with serve_in_thread(sandbox_config) as sandbox:
        yield CentraSettings(
            graphql_url=sandbox.graphql_url,
            api_token=sandbox_config.graphql_token,
            order_api_url=sandbox.order_api_url,
            order_api_key=sandbox_config.order_api_key,
            timezone=sandbox_config.timezone,
        )


def run_demo(orders: int = DEMO_ORDERS, seed: int = 1, warehouse: Path = DEMO_WAREHOUSE) -> RunSummary:
    with sandbox_settings(orders, seed) as settings, steps.pinned_settings(settings):
        return centra_elt(warehouse=str(warehouse), full_refresh=True, retries=1, retry_delay_seconds=2)


def headline(published: Path) -> Headline:
    """The numbers the demo prints, read from the published snapshot (what a BI tool would show)."""
    with duckdb.connect(str(published), read_only=True) as connection:

        def one(sql: str) -> tuple[object, ...]:
            row = connection.execute(sql).fetchone()
            return row if row is not None else ()

        orders, net = one(
            "SELECT count(*), coalesce(sum(net_amount_base), 0) FROM reporting.fct_orders WHERE NOT is_cancelled"
        )
        market = one(
            "SELECT market_id, sum(net_amount_base) AS net FROM reporting.fct_orders WHERE NOT is_cancelled "
            "GROUP BY market_id ORDER BY net DESC, market_id LIMIT 1"
        )
        product = one(
            "SELECT p.product_name, sum(l.quantity) AS units FROM reporting.fct_order_lines l "
            "JOIN reporting.dim_products p USING (size_id) WHERE NOT l.is_order_cancelled "
            "GROUP BY p.product_name ORDER BY units DESC, p.product_name LIMIT 1"
        )
        sold, returned = one(
            "SELECT coalesce(sum(quantity), 0), coalesce(sum(returned_quantity), 0) "
            "FROM reporting.fct_order_lines WHERE NOT is_order_cancelled"
        )
        return Headline(
            orders=int(orders),  # type: ignore[call-overload]
            net_sales_base=Decimal(str(net)),
            base_currency=_base_currency(connection),
            top_market=_market_name(connection, market[0]) if market else "-",
            top_product=str(product[0]) if product else "-",
            return_rate=float(returned) / float(sold) if sold else 0.0,  # type: ignore[arg-type]
        )


def _market_name(connection: duckdb.DuckDBPyConnection, market_id: object) -> str:
    row = connection.execute(
        "SELECT market_name FROM reporting.dim_markets WHERE market_id = ?", [market_id]
    ).fetchone()
    return f"{row[0]} (market {market_id})" if row and row[0] else f"market {market_id}"


def _base_currency(connection: duckdb.DuckDBPyConnection) -> str:
    """The currency whose conversion rate is 1 on the most orders: Centra converts into the base currency."""
    row = connection.execute(
        "SELECT currency_code FROM reporting.fct_orders WHERE conversion_rate = 1 "
        "GROUP BY currency_code ORDER BY count(*) DESC LIMIT 1"
    ).fetchone()
    return str(row[0]) if row else "(base currency)"
