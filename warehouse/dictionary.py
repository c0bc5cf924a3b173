"""The data dictionary as Markdown, generated from the registry (`python -m warehouse.dictionary`)."""

from __future__ import annotations

import sys
from pathlib import Path

import warehouse.tables  # noqa: F401  (registering the tables is importing them)
from warehouse.canonical import OPTIONAL_COLUMNS, RAW_SCHEMA
from warehouse.contract import columns_read
from warehouse.order_api_gaps import gaps_markdown
from warehouse.registry import REGISTRY, REPORTING_SCHEMA, Registry

DICTIONARY_PATH = Path(__file__).resolve().parent.parent / "docs" / "data_dictionary.md"


def data_dictionary_markdown(registry: Registry = REGISTRY) -> str:
    lines = [
        "# Data dictionary: the `reporting` schema",
        "",
        "Generated from `warehouse/` by `python -m warehouse.dictionary`; do not edit by hand (CI checks it).",
        "The same text is on every table and column as a DuckDB `COMMENT`.",
        "",
        "Each table lists the `centra_raw` columns it reads (derived from its function; `warehouse/contract.py`",
        "checks them against the warehouse before every build). Columns in *italics* are optional: the Order API",
        "can not fill them, and a warehouse without them builds with them empty.",
        "",
        "Sales exclude orders with status CANCELLED. Quantities are current (after cancellations). A day is",
        "the local date in the Centra instance's timezone. `_base` amounts are `amount × conversion_rate`",
        "captured on the order. Money is DECIMAL(18,4) in the row's `currency_code` unless it ends in `_base`.",
        "",
        "**Anonymized and deleted customers.** A customer Centra has anonymized keeps their row in",
        "`dim_customers` with `is_anonymized` true and an empty `email`, whatever form the anonymization left",
        "in Centra (empty fields, or placeholders such as `anonymized-229@anonymized.invalid` and",
        "`Anonymized`); their orders keep counting in every sales figure and in the customer's metrics.",
        "Nothing personal of theirs stays in the warehouse either: `centra_raw` keeps their row and orders",
        "with the personal columns NULL. A customer deleted from Centra (GDPR erasure) has no row at all:",
        "their orders stay in the sales figures with an empty `customer_id` and blanked addresses, so they",
        "count in no customer's metrics or cohort.",
        "",
        "**Does the warehouse hold what Centra holds?** Every run compares Centra's own counts with the",
        "warehouse's (`source_reconciliation`): orders and returns per local created day (a plain run the last",
        "31 days, the nightly run every day of the history), customers and products in total, and on the",
        "nightly run the keys of every product, variant, size, account and buyer. What differs is repaired in",
        "the same run (rows Centra no longer has removed, from every table here too; missing ones loaded) and",
        "checked again. The run summary's completeness per family is 100 × (1 − |Centra − warehouse| / Centra)",
        "over the periods checked, after the repair: 100.00% means every period matched.",
        "",
    ]
    reads = columns_read(registry)
    for spec in sorted(registry.ordered(), key=lambda spec: spec.name):
        lines += [
            f"## `{REPORTING_SCHEMA}.{spec.name}`",
            "",
            spec.description,
            "",
            f"- Grain: {spec.grain}",
            f"- Key: {', '.join(f'`{column}`' for column in spec.key)}",
            f"- Built from: {', '.join(f'`{name}`' for name in spec.inputs)}",
            *_reads_lines(reads[spec.name]),
            "",
            "| column | description |",
            "|---|---|",
            *(f"| `{column}` | {_cell(text)} |" for column, text in spec.columns.items()),
            "",
        ]
    return "\n".join([*lines, *gaps_markdown()])


def _reads_lines(reads: dict[str, tuple[str, ...]]) -> list[str]:
    """What the table reads of each canonical table (checked before every build); optional columns in
    italics (read as NULL when the warehouse lacks them)."""
    lines = []
    for table, columns in reads.items():
        optional = OPTIONAL_COLUMNS.get(table, frozenset())
        named = (
            ", ".join(f"*`{c}`*" if c in optional else f"`{c}`" for c in columns)
            or "no column (its rows only)"
        )
        lines.append(f"- Reads `{RAW_SCHEMA}.{table}`: {named}")
    return lines


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def main() -> int:
    DICTIONARY_PATH.write_text(data_dictionary_markdown(), encoding="utf-8")
    print(f"wrote {DICTIONARY_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
