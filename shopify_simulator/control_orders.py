"""Control-plane endpoints that change orders the way a storefront or a merchant would.

``POST /_simulator/orders`` places an order (``{"line_items": [{"sku", "quantity"}],
"customer_email"?, "financial_status"?, "shipping"?, "tags"?, "note"?, "test"?}``),
``POST /_simulator/orders/<id>/update`` edits tags/note/email, ``…/<id>/cancel`` cancels
(``{"reason"?, "restock"?}``) and ``DELETE /_simulator/orders/<id>`` deletes it, leaving a
``destroy`` event. Each publishes its webhook topic and moves committed inventory.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any

from shopify_simulator import order_math, order_writes
from shopify_simulator.engine import Engine
from shopify_simulator.formatting import cents, gid, iso, money
from shopify_simulator.store import Address, Customer, LineItem, Order, Store

ROUTE = re.compile(r"^/_simulator/orders(?:/(?P<id>[^/]+))?(?:/(?P<action>update|cancel))?$")
Answer = tuple[int, dict[str, Any]]


def handle(engine: Engine, method: str, route: str, body: bytes) -> Answer | None:
    match = ROUTE.match(route)
    if match is None:
        return None
    try:
        data = json.loads(body or b"{}") or {}
        if not isinstance(data, dict):
            raise ValueError
    except ValueError:
        return 400, {"error": "body must be a JSON object"}
    store = engine.store
    with store.lock, store.writing():
        if match["id"] is None:
            return create(store, data) if method == "POST" else None
        order = store.orders.get(_number(match["id"]))
        if order is None:
            return 404, {"error": f"no order {match['id']}"}
        if method == "DELETE" and match["action"] is None:
            order_writes.delete_order(store, order)
            return 200, {"deleted": gid("Order", order.id)}
        if method == "POST" and match["action"] == "update":
            return update(store, order, data)
        if method == "POST" and match["action"] == "cancel":
            if order.cancelled_at is not None:
                return 422, {"error": "order is already cancelled"}
            order_writes.cancel(store, order, str(data.get("reason", "OTHER")).upper(), bool(data.get("restock", True)))
            return 200, summary(store, order)
    return None


def _number(value: str) -> int:
    tail = value.rsplit("/", 1)[-1]
    return int(tail) if tail.isdigit() else -1


def summary(store: Store, order: Order) -> dict[str, Any]:
    return {
        "id": gid("Order", order.id),
        "name": f"#{order.number}",
        "displayFinancialStatus": order.financial_status,
        "displayFulfillmentStatus": order.fulfillment_status,
        "totalPrice": money(cents(order.total)),
        "updatedAt": iso(order.updated_at),
        "cancelledAt": iso(order.cancelled_at) if order.cancelled_at is not None else None,
    }


def _order_copy(customer: Customer | None) -> Address | None:
    """An order keeps its own copy of the customer's default address, not the address book's."""
    address = customer.address if customer else None
    return None if address is None else replace(address, model_name=None)


def create(store: Store, data: dict[str, Any]) -> Answer:
    by_sku = {v.sku: v for v in store.variants.values() if v.sku}
    wanted = data.get("line_items") or []
    if not wanted or not all(isinstance(w, dict) and w.get("sku") in by_sku for w in wanted):
        return 422, {"error": "line_items must be a non-empty list of {sku, quantity} with known SKUs"}
    customer = next((c for c in store.customers.values() if c.email and c.email == data.get("customer_email")), None)
    location_id = min(loc.id for loc in store.locations.values() if loc.is_active)
    now = store.now()
    order = Order(
        id=store.next_id(), number=store.next_order_number(),
        customer_id=customer.id if customer else None, email=data.get("customer_email"), phone=None,
        created_at=now, updated_at=now, processed_at=now, cancelled_at=None, cancel_reason=None, closed_at=None,
        test=bool(data.get("test", False)), financial_status=data.get("financial_status", "PAID"),
        fulfillment_status="UNFULFILLED", currency_code=store.shop.currency_code, source_name="web",
        tags=tuple(sorted(data.get("tags") or [])), gateways=("manual",), location_id=location_id,
        shipping=int(data.get("shipping", 0)), tax=0,
        billing_address=_order_copy(customer), shipping_address=_order_copy(customer),
        note=data.get("note"),
    )  # fmt: skip
    for w in wanted:
        variant, quantity = by_sku[w["sku"]], max(1, int(w.get("quantity", 1)))
        product = store.products[variant.product_id]
        line = LineItem(
            store.next_id(), order.id, variant.id, variant.sku, product.title,
            None if variant.title == "Default Title" else variant.title, quantity, quantity, quantity,
            variant.price, 0,
        )  # fmt: skip
        order.line_items.append(line)
        order.tax += order_math.line_tax(line)
        order_writes.move_stock(store, order, line, quantity, "commit")
    store.orders[order.id] = order
    if customer is not None:
        customer.order_ids.append(order.id)
    store.invalidate("orders")
    order_writes.publish_order(store, "orders/create", order)
    return 201, summary(store, order)


def update(store: Store, order: Order, data: dict[str, Any]) -> Answer:
    if "tags" in data:
        order.tags = tuple(sorted({str(t).strip() for t in data["tags"] if str(t).strip()}, key=str.lower))
    if "note" in data:
        order.note = data["note"]
    if "email" in data:
        order.email = data["email"]
    if "hold_reason" in data:  # a FulfillmentHoldReason puts its fulfillment order on hold; null releases it
        order.hold_reason = data["hold_reason"]
    order_writes.touched(store, order)
    order_writes.publish_order(store, "orders/updated", order)
    return 200, summary(store, order)
