"""Consumers who place DTC orders: registered customers and guests auto-created at checkout.

Repeat buyers come from a bounded pool of customers, so a million orders never hold every customer
in memory. Two of Centra's quirks are always present: one email shared by a registered customer and a guest
(Centra allows exactly that pair), and customers picked for anonymization (see `anonymization`).
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any

from sandbox.generator.people_data import PEOPLE, SECOND_ADDRESS_LINES, SHOWCASE_PEOPLE
from sandbox.generator.reference import MARKETS
from sandbox.store import Store

DAY = 86_400
POOL_SIZE = 50_000
REPEAT_SHARE = 0.35
REGISTERED_SHARE = 0.6
ANONYMIZED_SHARE = 0.005
EMAIL_DOMAINS = ("example.com", "example.org", "example.net")
_TRANSLITERATION = str.maketrans(
    {
        "ß": "ss",
        "ø": "o",
        "Ø": "O",
        "æ": "ae",
        "Æ": "AE",
        "ł": "l",
        "Ł": "L",
        "李": "li",
        "娜": "na",
        "伟": "wei",
    }
)


def email_part(text: str) -> str:
    """`Jürgen Groß` -> `jurgengross`: the ASCII form people use in their email addresses."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_TRANSLITERATION))
    return "".join(ch for ch in decomposed.lower() if ch.isascii() and ch.isalnum())


def fill_pattern(rng: random.Random, pattern: str) -> str:
    """A zip code from a pattern: `#` becomes a digit, `A` a capital letter."""
    out = []
    for ch in pattern:
        if ch == "#":
            out.append(str(rng.randrange(10)))
        elif ch == "A":
            out.append(chr(ord("A") + rng.randrange(26)))
        else:
            out.append(ch)
    return "".join(out)


@dataclass(frozen=True)
class Address:
    address1: str
    address2: str | None
    zip_code: str
    city: str
    state: str | None
    country_code: str
    phone_number: str | None


def random_address(rng: random.Random, country: str) -> Address:
    people = PEOPLE[country]
    return Address(
        address1=f"{rng.choice(people.streets)} {rng.randint(1, 120)}",
        address2=rng.choice(SECOND_ADDRESS_LINES) if rng.random() < 0.15 else None,
        zip_code=fill_pattern(rng, people.zip_format),
        city=rng.choice(people.cities),
        state=rng.choice(people.states) if people.states else None,
        country_code=country,
        phone_number=None if rng.random() < 0.3 else f"{people.phone_prefix}{rng.randrange(10**7, 10**8)}",
    )


@dataclass
class Person:
    """What an order copies from its customer."""

    customer_id: int
    email: str
    first_name: str
    last_name: str
    is_registered: bool
    address: Address
    has_twin: bool = False
    is_protected: bool = False  # a showcase person or a guest twin: never anonymized by the generator


def _dtc_countries() -> tuple[list[str], list[float]]:
    """DTC countries and their cumulative weights (a market's first country sells the most)."""
    countries, weights = [], []
    for market in MARKETS:
        if market.store_id != 1:
            continue
        shares = [2.0 if position == 0 else 1.0 for position in range(len(market.countries))]
        for country, share in zip(market.countries, shares, strict=True):
            countries.append(country)
            weights.append(market.weight * share / sum(shares))
    return countries, list(accumulate(weights))


