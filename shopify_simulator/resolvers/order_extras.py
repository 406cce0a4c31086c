"""Draft orders, discounts, deletion events and the resource counts of the orders domain."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import GraphQLResolveInfo

from shopify_simulator import order_math as m
from shopify_simulator import search
from shopify_simulator.formatting import gid, parse_gid
from shopify_simulator.order_records import BasicEvent, DiscountRecord, DraftOrder
from shopify_simulator.resolvers.money import money_bag
from shopify_simulator.resolvers.resources import Resource, _common
from shopify_simulator.store import Store, Variant

Info = GraphQLResolveInfo
NODE_TYPES = {"DiscountCodeNode", "DiscountAutomaticNode", "DiscountNode"}


def resources(store: Store) -> dict[str, Resource]:
    """Searchable, sortable resources added by the orders domain."""
    by_id = {"ID": lambda r: r.id}
    return {
        "draft_orders": Resource(
            "draft_orders",
            {**by_id, "UPDATED_AT": lambda d: d.updated_at, "NUMBER": lambda d: d.number},
            {
                **_common(),
                "status": search.text(lambda d: d.status),
                "customer_id": search.number(lambda d: d.customer_id),
                "tag": search.text(lambda d: list(d.tags)),
                "email": search.text(lambda d: d.email),
            },
        ),
        "discounts": Resource(
            "discounts",
            {
                **by_id,
                "CREATED_AT": lambda d: d.created_at,
                "UPDATED_AT": lambda d: d.updated_at,
                "TITLE": lambda d: d.title,
                "STARTS_AT": lambda d: d.starts_at,
                "ENDS_AT": lambda d: d.ends_at or 0,
            },
            {
                **_common(),
                "status": search.text(lambda d: d.status),
                "title": search.text(lambda d: d.title),
                "code": search.text(lambda d: d.code),
                "method": search.text(lambda d: "code" if d.code else "automatic"),
                "starts_at": search.timestamp(lambda d: d.starts_at),
                "ends_at": search.timestamp(lambda d: d.ends_at),
            },
        ),  # fmt: skip
        "basic_events": Resource(
            "basic_events",
            {**by_id, "CREATED_AT": lambda e: e.created_at},
            {
                "id": search.number(lambda e: e.id),
                "created_at": search.timestamp(lambda e: e.created_at),
                "action": search.text(lambda e: e.action),
                "subject_type": search.text(lambda e: e.subject_type),
            },
        ),
    }


# --- draft orders --------------------------------------------------------------------


@dataclass(slots=True)
class DraftLineView:
    id: int
    draft: DraftOrder
    variant: Variant
    quantity: int


def _draft_lines(store: Store, d: DraftOrder) -> list[DraftLineView]:
    return [
        DraftLineView(d.id * 100 + n, d, store.variants[vid], q)
        for n, (vid, q) in enumerate(d.lines)
        if vid in store.variants
    ]


def _draft_subtotal(store: Store, d: DraftOrder) -> int:
    return sum(v.variant.price * v.quantity for v in _draft_lines(store, d))


def _draft_tax(store: Store, d: DraftOrder) -> int:
    return sum(v.variant.price * v.quantity * m.TAX_BP // 10_000 for v in _draft_lines(store, d))


def _draft_bag(getter: Any) -> Any:
    return lambda d, info, **_: money_bag(getter(info.context.store, d), info.context.store.shop.currency_code)


DRAFT_ORDER: dict[str, Any] = {
    "name": lambda d, info, **_: f"#D{d.number}",
    "customer": lambda d, info, **_: info.context.store.customers.get(d.customer_id),
    "order": lambda d, info, **_: info.context.store.orders.get(d.order_id),
    "tags": lambda d, info, **_: list(d.tags),
    "currencyCode": lambda d, info, **_: info.context.store.shop.currency_code,
    "presentmentCurrencyCode": lambda d, info, **_: info.context.store.shop.currency_code,
    "lineItems": lambda d, info, **args: info.context.nested(
        "draft_line_items", _draft_lines(info.context.store, d), args
    ),
    "subtotalPriceSet": _draft_bag(_draft_subtotal),
    "lineItemsSubtotalPrice": _draft_bag(_draft_subtotal),
    "totalLineItemsPriceSet": _draft_bag(_draft_subtotal),
    "totalTaxSet": _draft_bag(_draft_tax),
    "totalShippingPriceSet": _draft_bag(lambda st, d: d.shipping),
    "totalDiscountsSet": _draft_bag(lambda st, d: 0),
    "totalPriceSet": _draft_bag(lambda st, d: _draft_subtotal(st, d) + _draft_tax(st, d) + d.shipping),
    "totalQuantityOfLineItems": lambda d, info, **_: sum(q for _, q in d.lines),
    "ready": lambda d, info, **_: True,
    "taxExempt": lambda d, info, **_: False,
    "taxesIncluded": lambda d, info, **_: False,
    "visibleToCustomer": lambda d, info, **_: d.status != "OPEN",
    "invoiceUrl": lambda d, info, **_: f"https://{info.context.store.shop.myshopify_domain}/invoices/{d.id}",
    "discountCodes": lambda d, info, **_: [],
    "defaultCursor": lambda d, info, **_: str(d.id),
}

DRAFT_LINE_ITEM: dict[str, Any] = {
    "title": lambda v, info, **_: info.context.store.products[v.variant.product_id].title,
    "name": lambda v, info, **_: info.context.store.products[v.variant.product_id].title,
    "sku": lambda v, info, **_: v.variant.sku,
    "variant": lambda v, info, **_: v.variant,
    "product": lambda v, info, **_: info.context.store.products[v.variant.product_id],
    "variantTitle": lambda v, info, **_: None if v.variant.title == "Default Title" else v.variant.title,
    "uuid": lambda v, info, **_: f"{v.id:032x}",
    "originalUnitPriceSet": lambda v, info, **_: money_bag(v.variant.price, info.context.store.shop.currency_code),
    "originalTotalSet": lambda v, info, **_: money_bag(
        v.variant.price * v.quantity, info.context.store.shop.currency_code
    ),
    "discountedTotalSet": lambda v, info, **_: money_bag(
        v.variant.price * v.quantity, info.context.store.shop.currency_code
    ),
    "requiresShipping": lambda v, info, **_: True,
    "taxable": lambda v, info, **_: True,
}


# --- discounts -----------------------------------------------------------------------


@dataclass(slots=True)
class DiscountNodeView:
    discount: DiscountRecord

    @property
    def id(self) -> int:
        return self.discount.id


DISCOUNT_NODE: dict[str, Any] = {
    "id": lambda n, info, **_: gid(n.discount.node_type, n.discount.id),
    "discount": lambda n, info, **_: n.discount,
}


def _discount_classes(d: DiscountRecord, info: Info, **_: Any) -> list[str]:
    if "FreeShipping" in d.kind:
        return ["SHIPPING"]
    return ["PRODUCT"] if "Bxgy" in d.kind else ["ORDER"]


DISCOUNT_FIELDS: dict[str, Any] = {
    "asyncUsageCount": lambda d, info, **_: d.usage,
    "shortSummary": lambda d, info, **_: d.summary,
    "discountClasses": _discount_classes,
    "tags": lambda d, info, **_: [],
    "appliesOncePerCustomer": lambda d, info, **_: False,
    "codesCount": lambda d, info, **_: {"count": 1 if d.code else 0, "precision": "EXACT"},
}
DISCOUNT_TYPES = (
    "DiscountCodeBasic", "DiscountCodeBxgy", "DiscountCodeFreeShipping", "DiscountCodeApp",
    "DiscountAutomaticBasic", "DiscountAutomaticBxgy", "DiscountAutomaticFreeShipping", "DiscountAutomaticApp",
)  # fmt: skip


def _discount_nodes(_root: Any, info: Info, **args: Any) -> dict[str, Any]:
    page = info.context.connection("discounts", args)
    for edge in page["edges"]:
        edge["node"] = DiscountNodeView(edge["node"])
    page["nodes"] = [edge["node"] for edge in page["edges"]]
    return page


# --- events --------------------------------------------------------------------------


def _subject(e: BasicEvent, info: Info, **_: Any) -> Any:
    store = info.context.store
    for type_name, attribute in (("Order", "orders"), ("Product", "products"), ("DraftOrder", "draft_orders")):
        number = parse_gid(e.subject_gid, type_name)
        if number is not None:
            return getattr(store, attribute).get(number)
    return None


BASIC_EVENT: dict[str, Any] = {
    "subjectId": lambda e, info, **_: e.subject_gid,
    "subject": _subject,
    "appTitle": lambda e, info, **_: None,
    "attributeToApp": lambda e, info, **_: False,
    "attributeToUser": lambda e, info, **_: True,
    "criticalAlert": lambda e, info, **_: False,
    "additionalContent": lambda e, info, **_: "null",  # real capture: the JSON string "null"
    "additionalData": lambda e, info, **_: "null",
    "arguments": lambda e, info, **_: [],
    "hasAdditionalContent": lambda e, info, **_: False,
    "secondaryMessage": lambda e, info, **_: None,
    "author": lambda e, info, **_: "Shopify",
}


def _event(_root: Any, info: Info, id: str, **_: Any) -> BasicEvent | None:
    number = parse_gid(id, "BasicEvent")
    return None if number is None else info.context.store.basic_events.get(number)


def _has_events(_source: Any, info: Info, **args: Any) -> dict[str, Any]:
    """``events`` of an Order, Product … : only deletions are recorded, so none are live."""
    return info.context.nested("basic_events", [], args)


# --- QueryRoot -----------------------------------------------------------------------


def _count(name: str) -> Any:
    def resolve(_root: Any, info: Info, query: str | None = None, limit: int | None = 10000, **_: Any) -> dict:
        return info.context.count(name, query, limit, None)

    return resolve


def _draft_order(_root: Any, info: Info, id: str, **_: Any) -> DraftOrder | None:
    number = parse_gid(id, "DraftOrder")
    return None if number is None else info.context.store.draft_orders.get(number)


QUERY: dict[str, Any] = {
    "draftOrders": lambda _r, info, **args: info.context.connection("draft_orders", args),
    "draftOrder": _draft_order,
    "draftOrdersCount": _count("draft_orders"),
    "customersCount": _count("customers"),
    "productVariantsCount": _count("variants"),
    "locationsCount": _count("locations"),
    "discountNodes": _discount_nodes,
    "discountNodesCount": _count("discounts"),
    "events": lambda _r, info, **args: info.context.connection("basic_events", args),
    "event": _event,
    "eventsCount": lambda _r, info, query=None, **_: info.context.count("basic_events", query, 10000, None),
}
