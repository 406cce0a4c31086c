"""Access scopes required by the served root fields (ACCESS_DENIED when missing)."""

from __future__ import annotations

from graphql import GraphQLError

REQUIRED = {
    "locations": "read_locations",
    "location": "read_locations",
    "products": "read_products",
    "product": "read_products",
    "productsCount": "read_products",
    "productVariants": "read_products",
    "productVariant": "read_products",
    "inventoryItems": "read_inventory",
    "inventoryItem": "read_inventory",
    "inventoryLevel": "read_inventory",
    "customers": "read_customers",
    "customer": "read_customers",
    "orders": "read_orders",
    "order": "read_orders",
    "ordersCount": "read_orders",
    "inventorySetQuantities": "write_inventory",
    "inventoryAdjustQuantities": "write_inventory",
}


def check(field: str, scopes: tuple[str, ...]) -> None:
    """Raise Shopify's access-denied error unless a granting scope is held (write implies read)."""
    needed = REQUIRED.get(field)
    if needed is None:
        return
    granted = {needed, needed.replace("read_", "write_", 1)}
    if granted & set(scopes):
        return
    raise GraphQLError(
        f"Access denied for {field} field. Required access: `{needed}` access scope.",
        extensions={"code": "ACCESS_DENIED", "documentation": "https://shopify.dev/api/usage/access-scopes"},
    )
