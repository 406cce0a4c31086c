"""The REST route handlers: list, count and show endpoints plus ``inventory_levels/set``.

Every handler receives a ``Request`` and answers ``(status, body, extra headers)``. Lists
are id-ascending and cursor-paginated (``paging``); ``fields`` trims each record.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from shopify_simulator.mutations.inventory import publish_levels
from shopify_simulator.rest import orders as rest_orders
from shopify_simulator.rest import render
from shopify_simulator.rest.paging import ParamError, paginate, resolve_filters
from shopify_simulator.rest.params import int_list, int_param, time_param
from shopify_simulator.store import QUANTITY_NAMES, InventoryLevel, Store

Answer = tuple[int, Any, dict[str, str]]
NOT_FOUND: Answer = (404, {"errors": "Not Found"}, {})
LIMIT = 1_000_000_000


@dataclass
class Request:
    store: Store
    params: dict[str, str]
    body: bytes
    groups: dict[str, str]
    base: str  # https-less simulator base of versioned routes, e.g. http://host:port/admin/api/2026-07


def _fields(params: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
    wanted = [f.strip() for f in params.get("fields", "").split(",") if f.strip()]
    return body if not wanted else {k: v for k, v in body.items() if k in wanted}


def _sorted(store: Store, attribute: str) -> list[Any]:
    records = getattr(store, attribute)
    return [records[rid] for _, rid in store.index(attribute, "ID", lambda r: r.id)]


def _common_filter(filters: dict[str, str]) -> Callable[[Any], bool]:
    """``ids``, ``since_id``, ``created_at_min/max`` and ``updated_at_min/max`` (where the record has them)."""
    ids, since = int_list(filters, "ids"), int_param(filters, "since_id")
    names = ("created_at", "updated_at")
    bounds = [(n, time_param(filters, f"{n}_min"), time_param(filters, f"{n}_max")) for n in names]

    def keep(r: Any) -> bool:
        if (ids is not None and r.id not in ids) or (since is not None and r.id <= since):
            return False
        for name, low, high in bounds:
            value = getattr(r, name, None)
            if value is not None and ((low is not None and value < low) or (high is not None and value > high)):
                return False
        return True

    return keep


def _listing(
    req: Request, key: str, path: str, records: Callable[[dict[str, str]], Iterable[Any]], render_one: Callable
) -> Answer:
    filters, cursor = resolve_filters(req.params)
    found = list(records(filters))
    page = paginate(found, req.params, filters, cursor, f"{req.base}/{path}.json")
    body = {key: [_fields(req.params, render_one(req.store, r)) for r in page.items]}
    return 200, body, ({"Link": page.link} if page.link else {})


def _show(req: Request, key: str, record: Any, render_one: Callable) -> Answer:
    if record is None:
        return NOT_FOUND
    return 200, {key: _fields(req.params, render_one(req.store, record))}, {}


def _count(records: Iterable[Any]) -> Answer:
    return 200, {"count": sum(1 for _ in records)}, {}


def _id(req: Request) -> int:
    return int(req.groups["id"])


# --- shop, locations, customers ----------------------------------------------------------------


def shop(req: Request) -> Answer:
    return 200, {"shop": _fields(req.params, render.shop(req.store))}, {}


def locations(req: Request) -> Answer:
    """Not paginated: the endpoint returns every location (location.examples.json test_1)."""
    found = [render.location(req.store, loc) for loc in _sorted(req.store, "locations")]
    return 200, {"locations": [_fields(req.params, b) for b in found]}, {}


def location(req: Request) -> Answer:
    return _show(req, "location", req.store.locations.get(_id(req)), render.location)


def locations_count(req: Request) -> Answer:
    return _count(req.store.locations.values())


def _customers(req: Request) -> Callable[[dict[str, str]], Iterable[Any]]:
    return lambda filters: filter(_common_filter(filters), _sorted(req.store, "customers"))


def customers(req: Request) -> Answer:
    return _listing(req, "customers", "customers", _customers(req), lambda st, c: render.customer(st, c.id))


def customer(req: Request) -> Answer:
    record = req.store.customers.get(_id(req))
    return _show(req, "customer", record, lambda st, c: render.customer(st, c.id))


def customers_count(req: Request) -> Answer:
    return _count(_customers(req)(req.params))


# --- orders ------------------------------------------------------------------------------------


def _orders(req: Request) -> Callable[[dict[str, str]], Iterable[Any]]:
    return lambda filters: filter(rest_orders.matcher(req.store, filters), _sorted(req.store, "orders"))


def orders(req: Request) -> Answer:
    return _listing(req, "orders", "orders", _orders(req), rest_orders.order)


def order(req: Request) -> Answer:
    record = req.store.orders.get(_id(req))
    if record is not None and not rest_orders.visible(req.store, record):
        record = None
    return _show(req, "order", record, rest_orders.order)


def orders_count(req: Request) -> Answer:
    return _count(_orders(req)(req.params))


# --- draft orders, events, products --------------------------------------------------------------


def _drafts(req: Request) -> Callable[[dict[str, str]], Iterable[Any]]:
    def found(filters: dict[str, str]) -> Iterable[Any]:
        status = filters.get("status")
        common = _common_filter(filters)
        return (d for d in _sorted(req.store, "draft_orders") if common(d) and status in (None, d.status.lower()))

    return found


def draft_orders(req: Request) -> Answer:
    return _listing(req, "draft_orders", "draft_orders", _drafts(req), render.draft_order)


def draft_order(req: Request) -> Answer:
    return _show(req, "draft_order", req.store.draft_orders.get(_id(req)), render.draft_order)


def draft_orders_count(req: Request) -> Answer:
    return _count(_drafts(req)(req.params))


def _events(req: Request) -> Callable[[dict[str, str]], Iterable[Any]]:
    """``filter`` (subject types, comma-separated) and ``verb`` (event.examples.json test_3/4)."""

    def found(filters: dict[str, str]) -> Iterable[Any]:
        subjects = {s.strip() for s in filters.get("filter", "").split(",") if s.strip()}
        verb = filters.get("verb")
        common = _common_filter(filters)
        for e in _sorted(req.store, "basic_events"):
            subject = render.REST_SUBJECT.get(e.subject_type, e.subject_type)
            if common(e) and (not subjects or subject in subjects) and verb in (None, e.action):
                yield e

    return found


def events(req: Request) -> Answer:
    return _listing(req, "events", "events", _events(req), render.event)


def event(req: Request) -> Answer:
    return _show(req, "event", req.store.basic_events.get(_id(req)), render.event)


def events_count(req: Request) -> Answer:
    return _count(_events(req)(req.params))


def _products(req: Request) -> Callable[[dict[str, str]], Iterable[Any]]:
    def found(filters: dict[str, str]) -> Iterable[Any]:
        common = _common_filter(filters)
        wanted = {k: filters[k] for k in ("vendor", "product_type", "handle", "status") if k in filters}
        for p in _sorted(req.store, "products"):
            values = {"vendor": p.vendor, "product_type": p.product_type, "handle": p.handle}
            values["status"] = p.status.lower()
            if common(p) and all(values[k] in v.split(",") for k, v in wanted.items()):
                yield p

    return found


def products(req: Request) -> Answer:
    return _listing(req, "products", "products", _products(req), render.product)


def product(req: Request) -> Answer:
    return _show(req, "product", req.store.products.get(_id(req)), render.product)


def products_count(req: Request) -> Answer:
    return _count(_products(req)(req.params))


# --- inventory levels ---------------------------------------------------------------------------


def inventory_levels(req: Request) -> Answer:
    filters, _cursor = resolve_filters(req.params)
    items, locations_ = int_list(filters, "inventory_item_ids"), int_list(filters, "location_ids")
    if items is None and locations_ is None:
        # Guessed wording; the reference only shows successful calls.
        return 422, {"errors": "inventory_item_ids or location_ids must be specified"}, {}

    def found(f: dict[str, str]) -> Iterable[Any]:
        item_ids, location_ids = int_list(f, "inventory_item_ids"), int_list(f, "location_ids")
        for level in _sorted(req.store, "inventory_levels"):
            if (item_ids is None or level.item_id in item_ids) and (
                location_ids is None or level.location_id in location_ids
            ):
                yield level

    return _listing(req, "inventory_levels", "inventory_levels", found, render.inventory_level)


def _required(body: dict[str, Any], name: str) -> int:
    value = body.get(name)
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).lstrip("-").isdigit():
        raise ParamError(name, "Required parameter missing or invalid")
    return int(value)


def inventory_levels_set(req: Request) -> Answer:
    """Last write wins (no compare-and-set); an unconnected location is connected first (REST docs)."""
    try:
        body = json.loads(req.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        body = None
    if not isinstance(body, dict):
        raise ParamError("inventory_item_id", "Required parameter missing or invalid")
    item_id, location_id = _required(body, "inventory_item_id"), _required(body, "location_id")
    available = _required(body, "available")
    store = req.store
    if item_id not in store.inventory_items or location_id not in store.locations:
        return NOT_FOUND
    if abs(available) > LIMIT:
        return 422, {"errors": {"available": [f"must be between -{LIMIT} and {LIMIT}"]}}, {}  # guessed wording
    now = store.now()
    level = store.level(location_id, item_id)
    if level is None:
        level = InventoryLevel(
            store.level_key(location_id, item_id), item_id, location_id, dict.fromkeys(QUANTITY_NAMES, 0), now, now
        )
        store.add_level(level)
    delta = available - level.quantities["available"]
    level.quantities["available"] += delta
    level.quantities["on_hand"] += delta
    level.updated_at = level.available_updated_at = now
    store.invalidate("inventory_levels")
    publish_levels(store, {(location_id, item_id)})
    return 200, {"inventory_level": render.inventory_level(store, level)}, {}


def access_scopes(req: Request) -> Answer:
    return 200, {"access_scopes": [{"handle": s} for s in req.store.scopes]}, {}
