"""The source's settings: resolved once from dlt's configuration, checked before any request, handed to everything.

`resolve_settings()` reads every `sources.centra.*` value through dlt's providers in one pass (environment
`SOURCES__CENTRA__*`, `.dlt/secrets.toml`, `.dlt/config.toml`; secrets only from the secret providers) and
builds one `CentraSettings`. Each setting has one default, the dataclass field's; a wrong value fails with
the variable to fix. The source, the flow's steps, the doctor and the rate-limit probe all read this object.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import InitVar, dataclass, field, fields, replace
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dlt.common.configuration import configspec, resolve_configuration
from dlt.common.configuration.exceptions import ValueNotSecretException
from dlt.common.configuration.specs import BaseConfiguration
from dlt.common.typing import TSecretStrValue

from pipelines.centra.errors import CentraConfigError
from pipelines.centra.transport import RetryPolicy

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from pipelines.centra.families.reconciliation.graphql import ReconcileRequest

SECTIONS = (
    "sources",
    "centra",
)  # `[sources.centra]` in the TOML files, SOURCES__CENTRA__<NAME> in the environment
EARLIEST = date(2000, 1, 1)
DEFAULT_TIMEZONE = "Europe/Stockholm"  # the one default; warehouse/ and flows/ take the configured value
DEFAULT_MAX_EXTRACTION_AGE_HOURS = 48
ApiChoice = Literal["auto", "graphql", "order_api"]
API_CHOICES: tuple[ApiChoice, ...] = ("auto", "graphql", "order_api")
# Per-run requests from the flow, not configuration: never read from dlt's providers.
RUNTIME_FIELDS = ("history_end_date", "reconciliation", "repair_only")


def variable(name: str) -> str:
    """The environment variable that configures setting `name` (what error messages tell a person to fix)."""
    return f"SOURCES__CENTRA__{name.upper()}"


@dataclass(frozen=True)
class CentraSettings:
    graphql_url: str | None = None
    api_token: str | None = field(default=None, repr=False)  # secrets never in a repr (logs, tracebacks)
    timezone: str = DEFAULT_TIMEZONE
    start_date: date = EARLIEST  # history starts here (orders created before it are not loaded)
    order_lookback_days: int = 60  # without updatedAt or events: re-pull orders created this recently
    window_days: int = 31  # backfill windows of order creation time
    # updatedAt windows start this much before the newest updatedAt seen (DECISIONS.md §37 says why 10)
    updated_at_overlap_minutes: int = 10
    updated_at_overlap_hours: int | None = None  # deprecated (before 2026-12): hours, overrides the minutes
    rate_limit_share: float = 0.5  # share of every rate-limit bucket this pipeline may use
    reconcile: bool = False  # also re-pull the lookback window when a cheaper strategy is available
    use_events: bool = False  # Centra enabled the events system for this instance: follow its queue
    order_api_url: str | None = (
        None  # the Order API plugin's URL: the fallback (docs/centra-api-reference.md §B)
    )
    order_api_key: str | None = field(default=None, repr=False)  # the plugin's secret API key
    api: ApiChoice = "auto"  # which API serves the families: GraphQL, the Order API, or auto (fallback)
    request_attempts: int = 6  # tries per request on 5xx, timeouts and broken bodies, with backoff
    request_timeout_seconds: float = 60.0  # an answer slower than this is a timeout (retried like a 5xx)
    # The reporting build shows SHA-256 hashes of customer emails (the CLI's --hash-pii/--no-hash-pii and the
    # flow's `hash_pii` parameter override it for one run).
    hash_pii: bool = False
    # A run fails, and the BI snapshot is held back, when a family has had no successful extraction for
    # longer than this (the pipeline's own staleness); an old newest order is only a warning (flows/README).
    max_extraction_age_hours: int = DEFAULT_MAX_EXTRACTION_AGE_HOURS
    # A history pull (`centra-elt backfill`): orders created from start_date through history_end_date only,
    # ignoring and leaving alone the incremental watermarks. None = the normal incremental run.
    history_end_date: date | None = None
    # Runtime requests from the flow, not configuration: what this run's reconciliation compares, and a
    # repair load (only the keys a reconciliation queued, none of the family's own strategy).
    reconciliation: ReconcileRequest | None = None
    repair_only: bool = False
    # False: check the values but not that an API is configured (the flow's own settings, the doctor).
    require_api: InitVar[bool] = True

    def __post_init__(self, require_api: bool) -> None:
        if self.api not in API_CHOICES:
            raise CentraConfigError(
                f"SOURCES__CENTRA__API must be one of {', '.join(API_CHOICES)} (got {self.api!r})"
            )
        if require_api:
            self._check_apis()
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise CentraConfigError(
                f"SOURCES__CENTRA__TIMEZONE {self.timezone!r} is not a timezone name such as {DEFAULT_TIMEZONE}"
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
        if self.order_lookback_days < 0:
            raise CentraConfigError(
                f"SOURCES__CENTRA__ORDER_LOOKBACK_DAYS must be >= 0, got {self.order_lookback_days}"
            )
        if self.window_days < 1:
            raise CentraConfigError(f"SOURCES__CENTRA__WINDOW_DAYS must be >= 1, got {self.window_days}")
        if self.updated_at_overlap_minutes < 0:
            raise CentraConfigError(
                "SOURCES__CENTRA__UPDATED_AT_OVERLAP_MINUTES must be >= 0, "
                f"got {self.updated_at_overlap_minutes}"
            )
        if self.updated_at_overlap_hours is not None:
            if self.updated_at_overlap_hours < 0:
                raise CentraConfigError(
                    "SOURCES__CENTRA__UPDATED_AT_OVERLAP_HOURS must be >= 0, "
                    f"got {self.updated_at_overlap_hours}"
                )
            log.warning(
                "SOURCES__CENTRA__UPDATED_AT_OVERLAP_HOURS is deprecated and overrides "
                "SOURCES__CENTRA__UPDATED_AT_OVERLAP_MINUTES (default 10): set the minutes and drop the hours"
            )
        if self.max_extraction_age_hours < 1:
            raise CentraConfigError(
                "SOURCES__CENTRA__MAX_EXTRACTION_AGE_HOURS must be a whole number of hours >= 1, "
                f"got {self.max_extraction_age_hours!r}"
            )

    def _check_apis(self) -> None:
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
    def updated_at_overlap(self) -> timedelta:
        """How far before a watermark an updatedAt (or `modified`) window starts again; the deprecated
        hours setting, where configured, wins over the minutes."""
        if self.updated_at_overlap_hours is not None:
            return timedelta(hours=self.updated_at_overlap_hours)
        return timedelta(minutes=self.updated_at_overlap_minutes)

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

    def with_overrides(self, *, require_api: bool = True, **overrides: Any) -> CentraSettings:
        """These settings with `overrides` (text as configuration gives it, or typed values) parsed and
        applied, checked again; a None override leaves that setting as it is."""
        return replace(self, require_api=require_api, **parse_values(overrides))


def _check_url(value: str | None, setting: str, what: str) -> None:
    url = urlparse(value or "")
    if url.scheme not in ("http", "https") or not url.netloc:
        raise CentraConfigError(f"{setting} must be {what} (got {value!r})")


@configspec
class CentraConfiguration(BaseConfiguration):
    """Where dlt looks for each setting (`sources.centra.<name>`): every CentraSettings field but the runtime
    ones, as configured (None: not set, the CentraSettings default applies). Secrets are typed as secrets, so
    dlt reads them only from secret providers (environment, secrets.toml), never from config.toml.
    `parse_values` turns the text into the settings' types with our messages (dlt's coercion would name no
    variable and accept "2024" as a date)."""

    graphql_url: Any | None = None
    api_token: TSecretStrValue | None = None
    timezone: Any | None = None
    start_date: Any | None = None
    order_lookback_days: Any | None = None
    window_days: Any | None = None
    updated_at_overlap_minutes: Any | None = None
    updated_at_overlap_hours: Any | None = None
    rate_limit_share: Any | None = None
    reconcile: Any | None = None
    use_events: Any | None = None
    order_api_url: Any | None = None
    order_api_key: TSecretStrValue | None = None
    api: Any | None = None
    request_attempts: Any | None = None
    request_timeout_seconds: Any | None = None
    hash_pii: Any | None = None
    max_extraction_age_hours: Any | None = None


@configspec
class NothingInjected(BaseConfiguration):
    """`centra_source`'s spec for dlt: empty, so dlt injects none of the source's parameters from
    configuration (it would otherwise read e.g. `repair_only` or `resources` from SOURCES__CENTRA__*): the
    settings come from `resolve_settings`, the runtime arguments from the caller."""


def configured_values() -> dict[str, Any]:
    """The settings dlt's providers hold, as configured (one resolution); a setting not configured is absent."""
    try:
        resolved = resolve_configuration(CentraConfiguration(), sections=SECTIONS)
    except ValueNotSecretException as error:  # a token in config.toml (which is committed): never read it
        name = error.key.rsplit(".", 1)[-1]
        raise CentraConfigError(
            f"{variable(name)} is a secret and {error.provider_name} can not hold it: "
            "move it to .dlt/secrets.toml or the environment"
        ) from None
    return {name: resolved[name] for name in configurable_names() if resolved[name] not in (None, "")}


