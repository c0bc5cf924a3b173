"""Query documents live in `graphql/*.graphql`, read once; fragments they spread live in `graphql/fragments/`."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

_SPREAD = re.compile(r"\.\.\.\s*(?!on\b)([A-Za-z_]\w*)")
_DEFINED = re.compile(r"^fragment\s+([A-Za-z_]\w*)", re.MULTILINE)


def _read(*parts: str) -> str:
    return (resources.files("pipelines.centra").joinpath("graphql", *parts)).read_text(encoding="utf-8")


@cache
def query_text(name: str) -> str:
    """The text of `graphql/<name>.graphql`, followed by every fragment of `graphql/fragments/` it spreads."""
    text = _read(f"{name}.graphql")
    while missing := sorted(set(_SPREAD.findall(text)) - set(_DEFINED.findall(text))):
        text += "\n" + "\n".join(_read("fragments", f"{fragment}.graphql") for fragment in missing)
    return text
