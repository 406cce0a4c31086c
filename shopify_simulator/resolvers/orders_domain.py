"""Everything the orders domain adds to the dispatcher, in one place (merged by ``dispatch``)."""

from __future__ import annotations

from typing import Any

from shopify_simulator.mutations import fulfillment, orders
from shopify_simulator.resolvers import fulfillments, order_extras, order_parts
from shopify_simulator.store import Customer, Order, Product

# graphql-core resolves abstract types (Node for tagsAdd, Event, Discount) from a
# name-mangled ``__typename`` class attribute; these records predate the domain.
for _cls, _name in ((Order, "Order"), (Product, "Product"), (Customer, "Customer")):
    setattr(_cls, f"_{_cls.__name__}__typename", _name)

_EVENTS = {"events": order_extras._has_events}

QUERY: dict[str, Any] = {**fulfillments.QUERY, **order_extras.QUERY}
MUTATION: dict[str, Any] = {
    "fulfillmentCreate": fulfillment.resolve_fulfillment_create,
    "fulfillmentTrackingInfoUpdate": fulfillment.resolve_tracking_update,
    "orderCancel": orders.resolve_order_cancel,
    "orderClose": orders.resolve_order_close,
    "orderOpen": orders.resolve_order_open,
    "tagsAdd": orders.resolve_tags_add,
    "tagsRemove": orders.resolve_tags_remove,
}
TABLES: dict[str, dict[str, Any]] = {
    "Order": {**order_parts.ORDER_PARTS, **fulfillments.ORDER_FULFILLMENT, **_EVENTS},
    "LineItem": order_parts.LINE_ITEM_PARTS,
    "Product": _EVENTS,
    "Customer": _EVENTS,
    "ShippingLine": order_parts.SHIPPING_LINE,
    "OrderTransaction": order_parts.TRANSACTION,
    "Refund": order_parts.REFUND,
    "RefundLineItem": order_parts.REFUND_LINE_ITEM,
    "Fulfillment": fulfillments.FULFILLMENT,
    "FulfillmentLineItem": fulfillments.FULFILLMENT_LINE_ITEM,
    "FulfillmentOrder": fulfillments.FULFILLMENT_ORDER,
    "FulfillmentOrderLineItem": fulfillments.FULFILLMENT_ORDER_LINE_ITEM,
    "DraftOrder": {**order_extras.DRAFT_ORDER, **_EVENTS},
    "DraftOrderLineItem": order_extras.DRAFT_LINE_ITEM,
    "DiscountNode": {**order_extras.DISCOUNT_NODE, **_EVENTS},
    "BasicEvent": order_extras.BASIC_EVENT,
    **{name: order_extras.DISCOUNT_FIELDS for name in order_extras.DISCOUNT_TYPES},
    "DiscountAutomaticBxgy": {**order_extras.DISCOUNT_FIELDS, **_EVENTS},  # the one carried as HasEvents
}


def merge(tables: dict[str, dict[str, Any]]) -> None:
    """Add the domain's resolvers to the dispatcher's tables (domain entries win)."""
    tables["QueryRoot"] = {**tables.get("QueryRoot", {}), **QUERY}
    tables["Mutation"] = {**tables.get("Mutation", {}), **MUTATION}
    for type_name, table in TABLES.items():
        tables[type_name] = {**tables.get(type_name, {}), **table}