def resolve_settings(*, require_api: bool = True, **overrides: Any) -> CentraSettings:
    """The one CentraSettings of a run: dlt's configuration with `overrides` (e.g. a CLI option, a flow
    parameter) on top. `require_api=False` checks every value but not that an API is configured."""
    given = {name: value for name, value in overrides.items() if value is not None}
    return CentraSettings(**parse_values({**configured_values(), **given}), require_api=require_api)


def configurable_names() -> tuple[str, ...]:
    """The settings configuration may set: every CentraSettings field but the runtime requests."""
    return tuple(spec.name for spec in fields(CentraSettings) if spec.name not in RUNTIME_FIELDS)


def parse_values(values: dict[str, Any]) -> dict[str, Any]:
    """`values` in the settings' types (None and "" dropped: the default or current value stays); a value
    that does not parse fails naming its variable, an unknown name names the settings there are."""
    parsed: dict[str, Any] = {}
    for name, value in values.items():
        if name not in _PARSERS:
            raise CentraConfigError(
                f"unknown Centra setting {name!r}; the settings are {', '.join(sorted(_PARSERS))}"
            )
        if value is not None and value != "":
            parsed[name] = _PARSERS[name](name, value)
    return parsed


def _text(name: str, value: Any) -> str:
    return str(value)


