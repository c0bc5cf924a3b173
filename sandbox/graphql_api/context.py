"""What every resolver of one request sees: the sandbox state, the caller's token, per-request caches."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from graphql import GraphQLResolveInfo

from sandbox.settings import SandboxSettings, TokenSpec
from sandbox.state import SandboxState
from sandbox.store import Store

T = TypeVar("T")


@dataclass
class RequestContext:
    state: SandboxState
    token: TokenSpec
    cache: dict[str, Any] = field(default_factory=dict)

    @property
    def settings(self) -> SandboxSettings:
        return self.state.settings

    @property
    def store(self) -> Store:
        return self.state.store

    @property
    def timezone(self) -> str:
        return self.state.settings.timezone

    @property
    def store_restriction(self) -> int | None:
        """The only store a store-restricted token may see, else None."""
        return self.token.store_id

    def cached(self, key: str, load: Callable[[], T]) -> T:
        """Load once per request (reference tables are small and read by many fields)."""
        if key not in self.cache:
            self.cache[key] = load()
        return self.cache[key]


def context_of(info: GraphQLResolveInfo) -> RequestContext:
    return info.context
