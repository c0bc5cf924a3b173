"""Errors a person can act on: each names what failed, why, and what to change. No secret ever appears."""

from __future__ import annotations


class CentraError(Exception):
    """Base of every error the Centra source raises on purpose."""


class CentraConfigError(CentraError):
    """Configuration is missing or malformed (nothing was requested)."""


class CentraAuthError(CentraError):
    """The API refused the credentials: retrying will not help."""


class CentraPermissionError(CentraError):
    """The token lacks a permission; `permission` names it when Centra said which."""

    def __init__(
        self, message: str, permission: str | None = None, paths: list[list[str | int]] | None = None
    ) -> None:
        super().__init__(message)
        self.permission = permission
        self.paths = paths or []  # where in the answer Centra refused a field


class CentraSchemaError(CentraError):
    """The API's schema lacks something the source needs (Centra changed, or the URL is not Centra)."""


class CentraQueryError(CentraError):
    """GraphQL answered with errors that are neither auth nor schema problems."""


class CentraComplexityError(CentraQueryError):
    """One query costs more complexity than the instance allows at once: ask for smaller pages."""


class CentraUnavailableError(CentraError):
    """The API stayed unreachable, slow or broken after every retry."""


class CentraRateLimitedError(CentraUnavailableError):
    """The API kept answering 429 for one request: it is up but busy (this never opens the circuit breaker)."""


class CentraApiDownError(CentraUnavailableError):
    """The API was found down earlier in this run (`circuit`): not asked again until the next run."""


class CentraResponseError(CentraError):
    """The API answered something that is not a valid response (truncated or non-JSON body)."""


def find_centra_error(error: BaseException) -> CentraError | None:
    """The CentraError behind `error`: dlt wraps what a resource raises in its own step errors."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, CentraError):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None
