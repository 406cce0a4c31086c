"""Order parts computed from the Order record: shipping lines, tax lines, discounts, transactions.

They are views, not stored records (a million orders must stay cheap), with ids
derived from the order's so that they are stable between reads. Refund records are
stored; their line items and transactions are views too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import GraphQLResolveInfo

from shopify_simulator import order_math as m
from shopify_simulator.order_records import Refund
from shopify_simulator.store import LineItem, Order, Store

Info = GraphQLResolveInfo
SHIPPING = {0: ("Free Shipping", "FREE"), 599: ("Standard", "STANDARD"), 1000: ("Express", "EXPRESS")}
DISCOUNT_KINDS = ("DiscountCodeApplication", "AutomaticDiscountApplication", "ManualDiscountApplication")


@dataclass(slots=True)
class ShippingLineView:
    id: int
    order: Order


@dataclass(slots=True)
class TransactionView:
    id: int
    order: Order
    kind: str
    status: str
    amount: int
    processed_at: int
    parent: TransactionView | None = None


@dataclass(slots=True)
class RefundLineView:
    id: int
    refund: Refund
    line: LineItem
    quantity: int
    restock_type: str


# --- tax lines -----------------------------------------------------------------------


def _tax_title(order: Order) -> str:
    address = order.shipping_address
    if address is None or address.country_code == "US":
        return f"{address.province_code} State Tax" if address and address.province_code else "State Tax"
    return {"CA": "HST", "GB": "VAT", "DE": "MwSt"}.get(address.country_code, "VAT")


def tax_line(order: Order, amount: int) -> dict[str, Any]:
    rate = m.TAX_BP / 10_000
    return {
        "title": _tax_title(order),
        "rate": rate,
        "ratePercentage": rate * 100,
        "priceSet": m.bag(order, amount),
        "channelLiable": False,
        "source": "Shopify",
        "price": None,
    }


def _order_tax_lines(o: Order, info: Info, **_: Any) -> list[dict[str, Any]]:
    """The order's tax lines: its lines' taxes summed per title and rate (one here), as REST's
    order-level ``tax_lines`` (rest/orders.py) shows them."""
    return [tax_line(o, o.tax)] if o.tax else []


def _current_tax_lines(o: Order, info: Info, **_: Any) -> list[dict[str, Any]]:
    amount = m.current_tax(info.context.store, o)
    return [tax_line(o, amount)] if amount else []


def line_tax_lines(li: LineItem, info: Info, first: int | None = None, **_: Any) -> list[dict[str, Any]]:
    order = info.context.store.orders[li.order_id]
    amount = m.line_tax(li)
    lines = [tax_line(order, amount)] if amount else []
    return lines if first is None else lines[:first]


# --- discounts -----------------------------------------------------------------------


def discount_application(order: Order) -> dict[str, Any] | None:
    """The order's one discount application when a line is discounted (10 % across lines)."""
    if not any(li.discount for li in order.line_items):
        return None
    kind = DISCOUNT_KINDS[order.id % 3]
    application: dict[str, Any] = {
        "__typename": kind,
        "index": 0,
        "allocationMethod": "ACROSS",
        "targetSelection": "ENTITLED",
        "targetType": "LINE_ITEM",
        "value": {"__typename": "PricingPercentageValue", "percentage": 10.0},
    }
    if kind == "DiscountCodeApplication":
        application["code"] = "SAVE10"
    elif kind == "AutomaticDiscountApplication":
        application["title"] = "Spring Sale"
    else:
        application.update(title="Staff discount", description="Loyal customer")
    return application


def _discount_applications(o: Order, info: Info, **args: Any) -> dict[str, Any]:
    application = discount_application(o)
    items = [_Indexed(0, application)] if application else []
    page = info.context.nested("discount_applications", items, args)
    for edge in page["edges"]:
        edge["node"] = edge["node"].value
    page["nodes"] = [edge["node"] for edge in page["edges"]]
    return page


