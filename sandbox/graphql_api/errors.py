"""GraphQL errors the way Centra's (PHP, webonyx-style) server reports them: every one has a `category`."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError


class ApiError(GraphQLError):
    """An error a resolver raises on purpose; graphql-core keeps its extensions when it adds the path."""

    def __init__(self, message: str, category: str = "graphql") -> None:
        super().__init__(message, extensions={"category": category})


def permission_error(permission: str, field_name: str) -> ApiError:
    return ApiError(f"You need {permission} permission to access {field_name}.", "authorization")


def format_error(error: GraphQLError) -> dict[str, Any]:
    """The error as JSON, with `category` filled in for errors graphql-core raised itself."""
    formatted: dict[str, Any] = dict(error.formatted)
    extensions = dict(formatted.get("extensions") or {})
    if "category" not in extensions:
        original = error.original_error
        internal = original is not None and not isinstance(original, GraphQLError)
        extensions["category"] = "internal" if internal else "graphql"
    formatted["extensions"] = extensions
    return formatted
