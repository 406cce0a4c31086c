"""Fulfillment and FulfillmentOrder fields, and the top-level fulfillment-order queries.

Each order has one fulfillment order (a single-location shop, as in the real
captures), derived from the order: its id is the order's plus a fixed offset, its
lines mirror the order's lines (``remainingQuantity`` = unfulfilled), its status
follows ``order_math.fulfillment_order_status``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import GraphQLResolveInfo

from shopify_simulator import order_math as m
from shopify_simulator import search
from shopify_simulator.formatting import gid, parse_gid
from shopify_simulator.order_records import Fulfillment
from shopify_simulator.pagination import check_window, paginate
from shopify_simulator.store import LineItem, Order, Store

Info = GraphQLResolveInfo
FO_OFFSET = 3_300_000_000_000  # FulfillmentOrder id = Order id + offset
FO_LINE_OFFSET = 3_860_000_000_000  # FulfillmentOrderLineItem id = LineItem id + offset
ACTIONS = {
    "OPEN": ("CREATE_FULFILLMENT", "MOVE", "HOLD", "SPLIT"),  # real capture, new order
    "IN_PROGRESS": ("CREATE_FULFILLMENT", "HOLD", "SPLIT"),
    "ON_HOLD": ("RELEASE_HOLD",),
    "CLOSED": (),
}
HOLD_NOTES = {
    "AWAITING_PAYMENT": "Waiting for payment",
    "HIGH_RISK_OF_FRAUD": "Order flagged by fraud analysis",
    "INCORRECT_ADDRESS": "Address needs confirmation",
    "INVENTORY_OUT_OF_STOCK": "Waiting for restock",
    "OTHER": "Held by merchant",
}


@dataclass(slots=True)
class FulfillmentOrderView:
    order: Order

    __typename = "FulfillmentOrder"

    @property
    def id(self) -> int:
        return self.order.id + FO_OFFSET


@dataclass(slots=True)
class FulfillmentOrderLineView:
    line: LineItem
    order: Order

    @property
    def id(self) -> int:
        return self.line.id + FO_LINE_OFFSET


@dataclass(slots=True)
class FulfillmentLineView:
    id: int
    fulfillment: Fulfillment
    line: LineItem
    quantity: int


def fulfillment_order(store: Store, value: str) -> FulfillmentOrderView | None:
    number = parse_gid(value, "FulfillmentOrder")
    order = None if number is None else store.orders.get(number - FO_OFFSET)
    return None if order is None else FulfillmentOrderView(order)


def order_fulfillments(store: Store, order: Order) -> list[Fulfillment]:
    return [store.fulfillments[f] for f in order.fulfillment_ids if f in store.fulfillments]


# --- Order fields --------------------------------------------------------------------


def _order_fulfillments(o: Order, info: Info, first: int | None = None, **_: Any) -> list[Fulfillment]:
    found = order_fulfillments(info.context.store, o)
    return found if first is None else found[:first]


ORDER_FULFILLMENT: dict[str, Any] = {
    "fulfillments": _order_fulfillments,
    "fulfillmentOrders": lambda o, info, **args: info.context.nested(
        "fulfillment_orders", [FulfillmentOrderView(o)], args
    ),
}


# --- FulfillmentOrder ----------------------------------------------------------------


def _fo_lines(fo: FulfillmentOrderView, info: Info, **args: Any) -> dict[str, Any]:
    views = [FulfillmentOrderLineView(li, fo.order) for li in fo.order.line_items]
    return info.context.nested("fulfillment_order_line_items", views, args)


def _holds(fo: FulfillmentOrderView, info: Info, **_: Any) -> list[dict[str, Any]]:
    reason = fo.order.hold_reason
    if reason is None or fo.order.cancelled_at is not None:
        return []
    notes = HOLD_NOTES.get(reason, "Held by merchant")
    return [
        {
            "id": gid("FulfillmentHold", fo.id),
            "reason": reason,
            "reasonNotes": notes,
            "displayReason": reason.replace("_", " ").capitalize(),
            "handle": None,
            "heldByApp": None,
            "heldByRequestingApp": False,
        }
    ]


def _assigned(fo: FulfillmentOrderView, info: Info, **_: Any) -> dict[str, Any]:
    location = info.context.store.locations[fo.order.location_id]
    a = location.address
    return {
        "name": location.name,
        "address1": a.address1,
        "address2": a.address2,
        "city": a.city,
        "province": a.province,
        "zip": a.zip,
        "countryCode": a.country_code,
        "phone": a.phone,
        "location": location,
    }


def _fo_updated(fo: FulfillmentOrderView, info: Info) -> int:
    stamps = [fo.order.created_at] + [f.updated_at for f in order_fulfillments(info.context.store, fo.order)]
    if fo.order.cancelled_at is not None or fo.order.hold_reason is not None:
        stamps.append(fo.order.updated_at)
    return max(stamps)


FULFILLMENT_ORDER: dict[str, Any] = {
    "id": lambda fo, info, **_: gid("FulfillmentOrder", fo.id),
    "status": lambda fo, info, **_: m.fulfillment_order_status(fo.order),
    "requestStatus": lambda fo, info, **_: "UNSUBMITTED",
    "assignedLocation": _assigned,
    "lineItems": _fo_lines,
    "fulfillmentHolds": _holds,
    "supportedActions": lambda fo, info, **_: [
        {"action": a, "externalUrl": None} for a in ACTIONS[m.fulfillment_order_status(fo.order)]
    ],
    "createdAt": lambda fo, info, **_: fo.order.created_at,
    "updatedAt": lambda fo, info, **_: _fo_updated(fo, info),
    "fulfillAt": lambda fo, info, **_: fo.order.created_at - fo.order.created_at % 3600,
    "fulfillBy": lambda fo, info, **_: None,
    "order": lambda fo, info, **_: fo.order,
    "orderId": lambda fo, info, **_: gid("Order", fo.order.id),
    "orderName": lambda fo, info, **_: f"#{fo.order.number}",
    "orderProcessedAt": lambda fo, info, **_: fo.order.processed_at,
    "channelId": lambda fo, info, **_: None,
    "fulfillments": lambda fo, info, **args: info.context.nested(
        "fulfillments", order_fulfillments(info.context.store, fo.order), args
    ),
}


def _variant(v: FulfillmentOrderLineView, info: Info) -> Any:
    return info.context.store.variants.get(v.line.variant_id)


def _total_quantity(v: FulfillmentOrderLineView) -> int:
    return v.line.quantity if v.order.cancelled_at is not None else v.line.current_quantity


FULFILLMENT_ORDER_LINE_ITEM: dict[str, Any] = {
    "totalQuantity": lambda v, info, **_: _total_quantity(v),
    "remainingQuantity": lambda v, info, **_: v.line.unfulfilled_quantity,
    "lineItem": lambda v, info, **_: v.line,
    "sku": lambda v, info, **_: v.line.sku,
    "inventoryItemId": lambda v, info, **_: (
        gid("InventoryItem", variant.inventory_item_id) if (variant := _variant(v, info)) else None
    ),
    "variant": _variant,
    "productTitle": lambda v, info, **_: v.line.title,
    "variantTitle": lambda v, info, **_: v.line.variant_title,
    "requiresShipping": lambda v, info, **_: True,
    "warnings": lambda v, info, **_: [],
    "financialSummaries": lambda v, info, **_: [],
}


# --- Fulfillment ---------------------------------------------------------------------


def _fulfillment_lines(f: Fulfillment, info: Info, **args: Any) -> dict[str, Any]:
    order = info.context.store.orders[f.order_id]
    by_id = {li.id: li for li in order.line_items}
    views = [
        FulfillmentLineView(f.id * 100 + n, f, by_id[lid], q) for n, (lid, q) in enumerate(f.lines) if lid in by_id
    ]
    return info.context.nested("fulfillment_line_items", views, args)


def _tracking(f: Fulfillment, info: Info, first: int | None = None, **_: Any) -> list[dict[str, Any]]:
    found = [{"company": c, "number": n, "url": u} for c, n, u in f.tracking]
    return found if first is None else found[:first]


FULFILLMENT: dict[str, Any] = {
    "name": lambda f, info, **_: f"#{info.context.store.orders[f.order_id].number}.{f.sequence}",
    "displayStatus": lambda f, info, **_: "CANCELED" if f.status == "CANCELLED" else f.display_status,
    "trackingInfo": _tracking,
    "fulfillmentLineItems": _fulfillment_lines,
    "location": lambda f, info, **_: info.context.store.locations.get(f.location_id),
    "order": lambda f, info, **_: info.context.store.orders[f.order_id],
    "totalQuantity": lambda f, info, **_: sum(q for _, q in f.lines),
    "requiresShipping": lambda f, info, **_: True,
    "deliveredAt": lambda f, info, **_: f.updated_at if f.display_status == "DELIVERED" else None,
    "inTransitAt": lambda f, info, **_: f.updated_at if f.display_status == "IN_TRANSIT" else None,
    "estimatedDeliveryAt": lambda f, info, **_: None,
    "fulfillmentOrders": lambda f, info, **args: info.context.nested(
        "fulfillment_orders", [FulfillmentOrderView(info.context.store.orders[f.order_id])], args
    ),
}


def _line_order(v: FulfillmentLineView, info: Info) -> Order:
    return info.context.store.orders[v.fulfillment.order_id]


FULFILLMENT_LINE_ITEM: dict[str, Any] = {
    "lineItem": lambda v, info, **_: v.line,
    "originalTotalSet": lambda v, info, **_: m.bag(_line_order(v, info), v.line.unit_price * v.quantity),
    "discountedTotalSet": lambda v, info, **_: m.bag(
        _line_order(v, info), (v.line.unit_price - v.line.discount) * v.quantity
    ),
}


# --- QueryRoot -----------------------------------------------------------------------

FO_SEARCH: dict[str, search.Matcher] = {
    "id": search.number(lambda fo: fo.id),
    "status": search.text(lambda fo: m.fulfillment_order_status(fo.order)),
    "assigned_location_id": search.number(lambda fo: fo.order.location_id),
    "created_at": search.timestamp(lambda fo: fo.order.created_at),
    "updated_at": search.timestamp(lambda fo: fo.order.updated_at),
}


def _fulfillment_orders(_root: Any, info: Info, **args: Any) -> dict[str, Any]:
    """All fulfillment orders (closed ones only with ``includeClosed``), by id."""
    check_window(args.get("first"), args.get("last"))
    ctx, store = info.context, info.context.store
    index = store.index("orders", "FULFILLMENT_ORDER_ID", lambda o: o.id + FO_OFFSET)
    expr = search.parse(args.get("query"), FO_SEARCH)
    include_closed = bool(args.get("includeClosed"))

    def keep(fo: FulfillmentOrderView) -> bool:
        if not include_closed and m.fulfillment_order_status(fo.order) == "CLOSED":
            return False
        return ctx.order_visible(fo.order) and (expr is None or expr.matches(fo))

    def fetch(order_id: int) -> FulfillmentOrderView | None:
        order = store.orders.get(order_id)
        return None if order is None else FulfillmentOrderView(order)

    return paginate(index, fetch, keep, args)


def _fulfillment_order(_root: Any, info: Info, id: str, **_: Any) -> FulfillmentOrderView | None:
    fo = fulfillment_order(info.context.store, id)
    return fo if fo is not None and info.context.order_visible(fo.order) else None


def _fulfillment(_root: Any, info: Info, id: str, **_: Any) -> Fulfillment | None:
    number = parse_gid(id, "Fulfillment")
    return None if number is None else info.context.store.fulfillments.get(number)


QUERY: dict[str, Any] = {
    "fulfillmentOrders": _fulfillment_orders,
    "fulfillmentOrder": _fulfillment_order,
    "fulfillment": _fulfillment,
}
