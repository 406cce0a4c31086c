"""Access scopes required by the served root fields and mutations (ACCESS_DENIED when missing).

Scope names come from Shopify's docs for each field ("Requires `read_orders` access scope")
and, for webhook topics, from the SDL's ``WebhookSubscriptionTopic`` descriptions
(``topic_scopes``). A tuple lists alternatives: any one of them grants access, and the
message lists them the way the docs do ("`a` access scope, `b` access scope or `c` access
scope"). A ``write_`` scope implies its ``read_`` scope. ``tagsAdd``/``tagsRemove`` and
webhook-subscription writes depend on their arguments. ``bulkOperationRunQuery`` is not
checked up front: the inner query's root fields are checked when it runs, and the operation
ends ``FAILED`` with ``errorCode: ACCESS_DENIED`` (BulkOperationErrorCode), as Shopify does.
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError

from shopify_simulator.formatting import parse_gid
from shopify_simulator.resolvers.topic_scopes import TOPIC_SCOPES

Scopes = tuple[str, ...]
# Fulfillment orders by location kind (FulfillmentOrder "API access scopes" in the SDL).
FO_READ = (
    "read_assigned_fulfillment_orders",
    "read_merchant_managed_fulfillment_orders",
    "read_third_party_fulfillment_orders",
)
FO_WRITE = tuple(s.replace("read_", "write_", 1) for s in FO_READ)

REQUIRED: dict[str, str | Scopes] = {
    "locations": "read_locations",
    "location": "read_locations",
    "locationsCount": "read_locations",
    "products": "read_products",
    "product": "read_products",
    "productsCount": "read_products",
    "productVariants": "read_products",
    "productVariant": "read_products",
    "productVariantsCount": "read_products",
    "inventoryItems": "read_inventory",
    "inventoryItem": "read_inventory",
    "inventoryLevel": "read_inventory",
    "customers": "read_customers",
    "customer": "read_customers",
    "customersCount": "read_customers",
    "orders": "read_orders",
    "order": "read_orders",
    "ordersCount": "read_orders",
    "fulfillmentOrders": FO_READ,
    "fulfillmentOrder": FO_READ,
    "fulfillment": "read_fulfillments",  # guess: the Fulfillment object's scope
    "draftOrders": "read_draft_orders",
    "draftOrder": "read_draft_orders",
    "draftOrdersCount": "read_draft_orders",
    "discountNodes": "read_discounts",
    "discountNode": "read_discounts",
    "discountNodesCount": "read_discounts",
    "codeDiscountNodes": "read_discounts",
    "codeDiscountNode": "read_discounts",
    "automaticDiscountNodes": "read_discounts",
    "automaticDiscountNode": "read_discounts",
    # `events`/`event`/`eventsCount`: the Event docs name no access scope, so none is enforced.
    "inventorySetQuantities": "write_inventory",
    "inventoryAdjustQuantities": "write_inventory",
    "fulfillmentCreate": FO_WRITE,
    "fulfillmentTrackingInfoUpdate": FO_WRITE,
    "orderCancel": "write_orders",
    "orderClose": "write_orders",
    "orderOpen": "write_orders",
    "productSet": "write_products",
    "productDelete": "write_products",
    "customerSet": "write_customers",
    "customerCreate": "write_customers",
    "customerUpdate": "write_customers",
    "customerDelete": "write_customers",
}
# tagsAdd / tagsRemove: the write scope of the tagged resource (the types the 2026-07 docs list).
TAGGABLE: dict[str, str] = {
    "Order": "write_orders",
    "DraftOrder": "write_draft_orders",
    "Customer": "write_customers",
    "Product": "write_products",
    "Article": "write_content",
    "DiscountCodeNode": "write_discounts",
    "DiscountAutomaticNode": "write_discounts",
    "DiscountNode": "write_discounts",
}


def check(field: str, scopes: tuple[str, ...], args: dict[str, Any] | None = None, store: Any = None) -> None:
    """Raise Shopify's access-denied error unless a granting scope is held (write implies read)."""
    args = args or {}
    if field in ("tagsAdd", "tagsRemove"):
        _require(field, _tag_scope(args.get("id")), scopes)
    elif field == "webhookSubscriptionCreate":
        _require(field, TOPIC_SCOPES.get(str(args.get("topic")), ()), scopes)
    elif field in ("webhookSubscriptionUpdate", "webhookSubscriptionDelete") and store is not None:
        record = store.webhook_subscriptions.get(parse_gid(args.get("id"), "WebhookSubscription") or -1)
        if record is not None:
            _require(field, TOPIC_SCOPES.get(str(record.topic), ()), scopes)
    else:
        _require(field, REQUIRED.get(field, ()), scopes)


def _require(field: str, needed: str | Scopes, scopes: tuple[str, ...]) -> None:
    options = (needed,) if isinstance(needed, str) else tuple(needed)
    if not options:
        return
    held = set(scopes)
    if any({s, s.replace("read_", "write_", 1)} & held for s in options):
        return
    required = " or ".join(
        [", ".join(f"`{s}` access scope" for s in options[:-1]), f"`{options[-1]}` access scope"]
        if len(options) > 1
        else [f"`{options[0]}` access scope"]
    )
    raise GraphQLError(
        f"Access denied for {field} field. Required access: {required}.",
        extensions={"code": "ACCESS_DENIED", "documentation": "https://shopify.dev/api/usage/access-scopes"},
    )


def _tag_scope(node_id: Any) -> str | Scopes:
    for type_name, scope in TAGGABLE.items():
        if parse_gid(node_id, type_name) is not None:
            return scope
    return ()  # an unknown id: the resolver answers its own not-found error
