"""The control surface for tests and the demo: a Python API, also served under `/__sandbox__/`."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any

from sandbox.changes import ChangeSet, ChangeSetResult, apply_change_set
from sandbox.faults import FaultPlan
from sandbox.generator.anonymization import restyle
from sandbox.settings import RateLimitQuotas
from sandbox.state import SandboxState
from sandbox.truth import SandboxTruth, truth

# Variants of uncertain Centra behaviour that may be switched on a running sandbox.
SWITCHABLE_SETTINGS = frozenset(
    {
        "order_updated_at", "customer_updated_at", "events_enabled", "unknown_token_response",
        "retry_after_format", "rate_limit_body", "app_version", "legacy_catalog_offsets",
        "removed_fields", "renamed_enum_values", "added_fields", "max_limit",
        "minimal_schema", "legacy_names", "anonymization_style", "counters_where",
    }
)  # fmt: skip


class SandboxControl:
    def __init__(self, state: SandboxState) -> None:
        self.state = state

    def advance_clock(self, seconds: float) -> str:
        return self.state.clock.advance(timedelta(seconds=seconds)).isoformat()

    def apply_change_set(self, change_set: ChangeSet) -> ChangeSetResult:
        return apply_change_set(self.state, change_set)

    def install_faults(self, plan: FaultPlan) -> None:
        self.state.faults.install(plan)

    def clear_faults(self) -> None:
        self.state.faults.clear()

    def set_rate_limits(self, enabled: bool, quotas: RateLimitQuotas | None = None) -> None:
        limiter = self.state.rate_limiter
        limiter.enabled = enabled
        if quotas is not None:
            self.state.settings.quotas = quotas
            limiter.configure(quotas)

    def update_settings(self, **changes: Any) -> None:
        unknown = set(changes) - SWITCHABLE_SETTINGS
        if unknown:
            raise ValueError(
                f"not switchable at run time: {sorted(unknown)}; choose from {sorted(SWITCHABLE_SETTINGS)}"
            )
        if "anonymization_style" in changes:
            with self.state.store.transaction() as connection:
                restyle(connection, changes["anonymization_style"])  # a bad style fails before it is set
        for name, value in changes.items():
            setattr(self.state.settings, name, value)

    def truth(self) -> dict[str, int]:
        """Row counts of every entity table."""
        return self.state.store.counts()

    def key_truth(self) -> SandboxTruth:
        """The keys themselves: orders by local created day, customers, accounts, buyers, catalog, returns."""
        return truth(self.state)

    def stats(self) -> dict[str, object]:
        return self.state.stats.snapshot()

    def reset_stats(self) -> None:
        self.state.stats.reset()


def change_set_from_json(body: dict[str, Any]) -> ChangeSet:
    return ChangeSet(**body)


def fault_plan_from_json(body: dict[str, Any]) -> FaultPlan:
    return FaultPlan(**body)


def result_to_json(result: ChangeSetResult) -> dict[str, Any]:
    return dataclasses.asdict(result)
