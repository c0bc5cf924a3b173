"""`centra-sandbox`: serve the imitation of Centra's APIs until SIGTERM."""

from __future__ import annotations

import argparse
import logging
import sys
import time

from sandbox import SandboxNotInstalledError, require_web_stack
from sandbox.generator.anonymization import ANONYMIZATION_STYLES
from sandbox.settings import NON_BINDING_QUOTAS, RateLimitQuotas, SandboxSettings


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="centra-sandbox",
        description="Serve an imitation of Centra's GraphQL Integration API and Order API with seeded data.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765, help="port to bind (default 8765)")
    parser.add_argument("--seed", type=int, default=1, help="dataset seed: same seed, same data (default 1)")
    parser.add_argument("--orders", type=int, default=20_000, help="number of orders (default 20000)")
    parser.add_argument("--token", default="sandbox-token", help="GraphQL Integration API token")
    parser.add_argument("--order-api-key", default="sandbox-key", help="Order API key (API-Authorization)")
    parser.add_argument(
        "--no-rate-limits",
        action="store_true",
        help="switch the token buckets off (rateLimits then reports quotas no client would pace itself to)",
    )
    parser.add_argument("--events", action="store_true", help="enable the events system")
    parser.add_argument("--order-updated-at", action="store_true", help="offer OrderFilter.updatedAt")
    parser.add_argument(
        "--customer-updated-at", action="store_true", help="offer Customer.updatedAt and its filter"
    )
    parser.add_argument(
        "--minimal-schema",
        action="store_true",
        help="serve only the documented schema core the pipeline needs (no orderConnection, accounts, events)",
    )
    parser.add_argument(
        "--legacy-names",
        action="store_true",
        help="serve the older names: ProductSize.GTIN, Customer.sex, AppliedDiscount.discount",
    )
    parser.add_argument(
        "--no-counters-where",
        action="store_true",
        help="counters { orders customers products returns } take no where argument",
    )
    parser.add_argument("--timezone", default="Europe/Stockholm", help="the instance's timezone")
    parser.add_argument("--no-returns", action="store_true", help="a shop that has had no returns")
    parser.add_argument(
        "--no-wholesale", action="store_true", help="no wholesale accounts, buyers or orders (DTC only)"
    )
    parser.add_argument(
        "--quiet-days", type=int, default=0, help="no orders in the last N days before the clock's now"
    )
    parser.add_argument(
        "--history-days", type=int, default=730, help="the orders span this many days up to the clock's now"
    )
    parser.add_argument(
        "--anonymization-style",
        choices=ANONYMIZATION_STYLES,
        default="null",
        help="what an anonymized customer's personal data becomes (default null)",
    )
    return parser.parse_args(argv)


def settings_from_args(args: argparse.Namespace) -> SandboxSettings:
    return SandboxSettings(
        seed=args.seed,
        orders=args.orders,
        graphql_token=args.token,
        order_api_key=args.order_api_key,
        rate_limits_enabled=not args.no_rate_limits,
        # with the buckets off, `rateLimits` still reports quotas: ones no client paces itself to
        quotas=NON_BINDING_QUOTAS if args.no_rate_limits else RateLimitQuotas(),
        events_enabled=args.events,
        order_updated_at=args.order_updated_at,
        customer_updated_at=args.customer_updated_at,
        minimal_schema=args.minimal_schema,
        legacy_names=args.legacy_names,
        counters_where=not args.no_counters_where,
        timezone=args.timezone,
        returns_enabled=not args.no_returns,
        wholesale_enabled=not args.no_wholesale,
        quiet_days=args.quiet_days,
        history_days=args.history_days,
        anonymization_style=args.anonymization_style,
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        require_web_stack()
    except SandboxNotInstalledError as missing:
        print(f"centra-sandbox: {missing}", file=sys.stderr)
        return 2
    import uvicorn  # the web stack is the `sandbox` extra: imported once it is known to be there

    from sandbox.app import build_state, create_app

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    settings = settings_from_args(args)
    started = time.perf_counter()
    state = build_state(settings)
    logging.info(
        "generated %d orders (seed %d) in %.1f s", args.orders, args.seed, time.perf_counter() - started
    )
    logging.info("GraphQL: http://%s:%d/graphql  Order API: http://%s:%d/api/%s/",
                 args.host, args.port, args.host, args.port, settings.order_api.plugin_uri)  # fmt: skip
    uvicorn.run(create_app(state), host=args.host, port=args.port, log_level="warning", lifespan="off")
    return 0


if __name__ == "__main__":
    sys.exit(main())
