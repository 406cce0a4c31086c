"""The back office's shipments to Shopify: ``fulfillmentCreate`` through the order's fulfillment
orders, and ``fulfillmentTrackingInfoUpdate`` when their tracking numbers change later.

Every write goes through the ledger (``shopify_elt.reverse.ledger``). ``fulfillmentCreate`` is not
idempotent, so a send whose outcome is unknown is followed by a read of the order's fulfillments:
one created after our first send, with our tracking numbers and our quantities per line, is ours.
Fulfillment orders are read from Shopify just before the shipments are sent (what remains to
fulfil changes by the minute): the orders of a batch of shipments in one search
(``id:1 OR id:2 …``), an order read again on its own when a second shipment of it follows (the
first changed what remains). A shipment whose lines sit on a fulfillment order on hold, or whose
order has a cancellation request, waits in the ledger (``deferred``) and is tried again at the next
run.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import psycopg

from shopify_elt.extract import any_of, chunks
from shopify_elt.hooks.shopify import ShopifyHook
from shopify_elt.records import parse_timestamp
from shopify_elt.reverse import ledger
from shopify_elt.reverse.ledger import Outcome, Write
from shopify_elt.streams import load_document
from shopify_elt.warehouse import sql_file

FULFILLMENT_ORDERS = load_document("order_fulfillment_orders")
BATCH_FULFILLMENT_ORDERS = load_document("orders_fulfillment_orders")
FULFILLMENTS_MADE = load_document("order_fulfillments_made")
CREATE = load_document("fulfillment_create")
TRACKING_UPDATE = load_document("fulfillment_tracking_update")
FULFILLABLE = ("OPEN", "IN_PROGRESS")
CLOCK_SKEW = timedelta(minutes=5)
"""How much earlier than our first send a fulfillment may be stamped and still be ours."""
IDS_PER_SEARCH = 50
"""Orders named in one ``query:`` (a short search; the page size is then fitted to the cost)."""


def plan_shipments(conn: psycopg.Connection, shop: str, run_id: str) -> int:
    """Plan a fulfillment for every shipped back-office shipment not yet in Shopify, and a
    tracking update for every pushed shipment whose tracking numbers changed; returns how many
    writes were planned anew."""
    planned = 0
    with conn.cursor() as cur:
        cur.execute(sql_file("reverse/plan_fulfillments.sql"), {"shop": shop})
        shipments = cur.fetchall()
        cur.execute(sql_file("reverse/plan_tracking_updates.sql"), {"shop": shop})
        updates = cur.fetchall()
    for shipment_id, order_id, line_count, notify, lines, tracking in shipments:
        payload = {
            "orderId": order_id,
            "lineCount": line_count,
            "lines": lines,
            "tracking": tracking,
            "notifyCustomer": bool(notify),
        }
        planned += ledger.plan(conn, shop, run_id, FulfillmentCreate.kind, f"shipment:{shipment_id}", payload)
    for shipment_id, fulfillment_id, notify, tracking in updates:
        payload = {"fulfillmentId": fulfillment_id, "tracking": tracking, "notifyCustomer": bool(notify)}
        planned += ledger.plan(conn, shop, run_id, TrackingUpdate.kind, f"shipment:{shipment_id}", payload)
    return planned


def tracking_input(tracking: dict[str, Any] | None) -> dict[str, Any] | None:
    """``FulfillmentTrackingInput`` from a planned tracking (several numbers and their URLs)."""
    if not tracking or not tracking.get("numbers"):
        return None
    result: dict[str, Any] = {"numbers": tracking["numbers"]}
    if tracking.get("urls"):
        result["urls"] = tracking["urls"]
    if tracking.get("company"):
        result["company"] = tracking["company"]
    return result


@dataclass(frozen=True)
class Allocation:
    """Which fulfillment order lines ship a shipment, or why it cannot be sent now."""

    groups: list[dict[str, Any]]
    deferred: str | None = None
    error: str | None = None


def allocate(order: dict[str, Any], lines: list[dict[str, Any]]) -> Allocation:
    """Spread the shipment's quantities over the order's fulfillment orders that can ship them.

    A line on a fulfillment order on hold, or an order with a cancellation request, defers the
    shipment; more than remains unfulfilled is an error (someone else shipped it).
    """
    fulfillment_orders = order["fulfillmentOrders"]["nodes"]
    for fo in fulfillment_orders:
        if fo.get("requestStatus") == "CANCELLATION_REQUESTED":
            return Allocation([], deferred="the order has a cancellation request")
    groups: dict[str, list[dict[str, Any]]] = {}
    for line in lines:
        wanted = int(line["quantity"])
        for fo in fulfillment_orders:
            for item in fo["lineItems"]["nodes"]:
                if wanted == 0 or item["lineItem"]["id"] != line["lineItemId"] or item["remainingQuantity"] <= 0:
                    continue
                if fo["status"] == "ON_HOLD":
                    reasons = ", ".join(h.get("reason") or "" for h in fo.get("fulfillmentHolds") or ())
                    held = f"fulfillment order {fo['id']} is on hold ({reasons or 'no reason'})"
                    return Allocation([], deferred=held)
                if fo["status"] not in FULFILLABLE:
                    continue
                take = min(wanted, item["remainingQuantity"])
                groups.setdefault(fo["id"], []).append({"id": item["id"], "quantity": take})
                wanted -= take
        if wanted:
            short = f"line item {line['lineItemId']}: {wanted} more to ship than remain unfulfilled"
            return Allocation([], error=short)
    return Allocation([{"fulfillmentOrderId": fo, "fulfillmentOrderLineItems": items} for fo, items in groups.items()])


def order_state(hook: ShopifyHook, document: str, order_id: str, line_count: int) -> dict[str, Any] | None:
    """The order's fulfillment orders or fulfillments, asking for as many lines as the order has
    (Shopify charges for ``first``, not for what comes back)."""
    variables = {"id": order_id, "linesFirst": max(1, min(line_count, 250))}
    return hook.graphql(document, variables).data.get("order")


def orders_state(hook: ShopifyHook, order_ids: Sequence[str], line_count: int) -> dict[str, Any]:
    """The fulfillment orders of several orders, read by searching their ids; returns those
    Shopify returned, by order id. An order the search leaves out (not there, or older than the
    60 days a shop without ``read_all_orders`` lists) is read on its own when its shipment is sent."""
    found: dict[str, Any] = {}
    wanted = set(order_ids)
    lines_first = max(1, min(line_count, 250))
    for chunk in chunks(order_ids, IDS_PER_SEARCH):
        variables = {"query": any_of("id", chunk), "linesFirst": lines_first}
        for nodes in hook.paginate(BATCH_FULFILLMENT_ORDERS, variables, ("orders",), page_size=len(chunk)):
            found.update((order["id"], order) for order in nodes if order["id"] in wanted)
    return found


class FulfillmentCreate:
    """A back-office shipment becoming a Shopify fulfillment.

    One instance serves one delivery: :meth:`prepare` keeps the orders it read for the writes
    about to be sent, and each is used once.
    """

    kind = "fulfillment_create"

    def __init__(self) -> None:
        self._read_ahead: dict[str, Any] = {}

    def prepare(self, hook: ShopifyHook, writes: Sequence[Write]) -> None:
        """Read the fulfillment orders of the writes' orders in as few searches as their cost allows."""
        order_ids = list(dict.fromkeys(w.payload["orderId"] for w in writes))
        line_count = max((int(w.payload["lineCount"]) for w in writes), default=1)
        self._read_ahead = orders_state(hook, order_ids, line_count)

    def send(self, hook: ShopifyHook, write: Write) -> Outcome:
        payload = write.payload
        if payload["orderId"] in self._read_ahead:  # used once: this shipment changes what remains
            order = self._read_ahead.pop(payload["orderId"])
        else:
            order = order_state(hook, FULFILLMENT_ORDERS, payload["orderId"], payload["lineCount"])
        if order is None:
            return Outcome(user_errors=[{"field": ["orderId"], "message": "Shopify has no such order"}])
        if order.get("cancelledAt"):
            return Outcome(user_errors=[{"field": ["orderId"], "message": "the order is cancelled in Shopify"}])
        allocation = allocate(order, payload["lines"])
        if allocation.deferred:
            return Outcome(deferred=allocation.deferred)
        if allocation.error:
            return Outcome(user_errors=[{"field": ["lines"], "message": allocation.error}])
        fulfillment: dict[str, Any] = {
            "notifyCustomer": payload["notifyCustomer"],
            "lineItemsByFulfillmentOrder": allocation.groups,
        }
        tracking = tracking_input(payload.get("tracking"))
        if tracking:
            fulfillment["trackingInfo"] = tracking
        response = hook.graphql(CREATE, {"fulfillment": fulfillment}, retry_transient=False)
        answer = response.data["fulfillmentCreate"]
        if answer.get("userErrors"):
            return Outcome(user_errors=answer["userErrors"], request_id=response.request_id)
        return Outcome(result={"fulfillmentId": answer["fulfillment"]["id"]}, request_id=response.request_id)

    def find_applied(self, hook: ShopifyHook, write: Write) -> dict[str, Any] | None:
        order = order_state(hook, FULFILLMENTS_MADE, write.payload["orderId"], write.payload["lineCount"])
        if order is None or write.first_sent_at is None:
            return None
        wanted = Counter({line["lineItemId"]: int(line["quantity"]) for line in write.payload["lines"]})
        numbers = sorted((write.payload.get("tracking") or {}).get("numbers") or [])
        for fulfillment in order["fulfillments"]:
            if fulfillment["status"] != "SUCCESS" or not _after(fulfillment["createdAt"], write.first_sent_at):
                continue
            shipped = Counter()
            for node in fulfillment["fulfillmentLineItems"]["nodes"]:
                shipped[node["lineItem"]["id"]] += int(node["quantity"])
            tracked = sorted(t["number"] for t in fulfillment["trackingInfo"] if t.get("number"))
            if shipped == wanted and tracked == numbers:
                return {"fulfillmentId": fulfillment["id"]}
        return None

    def settle(self, conn: psycopg.Connection, write: Write, result: dict[str, Any]) -> None:
        conn.execute(
            "update core.shipments set shopify_fulfillment_id = %s, updated_at = now() where shipment_id = %s",
            (result["fulfillmentId"], int(write.subject.removeprefix("shipment:"))),
        )


