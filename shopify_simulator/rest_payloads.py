"""REST-shaped webhook payloads of orders and fulfillments (what ``StoreEvent.payload`` carries).

Names and value types follow Shopify's webhook samples (gadget-inc 2026-04 metadatas):
REST money is a string with two decimals (``"414.95"``), money sets are
``{shop_money, presentment_money}`` of ``{amount, currency_code}``, timestamps carry the
shop's UTC offset (``2021-12-31T19:00:00-05:00``), enums are lower case, ``tags`` is one
comma-separated string. A subset of the fields is filled; none is renamed.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from shopify_simulator import order_math as m
from shopify_simulator.formatting import gid
from shopify_simulator.order_records import Fulfillment
from shopify_simulator.store import Address, LineItem, Order, Store

FULFILLMENT_STATUS = {"FULFILLED": "fulfilled", "PARTIALLY_FULFILLED": "partial", "ON_HOLD": None, "UNFULFILLED": None}


def rest_time(store: Store, epoch: int | None) -> str | None:
    if epoch is None:
        return None
    return datetime.fromtimestamp(epoch, ZoneInfo(store.shop.iana_timezone)).isoformat()


def rest_money(amount: int) -> str:
    return f"{Decimal(amount).scaleb(-2):.2f}"


def money_set(order: Order, amount: int) -> dict[str, Any]:
    shown = order.presentment_currency or order.currency_code
    return {
        "shop_money": {"amount": rest_money(amount), "currency_code": order.currency_code},
        "presentment_money": {"amount": rest_money(m.presentment(order, amount)), "currency_code": shown},
    }


def address(a: Address | None) -> dict[str, Any] | None:
    if a is None:
        return None
    name = " ".join(p for p in (a.first_name, a.last_name) if p)
    return {
        "first_name": a.first_name, "address1": a.address1, "phone": a.phone, "city": a.city, "zip": a.zip,
        "province": a.province, "country": a.country, "last_name": a.last_name, "address2": a.address2,
        "company": a.company, "latitude": None, "longitude": None, "name": name, "country_code": a.country_code,
        "province_code": a.province_code,
    }  # fmt: skip


def line_item(store: Store, order: Order, li: LineItem) -> dict[str, Any]:
    variant = store.variants.get(li.variant_id)
    tax = m.line_tax(li)
    return {
        "id": li.id,
        "admin_graphql_api_id": gid("LineItem", li.id),
        "current_quantity": li.current_quantity,
        "fulfillable_quantity": li.unfulfilled_quantity,
        "fulfillment_service": "manual",
        "fulfillment_status": None
        if li.unfulfilled_quantity == li.quantity
        else "fulfilled"
        if li.unfulfilled_quantity == 0
        else "partial",
        "gift_card": False,
        "grams": 0,
        "name": f"{li.title} - {li.variant_title}" if li.variant_title else li.title,
        "price": rest_money(li.unit_price),
        "price_set": money_set(order, li.unit_price),
        "product_exists": variant is not None,
        "product_id": variant.product_id if variant else None,
        "properties": [],
        "quantity": li.quantity,
        "requires_shipping": True,
        "sku": li.sku,
        "taxable": True,
        "title": li.title,
        "total_discount": rest_money(li.discount * li.quantity),
        "total_discount_set": money_set(order, li.discount * li.quantity),
        "variant_id": li.variant_id,
        "variant_inventory_management": "shopify",
        "variant_title": li.variant_title,
        "vendor": store.products[variant.product_id].vendor if variant else None,
        "tax_lines": [
            {
                "price": rest_money(tax),
                "rate": m.TAX_BP / 10_000,
                "title": "Tax",
                "price_set": money_set(order, tax),
                "channel_liable": False,
            }
        ]
        if tax
        else [],  # fmt: skip
        "duties": [],
        "discount_allocations": [],
    }


def fulfillment(store: Store, f: Fulfillment) -> dict[str, Any]:
    order = store.orders.get(f.order_id)
    company, number, url = f.tracking[0] if f.tracking else (None, None, None)
    by_id = {li.id: li for li in order.line_items} if order else {}
    lines = []
    for line_id, quantity in f.lines:
        if line_id in by_id:
            lines.append({**line_item(store, order, by_id[line_id]), "quantity": quantity})
    return {
        "id": f.id,
        "order_id": f.order_id,
        "status": "cancelled" if f.status == "CANCELLED" else "success",
        "created_at": rest_time(store, f.created_at),
        "service": "manual",
        "updated_at": rest_time(store, f.updated_at),
        "tracking_company": company,
        "shipment_status": None if f.display_status == "FULFILLED" else f.display_status.lower(),
        "location_id": f.location_id,
        "origin_address": None,
        "email": order.email if order else None,
        "destination": address(order.shipping_address) if order else None,
        "line_items": lines,
        "tracking_number": number,
        "tracking_numbers": [n for _, n, _ in f.tracking if n],
        "tracking_url": url,
        "tracking_urls": [u for _, _, u in f.tracking if u],
        "receipt": {},
        "name": f"#{order.number}.{f.sequence}" if order else None,
        "admin_graphql_api_id": gid("Fulfillment", f.id),
    }


def order(store: Store, o: Order) -> dict[str, Any]:
    customer = store.customers.get(o.customer_id)
    return {
        "id": o.id,
        "admin_graphql_api_id": gid("Order", o.id),
        "app_id": None,
        "buyer_accepts_marketing": False,
        "cancel_reason": o.cancel_reason.lower() if o.cancel_reason else None,
        "cancelled_at": rest_time(store, o.cancelled_at),
        "closed_at": rest_time(store, o.closed_at),
        "confirmation_number": None,
        "confirmed": True,
        "contact_email": o.email,
        "created_at": rest_time(store, o.created_at),
        "currency": o.currency_code,
        "current_shipping_price_set": money_set(o, m.current_shipping(store, o)),
        "current_subtotal_price": rest_money(m.current_subtotal(o)),
        "current_subtotal_price_set": money_set(o, m.current_subtotal(o)),
        "current_total_discounts": rest_money(m.current_discounts(o)),
        "current_total_discounts_set": money_set(o, m.current_discounts(o)),
        "current_total_price": rest_money(m.current_total(store, o)),
        "current_total_price_set": money_set(o, m.current_total(store, o)),
        "current_total_tax": rest_money(m.current_tax(store, o)),
        "current_total_tax_set": money_set(o, m.current_tax(store, o)),
        "discount_codes": [],
        "email": o.email,
        "financial_status": o.financial_status.lower() if o.financial_status else None,
        "fulfillment_status": FULFILLMENT_STATUS.get(o.fulfillment_status),
        "location_id": o.location_id,
        "name": f"#{o.number}",
        "note": o.note,
        "note_attributes": [],
        "number": o.number - 1000,
        "order_number": o.number,
        "payment_gateway_names": list(o.gateways),
        "phone": o.phone,
        "presentment_currency": o.presentment_currency or o.currency_code,
        "processed_at": rest_time(store, o.processed_at),
        "source_name": o.source_name,
        "subtotal_price": rest_money(o.subtotal),
        "subtotal_price_set": money_set(o, o.subtotal),
        "tags": ", ".join(o.tags),
        "tax_exempt": False,
        "taxes_included": False,
        "test": o.test,
        "total_discounts": rest_money(m.discounts(o)),
        "total_discounts_set": money_set(o, m.discounts(o)),
        "total_line_items_price": rest_money(m.original_line_total(o)),
        "total_line_items_price_set": money_set(o, m.original_line_total(o)),
        "total_outstanding": rest_money(m.outstanding(store, o)),
        "total_price": rest_money(o.total),
        "total_price_set": money_set(o, o.total),
        "total_shipping_price_set": money_set(o, o.shipping),
        "total_tax": rest_money(o.tax),
        "total_tax_set": money_set(o, o.tax),
        "total_tip_received": "0.00",
        "total_weight": 0,
        "updated_at": rest_time(store, o.updated_at),
        "user_id": None,
        "billing_address": address(o.billing_address),
        "customer": None
        if customer is None
        else {
            "id": customer.id,
            "email": customer.email,
            "first_name": customer.first_name,
            "last_name": customer.last_name,
            "admin_graphql_api_id": gid("Customer", customer.id),
        },  # fmt: skip
        "fulfillments": [
            fulfillment(store, store.fulfillments[f]) for f in o.fulfillment_ids if f in store.fulfillments
        ],
        "line_items": [line_item(store, o, li) for li in o.line_items],
        "refunds": [{"id": r, "admin_graphql_api_id": gid("Refund", r)} for r in o.refund_ids],
        "shipping_address": address(o.shipping_address),
    }
