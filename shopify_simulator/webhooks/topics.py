"""Webhook topic names: the GraphQL enum (``INVENTORY_LEVELS_UPDATE``) ↔ the wire name (``inventory_levels/update``).

The bus and the ``X-Shopify-Topic`` header use the REST-style name; GraphQL uses the
enum. The split between resource and action is not mechanical (``ORDERS_PARTIALLY_FULFILLED``
is ``orders/partially_fulfilled``, ``FULFILLMENT_ORDERS_CANCELLATION_REQUEST_SUBMITTED`` is
``fulfillment_orders/cancellation_request_submitted``), so the resource part is matched
against Shopify's resource names, longest first.
"""

from __future__ import annotations

RESOURCES = (
    "app", "app_purchases_one_time", "app_subscriptions", "attributed_sessions", "audit_events", "bulk_operations",
    "carts", "catalogs", "channels", "checkouts", "collection_listings", "collection_publications", "collections",
    "companies", "company_contact_roles", "company_contacts", "company_locations", "customer",
    "customer_account_settings",
    "customer_groups", "customer_payment_methods", "customer_tags", "customers", "customers_email_marketing_consent",
    "customers_marketing_consent", "delivery_promise_settings", "discounts", "disputes", "domains", "draft_orders",
    "finance_app_staff_member", "finance_kyc_information", "fulfillment_events", "fulfillment_holds",
    "fulfillment_orders", "fulfillments", "inventory_items", "inventory_levels", "inventory_shipments",
    "inventory_transfers", "locales", "locations", "markets", "markets_backup_region", "metafield_definitions",
    "metaobjects", "order_transactions", "orders", "payment_schedules", "payment_terms", "product_feeds",
    "product_listings", "product_publications", "products", "profiles", "publications", "refunds", "returns",
    "reverse_deliveries", "reverse_fulfillment_orders", "scheduled_product_listings", "segments",
    "selling_plan_groups", "shipping_addresses", "shop", "subscription_billing_attempts",
    "subscription_billing_cycle_edits", "subscription_billing_cycles", "subscription_contracts", "tax_partners",
    "tax_services", "tax_summaries", "tender_transactions", "themes", "variants",
)  # fmt: skip
_BY_LENGTH = sorted(RESOURCES, key=len, reverse=True)


def to_enum(topic: str) -> str:
    """``inventory_levels/update`` → ``INVENTORY_LEVELS_UPDATE``."""
    return topic.replace("/", "_").upper()


def from_enum(value: str) -> str:
    """``INVENTORY_LEVELS_UPDATE`` → ``inventory_levels/update``."""
    lower = value.lower()
    for resource in _BY_LENGTH:
        if lower.startswith(resource + "_"):
            return f"{resource}/{lower[len(resource) + 1 :]}"
    resource, _, action = lower.partition("_")
    return f"{resource}/{action}"
