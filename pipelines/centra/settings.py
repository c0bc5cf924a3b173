"""The source's settings, checked once before any request: a wrong value fails with the variable to fix."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pipelines.centra.errors import CentraConfigError

EARLIEST = date(2000, 1, 1)


@dataclass(frozen=True)
class CentraSettings:
    graphql_url: str
    api_token: str
    timezone: str = "Europe/Stockholm"
    start_date: date = EARLIEST  # history starts here (orders created before it are not loaded)
    order_lookback_days: int = 60  # without updatedAt or events: re-pull orders created this recently
    window_days: int = 31  # backfill windows of order creation time
    updated_at_overlap_hours: int = 24  # updatedAt windows start this much before the last run's start
    rate_limit_share: float = 0.5  # share of every rate-limit bucket this pipeline may use
    reconcile: bool = False  # also re-pull the lookback window when a cheaper strategy is available
    use_events: bool = False  # Centra enabled the events system for this instance: follow its queue

    def __post_init__(self) -> None:
        url = urlparse(self.graphql_url or "")
        if url.scheme not in ("http", "https") or not url.netloc:
            raise CentraConfigError(
                "SOURCES__CENTRA__GRAPHQL_URL must be the instance's GraphQL endpoint, "
                f"like https://<client>.centra.com/graphql (got {self.graphql_url!r})"
            )
        if not self.api_token:
            raise CentraConfigError(
                "SOURCES__CENTRA__API_TOKEN is not set: create an Integration API token in AMS"
            )
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise CentraConfigError(
                f"SOURCES__CENTRA__TIMEZONE {self.timezone!r} is not a timezone name such as Europe/Stockholm"
            ) from error
        if not 0 < self.rate_limit_share <= 1:
            raise CentraConfigError(
                f"SOURCES__CENTRA__RATE_LIMIT_SHARE must be in (0, 1], got {self.rate_limit_share}"
            )
        if self.order_lookback_days < 0 or self.window_days < 1:
            raise CentraConfigError("SOURCES__CENTRA__ORDER_LOOKBACK_DAYS must be >= 0 and WINDOW_DAYS >= 1")

    @property
    def start(self) -> datetime:
        return datetime.combine(
            self.start_date, datetime.min.time(), tzinfo=ZoneInfo(self.timezone)
        ).astimezone(UTC)


def parse_start_date(value: str | date | None) -> date:
    if value is None or value == "":
        return EARLIEST
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as error:
        raise CentraConfigError(f"SOURCES__CENTRA__START_DATE must be YYYY-MM-DD, got {value!r}") from error
