"""Resolvers of Shop, Customer and AppInstallation fields."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLResolveInfo

from shopify_simulator.formatting import gid
from shopify_simulator.resolvers.money import money_v2
from shopify_simulator.store import Customer, Shop

Info = GraphQLResolveInfo

PLANS = {
    "standard": ("Basic", False),
    "advanced": ("Advanced", False),
    "plus": ("Shopify Plus", True),
    "enterprise": ("Commerce Components", True),
}


def _plan(shop: Shop, info: Info, **_: Any) -> dict[str, Any]:
    name, plus = PLANS.get(shop.plan, PLANS["standard"])
    return {"displayName": name, "publicDisplayName": name, "partnerDevelopment": False, "shopifyPlus": plus}


SHOP: dict[str, Any] = {
    "plan": _plan,
    "contactEmail": lambda s, info, **_: s.email,
    "url": lambda s, info, **_: f"https://{s.myshopify_domain}",
    "taxesIncluded": lambda s, info, **_: False,
    "taxShipping": lambda s, info, **_: False,
    "unitSystem": lambda s, info, **_: "IMPERIAL_SYSTEM",
    "weightUnit": lambda s, info, **_: "POUNDS",
    "enabledPresentmentCurrencies": lambda s, info, **_: [s.currency_code],
    "timezoneAbbreviation": lambda s, info, **_: "EST",
    "timezoneOffset": lambda s, info, **_: "-0500",
    "timezoneOffsetMinutes": lambda s, info, **_: -300,
}


def _orders(customer: Customer, info: Info) -> list[Any]:
    ctx = info.context
    return [o for o in (ctx.store.orders[oid] for oid in customer.order_ids) if ctx.order_visible(o)]


def _spent(customer: Customer, info: Info, **_: Any) -> dict[str, Any]:
    total = sum(o.total for o in _orders(customer, info) if o.cancelled_at is None)
    return money_v2(total, info.context.store.shop.currency_code)


def _email(c: Customer, info: Info, **_: Any) -> dict[str, Any] | None:
    if c.email is None:
        return None
    return {"emailAddress": c.email, "marketingState": "NOT_SUBSCRIBED", "marketingOptInLevel": None}


def _phone(c: Customer, info: Info, **_: Any) -> dict[str, Any] | None:
    if c.phone is None:
        return None
    return {"phoneNumber": c.phone, "marketingState": "NOT_SUBSCRIBED"}


CUSTOMER: dict[str, Any] = {
    "displayName": lambda c, info, **_: f"{c.first_name} {c.last_name}",
    "tags": lambda c, info, **_: list(c.tags),
    "defaultAddress": lambda c, info, **_: c.address,
    "addresses": lambda c, info, first=None, **_: c.addresses if first is None else c.addresses[:first],
    "addressesV2": lambda c, info, **args: info.context.nested("customer_addresses", c.addresses, args),
    "defaultEmailAddress": _email,
    "defaultPhoneNumber": _phone,
    "numberOfOrders": lambda c, info, **_: len(_orders(c, info)),
    "amountSpent": _spent,
    "orders": lambda c, info, **args: info.context.nested(
        "orders", _orders(c, info), args, args.get("sortKey") or "ID"
    ),
    "lastOrder": lambda c, info, **_: max(_orders(c, info), key=lambda o: o.processed_at, default=None),
    "state": lambda c, info, **_: "ENABLED",
    "verifiedEmail": lambda c, info, **_: c.email is not None,
    "validEmailAddress": lambda c, info, **_: c.email is not None,
    "taxExempt": lambda c, info, **_: False,
    "taxExemptions": lambda c, info, **_: [],
    "canDelete": lambda c, info, **_: not c.order_ids,
    "lifetimeDuration": lambda c, info, **_: "about 1 year",
}


def _scope_description(handle: str) -> str:
    verb, _, subject = handle.partition("_")
    return f"{'Modify' if verb == 'write' else 'Read'} {subject.replace('_', ' ')}"


APP_INSTALLATION: dict[str, Any] = {
    "id": lambda a, info, **_: gid("AppInstallation", 1),
    "accessScopes": lambda a, info, **_: [
        {"handle": s, "description": _scope_description(s)} for s in info.context.store.scopes
    ],
    "launchUrl": lambda a, info, **_: "https://example.com/app",
    "uninstallUrl": lambda a, info, **_: None,
}
