"""Order money and status, derived from the compact records so that they always add up.

Shopify's arithmetic (checked against ``order-create-math-matrix``): ``subtotalPriceSet``
is the line items *after* their discounts, ``totalPriceSet = subtotal + shipping + tax``,
``totalDiscountsSet`` is what the discounts took off. ``current*`` amounts drop what
refunds took back and are all zero once the order is cancelled (``orderCancel-parity``).
Presentment money is the shop amount at a fixed rate when the order was paid in another
currency; each amount is converted on its own, as Shopify reports each one.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from shopify_simulator.formatting import cents
from shopify_simulator.store import LineItem, Order, Store

TAX_BP = 800  # every simulated tax line is 8 %
RATES = {"CAD": Decimal("1.36"), "GBP": Decimal("0.79"), "EUR": Decimal("0.92")}
COUNTRY_CURRENCY = {"CA": "CAD", "GB": "GBP", "DE": "EUR"}


def line_tax(li: LineItem, quantity: int | None = None) -> int:
    """Tax of `quantity` units of a line (all units by default), cents."""
    units = li.quantity if quantity is None else quantity
    return (li.unit_price - li.discount) * units * TAX_BP // 10_000


def presentment(order: Order, amount: int) -> int:
    rate = RATES.get(order.presentment_currency or "")
    if rate is None:
        return amount
    return int((Decimal(amount) * rate).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def bag(order: Order, amount: int) -> dict[str, Any]:
    """MoneyBag of an order amount: shop money and what the customer saw."""
    shown = order.presentment_currency or order.currency_code
    return {
        "shopMoney": {"amount": cents(amount), "currencyCode": order.currency_code},
        "presentmentMoney": {"amount": cents(presentment(order, amount)), "currencyCode": shown},
    }


def refunds(store: Store, order: Order) -> list[Any]:
    return [store.refunds[rid] for rid in order.refund_ids if rid in store.refunds]


def refunded_quantities(store: Store, order: Order) -> dict[int, int]:
    done: dict[int, int] = {}
    for refund in refunds(store, order):
        for line_id, quantity, _restock in refund.lines:
            done[line_id] = done.get(line_id, 0) + quantity
    return done


def original_line_total(order: Order) -> int:
    return sum(li.unit_price * li.quantity for li in order.line_items)


def discounts(order: Order) -> int:
    return sum(li.discount * li.quantity for li in order.line_items)


def refunded(store: Store, order: Order) -> int:
    return sum(r.amount for r in refunds(store, order))


def refunded_shipping(store: Store, order: Order) -> int:
    return sum(r.shipping for r in refunds(store, order))


def current_subtotal(order: Order) -> int:
    if order.cancelled_at is not None:
        return 0
    return sum((li.unit_price - li.discount) * li.current_quantity for li in order.line_items)


def current_discounts(order: Order) -> int:
    if order.cancelled_at is not None:
        return 0
    return sum(li.discount * li.current_quantity for li in order.line_items)


def current_tax(store: Store, order: Order) -> int:
    if order.cancelled_at is not None:
        return 0
    by_id = {li.id: li for li in order.line_items}
    taken = sum(line_tax(by_id[lid], q) for r in refunds(store, order) for lid, q, _ in r.lines if lid in by_id)
    return order.tax - taken


def current_shipping(store: Store, order: Order) -> int:
    return 0 if order.cancelled_at is not None else order.shipping - refunded_shipping(store, order)


def current_total(store: Store, order: Order) -> int:
    return current_subtotal(order) + current_tax(store, order) + current_shipping(store, order)


def received(order: Order) -> int:
    """What was captured: the whole total once paid (refunds are reported separately)."""
    return order.total if order.financial_status in ("PAID", "PARTIALLY_REFUNDED", "REFUNDED") else 0


def net_payment(store: Store, order: Order) -> int:
    return received(order) - refunded(store, order)


def outstanding(store: Store, order: Order) -> int:
    if order.cancelled_at is not None:
        return 0
    return max(0, current_total(store, order) - net_payment(store, order))


def capturable(order: Order) -> int:
    return order.total if order.financial_status == "AUTHORIZED" and order.cancelled_at is None else 0


def fulfilled_quantities(store: Store, order: Order) -> dict[int, int]:
    done: dict[int, int] = {}
    for fid in order.fulfillment_ids:
        fulfillment = store.fulfillments.get(fid)
        if fulfillment is None or fulfillment.status != "SUCCESS":
            continue
        for line_id, quantity in fulfillment.lines:
            done[line_id] = done.get(line_id, 0) + quantity
    return done


def fulfillment_status(store: Store, order: Order) -> str:
    """OrderDisplayFulfillmentStatus consistent with the order's fulfillments and hold."""
    if order.hold_reason is not None and order.cancelled_at is None:
        return "ON_HOLD"
    done = sum(fulfilled_quantities(store, order).values())
    if done == 0:
        return "UNFULFILLED"
    if order.cancelled_at is None and any(li.unfulfilled_quantity for li in order.line_items):
        return "PARTIALLY_FULFILLED"
    return "FULFILLED"


def fulfillment_order_status(order: Order) -> str:
    """FulfillmentOrderStatus of the order's (single) fulfillment order."""
    if order.cancelled_at is not None:
        return "CLOSED"
    if order.hold_reason is not None:
        return "ON_HOLD"
    if not any(li.unfulfilled_quantity for li in order.line_items):
        return "CLOSED"
    if order.fulfillment_ids:
        return "IN_PROGRESS"
    return "OPEN"
