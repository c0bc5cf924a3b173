"""Query documents live in `graphql/*.graphql`, read once."""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def query_text(name: str) -> str:
    """The text of `graphql/<name>.graphql`."""
    return (resources.files("pipelines.centra") / "graphql" / f"{name}.graphql").read_text(encoding="utf-8")
