"""The events system (docs/centra-api-reference.md §A10): listeners per integration name, a queue read oldest-first until
confirmed, and `object` resolved to the object's current state (null once it is deleted)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from ariadne import MutationType, ObjectType, QueryType, UnionType
from graphql import GraphQLResolveInfo

from sandbox.graphql_api import views
from sandbox.graphql_api.batching import as_siblings, siblings_of
from sandbox.graphql_api.context import RequestContext, context_of
from sandbox.graphql_api.resolvers.reference import by_key
from sandbox.graphql_api.sql import Where, page_window

Row = dict[str, Any]

CHANGE_TYPES = ("CREATED", "UPDATED", "DELETED", "COMPLETED", "DEPENDENT_DATA_CHANGED")
EVENTS = "SELECT e.*, e.event_id AS id, e.object_key AS object_reference FROM events e"
LISTENERS = "SELECT * FROM event_listeners"

# Event object type -> (view, key column); orders are keyed by number in the queue.
OBJECT_VIEWS = {
    "Order": (views.ORDERS, "number"),
    "Shipment": (views.SHIPMENTS, "id"),
    "Return": (views.RETURNS, "id"),
    "Customer": (views.CUSTOMERS, "id"),
    "Product": (views.PRODUCTS, "id"),
    "ProductVariant": (views.VARIANTS, "id"),
}


def _listeners(ctx: RequestContext) -> list[Row]:
    where = Where().equals("integration_name", ctx.token.integration_name)
    return views.select(ctx, LISTENERS, where, " ORDER BY object_type")


query = QueryType()


@query.field("eventListeners")
def resolve_event_listeners(_: Any, info: GraphQLResolveInfo) -> list[Row]:
    return _listeners(context_of(info))


@query.field("events")
def resolve_events(
    _: Any, info: GraphQLResolveInfo, where: dict[str, Any] | None = None, limit: int = 20
) -> list[Row]:
    ctx, where = context_of(info), where or {}
    size, _ = page_window(limit, 1)
    condition = Where().equals("integration_name", ctx.token.integration_name).add("confirmed_at IS NULL")
    if ctx.store_restriction is not None:
        condition.add("(store_id IS NULL OR store_id = ?)", ctx.store_restriction)
    condition.any_of("object_type", where.get("objectType")).any_of("change_type", where.get("changeType"))
    condition.any_of("store_id", where.get("storeId")).any_of("market_id", where.get("marketId"))
    return as_siblings(views.select(ctx, EVENTS, condition, " ORDER BY id", f" LIMIT {size}"))


def _as_int(text: str) -> Any:
    return int(text) if text.lstrip("-").isdigit() else text


def resolve_event_object(row: Row, info: GraphQLResolveInfo) -> Row | None:
    """The object now; every event on the page is looked up with one query per object type."""
    if row["change_type"] == "DELETED" or row["object_type"] not in OBJECT_VIEWS:
        return None
    group = siblings_of(row)
    if "objects" not in group.fetched:
        ctx = context_of(info)
        wanted: dict[str, set[Any]] = defaultdict(set)
        for event in group.rows:
            if event["object_type"] in OBJECT_VIEWS:
                wanted[event["object_type"]].add(_as_int(event["object_reference"]))
        found: dict[Any, Row] = {}
        for object_type, keys in wanted.items():
            view, column = OBJECT_VIEWS[object_type]
            for obj in as_siblings(views.select_in(ctx, view, column, sorted(keys, key=str))):
                found[(object_type, obj[column])] = obj
        group.fetched["objects"] = found
    return group.fetched["objects"].get((row["object_type"], _as_int(row["object_reference"])))


event = ObjectType("Event")
event.set_field("object", resolve_event_object)
event.set_field("store", by_key("stores", "store_id"))
event.set_field("market", by_key("markets", "market_id"))

event_object = UnionType("EventObject", lambda obj, *_: obj["__typename"])


def _ordered(change_types: set[str]) -> list[str]:
    return [change for change in CHANGE_TYPES if change in change_types]


def _payload(ctx: RequestContext, warnings: list[Row] | None = None) -> Row:
    return {"eventListeners": _listeners(ctx), "userErrors": [], "userWarnings": warnings or []}


mutation = MutationType()


@mutation.field("setEventListeners")
def resolve_set_event_listeners(_: Any, info: GraphQLResolveInfo, input: list[Row]) -> Row:
    """Additive and idempotent; leaving out `changeTypes` (or an empty list) means every change type."""
    ctx = context_of(info)
    now, name = ctx.state.clock.now_naive_utc(), ctx.token.integration_name
    with ctx.store.transaction() as connection:
        for item in input:
            wanted = set(item.get("changeTypes") or [])
            existing = connection.execute(
                "SELECT change_types FROM event_listeners WHERE integration_name = ? AND object_type = ?",
                [name, item["objectType"]],
            ).fetchone()
            if existing is None:
                connection.execute(
                    "INSERT INTO event_listeners VALUES (?, ?, ?, ?, ?)",
                    [name, item["objectType"], _ordered(wanted), now, now],
                )
                continue
            merged = set() if not existing[0] or not wanted else set(existing[0]) | wanted
            connection.execute(
                "UPDATE event_listeners SET change_types = ?, updated_at = ? "
                "WHERE integration_name = ? AND object_type = ?",
                [_ordered(merged), now, name, item["objectType"]],
            )
    return _payload(ctx)


@mutation.field("unsetEventListeners")
def resolve_unset_event_listeners(_: Any, info: GraphQLResolveInfo, input: list[Row]) -> Row:
    """Removes the change types (all when `changeTypes` is left out) and drops their queued events."""
    ctx = context_of(info)
    now, name = ctx.state.clock.now_naive_utc(), ctx.token.integration_name
    warnings: list[Row] = []
    with ctx.store.transaction() as connection:
        for index, item in enumerate(input):
            object_type = item["objectType"]
            existing = connection.execute(
                "SELECT change_types FROM event_listeners WHERE integration_name = ? AND object_type = ?",
                [name, object_type],
            ).fetchone()
            if existing is None:
                warnings.append(
                    {"message": f"No event listener for {object_type}; nothing removed.",
                     "path": ["input", str(index), "objectType"]}
                )  # fmt: skip
                continue
            removed = set(item.get("changeTypes") or CHANGE_TYPES)
            remaining = set(existing[0] or CHANGE_TYPES) - removed
            if remaining:
                connection.execute(
                    "UPDATE event_listeners SET change_types = ?, updated_at = ? "
                    "WHERE integration_name = ? AND object_type = ?",
                    [_ordered(remaining), now, name, object_type],
                )
            else:
                connection.execute(
                    "DELETE FROM event_listeners WHERE integration_name = ? AND object_type = ?",
                    [name, object_type],
                )
            removed_list = _ordered(removed)
            connection.execute(
                "DELETE FROM events WHERE integration_name = ? AND object_type = ? AND confirmed_at IS NULL "
                f"AND change_type IN ({', '.join('?' for _ in removed_list)})",
                [name, object_type, *removed_list],
            )
    return _payload(ctx, warnings)


@mutation.field("confirmEvents")
def resolve_confirm_events(_: Any, info: GraphQLResolveInfo, input: Row) -> Row:
    """Confirms this integration's events; unknown and duplicate IDs are skipped with a warning."""
    ctx = context_of(info)
    warnings: list[Row] = []
    seen: set[int] = set()
    ids: list[int] = []
    for event_id in input["eventsIds"]:
        if event_id in seen:
            warnings.append(
                {"message": f"Duplicate event ID {event_id} skipped.", "path": ["input", "eventsIds"]}
            )
        else:
            seen.add(event_id)
            ids.append(event_id)
    with ctx.store.transaction() as connection:
        known: set[int] = set()
        if ids:
            placeholders = ", ".join("?" for _ in ids)
            rows = connection.execute(
                f"SELECT event_id FROM events WHERE integration_name = ? AND event_id IN ({placeholders})",
                [ctx.token.integration_name, *ids],
            ).fetchall()
            known = {row[0] for row in rows}
            connection.execute(
                "UPDATE events SET confirmed_at = ? WHERE integration_name = ? AND confirmed_at IS NULL "
                f"AND event_id IN ({placeholders})",
                [ctx.state.clock.now_naive_utc(), ctx.token.integration_name, *ids],
            )
    for event_id in ids:
        if event_id not in known:
            warnings.append(
                {"message": f"Event ID {event_id} not found; skipped.", "path": ["input", "eventsIds"]}
            )
    return {"userErrors": [], "userWarnings": warnings}


event_listener = ObjectType("EventListener")

BINDABLES = [query, event, event_object, mutation, event_listener]
