"""Late imports for change sets: orders written into Centra now with an old `createdAt`.

A brand migrating from another platform, or a marketplace connector catching up, creates orders whose
`createdAt` lies months back while they only now exist in Centra. A pipeline that reads orders by
`createdAt` windows it has already closed never sees them; only a reconciliation of counts per day (or
events) finds them. Each imported order gets a new number after the highest one (as new orders do), an
existing DTC customer who existed at the order's date, the generator's lines, and `updated_at = now`;
about two in three arrive SHIPPED (with a shipment created at the import), the rest CONFIRMED.
"""

from __future__ import annotations

from sandbox.generator.bulk import insert_rows
from sandbox.generator.catalog_index import CatalogIndex
from sandbox.generator.customers import Address, CustomerFactory, Person
from sandbox.generator.id_sequences import IdSequences
from sandbox.generator.order_changes import ChangeContext, ship_everything
from sandbox.generator.orders import OrderFactory
from sandbox.generator.wholesale import accounts_from_store

DAY = 86_400
SPREAD_SECONDS = 2 * DAY  # the imported orders' dates scatter this much around the asked age
SHIPPED_SHARE = 2 / 3


def _customers_before(ctx: ChangeContext, at: int) -> list[Person]:
    """DTC customers (not anonymized) who existed at `at`, in id order."""
    rows = ctx.store.connection.execute(
        "SELECT customer_id, email, first_name, last_name, is_registered, address1, address2, zip_code, city, "
        "state, country_code, phone_number FROM customers WHERE NOT is_anonymized AND epoch(created_at) <= ? "
        "AND country_code IN (SELECT country_code FROM market_countries JOIN markets USING (market_id) "
        "WHERE store_id = 1) ORDER BY customer_id",
        [at],
    ).fetchall()
    return [
        Person(
            cid,
            email,
            first,
            last,
            registered,
            Address(a1 or "", a2, zip_ or "", city or "", state, cc, phone),
        )
        for cid, email, first, last, registered, a1, a2, zip_, city, state, cc, phone in rows
    ]


def import_late_orders(ctx: ChangeContext, count: int, age_days: int) -> list[int]:
    """`count` orders created about `age_days` before now, imported now; returns their numbers."""
    if count <= 0:
        return []
    times = sorted(
        min(
            ctx.now_epoch - 1,
            ctx.now_epoch - age_days * DAY + ctx.rng.randint(-SPREAD_SECONDS, SPREAD_SECONDS),
        )
        for _ in range(count)
    )
    people = _customers_before(ctx, times[0])
    if not people:
        raise ValueError(f"late_imports: no DTC customer existed {age_days} days before now")
    ids = IdSequences.after_store(ctx.store)
    customers = CustomerFactory.continuing(ctx.store, ctx.rng, lambda _: None, ids.customer, ctx.now_epoch)
    factory = OrderFactory(
        ctx.rng, ctx.dataset_seed, CatalogIndex.from_store(ctx.store), customers,
        accounts_from_store(ctx.store, ctx.rng), ids,
    )  # fmt: skip
    orders, lines = [], []
    for number, at in enumerate(times, start=ids.order_number):
        built = factory.build_for_customer(number, at, ctx.rng.choice(people))
        built.order["status"] = "SHIPPED" if ctx.rng.random() < SHIPPED_SHARE else "CONFIRMED"
        built.order["updated_at"] = ctx.now_epoch
        orders.append(built.order)
        lines.extend(built.lines)
    insert_rows(ctx.store, "orders", orders)
    insert_rows(ctx.store, "order_lines", lines)
    for row in orders:
        order = ctx.order(row["order_number"])
        if order["status"] == "SHIPPED":
            ship_everything(ctx, order)
        ctx.emit("Order", "CREATED", order["order_number"], order["store_id"], order["market_id"])
    return [order["order_number"] for order in orders]
