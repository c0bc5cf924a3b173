"""One run at a time per warehouse: an exclusive lock file beside the DuckDB file.

DuckDB takes its own lock only while a connection is open, and a run opens and closes connections many times
(dlt's load, the build, the publish), so two runs could interleave their writes. The run lock covers the
whole run. It is an `flock` on `<warehouse dir>/.<file name>.lock`: the kernel releases it when the process
ends, however it ends (a SIGKILLed run never leaves a stale lock). The file records who holds it, for the
message the second run prints.

This serialises runs on one machine. Runs from several machines against one warehouse (a network
destination) need a Prefect global concurrency limit instead; see flows/README.md.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

POLL_SECONDS = 0.5


class WarehouseBusyError(RuntimeError):
    """Another run holds the warehouse."""


def lock_path(warehouse: Path) -> Path:
    warehouse = Path(warehouse)
    return warehouse.with_name(f".{warehouse.name}.lock")


@contextmanager
def warehouse_lock(warehouse: Path, wait_seconds: float = 0.0) -> Iterator[None]:
    """Hold the warehouse's run lock; wait up to `wait_seconds` for it, else raise WarehouseBusyError."""
    path = lock_path(warehouse)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + max(wait_seconds, 0.0)
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise WarehouseBusyError(_busy_message(warehouse, path, wait_seconds)) from None
                time.sleep(POLL_SECONDS)
        os.ftruncate(descriptor, 0)
        os.pwrite(
            descriptor, f"pid {os.getpid()}, started {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC".encode(), 0
        )
        try:
            yield
        finally:
            os.ftruncate(descriptor, 0)
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)


def _busy_message(warehouse: Path, path: Path, wait_seconds: float) -> str:
    try:
        holder = path.read_text().strip() or "another process"
    except OSError:
        holder = "another process"
    waited = f" after waiting {wait_seconds:g} s" if wait_seconds > 0 else ""
    return (
        f"another centra-elt run ({holder}) is writing to {warehouse}{waited}: "
        "wait for it to finish, or pass --wait SECONDS to queue behind it"
    )
