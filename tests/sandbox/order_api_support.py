"""A small Order API client for the sandbox tests, plus helpers that read the sandbox's own store."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from sandbox.server import RunningSandbox


class OrderApi:
    """Real HTTP to one sandbox's Order API, with the right key unless told otherwise."""

    def __init__(self, sandbox: RunningSandbox) -> None:
        self.sandbox = sandbox
        self.client = httpx.Client(base_url=sandbox.order_api_url, timeout=30)
        self.key = sandbox.state.settings.order_api_key

    def get(self, path: str, headers: dict[str, str] | None = None, **params: Any) -> httpx.Response:
        sent = {"API-Authorization": self.key} if headers is None else headers
        return self.client.get(path, params={k: str(v) for k, v in params.items()}, headers=sent)

    def ok(self, path: str, **params: Any) -> dict[str, Any]:
        response = self.get(path, **params)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        assert body["status"] == "ok", body
        return body

    def drain_offset(self, path: str, key: str, limit: int, **params: Any) -> list[dict[str, Any]]:
        """Page with limit/offset until a short page; checks no page is longer than `limit`."""
        rows: list[dict[str, Any]] = []
        while True:
            page = self.ok(path, limit=limit, offset=len(rows), **params)[key]
            assert len(page) <= limit
            rows.extend(page)
            if len(page) < limit:
                return rows

    def drain_pages(self, path: str, key: str, limit: int, **params: Any) -> list[dict[str, Any]]:
        """Page with limit/page (1-based) until a short page."""
        rows: list[dict[str, Any]] = []
        page_number = 1
        while True:
            page = self.ok(path, limit=limit, page=page_number, **params)[key]
            assert len(page) <= limit
            rows.extend(page)
            if len(page) < limit:
                return rows
            page_number += 1

    def store(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        return self.sandbox.state.store.rows(sql, params)

    def close(self) -> None:
        self.client.close()


def local_text(utc_naive: datetime, timezone: str) -> str:
    """A store timestamp as the naive local text the Order API should print (computed independently)."""
    return (
        utc_naive.replace(tzinfo=ZoneInfo("UTC")).astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M:%S")
    )


VISIBLE_BY_DEFAULT = "NOT (is_on_hold OR is_waiting_for_payment)"
