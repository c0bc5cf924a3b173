"""Retailers buying through the wholesale store: accounts (one per shop company) and their buyers.

The schema keeps no address on an account, so each `AccountInfo` carries the shop's address for the orders
the generator writes; later orders (change sets) copy it from the account's latest order instead.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from dataclasses import dataclass
from typing import Any

from sandbox.generator.customers import Address, email_part, random_address
from sandbox.generator.people_data import COMPANY_SUFFIX, PEOPLE, SHOP_WORDS
from sandbox.generator.reference import MARKETS
from sandbox.store import Store

DAY = 86_400


@dataclass(frozen=True)
class Buyer:
    buyer_id: int
    first_name: str
    last_name: str
    email: str


@dataclass(frozen=True)
class AccountInfo:
    account_id: int
    name: str
    market_id: int
    pricelist_id: int
    discount_basis_points: int
    vat_number: str
    address: Address
    buyers: tuple[Buyer, ...]
    created_at: int


@dataclass
class Accounts:
    """Accounts sorted by creation, so an order only picks accounts that existed when it was placed."""

    accounts: list[AccountInfo]

    def __post_init__(self) -> None:
        self._created = [account.created_at for account in self.accounts]

    def pick(self, rng: random.Random, at: int) -> AccountInfo:
        eligible = max(1, bisect_right(self._created, at))
        return self.accounts[rng.randrange(eligible)]


def build_accounts(
    rng: random.Random,
    count: int,
    start: int,
    end: int,
    first_id: int = 1,
    first_buyer_id: int = 1,
    prospects: bool = False,
) -> tuple[Accounts, list[dict[str, Any]], list[dict[str, Any]]]:
    """Accounts with their buyers, plus the rows for the `accounts` and `buyers` tables.

    Ids start at `first_id`/`first_buyer_id`. `prospects`: accounts registered in [start, end), numbered
    after the trading accounts (ids follow creation time, as Centra's do), not yet approved (INACTIVE, so
    change sets place no order for them) and without orders."""
    created_times = sorted(
        rng.randrange(start, end)
        if prospects
        else start - rng.randrange(30 * DAY, 700 * DAY)
        if i == 0 or rng.random() < 0.7
        else rng.randrange(start, end)
        for i in range(count)
    )
    accounts: list[AccountInfo] = []
    account_rows: list[dict[str, Any]] = []
    buyer_rows: list[dict[str, Any]] = []
    for account_id, created in enumerate(created_times, start=first_id):
        market = rng.choices([m for m in MARKETS if m.store_id == 2], weights=[0.6, 0.4])[0]
        country = rng.choice(market.countries)
        city = rng.choice(PEOPLE[country].cities)
        name = f"{city} {rng.choice(SHOP_WORDS)} {COMPANY_SUFFIX[country]}"
        domain = f"{email_part(city)}-shop{account_id}.example"
        buyers = []
        for _ in range(rng.choice((1, 1, 2, 3))):
            buyer_id = first_buyer_id + len(buyer_rows)
            first, last = rng.choice(PEOPLE[country].first_names), rng.choice(PEOPLE[country].last_names)
            buyer = Buyer(buyer_id, first, last, f"{email_part(first)}.{email_part(last)}@{domain}")
            buyers.append(buyer)
            buyer_created = rng.randint(created, min(end, created + 60 * DAY))
            buyer_rows.append(
                {
                    "buyer_id": buyer_id,
                    "account_id": account_id,
                    "email": buyer.email,
                    "first_name": first,
                    "last_name": last,
                    "status": "ACTIVE" if len(buyers) == 1 or rng.random() < 0.8 else "INACTIVE",
                    "created_at": buyer_created,
                    "updated_at": rng.randint(buyer_created, end),
                }
            )
        info = AccountInfo(
            account_id=account_id,
            name=name,
            market_id=market.market_id,
            pricelist_id=7 if market.market_id == 6 else 8,
            discount_basis_points=rng.choice((0, 0, 500, 1000, 1500)),
            vat_number=f"{country}{rng.randrange(10**9, 10**10)}01",
            address=random_address(rng, country),
            buyers=tuple(buyers),
            created_at=created,
        )
        accounts.append(info)
        account_rows.append(
            {
                "account_id": account_id,
                "name": name,
                "status": "INACTIVE"
                if prospects
                else "ACTIVE"
                if account_id == first_id or rng.random() < 0.9
                else "INACTIVE",
                "market_id": info.market_id,
                "pricelist_id": info.pricelist_id,
                "discount_percent": info.discount_basis_points,
                "created_at": created,
                "updated_at": rng.randint(created, end),
            }
        )
    return Accounts(accounts), account_rows, buyer_rows


def accounts_from_store(store: Store, rng: random.Random) -> Accounts:
    """The active accounts with their active buyers, addressed as on the account's latest order."""
    accounts = []
    rows = store.connection.execute(
        "SELECT a.account_id, a.name, a.market_id, a.pricelist_id, (a.discount_percent * 100)::INTEGER, "
        "epoch(a.created_at)::BIGINT, o.billing_vat_number, o.shipping_address1, o.shipping_address2, "
        "o.shipping_zip_code, o.shipping_city, o.shipping_country_code, o.shipping_phone_number "
        "FROM accounts a LEFT JOIN (SELECT * FROM orders WHERE account_id IS NOT NULL "
        "QUALIFY row_number() OVER (PARTITION BY account_id ORDER BY order_number DESC) = 1) o USING (account_id) "
        "WHERE a.status = 'ACTIVE' ORDER BY a.created_at, a.account_id"
    ).fetchall()
    buyers: dict[int, list[Buyer]] = {}
    for buyer_id, account_id, first, last, email in store.connection.execute(
        "SELECT buyer_id, account_id, first_name, last_name, email FROM buyers WHERE status = 'ACTIVE' "
        "ORDER BY buyer_id"
    ).fetchall():
        buyers.setdefault(account_id, []).append(Buyer(buyer_id, first, last, email))
    country_by_market = {m.market_id: m.countries[0] for m in MARKETS}
    for (
        account_id,
        name,
        market_id,
        pricelist_id,
        discount,
        created,
        vat,
        a1,
        a2,
        zip_code,
        city,
        country,
        phone,
    ) in rows:
        if account_id not in buyers:
            continue
        address = (
            Address(a1, a2, zip_code, city, None, country, phone)
            if a1 is not None and country is not None
            else random_address(rng, country_by_market[market_id])
        )
        vat = vat or f"{address.country_code}{rng.randrange(10**9, 10**10)}01"
        info = AccountInfo(
            account_id,
            name,
            market_id,
            pricelist_id,
            discount,
            vat,
            address,
            tuple(buyers[account_id]),
            created,
        )
        accounts.append(info)
    return Accounts(accounts)
