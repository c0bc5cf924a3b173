"""What a run says about itself: which API served each family, and what that API can not see.

The source writes it to `pipeline.state["sources"]["centra"]["last_run"]` on every run (overwriting the
previous one), committed with the load:

    {"apis": {"orders": {"api": "order_api", "reason": "GraphQL answered ..."}, ...},
     "blind_spots": ["orders: on-hold and waiting-for-payment orders are hidden ...", ...],
     "missing_fields": {"catalog": ["ProductVariant.unitCost", ...], ...},
     "notes": ["orders: use_events is on, but Centra refused the event listeners (...)", ...],
     "outages": ["GraphQL was found down at 2026-11-02 10:04:31 UTC (planning orders): ...", ...]}

`api` is "graphql", "order_api", or None when no API could serve the family (it was skipped); `reason`
says why the family is not on GraphQL (None when it is, or when GraphQL was chosen explicitly). `outages`
names each API the run's circuit breaker (`circuit`) knew to be down when the source planned its APIs.
`read_last_run` turns that into a `SourceRunRecord` for the flows layer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

LAST_RUN = "last_run"

# What the Order API can not see, per family it serves (README "Order API fallback"). Surfaced in every
# run summary where the Order API served the family, so nobody mistakes a gap for data.
ORDER_API_BLIND_SPOTS: dict[str, tuple[str, ...]] = {
    "orders": (
        "orders: on-hold and waiting-for-payment orders are hidden unless the Order API plugin returns them, "
        "and orders outside the plugin's markets and statuses are invisible",
        "orders: only the order date can be filtered, so changes to orders older than order_lookback_days "
        "arrive only with a reconcile run",
        "orders: no conversion_rate (only /returns has baseCurrencyRate), no handling_amount, store_id, "
        "buyer_id or updated_at; first and last names are NULL (the Order API joins them)",
        "orders__lines: fully cancelled lines are not listed; no product/variant/size/brand ids or "
        "cancelled_quantity; sku is sku + variantSku + sizeSku",
        "orders__shipments: only the /orders summary (number, shipped_at, carrier, service, tracking); "
        "orders__shipments__lines gets no rows (no shipment line ids)",
        "orders__returns: no status, updated_at or completed_at (is_completed only); return lines have no amount",
        "orders: status is mapped from orderStatus codes 1..6 (PENDING, CONFIRMED, PROCESSING, SHIPPED, "
        "ARCHIVED, CANCELLED) [inferred]",
    ),
    "customers": ("customers: wholesale accounts and buyers have no Order API endpoint and are not loaded",),
    "catalog": (
        "catalog: only products with at least one size appear; no status, numbers, brand/collection/size chart "
        "ids, bundle flag, unit cost or variant timestamps",
    ),
    "stock": (
        "stock: summed over the Order API plugin's warehouses under the synthetic warehouse_id 0; "
        "no per-warehouse rows",
    ),
}


@dataclass(frozen=True)
class FamilyApi:
    api: str | None  # "graphql" | "order_api" | None (nothing served it)
    reason: str | None = None

    def as_state(self) -> dict[str, str | None]:
        return {"api": self.api, "reason": self.reason}


@dataclass(frozen=True)
class SourceRunRecord:
    apis: dict[str, FamilyApi] = field(default_factory=dict)
    blind_spots: tuple[str, ...] = ()
    # Optional fields the instance's schema lacks, by family: their columns load NULL (schema_fit).
    missing_fields: dict[str, tuple[str, ...]] = field(default_factory=dict)
    notes: tuple[str, ...] = ()  # decisions a reader should know of (events refused, ...)
    outages: tuple[str, ...] = ()  # APIs found down this run (`circuit.Outage.describe`)

    def served_by(self, api: str | None) -> list[str]:
        return sorted(name for name, choice in self.apis.items() if choice.api == api)

    @property
    def skipped(self) -> list[str]:
        return self.served_by(None)

    def as_state(self) -> dict[str, Any]:
        return {
            "apis": {name: choice.as_state() for name, choice in self.apis.items()},
            "blind_spots": list(self.blind_spots),
            "missing_fields": {name: list(fields) for name, fields in self.missing_fields.items()},
            "notes": list(self.notes),
            "outages": list(self.outages),
        }

    def lacking(self) -> list[str]:
        """One line per family whose queries left fields out."""
        return [
            f"{name}: this instance does not offer: {', '.join(fields)}"
            for name, fields in sorted(self.missing_fields.items())
            if fields
        ]

    def render(self) -> str:
        """A few lines for a log or a flow's artifact."""
        lines = [f"down: {outage}" for outage in self.outages]
        for name, choice in sorted(self.apis.items()):
            served = choice.api or "not loaded"
            lines.append(f"{name}: {served}" + (f" ({choice.reason})" if choice.reason else ""))
        lines.extend(f"blind spot: {spot}" for spot in self.blind_spots)
        lines.extend(self.lacking())
        lines.extend(f"note: {note}" for note in self.notes)
        return "\n".join(lines)


def summarize(
    apis: Mapping[str, FamilyApi],
    missing_fields: Mapping[str, Sequence[str]] | None = None,
    notes: Sequence[str] = (),
    outages: Sequence[str] = (),
) -> SourceRunRecord:
    """The summary of a run whose families were served as `apis` says, with the blind spots that follow,
    the optional fields the instance lacks, notes, and the `outages` that made some families fall back."""
    spots: list[str] = []
    for name, choice in apis.items():
        if choice.api == "order_api":
            spots.extend(ORDER_API_BLIND_SPOTS.get(name, ()))
        elif choice.api is None:
            spots.append(f"{name}: not loaded this run — {choice.reason or 'no API could serve it'}")
    missing = {name: tuple(fields) for name, fields in (missing_fields or {}).items() if fields}
    return SourceRunRecord(dict(apis), tuple(spots), missing, tuple(notes), tuple(outages))


def read_last_run(pipeline_state: Mapping[str, Any]) -> SourceRunRecord | None:
    """The last run's summary from a dlt pipeline's state (`pipeline.state`), or None before any run."""
    source_state = (pipeline_state.get("sources") or {}).get("centra") or {}
    last = source_state.get(LAST_RUN)
    if not last:
        return None
    apis = {
        name: FamilyApi(entry.get("api"), entry.get("reason"))
        for name, entry in (last.get("apis") or {}).items()
    }
    missing = {name: tuple(fields) for name, fields in (last.get("missing_fields") or {}).items()}
    return SourceRunRecord(
        apis,
        tuple(last.get("blind_spots") or ()),
        missing,
        tuple(last.get("notes") or ()),
        tuple(last.get("outages") or ()),
    )
