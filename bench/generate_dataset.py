"""Time and peak memory of the sandbox's dataset generator: `python -m bench.generate_dataset --orders 1000000`.

Prints the order count, the seconds `generate` took and the process's peak resident memory (MB), plus the
row count of every table. With `--serve-pages N` it then serves the dataset over HTTP and reads N pages of
200 orders (with lines, shipments and returns) through GraphQL and N pages through the Order API, spread
over the whole history, and prints the peak memory again: what serving the dataset costs.
Targets: 20,000 orders in under 10 s; 1,000,000 orders generated and served within 4 GB.
"""

from __future__ import annotations

import argparse
import time

import httpx

from bench.support import peak_rss_mb
from sandbox.generator import generate
from sandbox.server import serve_in_thread
from sandbox.settings import SandboxSettings
from sandbox.state import SandboxState

ORDERS_PAGE = """query Page($page: Int!) { orders(limit: 200, page: $page, sort: [number_ASC]) {
  id number status createdAt grandTotal { value currency { code } conversionRate }
  lines(includeFullyCancelled: true) { id quantity cancelledQuantity unitPrice { value } productSize { SKU } }
  shipments { id number shippedAt } returns { id status } } }"""


def serve_pages(state: SandboxState, orders: int, pages: int) -> float:
    """Read `pages` pages from each API, spread over the history; return the seconds taken."""
    last_page = max(1, orders // 200)
    chosen = sorted({1 + round(i * (last_page - 1) / max(1, pages - 1)) for i in range(pages)})
    started = time.perf_counter()
    with serve_in_thread(state=state) as sandbox, httpx.Client(timeout=120) as http:
        for page in chosen:
            answer = http.post(
                sandbox.graphql_url,
                json={"query": ORDERS_PAGE, "variables": {"page": page}},
                headers={"Authorization": f"Bearer {state.settings.graphql_token}"},
            )
            answer.raise_for_status()
            assert len(answer.json()["data"]["orders"]) > 0
            rest = http.get(
                f"{sandbox.order_api_url}/orders",
                params={"limit": 200, "offset": (page - 1) * 200},
                headers={"API-Authorization": state.settings.order_api_key},
            )
            rest.raise_for_status()
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orders", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--serve-pages", type=int, default=0, help="then serve N pages from each API")
    args = parser.parse_args(argv)
    settings = SandboxSettings(
        orders=args.orders, seed=args.seed, clock_follows_real_time=False, rate_limits_enabled=False
    )
    state = SandboxState.empty(settings)
    started = time.perf_counter()
    generate(state.store, settings)
    seconds = time.perf_counter() - started
    print(f"orders={args.orders} seconds={seconds:.1f} peak_rss_mb={peak_rss_mb():.0f}")
    for table, rows in state.store.counts().items():
        print(f"  {table:<20} {rows:>10,}")
    if args.serve_pages:
        served = serve_pages(state, args.orders, args.serve_pages)
        print(f"served_pages={args.serve_pages}x2 seconds={served:.1f} peak_rss_mb={peak_rss_mb():.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