def _date(name: str, value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError as error:
        raise CentraConfigError(f"{variable(name)} must be YYYY-MM-DD, got {value!r}") from error


def _whole(name: str, value: Any) -> int:
    text = str(value).strip()
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if not isinstance(value, bool) and text.lstrip("+-").isdigit():
        return int(text)
    what = "a whole number of hours >= 1" if name == "max_extraction_age_hours" else "a whole number"
    raise CentraConfigError(f"{variable(name)} must be {what}, got {value!r}")


def _number(name: str, value: Any) -> float:
    if isinstance(value, bool):
        raise CentraConfigError(f"{variable(name)} must be a number, got {value!r}")
    try:
        return float(value)
    except (TypeError, ValueError) as error:
        raise CentraConfigError(f"{variable(name)} must be a number, got {value!r}") from error


_TRUE = ("true", "yes", "on", "1")
_FALSE = ("false", "no", "off", "0")


def _flag(name: str, value: Any) -> bool:
    """A boolean, in TOML or as text (true/false, yes/no, on/off, 1/0) from the environment."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE or text in _FALSE:
        return text in _TRUE
    raise CentraConfigError(f"{variable(name)} must be true or false, got {value!r}")


def _as_is(name: str, value: Any) -> Any:
    return value


_PARSERS: dict[str, Callable[[str, Any], Any]] = {
    "graphql_url": _text,
    "api_token": _text,
    "timezone": _text,
    "start_date": _date,
    "order_lookback_days": _whole,
    "window_days": _whole,
    "updated_at_overlap_minutes": _whole,
    "updated_at_overlap_hours": _whole,
    "rate_limit_share": _number,
    "reconcile": _flag,
    "use_events": _flag,
    "order_api_url": _text,
    "order_api_key": _text,
    "api": _text,
    "request_attempts": _whole,
    "request_timeout_seconds": _number,
    "hash_pii": _flag,
    "max_extraction_age_hours": _whole,
    "history_end_date": _date,
    "reconciliation": _as_is,
    "repair_only": _flag,
}
