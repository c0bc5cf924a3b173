"""Change sets: what happens to a Centra instance between two pipeline runs (placeholder until it lands)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sandbox.state import SandboxState


@dataclass(frozen=True)
class ChangeSet:
    """How many of each change to make; `seed` makes the choice of affected rows deterministic."""

    seed: int = 0
    new_orders: int = 0
    status_changes: int = 0  # orders moved along PENDING -> CONFIRMED -> PROCESSING -> SHIPPED (or archived)
    old_order_age_days: int = 40  # status changes pick orders about this old
    cancelled_lines: int = 0  # a unit (or the whole line) cancelled on existing orders
    new_returns: int = 0  # returns created on shipped orders
    deleted_returns: int = 0  # existing returns deleted
    anonymized_customers: int = 0
    renamed_products: int = 0
    stock_changes: int = 0  # (warehouse, size) rows whose physical quantity moves


@dataclass
class ChangeSetResult:
    """The keys each change touched, so tests can check the pipeline saw every one."""

    new_order_numbers: list[int] = field(default_factory=list)
    status_changed_order_numbers: list[int] = field(default_factory=list)
    cancelled_line_ids: list[int] = field(default_factory=list)
    new_return_ids: list[int] = field(default_factory=list)
    deleted_return_ids: list[int] = field(default_factory=list)
    anonymized_customer_ids: list[int] = field(default_factory=list)
    renamed_product_ids: list[int] = field(default_factory=list)
    changed_stock: list[tuple[int, int]] = field(default_factory=list)  # (warehouse_id, product_size_id)
    events_emitted: int = 0


def apply_change_set(state: SandboxState, change_set: ChangeSet) -> ChangeSetResult:
    raise NotImplementedError("change sets have not landed yet")
