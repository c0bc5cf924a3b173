"""Seeded generator of a Centra brand's data: same seed and settings, byte-identical tables.

`generate` fills every entity table of the store (not the events tables) with a Swedish fashion brand's two
years of trade ending at `settings.now`: reference data (`reference`), the catalog and stock (`catalog`),
wholesale accounts (`wholesale`), customers (`customers`), orders (`orders`) moved through their lifecycle
(`lifecycle`), anonymized customers (`anonymization`) and, last, wholesale prospects: accounts that
registered but never ordered (so a GDPR-style account deletion has a realistic candidate; their stream is
their own, so every other row is the one the same seed gave before they existed). Nothing reads the wall clock; every random choice
comes from `random.Random` streams derived from `settings.seed`, so the stream for the catalog does not
shift when the order count changes. Orders stream through bounded buffers, keeping memory flat for 1M orders.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime

from sandbox.generator.anonymization import anonymize
from sandbox.generator.bulk import TableBuffer, insert_rows
from sandbox.generator.catalog import CatalogTimes, insert_catalog
from sandbox.generator.catalog_index import CatalogIndex
from sandbox.generator.creation_order import CreationOrder
from sandbox.generator.customers import CustomerFactory
from sandbox.generator.id_sequences import IdSequences
from sandbox.generator.lifecycle import Lifecycle, Stuck
from sandbox.generator.orders import OrderFactory
from sandbox.generator.reference import insert_reference
from sandbox.generator.timeline import DAY, order_times, window
from sandbox.generator.wholesale import build_accounts
from sandbox.settings import AnonymizationStyle, SandboxSettings
from sandbox.store import Store

SIGNUPS_PER_ORDER = 0.45  # a bit more than the first orders of registered customers: some never order
ORDER_TABLES = (
    "customers",
    "orders",
    "order_lines",
    "shipments",
    "shipment_lines",
    "returns",
    "return_lines",
)


def product_count(orders: int) -> int:
    return min(600, max(60, orders // 50))


def early_signups(orders: int) -> int:
    """Customers registered before the two years: the brand existed before the dataset starts."""
    return min(50_000, max(20, orders // 10))


def account_count(orders: int) -> int:
    return min(300, max(8, orders // 500))


def prospect_count(orders: int) -> int:
    """Wholesale accounts with buyers but no order yet (at 500+ orders every trading account has one)."""
    return max(4, account_count(orders) // 6)


def generate(store: Store, settings: SandboxSettings) -> None:
    seed = settings.seed
    now = settings.now if settings.now.tzinfo else settings.now.replace(tzinfo=UTC)  # naive means UTC
    end = int(now.timestamp())
    start, _ = window(end, settings.history_days)
    insert_reference(store)
    insert_catalog(
        store, random.Random(f"{seed}:catalog"), CatalogTimes(start, end), product_count(settings.orders)
    )
    account_total = account_count(settings.orders) if settings.wholesale_enabled else 0
    accounts, account_rows, buyer_rows = build_accounts(
        random.Random(f"{seed}:accounts"), account_total, start, end
    )
    insert_rows(store, "accounts", account_rows)
    insert_rows(store, "buyers", buyer_rows)

    rng = random.Random(f"{seed}:orders")
    buffers = {table: TableBuffer(store, table) for table in ORDER_TABLES}
    ids = IdSequences()
    customers = CustomerFactory(rng, buffers["customers"].append, ids.customer, end)
    for at in sorted(rng.randrange(start - 400 * DAY, start) for _ in range(early_signups(settings.orders))):
        customers.sign_up(at)
    factory = OrderFactory(rng, seed, CatalogIndex.from_store(store), customers, accounts, ids)
    # provisional ids: `CreationOrder` numbers them
    lifecycle = Lifecycle(rng, IdSequences(), end, returns_enabled=settings.returns_enabled)
    creation_order = CreationOrder(lambda table, row: buffers[table].append(row))
    times = order_times(
        random.Random(f"{seed}:timeline"),
        settings.orders,
        end,
        settings.timezone,
        settings.quiet_days,
        settings.history_days,
    )
    # Even a tiny dataset holds an order stuck on hold, a backordered one and, last, one awaiting payment.
    stuck: dict[int, Stuck] = {
        min(9, settings.orders - 1): "on_hold",
        settings.orders - 2: "backordered",
        settings.orders - 1: "awaiting_payment",
    }
    for index, at in enumerate(times):
        creation_order.release(until=at)
        built = factory.build(ids.order_number + index, at)
        buffers["orders"].append(built.order)
        for line in built.lines:
            buffers["order_lines"].append(line)
        creation_order.add(lifecycle.settle(built, stuck.get(index)))
        if rng.random() < SIGNUPS_PER_ORDER:
            customers.sign_up(at)
    creation_order.release()
    for buffer in buffers.values():
        buffer.flush()
    _anonymize_some(
        store,
        random.Random(f"{seed}:anonymization"),
        customers.anonymize_ids,
        end,
        settings.anonymization_style,
    )
    if account_total:
        registered_from = min(
            end - 1, max(end - 120 * DAY, max(row["created_at"] for row in account_rows) + 1)
        )
        _, prospect_rows, prospect_buyers = build_accounts(
            random.Random(f"{seed}:prospects"), prospect_count(settings.orders), registered_from, end,
            first_id=len(account_rows) + 1, first_buyer_id=len(buyer_rows) + 1, prospects=True,
        )  # fmt: skip
        insert_rows(store, "accounts", prospect_rows)
        insert_rows(store, "buyers", prospect_buyers)


def _anonymize_some(
    store: Store, rng: random.Random, customer_ids: list[int], end: int, style: AnonymizationStyle
) -> None:
    """Anonymize the chosen customers a while after their last change (never after the dataset's end)."""
    if not customer_ids:
        return
    last_changes = dict(
        store.connection.execute(
            "SELECT c.customer_id, epoch(greatest(c.updated_at, coalesce(max(o.updated_at), c.updated_at)))::BIGINT "
            "FROM customers c LEFT JOIN orders o USING (customer_id) "
            f"WHERE c.customer_id IN ({', '.join(str(i) for i in customer_ids)}) GROUP BY c.customer_id, c.updated_at"
        ).fetchall()
    )
    times = [
        datetime.fromtimestamp(min(end, last_changes[i] + rng.randrange(DAY, 90 * DAY)), UTC).replace(
            tzinfo=None
        )
        for i in customer_ids
    ]
    anonymize(store.connection, customer_ids, times, style)
