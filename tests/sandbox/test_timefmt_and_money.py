"""Centra's time and money notation as the sandbox writes it."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from sandbox.money import formatted, json_number, order_totals
from sandbox.timefmt import iso_local, naive_local, parse_filter_time, php_date, to_local

TZ = "Europe/Stockholm"


def test_local_offset_follows_daylight_saving_time() -> None:
    assert iso_local(datetime(2026, 1, 15, 12, 0), TZ) == "2026-01-15T13:00:00+01:00"
    assert iso_local(datetime(2026, 7, 15, 12, 0), TZ) == "2026-07-15T14:00:00+02:00"
    assert iso_local(datetime(2026, 7, 15, 12, 0), TZ, colon=False) == "2026-07-15T14:00:00+0200"


def test_the_hour_around_the_autumn_switch_keeps_distinct_offsets() -> None:
    before = iso_local(datetime(2026, 10, 25, 0, 30), TZ)  # 02:30 CEST
    after = iso_local(datetime(2026, 10, 25, 1, 30), TZ)  # 02:30 CET
    assert before == "2026-10-25T02:30:00+02:00"
    assert after == "2026-10-25T02:30:00+01:00"


def test_php_date_patterns_used_in_centra_examples() -> None:
    value = to_local(datetime(2022, 6, 23, 13, 47, 12), TZ)
    assert php_date(value, "Y-m-d") == "2022-06-23"
    assert php_date(value, "Y-m-d H:i") == "2022-06-23 15:47"
    assert php_date(value, "Y-m-d\\TH:i:sO") == "2022-06-23T15:47:12+0200"
    assert php_date(value, "U") == "1655992032"


def test_filter_bounds_accept_shop_time_and_offsets() -> None:
    assert parse_filter_time("2021-10-23 00:00:00", TZ) == datetime(2021, 10, 22, 22, 0)
    assert parse_filter_time("2023-01-09T15:18:33+01:00", TZ) == datetime(2023, 1, 9, 14, 18, 33)
    assert parse_filter_time("2023-01-09T15:18:33+0100", TZ) == datetime(2023, 1, 9, 14, 18, 33)
    assert parse_filter_time("2023-01-09T15:18:33Z", TZ) == datetime(2023, 1, 9, 15, 18, 33)
    with pytest.raises(ValueError, match="yesterday"):
        parse_filter_time("yesterday", TZ)


def test_order_api_naive_time_and_zero_date() -> None:
    assert naive_local(datetime(2026, 7, 1, 10, 0), TZ) == "2026-07-01 12:00:00"
    assert naive_local(None, TZ) == "0000-00-00 00:00:00"


def test_money_notation() -> None:
    assert formatted(Decimal("1000"), "SEK") == "1 000.00 SEK"
    assert formatted(Decimal("1234567.5"), "EUR") == "1 234 567.50 EUR"
    assert formatted(Decimal("-5"), "USD") == "-5.00 USD"
    assert json_number(Decimal("675.00")) == 675
    assert isinstance(json_number(Decimal("675.00")), int)
    assert json_number(Decimal("30.50")) == 30.5


def test_order_totals_add_lines_shipping_and_handling_less_the_voucher() -> None:
    order = {
        "voucher_amount": Decimal("50.00"),
        "shipping_amount": Decimal("49.00"),
        "handling_amount": Decimal("0"),
    }
    lines = [
        {
            "quantity": 2,
            "unit_price": Decimal("400.00"),
            "unit_original_price": Decimal("500.00"),
            "tax_percent": 25,
        },
        {
            "quantity": 0,
            "unit_price": Decimal("99.00"),
            "unit_original_price": Decimal("99.00"),
            "tax_percent": 25,
        },
    ]
    totals = order_totals(order, lines)
    assert totals["items"] == Decimal("800.00")
    assert totals["line_discounts"] == Decimal("200.00")
    assert totals["grand_total"] == Decimal("799.00")
    assert totals["tax_included"] == Decimal("160.00") + Decimal("9.80")
    assert totals["quantity"] == 2
