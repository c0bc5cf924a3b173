"""The source's settings, checked once before any request: a wrong value fails with the variable to fix."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pipelines.centra.errors import CentraConfigError
from pipelines.centra.graphql_client import RetryPolicy

if TYPE_CHECKING:
    from pipelines.centra.families.reconciliation.graphql import ReconcileRequest

EARLIEST = date(2000, 1, 1)
DEFAULT_MAX_EXTRACTION_AGE_HOURS = 48
ApiChoice = Literal["auto", "graphql", "order_api"]
API_CHOICES: tuple[ApiChoice, ...] = ("auto", "graphql", "order_api")


@dataclass(frozen=True)
class CentraSettings:
    graphql_url: str | None
    api_token: str | None
    timezone: str = "Europe/Stockholm"
    start_date: date = EARLIEST  # history starts here (orders created before it are not loaded)
    order_lookback_days: int = 60  # without updatedAt or events: re-pull orders created this recently
    window_days: int = 31  # backfill windows of order creation time
    updated_at_overlap_hours: int = 24  # updatedAt windows start this much before the last run's start
    rate_limit_share: float = 0.5  # share of every rate-limit bucket this pipeline may use
    reconcile: bool = False  # also re-pull the lookback window when a cheaper strategy is available
    use_events: bool = False  # Centra enabled the events system for this instance: follow its queue
    order_api_url: str | None = (
        None  # the Order API plugin's URL: the fallback (docs/centra-api-reference.md §B)
    )
    order_api_key: str | None = None  # the plugin's secret API key
    api: ApiChoice = "auto"  # which API serves the families: GraphQL, the Order API, or auto (fallback)
    request_attempts: int = 6  # tries per request on 5xx, timeouts and broken bodies, with backoff
    request_timeout_seconds: float = 60.0  # an answer slower than this is a timeout (retried like a 5xx)
    # A history pull (`centra-elt backfill`): orders created from start_date through history_end_date only,
    # ignoring and leaving alone the incremental watermarks. None = the normal incremental run.
    history_end_date: date | None = None
    # A run fails, and the BI snapshot is held back, when a family has had no successful extraction for
    # longer than this (the pipeline's own staleness); an old newest order is only a warning (flows/README).
    max_extraction_age_hours: int = DEFAULT_MAX_EXTRACTION_AGE_HOURS
    # Runtime requests from the flow, not configuration: what this run's reconciliation compares, and a
    # repair load (only the keys a reconciliation queued, none of the family's own strategy).
    reconciliation: ReconcileRequest | None = None
    repair_only: bool = False

    def __post_init__(self) -> None:
        if self.api not in API_CHOICES:
            raise CentraConfigError(
                f"SOURCES__CENTRA__API must be one of {', '.join(API_CHOICES)} (got {self.api!r})"
            )
        if self.order_api_url or self.api == "order_api":
            _check_url(
                self.order_api_url,
                "SOURCES__CENTRA__ORDER_API_URL",
                "the Order API plugin's URL, like https://<client>.centra.com/api/<plugin-uri>",
            )
        if self.api == "order_api" and not self.order_api_key:
            raise CentraConfigError(
                "SOURCES__CENTRA__ORDER_API_KEY is not set: copy the Order API plugin's API key from AMS"
            )
        if self.api == "graphql" or (
            self.api == "auto" and (self.graphql_url or not self.order_api_configured)
        ):
            self._check_graphql()
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
        if self.request_attempts < 1:
            raise CentraConfigError(
                f"SOURCES__CENTRA__REQUEST_ATTEMPTS must be >= 1, got {self.request_attempts}"
            )
        if not self.request_timeout_seconds > 0:
            raise CentraConfigError(
                f"SOURCES__CENTRA__REQUEST_TIMEOUT_SECONDS must be > 0, got {self.request_timeout_seconds}"
            )
        if self.order_lookback_days < 0 or self.window_days < 1:
            raise CentraConfigError("SOURCES__CENTRA__ORDER_LOOKBACK_DAYS must be >= 0 and WINDOW_DAYS >= 1")
        parse_max_extraction_age_hours(self.max_extraction_age_hours)

    def _check_graphql(self) -> None:
        _check_url(
            self.graphql_url,
            "SOURCES__CENTRA__GRAPHQL_URL",
            "the instance's GraphQL endpoint, like https://<client>.centra.com/graphql",
        )
        if not self.api_token and (self.api == "graphql" or not self.order_api_configured):
            raise CentraConfigError(
                "SOURCES__CENTRA__API_TOKEN is not set: create an Integration API token in AMS"
                + ("" if self.api == "graphql" else ", or configure the Order API fallback "
                   "(SOURCES__CENTRA__ORDER_API_URL and SOURCES__CENTRA__ORDER_API_KEY)")
            )  # fmt: skip

    @property
    def retry_policy(self) -> RetryPolicy:
        return RetryPolicy(max_attempts=self.request_attempts)

    @property
    def graphql_configured(self) -> bool:
        return bool(self.graphql_url and self.api_token)

    @property
    def order_api_configured(self) -> bool:
        return bool(self.order_api_url and self.order_api_key)

    @property
    def history_end(self) -> datetime | None:
        """The end (exclusive, UTC) of a history pull: local midnight after `history_end_date`."""
        if self.history_end_date is None:
            return None
        following = date.fromordinal(self.history_end_date.toordinal() + 1)
        return datetime.combine(following, datetime.min.time(), tzinfo=ZoneInfo(self.timezone)).astimezone(
            UTC
        )

    @property
    def start(self) -> datetime:
        return datetime.combine(
            self.start_date, datetime.min.time(), tzinfo=ZoneInfo(self.timezone)
        ).astimezone(UTC)


def _check_url(value: str | None, setting: str, what: str) -> None:
    url = urlparse(value or "")
    if url.scheme not in ("http", "https") or not url.netloc:
        raise CentraConfigError(f"{setting} must be {what} (got {value!r})")


def parse_start_date(value: str | date | None) -> date:
    if value is None or value == "":
        return EARLIEST
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as error:
        raise CentraConfigError(f"SOURCES__CENTRA__START_DATE must be YYYY-MM-DD, got {value!r}") from error


_TRUE = ("true", "yes", "on", "1")
_FALSE = ("false", "no", "off", "0")


def parse_hash_pii(value: object) -> bool:
    """`hash_pii` from configuration (None or "" = off): a boolean, in TOML or as text (true/false, yes/no,
    on/off, 1/0) from the environment."""
    if value is None or value == "":
        return False
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE or text in _FALSE:
        return text in _TRUE
    raise CentraConfigError(f"SOURCES__CENTRA__HASH_PII must be true or false, got {value!r}")


def parse_max_extraction_age_hours(value: object) -> int:
    """`max_extraction_age_hours` from configuration (None or "" = the default): whole hours, at least 1."""
    if value is None or value == "":
        return DEFAULT_MAX_EXTRACTION_AGE_HOURS
    text = str(value).strip()
    if isinstance(value, bool) or not text.isdigit() or int(text) < 1:
        raise CentraConfigError(
            f"SOURCES__CENTRA__MAX_EXTRACTION_AGE_HOURS must be a whole number of hours >= 1, got {value!r}"
        )
    return int(text)