class TrackingUpdate:
    """New tracking numbers of a shipment already in Shopify (the update replaces the list, so a
    resend is harmless and the client may retry it)."""

    kind = "tracking_update"

    def send(self, hook: ShopifyHook, write: Write) -> Outcome:
        payload = write.payload
        variables = {
            "fulfillmentId": payload["fulfillmentId"],
            "trackingInfoInput": tracking_input(payload.get("tracking")) or {"numbers": []},
            "notifyCustomer": payload["notifyCustomer"],
        }
        response = hook.graphql(TRACKING_UPDATE, variables)
        answer = response.data["fulfillmentTrackingInfoUpdate"]
        if answer.get("userErrors"):
            return Outcome(user_errors=answer["userErrors"], request_id=response.request_id)
        return Outcome(result={"fulfillmentId": answer["fulfillment"]["id"]}, request_id=response.request_id)

    def find_applied(self, hook: ShopifyHook, write: Write) -> dict[str, Any] | None:
        return None  # sending it again sets the same list

    def settle(self, conn: psycopg.Connection, write: Write, result: dict[str, Any]) -> None:
        """Nothing to record in core: the ledger keeps what Shopify was sent."""


def push_shipments(conn: psycopg.Connection, hook: ShopifyHook, shop: str, run_id: str) -> dict[str, int]:
    """Plan and deliver the shipment writes of one shop; returns the ledger's counts."""
    kinds = (FulfillmentCreate(), TrackingUpdate())
    return ledger.deliver(conn, hook, shop, kinds, planned=plan_shipments(conn, shop, run_id)).as_dict()


def _after(created_at: str, first_sent_at: datetime) -> bool:
    created = parse_timestamp(created_at)
    return created is not None and created >= first_sent_at - CLOCK_SKEW
