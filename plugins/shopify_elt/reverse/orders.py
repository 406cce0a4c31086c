"""Order status and seller cancellations to Shopify, through the write ledger
(``shopify_elt.reverse.ledger``).

**Status tags** (setting ``status_tag_prefix``, off when empty): each imported order carries its
mapped order status and secondary status as ``<prefix><status>`` tags; when the status changes,
the new tags are added and the old ones removed. ``tagsAdd`` and ``tagsRemove`` are idempotent,
so they are sent with the client's retries and an interrupted write is simply sent again.

**Seller cancellations**: the back office sets ``core.sales_orders.cancel_requested_at`` (with a
reason, restock, notify and refund), and ``orderCancel`` is sent once. It is not idempotent, so
it goes without the client's retries, and a send whose outcome is unknown is followed by a read
of the order: one Shopify shows cancelled is done. Shopify answering that the order is already
cancelled means someone else cancelled it, which also settles the request (the result says so).
Nothing is written to core: the next extraction brings the cancelled order, and the build marks
it. A pending request the back office takes back is withdrawn before it is sent.
"""

from __future__ import annotations

from typing import Any

import psycopg

from shopify_elt.hooks.shopify import ShopifyHook
from shopify_elt.reverse import ledger
from shopify_elt.reverse.ledger import Outcome, Write
from shopify_elt.streams import load_document
from shopify_elt.warehouse import sql_file

TAGS_ADD = load_document("order_tags_add")
TAGS_REMOVE = load_document("order_tags_remove")
CANCEL = load_document("order_cancel")
CANCEL_STATE = load_document("order_cancel_state")
ALREADY_CANCELLED = "Cannot cancel an order that has already been canceled"
"""Shopify's answer to cancelling a cancelled order (Shopify spells it with one l)."""


def plan_orders(conn: psycopg.Connection, shop: str, run_id: str) -> dict[str, int]:
    """Plan the seller cancellations and status tags the orders need, withdraw the pending ones
    they no longer need; returns how many writes of each kind were planned anew."""
    with conn.cursor() as cur:
        cur.execute(sql_file("reverse/plan_order_cancels.sql"), {"shop": shop})
        cancels = cur.fetchall()
        cur.execute(sql_file("reverse/plan_order_tags.sql"), {"shop": shop})
        tags = cur.fetchall()
    planned = {OrderCancel.kind: 0, OrderTags.kind: 0}
    for order_id, reason, restock, notify, refund, previous in cancels:
        payload = {
            "orderId": order_id,
            "reason": reason,
            "restock": restock,
            "notifyCustomer": notify,
            "refund": refund,
            "previous": previous,
        }
        planned[OrderCancel.kind] += ledger.plan(conn, shop, run_id, OrderCancel.kind, f"order:{order_id}", payload)
    for order_id, add, remove, previous in tags:
        payload = {"orderId": order_id, "add": add, "remove": remove, "previous": previous}
        planned[OrderTags.kind] += ledger.plan(conn, shop, run_id, OrderTags.kind, f"order:{order_id}", payload)
    ledger.withdraw(conn, shop, OrderCancel.kind, [f"order:{row[0]}" for row in cancels])
    ledger.withdraw(conn, shop, OrderTags.kind, [f"order:{row[0]}" for row in tags])
    return planned


class OrderTags:
    """An order's status tags: the old ones removed first, so that a tag differing only in case
    from one to remove is added back in the new spelling."""

    kind = "order_tags"

    def send(self, hook: ShopifyHook, write: Write) -> Outcome:
        payload = write.payload
        answer: dict[str, Any] = {}
        request_id = None
        for document, field, tags in (
            (TAGS_REMOVE, "tagsRemove", payload["remove"]),
            (TAGS_ADD, "tagsAdd", payload["add"]),
        ):
            if not tags:
                continue
            response = hook.graphql(document, {"id": payload["orderId"], "tags": tags})
            answer, request_id = response.data[field], response.request_id
            if answer.get("userErrors"):
                return Outcome(user_errors=answer["userErrors"], request_id=request_id)
        node = answer.get("node") or {}
        return Outcome(result={"tags": node.get("tags", payload["add"])}, request_id=request_id)

    def find_applied(self, hook: ShopifyHook, write: Write) -> dict[str, Any] | None:
        return None  # sending it again leaves the same tags

    def settle(self, conn: psycopg.Connection, write: Write, result: dict[str, Any]) -> None:
        """Nothing to record in core: the ledger keeps what Shopify was told."""


class OrderCancel:
    """A seller cancellation of an order in Shopify."""

    kind = "order_cancel"

    def send(self, hook: ShopifyHook, write: Write) -> Outcome:
        payload = write.payload
        variables = {
            "orderId": payload["orderId"],
            "reason": payload["reason"],
            "restock": payload["restock"],
            "notifyCustomer": payload["notifyCustomer"],
            # `refund` is deprecated since 2025-07; an explicit false refunds nothing
            "refundMethod": {"originalPaymentMethodsRefund": payload["refund"]},
        }
        response = hook.graphql(CANCEL, variables, retry_transient=False)
        answer = response.data["orderCancel"]
        errors = answer.get("orderCancelUserErrors") or []
        if any(e.get("message") == ALREADY_CANCELLED for e in errors):
            state = self._cancelled(hook, payload["orderId"])
            if state is not None:
                note = "Shopify had the order cancelled already (someone else cancelled it)"
                return Outcome(result={**state, "note": note}, request_id=response.request_id)
        if errors:
            return Outcome(user_errors=errors, request_id=response.request_id)
        # A job: Shopify cancels the order shortly after (the next extraction brings it back).
        return Outcome(result={"job": answer.get("job")}, request_id=response.request_id)

    def find_applied(self, hook: ShopifyHook, write: Write) -> dict[str, Any] | None:
        state = self._cancelled(hook, write.payload["orderId"])
        if state is None:
            return None
        return {**state, "note": "found cancelled after a send whose outcome was unknown"}

    def settle(self, conn: psycopg.Connection, write: Write, result: dict[str, Any]) -> None:
        """Nothing to record in core: the next extraction brings the cancelled order."""

    @staticmethod
    def _cancelled(hook: ShopifyHook, order_id: str) -> dict[str, Any] | None:
        """When and why Shopify cancelled the order, or None while it is not cancelled."""
        order = hook.graphql(CANCEL_STATE, {"id": order_id}).data.get("order")
        if not order or not order.get("cancelledAt"):
            return None
        return {"cancelledAt": order["cancelledAt"], "cancelReason": order.get("cancelReason")}


KINDS = (OrderCancel(), OrderTags())
"""In the order they are delivered: a long backlog of tags never delays a cancellation."""


def push_orders(conn: psycopg.Connection, hook: ShopifyHook, shop: str, run_id: str) -> dict[str, dict[str, int]]:
    """Plan and deliver the seller cancellations and status tags of one shop; returns the
    ledger's counts per kind."""
    planned = plan_orders(conn, shop, run_id)
    return {kind.kind: ledger.deliver(conn, hook, shop, [kind], planned=planned[kind.kind]).as_dict() for kind in KINDS}
