"""Resolvers of Order, LineItem and MailingAddress fields."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLResolveInfo

from shopify_simulator.resolvers.money import money_bag
from shopify_simulator.store import Address, LineItem, Order

Info = GraphQLResolveInfo


def _bag(getter: Any) -> Any:
    return lambda o, info, **_: money_bag(getter(o), o.currency_code)


def _money(getter: Any) -> Any:
    from shopify_simulator.formatting import cents

    return lambda o, info, **_: cents(getter(o))


def _current(o: Order, value: int) -> int:
    return 0 if o.cancelled_at is not None else value


def _discounts(o: Order) -> int:
    return sum(li.discount * li.quantity for li in o.line_items)


def _refunded(o: Order) -> int:
    return o.total if o.financial_status == "REFUNDED" else 0


def _received(o: Order) -> int:
    return o.total if o.financial_status in ("PAID", "REFUNDED", "PARTIALLY_REFUNDED") else 0


def _outstanding(o: Order) -> int:
    return 0 if o.cancelled_at is not None else o.total - _received(o)


ORDER: dict[str, Any] = {
    "name": lambda o, info, **_: f"#{o.number}",
    "closed": lambda o, info, **_: o.closed_at is not None,
    "displayFinancialStatus": lambda o, info, **_: o.financial_status,
    "displayFulfillmentStatus": lambda o, info, **_: o.fulfillment_status,
    "paymentGatewayNames": lambda o, info, **_: list(o.gateways),
    "tags": lambda o, info, **_: list(o.tags),
    "presentmentCurrencyCode": lambda o, info, **_: o.currency_code,
    "customer": lambda o, info, **_: info.context.store.customers.get(o.customer_id),
    "lineItems": lambda o, info, **args: info.context.nested("line_items", o.line_items, args),
    "confirmed": lambda o, info, **_: True,
    "fullyPaid": lambda o, info, **_: _outstanding(o) == 0,
    "unpaid": lambda o, info, **_: _received(o) == 0,
    "requiresShipping": lambda o, info, **_: True,
    "fulfillable": lambda o, info, **_: o.closed_at is None and o.fulfillment_status != "FULFILLED",
    "returnStatus": lambda o, info, **_: "NO_RETURN",
    "displayAddress": lambda o, info, **_: o.billing_address,
    "subtotalLineItemsQuantity": lambda o, info, **_: sum(li.quantity for li in o.line_items),
    "currentSubtotalLineItemsQuantity": lambda o, info, **_: sum(li.current_quantity for li in o.line_items),
    "totalPriceSet": _bag(lambda o: o.total),
    "originalTotalPriceSet": _bag(lambda o: o.total),
    "currentTotalPriceSet": _bag(lambda o: _current(o, o.total)),
    "subtotalPriceSet": _bag(lambda o: o.subtotal),
    "currentSubtotalPriceSet": _bag(lambda o: _current(o, o.subtotal)),
    "totalTaxSet": _bag(lambda o: o.tax),
    "currentTotalTaxSet": _bag(lambda o: _current(o, o.tax)),
    "totalShippingPriceSet": _bag(lambda o: o.shipping),
    "currentShippingPriceSet": _bag(lambda o: _current(o, o.shipping)),
    "totalDiscountsSet": _bag(_discounts),
    "currentTotalDiscountsSet": _bag(lambda o: _current(o, _discounts(o))),
    "cartDiscountAmountSet": _bag(lambda o: 0),
    "currentCartDiscountAmountSet": _bag(lambda o: 0),
    "totalRefundedSet": _bag(_refunded),
    "totalRefundedShippingSet": _bag(lambda o: 0),
    "totalReceivedSet": _bag(_received),
    "netPaymentSet": _bag(lambda o: _received(o) - _refunded(o)),
    "totalOutstandingSet": _bag(_outstanding),
    "totalCapturableSet": _bag(lambda o: o.total if o.financial_status == "AUTHORIZED" else 0),
    "totalTipReceivedSet": _bag(lambda o: 0),
    "currentTotalAdditionalFeesSet": _bag(lambda o: 0),
    "currentTotalDutiesSet": _bag(lambda o: 0),
    "originalTotalAdditionalFeesSet": _bag(lambda o: 0),
    "originalTotalDutiesSet": _bag(lambda o: 0),
    "refundDiscrepancySet": _bag(lambda o: 0),
    "totalPrice": _money(lambda o: o.total),
    "subtotalPrice": _money(lambda o: o.subtotal),
    "totalTax": _money(lambda o: o.tax),
    "totalShippingPrice": _money(lambda o: o.shipping),
    "totalDiscounts": _money(_discounts),
    "totalReceived": _money(_received),
    "totalRefunded": _money(_refunded),
    "netPayment": _money(lambda o: _received(o) - _refunded(o)),
    "totalCapturable": _money(lambda o: 0),
    "totalTipReceived": _money(lambda o: 0),
}


def _line_bag(getter: Any) -> Any:
    return lambda li, info, **_: money_bag(getter(li), _currency(li, info))


def _currency(li: LineItem, info: Info) -> str:
    return info.context.store.orders[li.order_id].currency_code


def _variant(li: LineItem, info: Info) -> Any:
    return info.context.store.variants.get(li.variant_id)


def _product(li: LineItem, info: Info) -> Any:
    variant = _variant(li, info)
    return info.context.store.products.get(variant.product_id) if variant else None


LINE_ITEM: dict[str, Any] = {
    "name": lambda li, info, **_: f"{li.title} - {li.variant_title}" if li.variant_title else li.title,
    "variant": lambda li, info, **_: _variant(li, info),
    "product": lambda li, info, **_: _product(li, info),
    "vendor": lambda li, info, **_: (_product(li, info) or None) and _product(li, info).vendor,
    "fulfillableQuantity": lambda li, info, **_: li.unfulfilled_quantity,
    "refundableQuantity": lambda li, info, **_: li.current_quantity,
    "nonFulfillableQuantity": lambda li, info, **_: li.quantity - li.current_quantity,
    "requiresShipping": lambda li, info, **_: True,
    "taxable": lambda li, info, **_: True,
    "restockable": lambda li, info, **_: True,
    "canRestock": lambda li, info, **_: True,
    "merchantEditable": lambda li, info, **_: True,
    "isGiftCard": lambda li, info, **_: False,
    "originalUnitPriceSet": _line_bag(lambda li: li.unit_price),
    "discountedUnitPriceSet": _line_bag(lambda li: li.unit_price - li.discount),
    "discountedUnitPriceAfterAllDiscountsSet": _line_bag(lambda li: li.unit_price - li.discount),
    "originalTotalSet": _line_bag(lambda li: li.unit_price * li.quantity),
    "discountedTotalSet": _line_bag(lambda li: (li.unit_price - li.discount) * li.quantity),
    "totalDiscountSet": _line_bag(lambda li: li.discount * li.quantity),
    "unfulfilledOriginalTotalSet": _line_bag(lambda li: li.unit_price * li.unfulfilled_quantity),
    "unfulfilledDiscountedTotalSet": _line_bag(lambda li: (li.unit_price - li.discount) * li.unfulfilled_quantity),
    "priceAfterAllDiscountsBeforeTaxesSet": _line_bag(lambda li: (li.unit_price - li.discount) * li.quantity),
}


def _formatted(a: Address, info: Info, **_: Any) -> list[str]:
    lines = [a.company, a.address1, a.address2, " ".join(p for p in (a.city, a.province_code, a.zip) if p), a.country]
    return [line for line in lines if line]


MAILING_ADDRESS: dict[str, Any] = {
    "name": lambda a, info, **_: " ".join(p for p in (a.first_name, a.last_name) if p) or None,
    "countryCodeV2": lambda a, info, **_: a.country_code,
    "formatted": _formatted,
    "formattedArea": lambda a, info, **_: ", ".join(p for p in (a.city, a.province_code, a.country) if p),
}
