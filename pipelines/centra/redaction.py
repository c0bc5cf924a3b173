"""Keep secrets out of text: every message, log line and error passes through `redact` before it leaves."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable

_MIN_SECRET_LENGTH = 4
_lock = threading.Lock()
_secrets: set[str] = set()


def register_secret(secret: str | None) -> None:
    """Remember a secret so `redact` (and the logging filter) replace it everywhere."""
    if secret and len(secret) >= _MIN_SECRET_LENGTH:
        with _lock:
            _secrets.add(secret)


def redact(text: str, extra: Iterable[str | None] = ()) -> str:
    with _lock:
        secrets = sorted(
            _secrets | {s for s in extra if s and len(s) >= _MIN_SECRET_LENGTH}, key=len, reverse=True
        )
    for secret in secrets:
        text = text.replace(secret, "***")
    return text


class RedactingFilter(logging.Filter):
    """A logging filter that rewrites each record's message with secrets replaced."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
