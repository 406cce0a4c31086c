"""Resolvers of Product, ProductVariant, InventoryItem, InventoryLevel and Location fields."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLResolveInfo

from shopify_simulator.formatting import cents, gid, inventory_level_gid, iso, parse_gid
from shopify_simulator.resolvers.money import money_v2
from shopify_simulator.store import InventoryItem, InventoryLevel, Location, Product, Variant

Info = GraphQLResolveInfo


def _levels(item: InventoryItem, info: Info) -> list[InventoryLevel]:
    return [info.context.store.inventory_levels[lid] for lid in item.level_ids]


def _available(variant: Variant, info: Info) -> int:
    item = info.context.store.inventory_items[variant.inventory_item_id]
    return sum(level.quantities["available"] for level in _levels(item, info))


def _variants(product: Product, info: Info) -> list[Variant]:
    return [info.context.store.variants[v] for v in product.variant_ids]


def _option_list(p: Product) -> list[tuple[int, str, tuple[str, ...]]]:
    """Options set by productSet; else the implicit one, "Title" (seeded products: the variant titles)."""
    return p.options or [(p.id, "Title", ())]


def _options(p: Product, info: Info, first: int | None = None, **_: Any) -> list[dict[str, Any]]:
    variants = _variants(p, info)
    rendered = []
    for position, (option_id, name, values) in enumerate(_option_list(p), start=1):
        names = values or tuple(dict.fromkeys(v.title for v in variants))
        used = {(v.option_values[position - 1] if v.option_values else v.title) for v in variants}
        option_values = [
            {"id": gid("ProductOptionValue", option_id * 1000 + i), "name": n, "hasVariants": n in used}
            for i, n in enumerate(names)
        ]
        rendered.append(
            {"id": gid("ProductOption", option_id), "name": name, "position": position, "values": list(names),
             "optionValues": option_values}
        )  # fmt: skip
    return rendered[:first] if first is not None else rendered


def _selected(v: Variant, info: Info, **_: Any) -> list[dict[str, Any]]:
    product = info.context.store.products[v.product_id]
    options = _options(product, info)
    chosen = v.option_values or (v.title,)
    return [
        {"name": o["name"], "value": value, "optionValue": next(x for x in o["optionValues"] if x["name"] == value)}
        for o, value in zip(options, chosen, strict=False)
        if any(x["name"] == value for x in o["optionValues"])
    ]


PRODUCT: dict[str, Any] = {
    "options": _options,
    "tags": lambda p, info, **_: list(p.tags),
    "variants": lambda p, info, **args: info.context.nested(
        "variants", _variants(p, info), args, args.get("sortKey") or "POSITION"
    ),
    "variantsCount": lambda p, info, **_: {"count": len(p.variant_ids), "precision": "EXACT"},
    "totalVariants": lambda p, info, **_: len(p.variant_ids),
    "totalInventory": lambda p, info, **_: sum(_available(v, info) for v in _variants(p, info)),
    "tracksInventory": lambda p, info, **_: True,
    "hasOnlyDefaultVariant": lambda p, info, **_: len(p.variant_ids) == 1,
    "hasOutOfStockVariants": lambda p, info, **_: any(_available(v, info) <= 0 for v in _variants(p, info)),
    "publishedAt": lambda p, info, **_: p.created_at if p.status == "ACTIVE" else None,
    "description": lambda p, info, **_: "",
    "descriptionHtml": lambda p, info, **_: "",
    "bodyHtml": lambda p, info, **_: "",
    "isGiftCard": lambda p, info, **_: False,
}

VARIANT: dict[str, Any] = {
    "selectedOptions": _selected,
    "price": lambda v, info, **_: cents(v.price),
    "compareAtPrice": lambda v, info, **_: None if v.compare_at_price is None else cents(v.compare_at_price),
    "product": lambda v, info, **_: info.context.store.products[v.product_id],
    "inventoryItem": lambda v, info, **_: info.context.store.inventory_items[v.inventory_item_id],
    "inventoryQuantity": lambda v, info, **_: _available(v, info),
    "displayName": lambda v, info, **_: f"{info.context.store.products[v.product_id].title} - {v.title}",
    "availableForSale": lambda v, info, **_: _available(v, info) > 0,
    "inventoryPolicy": lambda v, info, **_: "DENY",
    "taxable": lambda v, info, **_: True,
    "sellableOnlineQuantity": lambda v, info, **_: _available(v, info),
}


def _item_levels(item: InventoryItem, info: Info, **args: Any) -> dict[str, Any]:
    levels = [lv for lv in _levels(item, info) if args.get("includeInactive") or _level_active(lv, info)]
    return info.context.nested("inventory_levels", levels, args)


def _level_active(level: InventoryLevel, info: Info) -> bool:
    return info.context.store.locations[level.location_id].is_active


def _item_level(item: InventoryItem, info: Info, locationId: str, **_: Any) -> InventoryLevel | None:
    location_id = parse_gid(locationId, "Location")
    return None if location_id is None else info.context.store.level(location_id, item.id)


INVENTORY_ITEM: dict[str, Any] = {
    "unitCost": lambda i, info, **_: None if i.unit_cost is None else money_v2(i.unit_cost, "USD"),
    "variant": lambda i, info, **_: info.context.store.variants[i.variant_id],
    "variants": lambda i, info, **args: info.context.nested(
        "variants", [info.context.store.variants[i.variant_id]], args
    ),
    "inventoryLevels": _item_levels,
    "inventoryLevel": _item_level,
    "requiresShipping": lambda i, info, **_: True,
    "duplicateSkuCount": lambda i, info, **_: 0,
    "locationsCount": lambda i, info, **_: {"count": len(i.level_ids), "precision": "EXACT"},
}


def _level_id(level: InventoryLevel, info: Info, **_: Any) -> str:
    location = info.context.store.locations[level.location_id]
    return inventory_level_gid(location.inventory_key, level.item_id)


def _quantities(level: InventoryLevel, info: Info, names: list[str], **_: Any) -> list[dict[str, Any]]:
    """One entry per requested known name, in request order; only `available` carries updatedAt."""
    return [
        {
            "name": name,
            "quantity": level.quantities[name],
            "updatedAt": level.available_updated_at if name == "available" else None,
        }
        for name in names
        if name in level.quantities
    ]


INVENTORY_LEVEL: dict[str, Any] = {
    "id": _level_id,
    "item": lambda lv, info, **_: info.context.store.inventory_items[lv.item_id],
    "location": lambda lv, info, **_: info.context.store.locations[lv.location_id],
    "quantities": _quantities,
    "isActive": lambda lv, info, **_: True,
    "canDeactivate": lambda lv, info, **_: True,
}


def _location_levels(location: Location, info: Info, **args: Any) -> dict[str, Any]:
    store = info.context.store
    levels = [lv for lv in store.inventory_levels.values() if lv.location_id == location.id]
    return info.context.nested("inventory_levels", levels, args)


def _location_level(location: Location, info: Info, inventoryItemId: str, **_: Any) -> InventoryLevel | None:
    item_id = parse_gid(inventoryItemId, "InventoryItem")
    return None if item_id is None else info.context.store.level(location.id, item_id)


def _is_primary(location: Location, info: Info, **_: Any) -> bool:
    return location.id == min(info.context.store.locations)


LOCATION: dict[str, Any] = {
    "inventoryLevels": _location_levels,
    "inventoryLevel": _location_level,
    "isPrimary": _is_primary,
    "deactivatedAt": lambda loc, info, **_: None if loc.deactivated_at is None else iso(loc.deactivated_at),
    "activatable": lambda loc, info, **_: not loc.is_active,
    "deactivatable": lambda loc, info, **_: loc.is_active,
    "deletable": lambda loc, info, **_: not loc.is_active,
    "shipsInventory": lambda loc, info, **_: loc.is_active,
    "hasActiveInventory": lambda loc, info, **_: loc.is_active,
    "addressVerified": lambda loc, info, **_: True,
}

LOCATION_ADDRESS: dict[str, Any] = {
    "formatted": lambda a, info, **_: [p for p in (a.address1, a.address2, a.city, a.zip, a.country) if p],
}
