"""``fulfillmentCreate`` and ``fulfillmentTrackingInfoUpdate`` (SHOPIFY_API_NOTES §6).

Messages and field paths are the real ones from ``fulfillment-create-preconditions``:
a missing fulfillment order, a closed one ("…has an unfulfillable status= closed."),
a quantity of 0 (at the line's ``quantity`` path) and more than remains. ``UserError``
has no ``code``. Omitting ``fulfillmentOrderLineItems`` fulfills all that remains; an
``IN_PROGRESS`` fulfillment order can still be fulfilled (real capture).
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLResolveInfo

from shopify_simulator import order_writes
from shopify_simulator.formatting import parse_gid
from shopify_simulator.order_math import fulfillment_order_status
from shopify_simulator.order_records import Tracking
from shopify_simulator.resolvers.fulfillments import FO_LINE_OFFSET, fulfillment_order
from shopify_simulator.store import LineItem, Store

MISSING = "Fulfillment order does not exist."
BAD_QUANTITY = "Invalid fulfillment order line item quantity requested."
NOT_POSITIVE = "Quantity must be greater than 0"
# Not captured: the wording for fulfillment orders of two orders in one call, and for a
# missing fulfillment in fulfillmentTrackingInfoUpdate.
OTHER_ORDER = "All fulfillment orders must belong to the same order."
NO_FULFILLMENT = "Fulfillment does not exist."


def unfulfillable(fo_number: int, status: str) -> str:
    """Real for CLOSED; ON_HOLD (and the rest) assumed to follow the same pattern."""
    return f"Fulfillment order {fo_number} has an unfulfillable status= {status.lower()}."


def error(field: list[str], message: str) -> dict[str, Any]:
    return {"field": field, "message": message}


def tracking_of(data: dict[str, Any] | None) -> tuple[Tracking, ...]:
    """(company, number, url) per tracking number; ``numbers``/``urls`` win over ``number``/``url``."""
    if not data:
        return ()
    company = data.get("company")
    numbers = list(data.get("numbers") or ([data["number"]] if data.get("number") else []))
    urls = list(data.get("urls") or ([data["url"]] if data.get("url") else []))
    if not numbers:
        return ((company, None, urls[0] if urls else None),) if company or urls else ()
    urls += [None] * (len(numbers) - len(urls))
    return tuple((company, n, u) for n, u in zip(numbers, urls, strict=False))


def _requested(store: Store, fulfillment: dict[str, Any]) -> tuple[Any, list[tuple[LineItem, int]], list[dict]]:
    """(order, wanted (line, quantity) pairs, userErrors)."""
    order = None
    wanted: list[tuple[LineItem, int]] = []
    for i, group in enumerate(fulfillment["lineItemsByFulfillmentOrder"]):
        for j, item in enumerate(group.get("fulfillmentOrderLineItems") or ()):
            if item["quantity"] <= 0:
                path = ["fulfillment", "lineItemsByFulfillmentOrder", str(i), "fulfillmentOrderLineItems", str(j)]
                return None, [], [error([*path, "quantity"], NOT_POSITIVE)]
        fo = fulfillment_order(store, group["fulfillmentOrderId"])
        if fo is None:
            return None, [], [error(["fulfillment"], MISSING)]
        if order is not None and fo.order is not order:
            return None, [], [error(["fulfillment"], OTHER_ORDER)]
        order = fo.order
        status = fulfillment_order_status(order)
        if status in ("CLOSED", "ON_HOLD", "CANCELLED", "INCOMPLETE", "SCHEDULED"):
            return None, [], [error(["fulfillment"], unfulfillable(fo.id, status))]
        lines = {li.id + FO_LINE_OFFSET: li for li in order.line_items}
        items = group.get("fulfillmentOrderLineItems")
        if not items:  # omitted: everything that remains
            wanted += [(li, li.unfulfilled_quantity) for li in order.line_items if li.unfulfilled_quantity > 0]
            continue
        for item in items:
            line = lines.get(parse_gid(item["id"], "FulfillmentOrderLineItem") or 0)
            if line is None or item["quantity"] > line.unfulfilled_quantity:
                return None, [], [error(["fulfillment"], BAD_QUANTITY)]
            wanted.append((line, item["quantity"]))
    if order is None or not wanted:
        return None, [], [error(["fulfillment"], BAD_QUANTITY)]
    return order, wanted, []


def resolve_fulfillment_create(_root: Any, info: GraphQLResolveInfo, fulfillment: dict[str, Any], **_: Any) -> dict:
    store: Store = info.context.store
    with store.lock:
        order, wanted, errors = _requested(store, fulfillment)
        if errors:
            return {"fulfillment": None, "userErrors": errors}
        created = order_writes.fulfill(store, order, wanted, tracking_of(fulfillment.get("trackingInfo")))
        return {"fulfillment": created, "userErrors": []}


def resolve_tracking_update(
    _root: Any, info: GraphQLResolveInfo, fulfillmentId: str, trackingInfoInput: dict[str, Any], **_: Any
) -> dict[str, Any]:
    """Replaces the whole tracking list (real multi-number capture)."""
    store: Store = info.context.store
    with store.lock:
        number = parse_gid(fulfillmentId, "Fulfillment")
        found = None if number is None else store.fulfillments.get(number)
        if found is None:
            return {"fulfillment": None, "userErrors": [error(["fulfillmentId"], NO_FULFILLMENT)]}
        order_writes.update_tracking(store, found, tracking_of(trackingInfoInput))
        return {"fulfillment": found, "userErrors": []}
