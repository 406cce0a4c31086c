"""State changes of the orders domain, shared by the GraphQL mutations and the control plane.

Each change bumps ``updatedAt``, drops the order indexes (``store.invalidate``), moves
committed inventory the way Shopify does, and publishes a ``StoreEvent`` with the
webhook topic and a REST-shaped payload. Validation (userErrors) is the caller's job.
"""

from __future__ import annotations

from shopify_simulator import order_math as m
from shopify_simulator import rest_payloads
from shopify_simulator.events import StoreEvent
from shopify_simulator.formatting import gid
from shopify_simulator.order_records import SUBJECT_TYPES, BasicEvent, Fulfillment, Tracking
from shopify_simulator.store import LineItem, Order, Store

_EVENT_IDS = 181_928_900_000_000


def publish(store: Store, topic: str, payload: dict, resource_gid: str) -> None:
    store.events.publish(StoreEvent(topic, payload, resource_gid, store.clock()))


def publish_order(store: Store, topic: str, order: Order) -> None:
    publish(store, topic, rest_payloads.order(store, order), gid("Order", order.id))


def touched(store: Store, order: Order) -> None:
    order.updated_at = max(store.now(), order.updated_at)
    store.changed(order)
    store.invalidate("orders")


def move_stock(store: Store, order: Order, line: LineItem, quantity: int, kind: str) -> None:
    """Inventory effect of `quantity` units of a line at the order's location.

    ``commit`` (order placed): available → committed; ``release`` (cancelled with
    restock): committed → available; ``ship`` (fulfilled): committed and on_hand drop.
    """
    variant = store.variants.get(line.variant_id)
    level = store.level(order.location_id, variant.inventory_item_id) if variant else None
    if level is None or quantity == 0:
        return
    q = level.quantities
    if kind == "commit":
        q["available"] -= quantity
        q["committed"] += quantity
    elif kind == "release":
        q["available"] += quantity
        q["committed"] -= quantity
    elif kind == "ship":
        q["committed"] -= quantity
        q["on_hand"] -= quantity
    level.updated_at = store.now()
    if kind != "ship":
        level.available_updated_at = level.updated_at
    store.invalidate("inventory_levels")


def fulfill(
    store: Store, order: Order, wanted: list[tuple[LineItem, int]], tracking: tuple[Tracking, ...]
) -> Fulfillment:
    """Create a fulfillment of `wanted` (line, quantity) pairs, already validated."""
    now = store.now()
    for line, quantity in wanted:
        line.unfulfilled_quantity -= quantity
        move_stock(store, order, line, quantity, "ship")
    fulfillment = Fulfillment(
        store.next_id(), order.id, order.location_id, now, now,
        tuple((line.id, quantity) for line, quantity in wanted), tracking,
        sequence=len(order.fulfillment_ids) + 1,
    )  # fmt: skip
    store.fulfillments[fulfillment.id] = fulfillment
    order.fulfillment_ids = (*order.fulfillment_ids, fulfillment.id)
    order.fulfillment_status = m.fulfillment_status(store, order)
    touched(store, order)
    publish(
        store, "fulfillments/create", rest_payloads.fulfillment(store, fulfillment), gid("Fulfillment", fulfillment.id)
    )
    topic = "orders/fulfilled" if order.fulfillment_status == "FULFILLED" else "orders/partially_fulfilled"
    publish_order(store, topic, order)
    publish_order(store, "orders/updated", order)
    return fulfillment


def update_tracking(store: Store, fulfillment: Fulfillment, tracking: tuple[Tracking, ...]) -> None:
    fulfillment.tracking = tracking
    fulfillment.updated_at = store.now()
    order = store.orders.get(fulfillment.order_id)
    if order is not None:
        touched(store, order)
    payload = rest_payloads.fulfillment(store, fulfillment)
    publish(store, "fulfillments/update", payload, gid("Fulfillment", fulfillment.id))


def cancel(store: Store, order: Order, reason: str, restock: bool, staff_note: str | None = None) -> None:
    """Cancel and close the order; current totals drop to zero (orderCancel-parity)."""
    now = store.now()
    for line in order.line_items:
        if restock:
            move_stock(store, order, line, line.unfulfilled_quantity, "release")
        else:  # the units stay out of `available` but are no longer committed to this order
            move_stock(store, order, line, line.unfulfilled_quantity, "ship")
        line.unfulfilled_quantity = 0
        line.current_quantity = 0
    order.cancelled_at = order.closed_at = now
    order.cancel_reason = reason
    order.hold_reason = None
    if order.financial_status in ("AUTHORIZED", "PENDING"):
        order.financial_status = "VOIDED"
    if staff_note:
        order.note = staff_note if order.note is None else order.note
    touched(store, order)
    publish_order(store, "orders/cancelled", order)
    publish_order(store, "orders/updated", order)


def set_closed(store: Store, order: Order, closed: bool) -> None:
    order.closed_at = store.now() if closed else None
    touched(store, order)
    publish_order(store, "orders/updated", order)


def record_destroy(store: Store, type_name: str, number: int) -> BasicEvent:
    """A ``destroy`` BasicEvent, as ``events(query: "action:destroy …")`` reports deletions."""
    global _EVENT_IDS
    _EVENT_IDS = max(_EVENT_IDS, max(store.basic_events, default=0)) + 1
    event = BasicEvent(
        _EVENT_IDS, "destroy", SUBJECT_TYPES.get(type_name, "UNKNOWN"), gid(type_name, number), store.now()
    )
    store.basic_events[event.id] = event
    store.invalidate("basic_events")
    return event


def delete_order(store: Store, order: Order) -> None:
    for line in order.line_items:
        if order.cancelled_at is None and order.closed_at is None:
            move_stock(store, order, line, line.unfulfilled_quantity, "release")
    del store.orders[order.id]
    customer = store.customers.get(order.customer_id)
    if customer is not None and order.id in customer.order_ids:
        customer.order_ids.remove(order.id)
    store.invalidate("orders")
    record_destroy(store, "Order", order.id)
    publish(store, "orders/delete", {"id": order.id}, gid("Order", order.id))
