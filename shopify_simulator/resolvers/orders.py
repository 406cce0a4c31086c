"""Resolvers of Order, LineItem and MailingAddress fields."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLResolveInfo

from shopify_simulator import order_math as m
from shopify_simulator.formatting import cents, gid
from shopify_simulator.store import Address, LineItem, Order

Info = GraphQLResolveInfo


def _bag(getter: Any) -> Any:
    """A MoneyBag field of Order computed by ``order_math`` (getter takes store and order)."""
    return lambda o, info, **_: m.bag(o, getter(info.context.store, o))


def _money(getter: Any) -> Any:
    return lambda o, info, **_: cents(getter(info.context.store, o))


def _discounts(o: Order) -> int:
    return m.discounts(o)


ORDER: dict[str, Any] = {
    "name": lambda o, info, **_: f"#{o.number}",
    "closed": lambda o, info, **_: o.closed_at is not None,
    "displayFinancialStatus": lambda o, info, **_: o.financial_status,
    "displayFulfillmentStatus": lambda o, info, **_: o.fulfillment_status,
    "paymentGatewayNames": lambda o, info, **_: list(o.gateways),
    "tags": lambda o, info, **_: list(o.tags),
    "customer": lambda o, info, **_: info.context.store.customers.get(o.customer_id),
    "lineItems": lambda o, info, **args: info.context.nested("line_items", o.line_items, args),
    "confirmed": lambda o, info, **_: True,
    "fullyPaid": lambda o, info, **_: m.outstanding(info.context.store, o) == 0,
    "unpaid": lambda o, info, **_: m.received(o) == 0,
    "requiresShipping": lambda o, info, **_: True,
    "fulfillable": lambda o, info, **_: o.closed_at is None and o.fulfillment_status != "FULFILLED",
    "returnStatus": lambda o, info, **_: "NO_RETURN",
    "displayAddress": lambda o, info, **_: o.billing_address,
    "subtotalLineItemsQuantity": lambda o, info, **_: sum(li.quantity for li in o.line_items),
    "currentSubtotalLineItemsQuantity": lambda o, info, **_: sum(li.current_quantity for li in o.line_items),
    "totalPriceSet": _bag(lambda st, o: o.total),
    "originalTotalPriceSet": _bag(lambda st, o: o.total),
    "currentTotalPriceSet": _bag(m.current_total),
    "subtotalPriceSet": _bag(lambda st, o: o.subtotal),
    "currentSubtotalPriceSet": _bag(lambda st, o: m.current_subtotal(o)),
    "totalLineItemsPriceSet": _bag(lambda st, o: m.original_line_total(o)),
    "totalTaxSet": _bag(lambda st, o: o.tax),
    "currentTotalTaxSet": _bag(m.current_tax),
    "totalShippingPriceSet": _bag(lambda st, o: o.shipping),
    "currentShippingPriceSet": _bag(m.current_shipping),
    "totalDiscountsSet": _bag(lambda st, o: m.discounts(o)),
    "currentTotalDiscountsSet": _bag(lambda st, o: m.current_discounts(o)),
    "cartDiscountAmountSet": _bag(lambda st, o: 0),
    "currentCartDiscountAmountSet": _bag(lambda st, o: 0),
    "totalRefundedSet": _bag(m.refunded),
    "totalRefundedShippingSet": _bag(m.refunded_shipping),
    "totalReceivedSet": _bag(lambda st, o: m.received(o)),
    "netPaymentSet": _bag(m.net_payment),
    "totalOutstandingSet": _bag(m.outstanding),
    "totalCapturableSet": _bag(lambda st, o: m.capturable(o)),
    "totalTipReceivedSet": _bag(lambda st, o: 0),
    "currentTotalAdditionalFeesSet": _bag(lambda st, o: 0),
    "currentTotalDutiesSet": _bag(lambda st, o: 0),
    "originalTotalAdditionalFeesSet": _bag(lambda st, o: 0),
    "originalTotalDutiesSet": _bag(lambda st, o: 0),
    "refundDiscrepancySet": _bag(lambda st, o: 0),
    "totalPrice": _money(lambda st, o: o.total),
    "subtotalPrice": _money(lambda st, o: o.subtotal),
    "totalTax": _money(lambda st, o: o.tax),
    "totalShippingPrice": _money(lambda st, o: o.shipping),
    "totalDiscounts": _money(lambda st, o: m.discounts(o)),
    "totalReceived": _money(lambda st, o: m.received(o)),
    "totalRefunded": _money(m.refunded),
    "netPayment": _money(m.net_payment),
    "totalCapturable": _money(lambda st, o: m.capturable(o)),
    "totalTipReceived": _money(lambda st, o: 0),
    "capturable": lambda o, info, **_: m.capturable(o) > 0,
    "presentmentCurrencyCode": lambda o, info, **_: o.presentment_currency or o.currency_code,
    "taxesIncluded": lambda o, info, **_: False,
}


def _line_bag(getter: Any) -> Any:
    return lambda li, info, **_: m.bag(info.context.store.orders[li.order_id], getter(li))


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


def _address_id(a: Address, info: Info, **_: Any) -> str:
    """A customer's address carries its model in the gid: ``…/MailingAddress/1?model_name=CustomerAddress``,
    as in Shopify's reference examples (``customerAddressDefault``); not captured here."""
    suffix = f"?model_name={a.model_name}" if a.model_name else ""
    return gid("MailingAddress", a.id) + suffix


MAILING_ADDRESS: dict[str, Any] = {
    "id": _address_id,
    "name": lambda a, info, **_: " ".join(p for p in (a.first_name, a.last_name) if p) or None,
    "countryCodeV2": lambda a, info, **_: a.country_code or None,  # nullable: an address may have no country
    "formatted": _formatted,
    "formattedArea": lambda a, info, **_: ", ".join(p for p in (a.city, a.province_code, a.country) if p),
}