@dataclass(slots=True)
class _Indexed:
    id: int
    value: Any


def _discount_allocations(li: LineItem, info: Info, **_: Any) -> list[dict[str, Any]]:
    order = info.context.store.orders[li.order_id]
    application = discount_application(order)
    if not li.discount or application is None:
        return []
    amount = m.bag(order, li.discount * li.quantity)
    return [{"allocatedAmountSet": amount, "allocatedAmount": amount["shopMoney"], "discountApplication": application}]


# --- shipping lines ------------------------------------------------------------------


def _shipping_lines(o: Order, info: Info, **args: Any) -> dict[str, Any]:
    return info.context.nested("shipping_lines", [ShippingLineView(o.id * 4 + 1, o)], args)


def _shipping_price(s: ShippingLineView, info: Info) -> int:
    return s.order.shipping


SHIPPING_LINE: dict[str, Any] = {
    "title": lambda s, info, **_: SHIPPING.get(s.order.shipping, ("Standard", "STANDARD"))[0],
    "code": lambda s, info, **_: SHIPPING.get(s.order.shipping, ("Standard", "STANDARD"))[1],
    "source": lambda s, info, **_: "shopify",
    "carrierIdentifier": lambda s, info, **_: None,
    "custom": lambda s, info, **_: False,
    "isRemoved": lambda s, info, **_: False,
    "deliveryCategory": lambda s, info, **_: "shipping",
    "originalPriceSet": lambda s, info, **_: m.bag(s.order, s.order.shipping),
    "discountedPriceSet": lambda s, info, **_: m.bag(s.order, s.order.shipping),
    "currentDiscountedPriceSet": lambda s, info, **_: m.bag(s.order, m.current_shipping(info.context.store, s.order)),
    "originalPrice": lambda s, info, **_: m.bag(s.order, s.order.shipping)["shopMoney"],
    "discountedPrice": lambda s, info, **_: m.bag(s.order, s.order.shipping)["shopMoney"],
    "taxLines": lambda s, info, **_: [],
    "discountAllocations": lambda s, info, **_: [],
}


# --- transactions --------------------------------------------------------------------


def transactions(store: Store, order: Order) -> list[TransactionView]:
    """Payment history consistent with displayFinancialStatus and the order's refunds."""
    status, base, t = order.financial_status, order.id * 8, order.processed_at
    if status is None:
        return []
    if status == "PENDING":
        return [TransactionView(base, order, "SALE", "PENDING", order.total, t)]
    if status == "AUTHORIZED":
        return [TransactionView(base, order, "AUTHORIZATION", "SUCCESS", order.total, t)]
    if status == "VOIDED":
        auth = TransactionView(base, order, "AUTHORIZATION", "SUCCESS", order.total, t)
        return [auth, TransactionView(base + 1, order, "VOID", "SUCCESS", order.total, order.cancelled_at or t, auth)]
    if "shopify_payments" in order.gateways:
        auth = TransactionView(base, order, "AUTHORIZATION", "SUCCESS", order.total, t)
        paid = TransactionView(base + 1, order, "CAPTURE", "SUCCESS", order.total, t, auth)
        found = [auth, paid]
    else:
        paid = TransactionView(base, order, "SALE", "SUCCESS", order.total, t)
        found = [paid]
    for n, refund in enumerate(m.refunds(store, order)):
        found.append(TransactionView(base + 2 + n, order, "REFUND", "SUCCESS", refund.amount, refund.created_at, paid))
    return found


def _transactions(o: Order, info: Info, first: int | None = None, capturable: bool | None = None, **_: Any) -> list:
    found = transactions(info.context.store, o)
    if capturable:
        found = [t for t in found if t.kind == "AUTHORIZATION" and m.capturable(o)]
    return found if first is None else found[:first]


