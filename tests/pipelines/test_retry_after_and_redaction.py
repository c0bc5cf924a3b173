from __future__ import annotations

import logging
from email.utils import formatdate

import pytest

from pipelines.centra.redaction import RedactingFilter, redact, register_secret
from pipelines.centra.retry_after import seconds_to_wait

NOW = 1_800_000_000.0
IN_FOUR_SECONDS_HTTP_DATE = formatdate(NOW + 4, usegmt=True)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("3", 3.0),
        ("0.5", 0.5),
        ("1800000004", 4.0),
        ("1800000004000", 4.0),
        (IN_FOUR_SECONDS_HTTP_DATE, 4.0),
        ("2027-01-15T08:00:04Z", 4.0),  # ISO-8601 in UTC (NOW is 2027-01-15 08:00:00 UTC)
        ("2027-01-15T09:00:04+01:00", 4.0),  # ISO-8601 with an offset
        ("2027-01-15T08:00:04.500+00:00", 4.5),
        ("2027-01-15T08:00:04", 4.0),  # no offset: UTC
        ("2027-01-15T07:59:00Z", 0.0),  # already past
        ("1799999990", 0.0),  # already past
    ],
)
def test_every_plausible_retry_after_form_is_read(value: str, expected: float) -> None:
    assert seconds_to_wait(value, default=9.0, now=NOW) == pytest.approx(expected)


@pytest.mark.parametrize("value", [None, "", "soon", "Thu, 99 Foo 2026", "2027-13-45T99:00:00Z"])
def test_unreadable_retry_after_falls_back_to_the_default(value: str | None) -> None:
    assert seconds_to_wait(value, default=7.0, now=NOW) == 7.0


def test_registered_secrets_are_replaced_in_text_and_log_records() -> None:
    register_secret("tok-very-secret-123")
    assert redact("Bearer tok-very-secret-123 refused") == "Bearer *** refused"
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "token %s", ("tok-very-secret-123",), None)
    RedactingFilter().filter(record)
    assert record.getMessage() == "token ***"


def test_short_strings_are_not_treated_as_secrets() -> None:
    register_secret("abc")
    assert redact("abc abc") == "abc abc"
