"""A thin GraphQL client for the sandbox tests: raw httpx for status/header checks, gql for templates."""

from __future__ import annotations

from typing import Any

import httpx
from gql import Client
from gql.transport.httpx import HTTPXTransport

from sandbox.server import RunningSandbox

DEFAULT_TOKEN = "sandbox-token"


class GraphQL:
    """Real HTTP to one sandbox's `/graphql`, authenticated with `token` unless told otherwise."""

    def __init__(self, sandbox: RunningSandbox, token: str | None = DEFAULT_TOKEN) -> None:
        self.sandbox = sandbox
        self.token = token
        self.http = httpx.Client(timeout=30)

    def post(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        """`headers` replaces the default `Authorization` header (e.g. to send the token as a cookie)."""
        sent = dict(headers) if headers is not None else {}
        if headers is None and self.token is not None:
            sent["Authorization"] = f"Bearer {self.token}"
        return self.http.post(
            self.sandbox.graphql_url, json={"query": query, "variables": variables or {}}, headers=sent
        )

    def body(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The JSON body of an HTTP 200 answer."""
        response = self.post(query, variables)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def data(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """`data` of an answer without errors."""
        body = self.body(query, variables)
        assert "errors" not in body, body["errors"]
        data: dict[str, Any] = body["data"]
        return data

    def errors(self, query: str, variables: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        body = self.body(query, variables)
        assert body.get("errors"), body
        errors: list[dict[str, Any]] = body["errors"]
        return errors


def gql_client(sandbox: RunningSandbox, token: str = DEFAULT_TOKEN, fetch_schema: bool = False) -> Client:
    """A gql client as the extractor would use it (optionally validating against the introspected schema)."""
    transport = HTTPXTransport(
        url=sandbox.graphql_url, headers={"Authorization": f"Bearer {token}"}, timeout=30
    )
    return Client(transport=transport, fetch_schema_from_transport=fetch_schema)
