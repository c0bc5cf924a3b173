"""Expressions every reporting table uses for money, base currency and local days."""

from __future__ import annotations

import polars as pl

MONEY = pl.Decimal(18, 4)
CANCELLED_STATUS = "CANCELLED"


def as_money(amount: pl.Expr) -> pl.Expr:
    """An amount as DECIMAL(18,4), rounded half away from zero to the 4th decimal."""
    return amount.round(4, mode="half_away_from_zero").cast(MONEY)


def in_base_currency(amount: pl.Expr, conversion_rate: pl.Expr) -> pl.Expr:
    """`amount × conversion_rate`, the rate captured on the order, as DECIMAL(18,4)."""
    return as_money(amount * conversion_rate)


def local_date(timestamp: pl.Expr, timezone: str) -> pl.Expr:
    """The calendar date of a UTC timestamp in the Centra instance's timezone."""
    return timestamp.dt.convert_time_zone(timezone).dt.date()


def as_utc(timestamp: pl.Expr) -> pl.Expr:
    return timestamp.dt.convert_time_zone("UTC")


def is_cancelled(status: pl.Expr) -> pl.Expr:
    return status.str.to_uppercase().eq(CANCELLED_STATUS).fill_null(False)
