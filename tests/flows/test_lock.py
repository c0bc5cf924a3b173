"""One run at a time per warehouse: the lock refuses, queues, and dies with its process."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from flows.lock import WarehouseBusyError, lock_path, warehouse_lock

HOLD_LOCK = """
import sys, time
from flows.lock import warehouse_lock
with warehouse_lock(sys.argv[1]):
    print("held", flush=True)
    time.sleep(60)
"""


def test_a_second_run_is_refused_with_who_holds_it(tmp_path: Path) -> None:
    warehouse = tmp_path / "centra.duckdb"
    with warehouse_lock(warehouse), pytest.raises(WarehouseBusyError) as refused, warehouse_lock(warehouse):
        pass
    message = str(refused.value)
    assert str(warehouse) in message
    assert "pid" in message
    assert "--wait" in message


def test_a_waiting_run_gets_the_lock_when_the_first_ends(tmp_path: Path) -> None:
    warehouse = tmp_path / "centra.duckdb"
    released = threading.Event()

    def first_run() -> None:
        with warehouse_lock(warehouse):
            time.sleep(1.0)
        released.set()

    holder = threading.Thread(target=first_run)
    holder.start()
    time.sleep(0.2)
    with warehouse_lock(warehouse, wait_seconds=10):
        assert released.is_set()
    holder.join()


def test_a_killed_run_leaves_no_stale_lock(tmp_path: Path) -> None:
    warehouse = tmp_path / "centra.duckdb"
    process = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(warehouse)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "held"
        with pytest.raises(WarehouseBusyError), warehouse_lock(warehouse):
            pass
        process.kill()
        process.wait(10)
        with warehouse_lock(warehouse):
            assert lock_path(warehouse).exists()
    finally:
        process.kill()
