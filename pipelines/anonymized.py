"""Which customers Centra has anonymized, in every form an anonymization may leave (one rule, used by the
raw tables' scrub, `pipelines/privacy.py`, and by reporting, `warehouse/tables/dim_customers.py`).

Centra documents that anonymizing a customer removes their personal data, not what is left (docs/centra-api-reference.md §B:
"[?]"): the fields may come back NULL, as empty strings, or as placeholders. A customer (or an order's
address) is anonymized when
- the email is NULL, blank, or a placeholder: a local part that starts `anonymized`/`anonymised`/
  `anonymous`/`deleted`/`redacted`/`removed`/`gdpr`, a domain labelled `anonymized`/`anonymised`
  (`x@anonymized`, `x@anonymized.invalid`), or a domain under the reserved `.invalid` TLD (RFC 2606: no real
  mailbox has one);
- and both names are NULL, blank or a placeholder (`Anonymized`, `Anonymous`, `Deleted`, `Redacted`,
  `Removed`, `GDPR`, optionally followed by `user`/`customer`, `N/A`, or only `*`, `#`, `-` or `.`).
Both halves must hold: a customer with a placeholder-looking email but a real name keeps their data. Only
polars here, so `warehouse/` may import it without the dlt source.
"""

from __future__ import annotations

import polars as pl

PLACEHOLDER_WORDS = r"anonymi[sz]ed|anonymous|deleted|redacted|removed|gdpr"
PLACEHOLDER_EMAIL = (
    rf"^({PLACEHOLDER_WORDS})"  # anonymized-229@…, deleted.42@…
    r"|@(.+\.)?(anonymi[sz]ed)(\..+)?$"  # …@anonymized, …@anonymized.invalid
    r"|@(.+\.)?invalid$"  # …@example.invalid: the reserved TLD
)
PLACEHOLDER_NAME = rf"^(({PLACEHOLDER_WORDS})( user| customer)?|n/?a|[*#.\-]+)$"


def _blank(text: pl.Expr) -> pl.Expr:
    return text.is_null() | (text.str.strip_chars() == "")


def _matches(text: pl.Expr, pattern: str) -> pl.Expr:
    return text.str.strip_chars().str.to_lowercase().str.contains(pattern).fill_null(False)


def is_anonymized(email: pl.Expr, first_name: pl.Expr, last_name: pl.Expr) -> pl.Expr:
    """True where a customer (or an order's address) carries what an anonymization leaves, in any form."""
    email_gone = _blank(email) | _matches(email, PLACEHOLDER_EMAIL)
    names_gone = [_blank(name) | _matches(name, PLACEHOLDER_NAME) for name in (first_name, last_name)]
    return email_gone & names_gone[0] & names_gone[1]