@dataclass
class CustomerFactory:
    """Creates customer rows through `sink` and hands out the customer for each new DTC order.

    Registered customers sign up first (`sign_up`) and place their first order later; guests are created at
    checkout. Rows are written when a customer is created, so customer ids follow creation time.
    """

    rng: random.Random
    sink: Callable[[dict[str, Any]], None]
    next_id: int
    end: int
    pool: list[Person] = field(default_factory=list)  # customers who ordered: the repeat buyers
    signups: list[Person] = field(default_factory=list)  # registered, no order yet
    anonymize_ids: list[int] = field(default_factory=list)
    _countries: tuple[list[str], list[float]] = field(default_factory=_dtc_countries)
    _showcase: list[tuple[str, str, str]] = field(default_factory=lambda: list(SHOWCASE_PEOPLE))
    _twin_made: bool = False
    _forced_anonymized: bool = False

    @classmethod
    def continuing(
        cls, store: Store, rng: random.Random, sink: Callable[[dict[str, Any]], None], next_id: int, end: int
    ) -> CustomerFactory:
        """A factory for orders placed after generation: repeat buyers are recent registered customers."""
        rows = store.connection.execute(
            "SELECT customer_id, email, first_name, last_name, address1, address2, zip_code, city, state, "
            "country_code, phone_number FROM customers WHERE is_registered AND NOT is_anonymized "
            "AND country_code IN (SELECT country_code FROM market_countries JOIN markets USING (market_id) "
            "WHERE store_id = 1) ORDER BY customer_id DESC LIMIT 2000"
        ).fetchall()
        pool = [
            Person(
                cid,
                email,
                first,
                last,
                True,
                Address(a1 or "", a2, zip_ or "", city or "", state, country, phone),
            )
            for cid, email, first, last, a1, a2, zip_, city, state, country, phone in rows
        ]
        factory = cls(rng, sink, next_id, end, pool=pool)
        factory._showcase.clear()
        factory._twin_made = factory._forced_anonymized = True
        return factory

    def sign_up(self, at: int) -> None:
        """A registered customer who has not ordered yet."""
        self.signups.append(self._create(at, registered=True))

    def for_order(self, at: int) -> Person:
        rng = self.rng
        if self.pool and not self._showcase and rng.random() < REPEAT_SHARE:
            return self.pool[rng.randrange(len(self.pool))]
        registered = rng.random() < REGISTERED_SHARE
        if registered and self.signups and not self._showcase:
            index = rng.randrange(len(self.signups))
            person = self.signups[index]
            self.signups[index] = self.signups[-1]
            self.signups.pop()
        else:
            person = self._create(at, registered)
        if not person.is_protected and self._should_anonymize():
            self.anonymize_ids.append(person.customer_id)  # one order, then forgotten: never a repeat buyer
        else:
            self._remember(person)
        return person

    def _create(self, at: int, registered: bool) -> Person:
        rng = self.rng
        showcase = self._showcase.pop(0) if self._showcase else None
        twin = self._twin_for_guest() if showcase is None and not registered else None
        if showcase is not None:
            first, last, country = showcase
            registered = True
        elif twin is not None:
            first, last, country = twin.first_name, twin.last_name, twin.address.country_code
        else:
            country = rng.choices(self._countries[0], cum_weights=self._countries[1])[0]
            people = PEOPLE[country]
            first, last = rng.choice(people.first_names), rng.choice(people.last_names)
        customer_id = self.next_id
        self.next_id += 1
        domain = EMAIL_DOMAINS[customer_id % len(EMAIL_DOMAINS)]
        email = twin.email if twin else f"{email_part(first)}.{email_part(last)}.{customer_id}@{domain}"
        address = random_address(rng, country)
        protected = showcase is not None or twin is not None
        person = Person(customer_id, email, first, last, registered, address, is_protected=protected)
        self.sink(self._row(person, at))
        return person

    def _should_anonymize(self) -> bool:
        if not self._forced_anonymized or self.rng.random() < ANONYMIZED_SHARE:
            self._forced_anonymized = True
            return True
        return False

    def _twin_for_guest(self) -> Person | None:
        """Now and then a registered customer checks out as a guest: a second customer, same email."""
        if self._twin_made and self.rng.random() > 0.01:
            return None
        candidates = [p for p in self.pool[-200:] if p.is_registered and not p.has_twin]
        if not candidates:
            return None
        twin = candidates[self.rng.randrange(len(candidates))]
        twin.has_twin = True
        self._twin_made = True
        return twin

    def _remember(self, person: Person) -> None:
        if len(self.pool) < POOL_SIZE:
            self.pool.append(person)
        else:
            self.pool[self.rng.randrange(POOL_SIZE)] = person

    def _row(self, person: Person, created: int) -> dict[str, Any]:
        rng = self.rng
        address = person.address
        updated = created if rng.random() < 0.7 else rng.randint(created, self.end)
        return {
            "customer_id": person.customer_id,
            "email": person.email,
            "first_name": person.first_name,
            "last_name": person.last_name,
            "is_registered": person.is_registered,
            "is_anonymized": False,
            "gender": rng.choice(("female", "male", None)) if person.is_registered else None,
            "phone_number": address.phone_number,
            "has_newsletter": rng.random() < (0.45 if person.is_registered else 0.1),
            "address1": address.address1,
            "address2": address.address2,
            "zip_code": address.zip_code,
            "city": address.city,
            "state": address.state,
            "country_code": address.country_code,
            "created_at": created,
            "updated_at": max(created, updated),
        }
