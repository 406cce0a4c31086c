"""``productSet`` and ``productDelete``: the catalog writes a sync from an external source uses.

productSet (SDL 2025-10 … 2026-07, identical in each) creates a product, or updates the one named by
``identifier: {id | handle}`` (or the deprecated ``input.id``). List fields replace: the variants
given are created or updated and the product's other variants are deleted with their inventory
items and levels; ``productOptions`` and ``variants`` must come together. Scalar fields omitted
are left unchanged. A new variant is stocked where ``inventoryQuantities`` says (else at every
active location, with 0); an existing one may only have its quantities set where it is stocked.
No SDL version documents ``@idempotent`` support for these mutations, so none is required and a
given key is ignored. ``synchronous: false`` is applied synchronously too (the simulator serves
no ``ProductSetOperation``): the payload carries the product.

The codes are the SDL's ``ProductSetUserErrorCode``; the messages are the SDL's descriptions of
those codes, except where noted. No capture shows a productSet userError, so the field paths
and every message are guesses.
"""

from __future__ import annotations

import re
from typing import Any

from graphql import GraphQLResolveInfo

from shopify_simulator import control_catalog
from shopify_simulator.formatting import gid, parse_gid
from shopify_simulator.mutations.product_input import ProductPlan, VariantPlan, plan_product
from shopify_simulator.store import Product, Store, Variant
from shopify_simulator.webhooks import publish

Info = GraphQLResolveInfo
MESSAGES = {
    "ID_NOT_ALLOWED": "The id field is not allowed if identifier is provided.",
    "INPUT_MISMATCH": "The identifier value does not match the value of the corresponding field in the input.",
    "NOT_FOUND": "Resource matching the identifier was not found.",
    "PRODUCT_DOES_NOT_EXIST": "Product does not exist",
    "HANDLE_NOT_UNIQUE": "Handle already in use. Please provide a new handle.",
}
# Not captured (wording assumed, as productDelete answers in Shopify's docs examples).
PRODUCT_NOT_FOUND = "Product does not exist"


def error(field: list[str] | None, code: str, message: str | None = None) -> dict[str, Any]:
    return {"field": field, "message": message or MESSAGES[code], "code": code}


def resolve_product_set(
    _root: Any,
    info: Info,
    input: dict[str, Any],
    synchronous: bool = True,
    identifier: dict[str, Any] | None = None,
) -> dict[str, Any]:
    store: Store = info.context.store
    with store.lock:
        product, errors = _target(store, input, identifier or {})
        if errors:
            return {"product": None, "userErrors": errors}
        handle = (identifier or {}).get("handle") if product is None else None
        plan, errors = plan_product(store, input, product, handle)
        if errors:
            return {"product": None, "userErrors": errors}
        product = _create(store, plan) if product is None else _update(store, product, plan)
        return {"product": product, "userErrors": []}


def _target(
    store: Store, input: dict[str, Any], identifier: dict[str, Any]
) -> tuple[Product | None, list[dict[str, Any]]]:
    """The product to update (None: create), or the identifier's errors."""
    if identifier and input.get("id") is not None:
        return None, [error(["input", "id"], "ID_NOT_ALLOWED")]
    if identifier.get("id") is not None:
        product = store.products.get(parse_gid(identifier["id"], "Product") or -1)
        return (product, []) if product else (None, [error(["identifier", "id"], "NOT_FOUND")])
    if identifier.get("handle") is not None:
        if input.get("handle") not in (None, identifier["handle"]):
            return None, [error(["input", "handle"], "INPUT_MISMATCH")]
        # Upsert by handle, as customerSet upserts by email (guess: not captured for products).
        return next((p for p in store.products.values() if p.handle == identifier["handle"]), None), []
    if identifier.get("customId") is not None:  # metafields are not modelled: nothing ever matches
        return None, [error(["identifier", "customId"], "NOT_FOUND")]
    if input.get("id") is not None:
        product = store.products.get(parse_gid(input["id"], "Product") or -1)
        return (product, []) if product else (None, [error(["input", "id"], "PRODUCT_DOES_NOT_EXIST")])
    return None, []


def _create(store: Store, plan: ProductPlan) -> Product:
    request = {**plan.fields, "variants": [_spec(v) for v in plan.variants]}
    created = control_catalog.create_product(store, request)  # publishes products/create
    product = store.products[parse_gid(created["id"], "Product") or -1]
    product.options = plan.options
    for variant_id, wanted in zip(product.variant_ids, plan.variants, strict=True):
        _finish_variant(store, store.variants[variant_id], wanted)
    return product


