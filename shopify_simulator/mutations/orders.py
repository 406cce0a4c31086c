"""``orderCancel``, ``orderClose``, ``orderOpen``, ``tagsAdd`` and ``tagsRemove``.

orderCancel is asynchronous in Shopify (``job { id done: false }``) but the simulator
applies it at once, so a later read already shows ``closed``, ``cancelledAt`` and zero
current totals (``orderCancel-parity``). Its errors are ``OrderCancelUserError`` with
the captured messages and ``code: INVALID`` (``orderCancel-error-messages``), mirrored
without ``code`` in the deprecated ``userErrors``.
"""

from __future__ import annotations

import uuid
from typing import Any

from graphql import GraphQLResolveInfo

from shopify_simulator import order_math, order_writes
from shopify_simulator.formatting import parse_gid
from shopify_simulator.order_records import Refund
from shopify_simulator.store import Order, Store

Info = GraphQLResolveInfo
CANCELLED = "Cannot cancel an order that has already been canceled"
FULFILLED = "Cannot cancel an order that has outstanding fulfillments"
REFUND_CONFLICT = "Only one of the arguments `refund` or `refund_method` is allowed."
NOTE_TOO_LONG = "Staff note is too long. Maximum length is 255 characters."
# Not captured (wording assumed): unknown ids.
NO_ORDER = "Order does not exist"
NO_RESOURCE = "Resource does not exist"


def _order(store: Store, value: str) -> Order | None:
    number = parse_gid(value, "Order")
    return None if number is None else store.orders.get(number)


def _cancel_errors(store: Store, order: Order | None, args: dict[str, Any]) -> list[dict[str, Any]]:
    if args.get("refund") is not None and args.get("refundMethod") is not None:
        return [{"field": ["refund"], "message": REFUND_CONFLICT, "code": "INVALID"}]
    if len(args.get("staffNote") or "") > 255:
        return [{"field": ["staffNote"], "message": NOTE_TOO_LONG, "code": "INVALID"}]
    if order is None:
        return [{"field": ["orderId"], "message": NO_ORDER, "code": "NOT_FOUND"}]
    if order.cancelled_at is not None:
        return [{"field": ["orderId"], "message": CANCELLED, "code": "INVALID"}]
    if order_math.fulfilled_quantities(store, order):
        return [{"field": ["orderId"], "message": FULFILLED, "code": "INVALID"}]
    return []


def _refund_all(store: Store, order: Order) -> None:
    """Give back what was paid (cancel with ``refund: true`` or the original payment method)."""
    amount = order_math.net_payment(store, order)
    if amount <= 0:
        return
    lines = tuple((li.id, li.current_quantity, "CANCEL") for li in order.line_items if li.current_quantity)
    refund = Refund(
        store.next_id(), order.id, store.now(), None, lines, order_math.current_shipping(store, order), amount
    )
    store.refunds[refund.id] = refund
    order.refund_ids = (*order.refund_ids, refund.id)
    order.financial_status = "REFUNDED"


def resolve_order_cancel(_root: Any, info: Info, orderId: str, reason: str, restock: bool, **args: Any) -> dict:
    store: Store = info.context.store
    with store.lock:
        order = _order(store, orderId)
        errors = _cancel_errors(store, order, args)
        if errors:
            plain = [{"field": e["field"], "message": e["message"]} for e in errors]
            return {"job": None, "orderCancelUserErrors": errors, "userErrors": plain}
        method = args.get("refundMethod") or {}
        if args.get("refund") or method.get("originalPaymentMethodsRefund"):
            _refund_all(store, order)
        order_writes.cancel(store, order, reason, restock, args.get("staffNote"))
        job = {"id": f"gid://shopify/Job/{uuid.uuid4()}", "done": False, "query": None}
        return {"job": job, "orderCancelUserErrors": [], "userErrors": []}


def _set_closed(closed: bool) -> Any:
    def resolve(_root: Any, info: Info, input: dict[str, Any]) -> dict[str, Any]:
        store: Store = info.context.store
        with store.lock:
            order = _order(store, input["id"])
            if order is None:
                return {"order": None, "userErrors": [{"field": ["id"], "message": NO_ORDER}]}
            if (order.closed_at is not None) != closed:
                order_writes.set_closed(store, order, closed)
            return {"order": order, "userErrors": []}

    return resolve


resolve_order_close = _set_closed(True)
resolve_order_open = _set_closed(False)


TAGGABLE = {"Order": "orders", "Product": "products", "Customer": "customers", "DraftOrder": "draft_orders"}


def _split(tags: list[str]) -> list[str]:
    """Each element may itself be a comma-separated list (documented for tagsAdd)."""
    return [t.strip() for tag in tags for t in tag.split(",") if t.strip()]


def _tags(adding: bool) -> Any:
    def resolve(_root: Any, info: Info, id: str, tags: list[str]) -> dict[str, Any]:
        store: Store = info.context.store
        with store.lock:
            record, type_name = None, None
            for type_name, attribute in TAGGABLE.items():
                number = parse_gid(id, type_name)
                if number is not None:
                    record = getattr(store, attribute).get(number)
                    break
            if record is None:
                return {"node": None, "userErrors": [{"field": ["id"], "message": NO_RESOURCE}]}
            current = list(record.tags)
            wanted = _split(tags)
            if adding:
                lowered = {t.lower() for t in current}
                current += [t for t in dict.fromkeys(wanted) if t.lower() not in lowered]
            else:
                dropped = {t.lower() for t in wanted}
                current = [t for t in current if t.lower() not in dropped]
            new = tuple(sorted(current, key=str.lower))
            if new != tuple(record.tags):
                record.tags = new
                record.updated_at = max(store.now(), record.updated_at)
                store.invalidate(TAGGABLE[type_name])
                _publish(store, type_name, record)
            return {"node": record, "userErrors": []}

    return resolve


def _publish(store: Store, type_name: str, record: Any) -> None:
    if type_name == "Order":
        order_writes.publish_order(store, "orders/updated", record)
        return
    from shopify_simulator.webhooks import publish  # the webhook helper's REST payloads

    if type_name == "Product":
        publish.product_changed(store, "products/update", record)
    elif type_name == "Customer":
        publish.customer_changed(store, "customers/update", record)


resolve_tags_add = _tags(True)
resolve_tags_remove = _tags(False)