TRANSACTION: dict[str, Any] = {
    "amountSet": lambda t, info, **_: m.bag(t.order, t.amount),
    "gateway": lambda t, info, **_: t.order.gateways[0] if t.order.gateways else "manual",
    "formattedGateway": lambda t, info, **_: (
        (t.order.gateways[0] if t.order.gateways else "manual").replace("_", " ").title()
    ),
    "createdAt": lambda t, info, **_: t.processed_at,
    "parentTransaction": lambda t, info, **_: t.parent,
    "order": lambda t, info, **_: t.order,
    "test": lambda t, info, **_: t.order.test,
    "manualPaymentGateway": lambda t, info, **_: "manual" in t.order.gateways,
    "manuallyCapturable": lambda t, info, **_: t.kind == "AUTHORIZATION" and m.capturable(t.order) > 0,
    "multiCapturable": lambda t, info, **_: False,
    "fees": lambda t, info, **_: [],
}


# --- refunds -------------------------------------------------------------------------


def _refunds(o: Order, info: Info, first: int | None = None, **_: Any) -> list[Refund]:
    found = m.refunds(info.context.store, o)
    return found if first is None else found[:first]


def _refund_lines(r: Refund, info: Info, **args: Any) -> dict[str, Any]:
    order = info.context.store.orders[r.order_id]
    by_id = {li.id: li for li in order.line_items}
    views = [
        RefundLineView(r.id * 100 + n, r, by_id[lid], q, restock)
        for n, (lid, q, restock) in enumerate(r.lines)
        if lid in by_id
    ]
    return info.context.nested("refund_line_items", views, args)


def _refund_transactions(r: Refund, info: Info, **args: Any) -> dict[str, Any]:
    order = info.context.store.orders[r.order_id]
    mine = [t for t in transactions(info.context.store, order) if t.kind == "REFUND" and t.processed_at == r.created_at]
    return info.context.nested("refund_transactions", mine[:1], args)


def _order_of(r: Any, info: Info) -> Order:
    return info.context.store.orders[r.order_id]


REFUND: dict[str, Any] = {
    "totalRefundedSet": lambda r, info, **_: m.bag(_order_of(r, info), r.amount),
    "processedAt": lambda r, info, **_: r.created_at,
    "updatedAt": lambda r, info, **_: r.created_at,
    "order": lambda r, info, **_: _order_of(r, info),
    "refundLineItems": _refund_lines,
    "transactions": _refund_transactions,
}


def _unit(v: RefundLineView) -> int:
    return v.line.unit_price - v.line.discount


def _refund_order(v: RefundLineView, info: Info) -> Order:
    return info.context.store.orders[v.refund.order_id]


REFUND_LINE_ITEM: dict[str, Any] = {
    "lineItem": lambda v, info, **_: v.line,
    "priceSet": lambda v, info, **_: m.bag(_refund_order(v, info), _unit(v)),
    "subtotalSet": lambda v, info, **_: m.bag(_refund_order(v, info), _unit(v) * v.quantity),
    "totalTaxSet": lambda v, info, **_: m.bag(_refund_order(v, info), m.line_tax(v.line, v.quantity)),
    "restocked": lambda v, info, **_: v.restock_type in ("RETURN", "CANCEL", "LEGACY_RESTOCK"),
    "location": lambda v, info, **_: info.context.store.locations.get(_refund_order(v, info).location_id),
}


ORDER_PARTS: dict[str, Any] = {
    "taxLines": _order_tax_lines,
    "currentTaxLines": _current_tax_lines,
    "shippingLines": _shipping_lines,
    "discountApplications": _discount_applications,
    "discountCodes": lambda o, info, **_: (
        ["SAVE10"] if (app := discount_application(o)) and app["__typename"] == "DiscountCodeApplication" else []
    ),
    "transactions": _transactions,
    "refunds": _refunds,
    "note": lambda o, info, **_: o.note,
}
LINE_ITEM_PARTS: dict[str, Any] = {"taxLines": line_tax_lines, "discountAllocations": _discount_allocations}
