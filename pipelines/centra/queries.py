"""Query documents: each family keeps its own in `families/<family>/queries/<name>.graphql` (names are
unique across families); the fragments they spread are shared, in `graphql/fragments/`. Read once."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable

_SPREAD = re.compile(r"\.\.\.\s*(?!on\b)([A-Za-z_]\w*)")
_DEFINED = re.compile(r"^fragment\s+([A-Za-z_]\w*)", re.MULTILINE)
_FRAGMENTS = ("graphql", "fragments")


@cache
def documents() -> dict[str, Traversable]:
    """Every family's documents by name; a name two families both use fails at once."""
    found: dict[str, Traversable] = {}
    for family in resources.files("pipelines.centra.families").iterdir():
        folder = family.joinpath("queries")
        if not folder.is_dir():
            continue
        for document in folder.iterdir():
            name = document.name.removesuffix(".graphql")
            if not document.name.endswith(".graphql"):
                continue
            if name in found:
                raise RuntimeError(f"two families define the query document {name}.graphql")
            found[name] = document
    return found


def _fragment(name: str) -> str:
    return resources.files("pipelines.centra").joinpath(*_FRAGMENTS, f"{name}.graphql").read_text("utf-8")


@cache
def query_text(name: str) -> str:
    """The text of the document `name`, followed by every shared fragment it spreads."""
    text = documents()[name].read_text(encoding="utf-8")
    while missing := sorted(set(_SPREAD.findall(text)) - set(_DEFINED.findall(text))):
        text += "\n" + "\n".join(_fragment(fragment) for fragment in missing)
    return text
