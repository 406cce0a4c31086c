"""REST orders: the full ``order`` resource and the list filters of ``GET /orders.json``.

The body starts from ``rest_payloads.order`` (the webhook shape) and adds what the REST
resource carries in ``order.examples.json`` (test_8): order-level ``tax_lines``,
``shipping_lines``, ``discount_codes`` / ``discount_applications``, full ``refunds`` with
``refund_line_items`` and ``transactions``, and the full nested ``customer``. Values come from
``order_math`` and the GraphQL views so both APIs report the same numbers and ids.
"""

from __future__ import annotations

from typing import Any

from shopify_simulator import order_math as m
from shopify_simulator import rest_payloads as rp
from shopify_simulator.formatting import gid
from shopify_simulator.order_records import Refund
from shopify_simulator.resolvers import order_parts as parts
from shopify_simulator.rest import render
from shopify_simulator.rest.paging import ParamError
from shopify_simulator.rest.params import int_list, int_param, time_param
from shopify_simulator.store import Order, Store

READ_ALL_ORDERS_WINDOW = 60 * 86_400
FINANCIAL = {
    "authorized", "pending", "paid", "partially_paid", "refunded", "voided", "partially_refunded", "expired",
}  # fmt: skip
TIME_FILTERS = {
    "created_at": lambda o: o.created_at,
    "updated_at": lambda o: o.updated_at,
    "processed_at": lambda o: o.processed_at,
}


def _zero(order: Order) -> dict[str, Any]:
    return rp.money_set(order, 0)


def _tax_lines(order: Order, amount: int) -> list[dict[str, Any]]:
    if not amount:
        return []
    title = parts.tax_line(order, amount)["title"]
    return [
        {
            "price": rp.rest_money(amount),
            "rate": m.TAX_BP / 10_000,
            "title": title,
            "price_set": rp.money_set(order, amount),
            "channel_liable": False,
        }
    ]


def _shipping_lines(order: Order) -> list[dict[str, Any]]:
    title, code = parts.SHIPPING.get(order.shipping, ("Standard", "STANDARD"))
    price = rp.rest_money(order.shipping)
    return [
        {
            "id": order.id * 4 + 1, "carrier_identifier": None, "code": code, "discounted_price": price,
            "discounted_price_set": rp.money_set(order, order.shipping), "is_removed": False, "phone": None,
            "price": price, "price_set": rp.money_set(order, order.shipping),
            "requested_fulfillment_service_id": None, "source": "shopify", "title": title, "tax_lines": [],
            "discount_allocations": [],
        }
    ]  # fmt: skip


def _discounts(order: Order) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(discount_codes, discount_applications) of the order's one 10 % application."""
    application = parts.discount_application(order)
    if application is None:
        return [], []
    kind = {
        "DiscountCodeApplication": "discount_code", "AutomaticDiscountApplication": "automatic",
        "ManualDiscountApplication": "manual",
    }[application["__typename"]]  # fmt: skip
    rest_app: dict[str, Any] = {
        "target_type": "line_item", "type": kind, "value": "10.0", "value_type": "percentage",
        "allocation_method": "across", "target_selection": "entitled",
    }  # fmt: skip
    codes = []
    if kind == "discount_code":
        rest_app["code"] = application["code"]
        codes = [{"code": application["code"], "amount": rp.rest_money(m.discounts(order)), "type": "percentage"}]
    else:
        rest_app.update(title=application["title"], description=application.get("description", application["title"]))
    return codes, [rest_app]


def _line_item(store: Store, order: Order, li: Any) -> dict[str, Any]:
    body = rp.line_item(store, order, li)
    body["attributed_staffs"] = []
    if li.discount and parts.discount_application(order) is not None:
        amount = li.discount * li.quantity
        body["discount_allocations"] = [
            {
                "amount": rp.rest_money(amount),
                "amount_set": rp.money_set(order, amount),
                "discount_application_index": 0,
            }
        ]
    return body


def _refund(store: Store, order: Order, refund: Refund) -> dict[str, Any]:
    by_id = {li.id: li for li in order.line_items}
    lines = []
    for n, (line_id, quantity, restock) in enumerate(refund.lines):
        li = by_id.get(line_id)
        if li is None:
            continue
        subtotal, tax = (li.unit_price - li.discount) * quantity, m.line_tax(li, quantity)
        lines.append(
            {
                "id": refund.id * 100 + n, "line_item_id": line_id, "location_id": order.location_id,
                "quantity": quantity, "restock_type": restock.lower(), "subtotal": float(rp.rest_money(subtotal)),
                "subtotal_set": rp.money_set(order, subtotal), "total_tax": float(rp.rest_money(tax)),
                "total_tax_set": rp.money_set(order, tax), "line_item": _line_item(store, order, li),
            }
        )  # fmt: skip
    refunds_paid = [t for t in parts.transactions(store, order) if t.kind == "REFUND"]
    paid = next((t for t in refunds_paid if t.processed_at == refund.created_at), None)
    restock = any(r != "NO_RESTOCK" for _, _, r in refund.lines)
    transactions = [] if paid is None else [_transaction(store, order, paid)]
    return {
        "id": refund.id, "admin_graphql_api_id": gid("Refund", refund.id),
        "created_at": rp.rest_time(store, refund.created_at), "note": refund.note, "order_id": order.id,
        "processed_at": rp.rest_time(store, refund.created_at), "restock": restock,
        "total_additional_fees_set": _zero(order), "total_duties_set": _zero(order), "user_id": None,
        "order_adjustments": [], "transactions": transactions, "refund_line_items": lines, "duties": [],
        "additional_fees": [],
    }  # fmt: skip


