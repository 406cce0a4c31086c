"""The one field resolver handed to graphql-core: table lookup, then sensible defaults.

Explicit resolvers live in per-type tables. Otherwise a dict source is read by key
(connections, payloads), ``id``/``legacyResourceId`` are derived from the record's
numeric id, other fields read the snake_case attribute, and a field the store does
not model resolves to null, or to a zero value when the schema says non-null, so
that any valid query executes.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLScalarType,
)

from shopify_simulator.bulk import resolvers as bulk_resolvers
from shopify_simulator.formatting import gid
from shopify_simulator.mutations.inventory import resolve_inventory_set_quantities
from shopify_simulator.mutations.inventory_adjust import resolve_inventory_adjust_quantities
from shopify_simulator.mutations.product_writes import MUTATIONS as CATALOG_MUTATIONS
from shopify_simulator.resolvers import access, adjustments, catalog, orders, orders_domain, query, shop
from shopify_simulator.webhooks import resolvers as webhook_resolvers

TABLES: dict[str, dict[str, Any]] = {
    "QueryRoot": query.QUERY,
    "Mutation": {"inventorySetQuantities": resolve_inventory_set_quantities},
    "Shop": shop.SHOP,
    "Customer": shop.CUSTOMER,
    "AppInstallation": shop.APP_INSTALLATION,
    "Order": orders.ORDER,
    "LineItem": orders.LINE_ITEM,
    "MailingAddress": orders.MAILING_ADDRESS,
    "Product": catalog.PRODUCT,
    "ProductVariant": catalog.VARIANT,
    "InventoryItem": catalog.INVENTORY_ITEM,
    "InventoryLevel": catalog.INVENTORY_LEVEL,
    "Location": catalog.LOCATION,
    "LocationAddress": catalog.LOCATION_ADDRESS,
    "InventoryAdjustmentGroup": adjustments.ADJUSTMENT_GROUP,
    "InventoryChange": adjustments.CHANGE,
}
# Webhook subscriptions and inventoryAdjustQuantities live in their own modules.
TABLES["QueryRoot"] = {**TABLES["QueryRoot"], **webhook_resolvers.QUERIES}
TABLES["Mutation"] = {
    **TABLES["Mutation"],
    **webhook_resolvers.MUTATIONS,
    "inventoryAdjustQuantities": resolve_inventory_adjust_quantities,
}
TABLES["WebhookSubscription"] = webhook_resolvers.SUBSCRIPTION
# Bulk operations: run/cancel mutations and the poll fields (shopify_simulator.bulk).
TABLES["QueryRoot"] = {**TABLES["QueryRoot"], **bulk_resolvers.QUERY}
TABLES["Mutation"] = {**TABLES["Mutation"], **bulk_resolvers.MUTATION}
# Product and customer writes (mutations/products.py, mutations/customers.py).
TABLES["Mutation"] = {**TABLES["Mutation"], **CATALOG_MUTATIONS}
# Orders domain: fulfillment orders, fulfillments, refunds, drafts, discounts, events and writes.
orders_domain.merge(TABLES)
_MISSING = object()
ZERO_SCALARS = {"Boolean": False, "Int": 0, "Float": 0.0, "UnsignedInt64": 0}


@cache
def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def zero(return_type: GraphQLOutputType) -> Any:
    """Null for nullable fields; a neutral value for non-null leaves and lists."""
    if not isinstance(return_type, GraphQLNonNull):
        return None
    inner = return_type.of_type
    if isinstance(inner, GraphQLList):
        return []
    if isinstance(inner, GraphQLEnumType):
        return next(iter(inner.values))
    if isinstance(inner, GraphQLScalarType):
        return ZERO_SCALARS.get(inner.name, "")
    return None


def resolve_field(source: Any, info: GraphQLResolveInfo, **args: Any) -> Any:
    if info.parent_type.name in ("QueryRoot", "Mutation"):
        access.check(info.field_name, info.context.store.scopes, args, info.context.store)
    table = TABLES.get(info.parent_type.name)
    resolver = table.get(info.field_name) if table else None
    if resolver is not None:
        return resolver(source, info, **args)
    if isinstance(source, dict):
        return source.get(info.field_name, zero(info.return_type))
    if info.field_name == "id":
        return gid(info.parent_type.name, source.id)
    if info.field_name == "legacyResourceId":
        return source.id
    value = getattr(source, snake(info.field_name), _MISSING)
    return zero(info.return_type) if value is _MISSING else value
