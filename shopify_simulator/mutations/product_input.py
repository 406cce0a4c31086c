"""Validation of a ``ProductSetInput`` into a plan the store can apply without further checks.

Kept apart from the writer so that every userError is decided before anything changes: a
productSet either applies whole or not at all. Codes are the SDL's ``ProductSetUserErrorCode``;
messages are the SDL's descriptions of those codes unless noted (none is captured), and the
field paths follow the input (``["input", "variants", "0", "optionValues"]``), a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from shopify_simulator.formatting import parse_gid
from shopify_simulator.store import Product, Store, Variant

MAX_OPTIONS = 3
MAX_QUANTITIES = 50_000  # "Inventory quantity input exceeds the limit of 50000" (SDL)
DEFAULT_OPTION = ("Title", ("Default Title",))
MESSAGES = {
    "OPTIONS_OVER_LIMIT": "Options over limit.",
    "OPTION_VALUES_MISSING": "Each option must have at least one option value specified.",
    "DUPLICATED_OPTION_NAME": "Duplicated option name.",
    "DUPLICATED_OPTION_VALUE": "Duplicated option value.",
    "OPTION_DOES_NOT_EXIST": "Option does not exist.",
    "OPTION_VALUE_DOES_NOT_EXIST": "Option value does not exist.",
    "PRODUCT_OPTIONS_INPUT_MISSING": "Must specify product options when updating variants.",
    "VARIANTS_INPUT_MISSING": "Must specify variants when updating options.",
    "PRODUCT_VARIANT_DOES_NOT_EXIST": "Product variant does not exist.",
    "HANDLE_NOT_UNIQUE": "Handle already in use. Please provide a new handle.",
    "INVENTORY_QUANTITIES_LIMIT_EXCEEDED": (
        "Inventory quantity input exceeds the limit of 50000. "
        "Consider using separate `inventorySetQuantities` mutations."
    ),
    "INVALID_INPUT": "Input is not valid.",
    "INVALID_VARIANT": "Product variant is not valid.",
    "INVALID_PRODUCT": "Product is not valid.",
}
# Guesses in Shopify's usual model-validation style (not captured).
TITLE_BLANK = "Title can't be blank"
BAD_LOCATION = "Location does not exist"
BAD_NAME = "The quantity name must be either 'available' or 'on_hand'."  # inventorySetQuantities' wording
NOT_STOCKED = "The variant is not stocked at this location"


def error(path: list[str], code: str, message: str | None = None) -> dict[str, Any]:
    return {"field": path, "message": message or MESSAGES[code], "code": code}


@dataclass
class VariantPlan:
    existing: Variant | None
    option_values: tuple[str, ...]
    title: str
    sku: str | None
    barcode: str | None
    price: str | None
    compare_at_price: str | None
    tracked: bool | None
    cost: int | None
    stock: dict[int, tuple[str, int]] | None  # location id -> (quantity name, quantity)


@dataclass
class ProductPlan:
    fields: dict[str, Any]  # control_catalog's request keys: title, handle, vendor, product_type, status, tags
    options: list[tuple[int, str, tuple[str, ...]]]
    variants: list[VariantPlan] = field(default_factory=list)
    variants_given: bool = False


def plan_product(
    store: Store, input: dict[str, Any], product: Product | None, upsert_handle: str | None
) -> tuple[ProductPlan, list[dict[str, Any]]]:
    errors: list[dict[str, Any]] = []
    fields = _fields(store, input, product, upsert_handle, errors)
    given_options, given_variants = input.get("productOptions") is not None, input.get("variants") is not None
    if product is not None and given_variants and not given_options:
        errors.append(error(["input", "productOptions"], "PRODUCT_OPTIONS_INPUT_MISSING"))
    if product is not None and given_options and not given_variants:
        errors.append(error(["input", "variants"], "VARIANTS_INPUT_MISSING"))
    options = _options(store, input.get("productOptions"), product, errors)
    plan = ProductPlan(fields, options, variants_given=given_variants or product is None)
    if plan.variants_given:
        specs = input.get("variants") or ([{"optionValues": []}] if not given_options else [])
        plan.variants = _variants(store, specs, options, product, errors)
    total = sum(len(v.get("inventoryQuantities") or ()) for v in input.get("variants") or ())
    if total > MAX_QUANTITIES:
        errors.append(error(["input", "variants"], "INVENTORY_QUANTITIES_LIMIT_EXCEEDED"))
    return plan, errors


def _fields(
    store: Store, input: dict[str, Any], product: Product | None, upsert_handle: str | None, errors: list
) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for source, target in (("title", "title"), ("vendor", "vendor"), ("productType", "product_type")):
        if input.get(source) is not None:
            fields[target] = input[source]
    if input.get("status") is not None:
        fields["status"] = input["status"]
    if input.get("tags") is not None:
        fields["tags"] = list(input["tags"])
    if product is None:
        if not str(input.get("title") or "").strip():
            errors.append(error(["input", "title"], "INVALID_PRODUCT", TITLE_BLANK))
        fields.setdefault("vendor", store.shop.name)  # guess: Shopify fills the shop's name
        fields.setdefault("status", "ACTIVE")
    handle = input.get("handle") or upsert_handle
    taken = {p.handle for p in store.products.values() if product is None or p.id != product.id}
    if handle is not None:
        if handle in taken:
            errors.append(error(["input", "handle"], "HANDLE_NOT_UNIQUE"))
        fields["handle"] = handle
    elif product is None:  # derived from the title, with "-1", "-2" … when taken (SDL description)
        base = re.sub(r"[^a-z0-9]+", "-", str(input.get("title") or "").lower()).strip("-") or "product"
        fields["handle"] = next(h for n in range(10_000) if (h := base if n == 0 else f"{base}-{n}") not in taken)
    return fields


def _options(
    store: Store, given: list[dict[str, Any]] | None, product: Product | None, errors: list
) -> list[tuple[int, str, tuple[str, ...]]]:
    current = (product.options if product is not None else []) or []
    if given is None:
        return current or [(store.next_id(), *DEFAULT_OPTION)]
    if len(given) > MAX_OPTIONS:
        errors.append(error(["input", "productOptions"], "OPTIONS_OVER_LIMIT"))
    by_id = {option_id: (name, values) for option_id, name, values in current}
    options: list[tuple[int, str, tuple[str, ...]]] = []
    for i, spec in enumerate(given):
        path = ["input", "productOptions", str(i)]
        option_id = parse_gid(spec.get("id"), "ProductOption") if spec.get("id") is not None else None
        if spec.get("id") is not None and option_id not in by_id:
            errors.append(error([*path, "id"], "OPTION_DOES_NOT_EXIST"))
            continue
        name = spec.get("name") or (by_id[option_id][0] if option_id in by_id else "")
        values = tuple(v.get("name") or "" for v in spec.get("values") or ())
        if not values:
            errors.append(error([*path, "values"], "OPTION_VALUES_MISSING"))
        if len(set(values)) != len(values):
            errors.append(error([*path, "values"], "DUPLICATED_OPTION_VALUE"))
        if any(name == existing for _, existing, _ in options):
            errors.append(error([*path, "name"], "DUPLICATED_OPTION_NAME"))
        options.append((option_id or store.next_id(), name, values))
    return options


def _variants(
    store: Store,
    specs: list[dict[str, Any]],
    options: list[tuple[int, str, tuple[str, ...]]],
    product: Product | None,
    errors: list,
) -> list[VariantPlan]:
    own = {v: store.variants[v] for v in (product.variant_ids if product is not None else [])}
    plans: list[VariantPlan] = []
    seen: dict[tuple[str, ...], int] = {}
    for i, spec in enumerate(specs):
        path = ["input", "variants", str(i)]
        values = _option_values(spec.get("optionValues") or [], options, path, errors)
        existing = None
        if spec.get("id") is not None:
            existing = own.get(parse_gid(spec["id"], "ProductVariant") or -1)
            if existing is None:
                errors.append(error([*path, "id"], "PRODUCT_VARIANT_DOES_NOT_EXIST"))
        else:  # a variant without id matches an existing one by its option values (guess)
            existing = next((v for v in own.values() if _values_of(v) == values), None)
        if values in seen:
            title = " / ".join(values)
            errors.append(error([*path, "optionValues"], "INVALID_VARIANT", f"The variant '{title}' already exists."))
        seen[values] = i
        plans.append(_variant_plan(store, spec, existing, values, path, errors))
    return plans


def _values_of(variant: Variant) -> tuple[str, ...]:
    return variant.option_values or (variant.title,)


def _option_values(
    given: list[dict[str, Any]], options: list[tuple[int, str, tuple[str, ...]]], path: list[str], errors: list
) -> tuple[str, ...]:
    if not given and [(name, values) for _, name, values in options] == [DEFAULT_OPTION]:
        return ("Default Title",)
    chosen: dict[str, str] = {}
    for j, value in enumerate(given):
        at = [*path, "optionValues", str(j)]
        option_id = parse_gid(value.get("optionId"), "ProductOption")
        option = next((o for o in options if o[1] == value.get("optionName") or o[0] == option_id), None)
        if option is None:
            errors.append(error(at, "OPTION_DOES_NOT_EXIST"))
            continue
        name = value.get("name")
        if name is None and value.get("id") is not None:
            index = (parse_gid(value["id"], "ProductOptionValue") or 0) - option[0] * 1000
            name = option[2][index] if 0 <= index < len(option[2]) else None
        if name not in option[2]:
            errors.append(error(at, "OPTION_VALUE_DOES_NOT_EXIST"))
            continue
        chosen[option[1]] = name
    if len(chosen) != len(options) and not any(e["field"][: len(path)] == path for e in errors):
        errors.append(error([*path, "optionValues"], "INVALID_VARIANT"))
    return tuple(chosen.get(name, "") for _, name, _ in options)


def _variant_plan(
    store: Store,
    spec: dict[str, Any],
    existing: Variant | None,
    values: tuple[str, ...],
    path: list[str],
    errors: list,
) -> VariantPlan:
    item = spec.get("inventoryItem") or {}
    cost = None
    if item.get("cost") is not None:
        try:
            cost = int(Decimal(str(item["cost"])) * 100)
        except InvalidOperation:
            errors.append(error([*path, "inventoryItem", "cost"], "INVALID_INPUT"))
    stock = _stock(store, spec.get("inventoryQuantities"), existing, path, errors)
    title = " / ".join(values) if values else "Default Title"
    sku = spec.get("sku") if spec.get("sku") is not None else item.get("sku")
    return VariantPlan(
        existing, values if values != ("Default Title",) else (), title, sku, spec.get("barcode"),
        None if spec.get("price") is None else str(spec["price"]),
        None if spec.get("compareAtPrice") is None else str(spec["compareAtPrice"]),
        item.get("tracked"), cost, stock,
    )  # fmt: skip


def _stock(
    store: Store, given: list[dict[str, Any]] | None, existing: Variant | None, path: list[str], errors: list
) -> dict[int, tuple[str, int]] | None:
    if given is None:
        return None
    stock: dict[int, tuple[str, int]] = {}
    for k, q in enumerate(given):
        at = [*path, "inventoryQuantities", str(k)]
        location_id = parse_gid(q["locationId"], "Location")
        if location_id not in store.locations:
            errors.append(error([*at, "locationId"], "INVALID_INPUT", BAD_LOCATION))
            continue
        if q["name"] not in ("available", "on_hand"):
            errors.append(error([*at, "name"], "INVALID_INPUT", BAD_NAME))
            continue
        if existing is not None and store.level(location_id, existing.inventory_item_id) is None:
            # SDL: an existing variant's quantities can only be set where it is already stocked.
            errors.append(error([*at, "locationId"], "INVALID_INPUT", NOT_STOCKED))
            continue
        stock[location_id] = (q["name"], q["quantity"])
    return stock
