"""``inventoryAdjustQuantities``: add deltas to one quantity name, with the 2026-04+ contract.

Rules (SHOPIFY_API_NOTES §5, ``inventory-adjust-name-allowlist.2026-04.json``,
``inventory-quantity-contracts.2026-04.json``):

* ``@idempotent(key:)`` and ``changeFromQuantity`` on every change are required (the
  same top-level errors as ``inventorySetQuantities``, naming ``InventoryChangeInput``);
* names ``available, damaged, incoming, quality_control, reserved, safety_stock`` only
  (``on_hand``/``committed`` → the captured INVALID_QUANTITY_NAME message);
* ``ledgerDocumentUri`` is required for every name but ``available`` and forbidden for
  ``available``; ``gid://shopify/`` ledger documents are Shopify's own and refused;
* an ``available`` delta is mirrored by an ``on_hand`` row (captured); the other parts of
  on_hand (damaged, reserved, quality_control, safety_stock) move on_hand too (inferred
  from Shopify's inventory states), ``incoming`` stands alone;
* all-zero deltas → ``inventoryAdjustmentGroup: null`` and no errors; resulting
  quantities must stay within ±2,000,000,000 (SDL enum descriptions).

Messages not captured come from the SDL descriptions of
``InventoryAdjustQuantitiesUserErrorCode``.
"""

from __future__ import annotations

import json
from typing import Any

from graphql import GraphQLResolveInfo

from shopify_simulator.formatting import parse_gid
from shopify_simulator.mutations.inventory import (
    MESSAGES,
    REASONS,
    idempotency_key,
    once,
    payload,
    publish_levels,
    require_change_from,
)
from shopify_simulator.schema import contract, version_of
from shopify_simulator.store import ON_HAND_PARTS, AdjustmentGroup, Change, InventoryLevel, Store

NAMES = ("available", "damaged", "incoming", "quality_control", "reserved", "safety_stock")
LIMIT = 2_000_000_000
ADJUST_MESSAGES = {
    **MESSAGES,
    "INVALID_QUANTITY_NAME": "The specified quantity name is invalid. Valid values are: " + ", ".join(NAMES) + ".",
    "INVALID_QUANTITY_DOCUMENT": "A ledger document URI is required except when adjusting available.",
    "INVALID_AVAILABLE_DOCUMENT": "A ledger document URI is not allowed when adjusting available.",
    "INTERNAL_LEDGER_DOCUMENT": "Internal (gid://shopify/) ledger documents are not allowed to be adjusted via API.",
    "INVALID_QUANTITY_TOO_HIGH": "The quantity can't be higher than 2,000,000,000.",
    "INVALID_QUANTITY_TOO_LOW": "The quantity can't be lower than -2,000,000,000.",
    "ITEM_NOT_STOCKED_AT_LOCATION": "The inventory item is not stocked at the location.",
}


def user_error(field: list[str] | None, code: str) -> dict[str, Any]:
    return {"field": field, "message": ADJUST_MESSAGES[code], "code": code}


def resolve_inventory_adjust_quantities(_root: Any, info: GraphQLResolveInfo, input: dict[str, Any]) -> Any:
    key = idempotency_key(info)
    if contract(version_of(info.schema)).change_from_required:
        require_change_from(info, input["changes"], "InventoryChangeInput")
    store: Store = info.context.store
    parameters = json.dumps({"adjust": input}, sort_keys=True)  # a set and an adjust never share a key
    return once(store, key, parameters, lambda: adjust_quantities(store, input))


def validate(store: Store, input: dict[str, Any]) -> tuple[list[dict[str, Any]], list[InventoryLevel | None]]:
    """User errors of the input, and the level each change targets."""
    errors: list[dict[str, Any]] = []
    if input["reason"] not in REASONS:
        errors.append(user_error(["input", "reason"], "INVALID_REASON"))
    name = input["name"]
    if name not in NAMES:
        errors.append(user_error(["input", "name"], "INVALID_QUANTITY_NAME"))
    levels: list[InventoryLevel | None] = []
    for i, change in enumerate(input["changes"]):
        path = ["input", "changes", str(i)]
        item_id = parse_gid(change["inventoryItemId"], "InventoryItem")
        location_id = parse_gid(change["locationId"], "Location")
        item_ok, location_ok = item_id in store.inventory_items, location_id in store.locations
        if not item_ok:
            errors.append(user_error([*path, "inventoryItemId"], "INVALID_INVENTORY_ITEM"))
        if not location_ok:
            errors.append(user_error([*path, "locationId"], "INVALID_LOCATION"))
        level = store.level(location_id, item_id) if item_ok and location_ok else None
        if item_ok and location_ok and level is None:
            errors.append(user_error([*path, "locationId"], "ITEM_NOT_STOCKED_AT_LOCATION"))
        errors += ledger_errors(name, change.get("ledgerDocumentUri"), path)
        if level is not None and name in NAMES:
            after = level.quantities[name] + change["delta"]
            if after > LIMIT:
                errors.append(user_error([*path, "delta"], "INVALID_QUANTITY_TOO_HIGH"))
            elif after < -LIMIT:
                errors.append(user_error([*path, "delta"], "INVALID_QUANTITY_TOO_LOW"))
        levels.append(level)
    return errors, levels


def ledger_errors(name: str, ledger: str | None, path: list[str]) -> list[dict[str, Any]]:
    if name not in NAMES:
        return []
    if name == "available":
        return [user_error([*path, "ledgerDocumentUri"], "INVALID_AVAILABLE_DOCUMENT")] if ledger else []
    if not ledger:
        return [user_error([*path, "ledgerDocumentUri"], "INVALID_QUANTITY_DOCUMENT")]
    if ledger.startswith("gid://shopify/"):
        return [user_error([*path, "ledgerDocumentUri"], "INTERNAL_LEDGER_DOCUMENT")]
    return []


def adjust_quantities(store: Store, input: dict[str, Any]) -> dict[str, Any]:
    errors, levels = validate(store, input)
    if errors:
        return payload(None, errors)
    name, changes_in = input["name"], input["changes"]
    stale = [
        user_error(["input", "changes", str(i), "changeFromQuantity"], "CHANGE_FROM_QUANTITY_STALE")
        for i, (level, change) in enumerate(zip(levels, changes_in, strict=True))
        if change["changeFromQuantity"] is not None and change["changeFromQuantity"] != level.quantities[name]
    ]
    if stale:
        return payload(None, stale)
    now = store.now()
    changes: list[Change] = []
    for level, change in zip(levels, changes_in, strict=True):
        delta = change["delta"]
        if delta == 0 or level is None:
            continue
        level.quantities[name] += delta
        changes.append(Change(name, delta, level.item_id, level.location_id, change.get("ledgerDocumentUri")))
        if name in ON_HAND_PARTS:
            level.quantities["on_hand"] += delta
            changes.append(Change("on_hand", delta, level.item_id, level.location_id))
        level.updated_at = now
        if name == "available":
            level.available_updated_at = now
    if not changes:
        return payload(None, [])  # all-zero deltas: no group, no errors
    group = AdjustmentGroup(store.next_id(), now, input["reason"], input.get("referenceDocumentUri"), changes)
    store.adjustment_groups[group.id] = group
    store.invalidate("inventory_levels")
    publish_levels(store, {(c.location_id, c.item_id) for c in changes})
    return payload(group, [])
