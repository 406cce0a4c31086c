"""REST JSON of shop, locations, customers, products, inventory levels, drafts and events.

Keys, order and value types follow the 2026-07 REST reference examples
(``rest-shopify-app-js-2026-07/*.examples.json``): integer ids, ``admin_graphql_api_id``,
money as two-decimal strings, timestamps in the shop's zone with an offset. Product,
customer and inventory-level bodies start from the webhook payloads (same REST shapes)
and only add or drop what the REST resource differs in.
"""

from __future__ import annotations

from typing import Any

from shopify_simulator import rest_payloads as rp
from shopify_simulator.formatting import gid
from shopify_simulator.order_records import SUBJECT_TYPES, BasicEvent, DraftOrder
from shopify_simulator.resolvers.shop import PLANS
from shopify_simulator.store import Location, Product, Store
from shopify_simulator.webhooks import payloads

COUNTRY_NAMES = {"US": "United States", "CA": "Canada", "GB": "United Kingdom", "DE": "Germany"}
REST_SUBJECT = {v: k for k, v in SUBJECT_TYPES.items()}  # ORDER -> Order
WEBHOOK_ONLY_PRODUCT_KEYS = ("media", "variant_gids", "has_variants_that_requires_components", "category")


def shop(store: Store) -> dict[str, Any]:
    s = store.shop
    primary = store.locations[min(store.locations)] if store.locations else None
    a = primary.address if primary else None
    display, _plus = PLANS.get(s.plan, PLANS["standard"])
    return {
        "id": s.id, "name": s.name, "email": s.email, "domain": s.myshopify_domain,
        "province": a.province if a else None, "country": a.country_code if a else "US",
        "address1": a.address1 if a else None, "zip": a.zip if a else None, "city": a.city if a else None,
        "source": None, "phone": a.phone if a else None, "latitude": None, "longitude": None,
        "primary_locale": "en", "address2": a.address2 if a else None,
        "created_at": rp.rest_time(store, s.created_at), "updated_at": rp.rest_time(store, s.updated_at),
        "country_code": a.country_code if a else "US",
        "country_name": COUNTRY_NAMES.get(a.country_code if a else "US", a.country if a else "United States"),
        "currency": s.currency_code, "customer_email": s.email,
        "timezone": "(GMT-05:00) Eastern Time (US & Canada)", "iana_timezone": s.iana_timezone,
        "shop_owner": s.name, "money_format": "${{amount}}",
        "money_with_currency_format": f"${{{{amount}}}} {s.currency_code}", "weight_unit": "lb",
        "province_code": a.province_code if a else None, "taxes_included": False,
        "auto_configure_tax_inclusivity": None, "tax_shipping": None, "county_taxes": True,
        "plan_display_name": display, "plan_name": s.plan, "has_discounts": bool(store.discounts),
        "has_gift_cards": False, "myshopify_domain": s.myshopify_domain, "google_apps_domain": None,
        "google_apps_login_enabled": None, "money_in_emails_format": "${{amount}}",
        "money_with_currency_in_emails_format": f"${{{{amount}}}} {s.currency_code}",
        "eligible_for_payments": True, "requires_extra_payments_agreement": False, "password_enabled": False,
        "has_storefront": True, "finances": True, "primary_location_id": primary.id if primary else None,
        "checkout_api_supported": True, "multi_location_enabled": len(store.locations) > 1,
        "setup_required": False, "pre_launch_enabled": False, "enabled_presentment_currencies": [s.currency_code],
        "marketing_sms_consent_enabled_at_checkout": False, "transactional_sms_disabled": False,
    }  # fmt: skip


def location(store: Store, loc: Location) -> dict[str, Any]:
    a = loc.address
    country = COUNTRY_NAMES.get(a.country_code, a.country)
    return {
        "id": loc.id, "name": loc.name, "address1": a.address1, "address2": a.address2, "city": a.city,
        "zip": a.zip, "province": a.province, "country": a.country_code, "phone": a.phone,
        "created_at": rp.rest_time(store, loc.created_at), "updated_at": rp.rest_time(store, loc.updated_at),
        "country_code": a.country_code, "country_name": country, "province_code": a.province_code,
        "legacy": False, "active": loc.is_active, "admin_graphql_api_id": gid("Location", loc.id),
        "localized_country_name": country, "localized_province_name": a.province,
    }  # fmt: skip


def customer(store: Store, customer_id: int) -> dict[str, Any] | None:
    record = store.customers.get(customer_id)
    if record is None:
        return None
    body = payloads.customer(store, record)
    consent = {"state": "not_subscribed", "opt_in_level": None, "consent_updated_at": None}
    body.update(
        tags=", ".join(record.tags),
        email_marketing_consent=consent if record.email else None,
        sms_marketing_consent={**consent, "consent_collected_from": "OTHER"} if record.phone else None,
    )
    return body


