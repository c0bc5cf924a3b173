"""Answers both imitated APIs share: the 429 with its Retry-After header in the configured format."""

from __future__ import annotations

import math
import time
from datetime import UTC, datetime
from email.utils import formatdate

from starlette.responses import JSONResponse, PlainTextResponse, Response

from sandbox.settings import RateLimitBody, RetryAfterFormat


def retry_after_value(seconds: float, style: RetryAfterFormat, wall_clock: float | None = None) -> str:
    """`Retry-After` as delta-seconds, an HTTP-date, a Unix timestamp or an ISO-8601 UTC timestamp
    (`2026-11-01T09:00:05Z`), never earlier than `seconds`."""
    wait = max(1, math.ceil(seconds))
    resume_at = (time.time() if wall_clock is None else wall_clock) + wait
    if style == "http_date":
        return formatdate(math.ceil(resume_at), usegmt=True)
    if style == "epoch":
        return str(math.ceil(resume_at))
    if style == "iso8601":
        return datetime.fromtimestamp(math.ceil(resume_at), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return str(wait)


def too_many_requests(seconds: float, style: RetryAfterFormat, body: RateLimitBody) -> Response:
    headers = {"Retry-After": retry_after_value(seconds, style)}
    if body == "text":
        return PlainTextResponse("Too Many Requests", status_code=429, headers=headers)
    payload = {
        "errors": [{"message": "Rate limit exceeded, retry later.", "extensions": {"category": "ratelimit"}}]
    }
    return JSONResponse(payload, status_code=429, headers=headers)
