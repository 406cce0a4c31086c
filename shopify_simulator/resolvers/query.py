"""Root query fields (QueryRoot)."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLResolveInfo

from shopify_simulator.formatting import parse_gid, parse_inventory_level_gid

Info = GraphQLResolveInfo


def _by_gid(attribute: str, type_name: str) -> Any:
    def resolve(_root: Any, info: Info, id: str, **_: Any) -> Any:
        number = parse_gid(id, type_name)
        return None if number is None else getattr(info.context.store, attribute).get(number)

    return resolve


def _location(_root: Any, info: Info, id: str | None = None, **_: Any) -> Any:
    store = info.context.store
    if id is None:  # the shop's primary location
        return store.locations[min(store.locations)]
    number = parse_gid(id, "Location")
    return None if number is None else store.locations.get(number)


def _locations(_root: Any, info: Info, **args: Any) -> dict[str, Any]:
    include_inactive = bool(args.get("includeInactive"))
    return info.context.connection("locations", args, lambda loc: include_inactive or loc.is_active)


def _order(_root: Any, info: Info, id: str, **_: Any) -> Any:
    number = parse_gid(id, "Order")
    order = None if number is None else info.context.store.orders.get(number)
    return order if order is not None and info.context.order_visible(order) else None


def _inventory_level(_root: Any, info: Info, id: str, **_: Any) -> Any:
    parsed = parse_inventory_level_gid(id)
    if parsed is None:
        return None
    store = info.context.store
    location = next((loc for loc in store.locations.values() if loc.inventory_key == parsed[0]), None)
    return None if location is None else store.level(location.id, parsed[1])


QUERY: dict[str, Any] = {
    "shop": lambda _root, info, **_: info.context.store.shop,
    "currentAppInstallation": lambda _root, info, **_: {},
    "location": _location,
    "locations": _locations,
    "product": _by_gid("products", "Product"),
    "products": lambda _r, info, **args: info.context.connection("products", args),
    "productsCount": lambda _r, info, query=None, limit=10000, **_: info.context.count("products", query, limit, None),
    "productVariant": _by_gid("variants", "ProductVariant"),
    "productVariants": lambda _r, info, **args: info.context.connection("variants", args),
    "inventoryItem": _by_gid("inventory_items", "InventoryItem"),
    "inventoryItems": lambda _r, info, **args: info.context.connection("inventory_items", args),
    "inventoryLevel": _inventory_level,
    "customer": _by_gid("customers", "Customer"),
    "customers": lambda _r, info, **args: info.context.connection("customers", args),
    "order": _order,
    "orders": lambda _r, info, **args: info.context.connection("orders", args, info.context.order_visible),
    "ordersCount": lambda _r, info, query=None, limit=10000, **_: info.context.count(
        "orders", query, limit, info.context.order_visible
    ),
}
