"""Seeded generator of a Centra brand's data (placeholder until it lands)."""

from sandbox.store import Store


def generate(store: Store, settings: object) -> None:
    raise NotImplementedError("the generator has not landed yet")