def _transaction(store: Store, order: Order, t: Any) -> dict[str, Any]:
    return {
        "id": t.id, "admin_graphql_api_id": gid("OrderTransaction", t.id), "amount": rp.rest_money(t.amount),
        "authorization": None, "created_at": rp.rest_time(store, t.processed_at), "currency": order.currency_code,
        "device_id": None, "error_code": None, "gateway": order.gateways[0] if order.gateways else "manual",
        "kind": t.kind.lower(), "location_id": None, "message": None, "order_id": order.id,
        "parent_id": t.parent.id if t.parent else None, "payment_id": f"#{order.number}.{t.id % 8 + 1}",
        "processed_at": rp.rest_time(store, t.processed_at), "receipt": {}, "source_name": "web",
        "status": t.status.lower(), "test": order.test, "user_id": None,
    }  # fmt: skip


def order(store: Store, o: Order) -> dict[str, Any]:
    body = rp.order(store, o)
    codes, applications = _discounts(o)
    token = f"{o.id:032x}"[-32:]
    body.update(
        browser_ip=None, cart_token=None, checkout_id=None, checkout_token=None, client_details=None,
        current_total_additional_fees_set=None, current_total_duties_set=None, customer_locale=None,
        device_id=None, discount_codes=codes, duties_included=False, estimated_taxes=False, landing_site=None,
        landing_site_ref=None, merchant_business_entity_id=None, merchant_of_record_app_id=None,
        order_status_url=f"https://{store.shop.myshopify_domain}/{store.shop.id}/orders/{token}/authenticate?key={token}",
        original_total_additional_fees_set=None, original_total_duties_set=None, po_number=None, reference=None,
        referring_site=None, source_identifier=None, source_url=None, tax_lines=_tax_lines(o, o.tax), token=token,
        total_cash_rounding_payment_adjustment_set=_zero(o), total_cash_rounding_refund_adjustment_set=_zero(o),
        customer=render.order_customer(store, o.customer_id), discount_applications=applications,
        line_items=[_line_item(store, o, li) for li in o.line_items], payment_terms=None,
        refunds=[_refund(store, o, r) for r in m.refunds(store, o)], shipping_lines=_shipping_lines(o),
    )  # fmt: skip
    body.pop("current_shipping_price_set", None)  # webhook-only: absent from the REST order (test_8)
    for fulfillment in body["fulfillments"]:
        for key in ("destination", "email"):  # webhook-only keys of the nested fulfillment
            fulfillment.pop(key, None)
    return body


# --- list filters ----------------------------------------------------------------------------


def visible(store: Store, o: Order) -> bool:
    """Without ``read_all_orders`` only the last 60 days are readable (same rule as GraphQL)."""
    return "read_all_orders" in store.scopes or o.processed_at >= store.now() - READ_ALL_ORDERS_WINDOW


def matcher(store: Store, filters: dict[str, str]) -> Any:
    """A predicate for the documented filters; raises ParamError on unparseable values."""
    status = filters.get("status", "open")
    if status not in ("open", "closed", "cancelled", "any"):
        raise ParamError("status")
    ids = int_list(filters, "ids")
    since = int_param(filters, "since_id")
    bounds = [
        (getter, time_param(filters, f"{name}_min"), time_param(filters, f"{name}_max"))
        for name, getter in TIME_FILTERS.items()
    ]
    financial = filters.get("financial_status", "any")
    if financial not in FINANCIAL | {"any", "unpaid"}:
        raise ParamError("financial_status")
    fulfillment = filters.get("fulfillment_status", "any")
    if fulfillment not in ("shipped", "partial", "unshipped", "unfulfilled", "any"):
        raise ParamError("fulfillment_status")

    def keep(o: Order) -> bool:
        if not visible(store, o) or (ids is not None and o.id not in ids) or (since is not None and o.id <= since):
            return False
        if status == "open" and (o.closed_at is not None or o.cancelled_at is not None):
            return False
        if status == "closed" and o.closed_at is None:
            return False
        if status == "cancelled" and o.cancelled_at is None:
            return False
        for getter, low, high in bounds:
            if (low is not None and getter(o) < low) or (high is not None and getter(o) > high):
                return False
        return _financial(o, financial) and _fulfillment(o, fulfillment)

    return keep


def _financial(o: Order, wanted: str) -> bool:
    value = (o.financial_status or "").lower()
    if wanted == "any":
        return True
    if wanted == "unpaid":
        return value in ("authorized", "partially_paid", "pending")
    return value == wanted


def _fulfillment(o: Order, wanted: str) -> bool:
    value = rp.FULFILLMENT_STATUS.get(o.fulfillment_status)
    return {
        "any": True,
        "shipped": value == "fulfilled",
        "partial": value == "partial",
        "unshipped": value is None,
        "unfulfilled": value in (None, "partial"),
    }[wanted]