def _spec(wanted: VariantPlan) -> dict[str, Any]:
    """A variant in the control plane's request form (control_catalog._add_variant)."""
    spec: dict[str, Any] = {"sku": wanted.sku, "title": wanted.title, "barcode": wanted.barcode}
    spec["price"] = wanted.price or "0"
    spec["compare_at_price"] = wanted.compare_at_price
    if wanted.stock is not None:
        spec["available"] = {gid("Location", loc): qty for loc, (_, qty) in wanted.stock.items()}
    return spec


def _finish_variant(store: Store, variant: Variant, wanted: VariantPlan) -> None:
    """What the control plane's constructor does not set: options, tracking, cost."""
    variant.option_values = wanted.option_values
    item = store.inventory_items[variant.inventory_item_id]
    if wanted.tracked is not None:
        item.tracked = wanted.tracked
    if wanted.cost is not None:
        item.unit_cost = wanted.cost


def _update(store: Store, product: Product, plan: ProductPlan) -> Product:
    now = store.now()
    if plan.variants_given:
        keep = {w.existing.id for w in plan.variants if w.existing is not None}
        for variant_id in [v for v in product.variant_ids if v not in keep]:
            _drop_variant(store, product, variant_id)
        product.variant_ids = []
        for position, wanted in enumerate(plan.variants, start=1):
            variant = wanted.existing
            if variant is None:
                variant = control_catalog._add_variant(store, product, position, _spec(wanted), now)
            else:
                product.variant_ids.append(variant.id)
                _change_variant(store, variant, wanted, position, now)
            _finish_variant(store, variant, wanted)
        product.options = plan.options
        for resource in ("inventory_items", "inventory_levels"):
            store.invalidate(resource)
    return _touch(store, product, plan.fields)


def _touch(store: Store, product: Product, fields: dict[str, Any]) -> Product:
    """Scalar fields, ``updatedAt`` and ``products/update`` through the control plane's update."""
    control_catalog.update_product(store, product.id, fields)
    return product


def _change_variant(store: Store, variant: Variant, wanted: VariantPlan, position: int, now: int) -> None:
    variant.position = position
    variant.title = wanted.title
    if wanted.price is not None:
        variant.price = control_catalog._cents(wanted.price, variant.price) or 0
    if wanted.compare_at_price is not None:
        variant.compare_at_price = control_catalog._cents(wanted.compare_at_price, None)
    if wanted.sku is not None:
        variant.sku = store.inventory_items[variant.inventory_item_id].sku = wanted.sku
    if wanted.barcode is not None:
        variant.barcode = wanted.barcode
    variant.updated_at = now
    for location_id, (name, quantity) in (wanted.stock or {}).items():
        level = store.level(location_id, variant.inventory_item_id)
        if level is None:  # plan_product refuses unstocked locations for existing variants
            continue
        delta = quantity - level.quantities[name]
        if delta:
            level.quantities["available"] += delta
            level.quantities["on_hand"] += delta
            level.updated_at = level.available_updated_at = now
            publish.level_updated(store, level)


def _drop_variant(store: Store, product: Product, variant_id: int) -> None:
    variant = store.variants.pop(variant_id)
    item = store.inventory_items.pop(variant.inventory_item_id)
    for level_id in item.level_ids:
        store.inventory_levels.pop(level_id, None)
    product.variant_ids.remove(variant_id)


def resolve_product_delete(_root: Any, info: Info, input: dict[str, Any], synchronous: bool = True) -> dict[str, Any]:
    store: Store = info.context.store
    with store.lock:
        number = parse_gid(input["id"], "Product")
        if number is None or number not in store.products:
            errors = [{"field": ["id"], "message": PRODUCT_NOT_FOUND}]
            return {"deletedProductId": None, "shop": store.shop, "userErrors": errors}
        # Removes variants, items and levels, records the destroy event, publishes products/delete.
        deleted = control_catalog.delete_product(store, number)
        return {"deletedProductId": deleted["deletedProductId"], "shop": store.shop, "userErrors": []}


def handle_from(title: str) -> str:
    """The handle Shopify derives from a title ("Black Sunglasses" → ``black-sunglasses``)."""
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
