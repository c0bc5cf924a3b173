"""The events system's queue: a change to an object queues one event per integration listening for it."""

from __future__ import annotations

from datetime import datetime

from sandbox.store import Store


def emit(
    store: Store,
    *,
    enabled: bool,
    at: datetime,
    object_type: str,
    change_type: str,
    object_key: str | int,
    store_id: int | None = None,
    market_id: int | None = None,
) -> int:
    """Queue the event for every integration listening to `object_type`/`change_type`; return how many.

    Nothing is queued while the instance has the events system switched off (Centra enables it on request).
    """
    if not enabled:
        return 0
    with store.lock:
        listeners = store.rows(
            "SELECT integration_name FROM event_listeners WHERE object_type = ? "
            "AND (len(change_types) = 0 OR list_contains(change_types, ?))",
            [object_type, change_type],
        )
        for listener in listeners:
            store.execute(
                "INSERT INTO events (integration_name, object_type, change_type, object_key, store_id, "
                "market_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    listener["integration_name"],
                    object_type,
                    change_type,
                    str(object_key),
                    store_id,
                    market_id,
                    at,
                ],
            )
        return len(listeners)
