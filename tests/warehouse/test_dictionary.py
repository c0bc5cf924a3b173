"""docs/data_dictionary.md is generated from the registry and committed: CI fails when it drifts."""

from __future__ import annotations

from warehouse.dictionary import DICTIONARY_PATH, data_dictionary_markdown
from warehouse.registry import REGISTRY


def test_the_committed_data_dictionary_is_current() -> None:
    committed = DICTIONARY_PATH.read_text(encoding="utf-8")

    assert committed == data_dictionary_markdown(), (
        "docs/data_dictionary.md is out of date: run `python -m warehouse.dictionary`"
    )


def test_the_dictionary_lists_every_table_and_column() -> None:
    text = data_dictionary_markdown()

    for spec in REGISTRY.ordered():
        assert f"## `reporting.{spec.name}`" in text
        assert f"- Grain: {spec.grain}" in text
        for column in spec.columns:
            assert f"| `{column}` |" in text