def order_customer(store: Store, customer_id: int | None) -> dict[str, Any] | None:
    """The customer nested in an order: no ``addresses`` list (order.examples.json)."""
    body = customer(store, customer_id) if customer_id is not None else None
    if body is not None:
        body.pop("addresses", None)
    return body


def product(store: Store, record: Product) -> dict[str, Any]:
    body = payloads.product(store, record)
    for key in WEBHOOK_ONLY_PRODUCT_KEYS:
        body.pop(key, None)
    for variant in body["variants"]:
        variant.update(
            fulfillment_service="manual", grams=0, inventory_management="shopify", requires_shipping=True,
            weight=0.0, weight_unit="lb",
            presentment_prices=[
                {
                    "price": {"amount": variant["price"], "currency_code": store.shop.currency_code},
                    "compare_at_price": None if variant["compare_at_price"] is None else {
                        "amount": variant["compare_at_price"], "currency_code": store.shop.currency_code,
                    },
                }
            ],
        )  # fmt: skip
    options = sorted({v["option1"] for v in body["variants"]})
    body["options"] = [
        {"id": record.id * 10 + 1, "product_id": record.id, "name": "Title", "position": 1, "values": options}
    ]
    return body


def inventory_level(store: Store, level: Any) -> dict[str, Any]:
    return payloads.inventory_level(store, level)


def draft_order(store: Store, d: DraftOrder) -> dict[str, Any]:
    """No reference example was captured for draft orders; keys follow the REST DraftOrder resource."""
    currency = store.shop.currency_code
    lines, subtotal = [], 0
    for n, (variant_id, quantity) in enumerate(d.lines):
        variant = store.variants.get(variant_id)
        if variant is None:
            continue
        subtotal += variant.price * quantity
        lines.append(
            {
                "id": d.id * 100 + n, "variant_id": variant.id, "product_id": variant.product_id,
                "title": store.products[variant.product_id].title, "variant_title": variant.title,
                "sku": variant.sku, "vendor": store.products[variant.product_id].vendor, "quantity": quantity,
                "requires_shipping": True, "taxable": True, "gift_card": False, "fulfillment_service": "manual",
                "grams": 0, "tax_lines": [], "applied_discount": None, "name": store.products[variant.product_id].title,
                "properties": [], "custom": False, "price": rp.rest_money(variant.price),
                "admin_graphql_api_id": gid("DraftOrderLineItem", d.id * 100 + n),
            }
        )  # fmt: skip
    tax = subtotal * 800 // 10_000
    return {
        "id": d.id, "note": None, "email": d.email, "taxes_included": False, "currency": currency,
        "invoice_sent_at": rp.rest_time(store, d.invoice_sent_at), "created_at": rp.rest_time(store, d.created_at),
        "updated_at": rp.rest_time(store, d.updated_at), "tax_exempt": False,
        "completed_at": rp.rest_time(store, d.completed_at), "name": f"#D{d.number}", "status": d.status.lower(),
        "line_items": lines, "shipping_address": None, "billing_address": None,
        "invoice_url": f"https://{store.shop.myshopify_domain}/{store.shop.id}/invoices/{d.id}",
        "applied_discount": None, "order_id": d.order_id, "shipping_line": None, "tax_lines": [],
        "tags": ", ".join(d.tags), "note_attributes": [], "total_price": rp.rest_money(subtotal + tax + d.shipping),
        "subtotal_price": rp.rest_money(subtotal), "total_tax": rp.rest_money(tax), "payment_terms": None,
        "admin_graphql_api_id": gid("DraftOrder", d.id), "customer": order_customer(store, d.customer_id),
    }  # fmt: skip


def event(store: Store, e: BasicEvent) -> dict[str, Any]:
    subject = REST_SUBJECT.get(e.subject_type, e.subject_type.title())
    subject_id = int(e.subject_gid.rsplit("/", 1)[-1])
    plural = {"Order": "orders", "Product": "products", "Customer": "customers", "DraftOrder": "draft_orders"}
    path = f"/admin/{plural.get(subject, subject.lower() + 's')}/{subject_id}"
    description = e.message or f"{subject} was {'deleted' if e.action == 'destroy' else e.action + 'd'}."
    return {
        "id": e.id, "subject_id": subject_id, "created_at": rp.rest_time(store, e.created_at),
        "subject_type": subject, "verb": e.action, "arguments": [], "body": None, "message": description,
        "author": "Shopify", "description": description, "path": path,
    }  # fmt: skip
