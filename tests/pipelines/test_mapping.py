from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from pipelines.centra.mapping import flag, money, optional_int, optional_text, utc_timestamp

TZ = "Europe/Stockholm"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2022-06-23T15:47:12+02:00", datetime(2022, 6, 23, 13, 47, 12, tzinfo=UTC)),
        ("2021-12-31T13:44:23+0100", datetime(2021, 12, 31, 12, 44, 23, tzinfo=UTC)),
        ("2023-01-09T15:18:33Z", datetime(2023, 1, 9, 15, 18, 33, tzinfo=UTC)),
        ("2026-07-01 12:00:00", datetime(2026, 7, 1, 10, 0, tzinfo=UTC)),  # naive: instance time, summer
        ("2026-01-15 12:00:00", datetime(2026, 1, 15, 11, 0, tzinfo=UTC)),  # naive: instance time, winter
        ("0000-00-00 00:00:00", None),
        ("", None),
        (None, None),
    ],
)
def test_timestamps_become_utc_using_their_own_offset(value: str | None, expected: datetime | None) -> None:
    assert utc_timestamp(value, TZ) == expected


def test_garbage_timestamps_are_refused_with_the_value_named() -> None:
    with pytest.raises(ValueError, match="yesterday"):
        utc_timestamp("yesterday", TZ)


def test_money_keeps_decimal_precision() -> None:
    assert money(0.1) == Decimal("0.1")
    assert money(675) == Decimal("675")
    assert money("329.00") == Decimal("329.00")
    assert money(None) is None
    with pytest.raises(ValueError, match="USD"):
        money("0.00 USD")


def test_empties_flags_and_string_ids() -> None:
    assert optional_text("") is None
    assert optional_text("  ") is None
    assert optional_text("Åre") == "Åre"
    assert flag(1) is True
    assert flag("0") is False
    assert flag(True) is True
    assert flag("") is None
    assert optional_int("83651") == 83651
    assert optional_int("") is None
    with pytest.raises(ValueError, match="flag"):
        flag("yes")
