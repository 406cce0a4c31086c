"""``inventorySetQuantities`` with each API version's contract.

Rules (SHOPIFY_API_NOTES §5 and real captures): from 2026-04 ``@idempotent(key:)`` is
required and every quantity must carry ``changeFromQuantity`` (``null`` opts out of
compare-and-set, omission is an error); before 2026-04 ``compareQuantity`` (or, from
2026-01, ``changeFromQuantity``) must be given per quantity unless
``ignoreCompareQuantity`` is true, and the key is optional; names are ``available`` or ``on_hand``;
the reason comes from an allowlist; a stale ``changeFromQuantity`` fails the whole
call; setting one of the two names moves the other by the same delta and yields
two change rows; a call that changes nothing returns no adjustment group.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from graphql import GraphQLError, GraphQLResolveInfo, VariableNode
from graphql.execution.values import get_directive_values

from shopify_simulator.formatting import parse_gid
from shopify_simulator.schema import contract, version_of
from shopify_simulator.store import AdjustmentGroup, Change, Store
from shopify_simulator.webhooks import publish

REASONS = (
    "correction", "cycle_count_available", "damaged", "movement_canceled", "movement_created",
    "movement_received", "movement_updated", "other", "promotion", "quality_control", "received",
    "reservation_created", "reservation_deleted", "reservation_updated", "restock", "safety_stock",
    "shrinkage",
)  # fmt: skip
NAMES = ("available", "on_hand")
LIMIT = 1_000_000_000
MESSAGES = {
    "INVALID_REASON": "The specified reason is invalid. Valid values are: " + ", ".join(REASONS) + ".",
    "INVALID_NAME": "The quantity name must be either 'available' or 'on_hand'.",
    "INVALID_INVENTORY_ITEM": "The specified inventory item could not be found.",
    "INVALID_LOCATION": "The specified location could not be found.",
    # Wording not captured; the code is from the SDL enum.
    "ITEM_NOT_STOCKED_AT_LOCATION": "The specified inventory item is not stocked at the location.",
    "INVALID_QUANTITY_NEGATIVE": "The quantity can't be negative.",
    "INVALID_QUANTITY_TOO_HIGH": "The quantity can't be higher than 1,000,000,000.",
    "INVALID_QUANTITY_TOO_LOW": "The quantity can't be lower than -1,000,000,000.",
    "CHANGE_FROM_QUANTITY_STALE": "The changeFromQuantity value does not match persisted value.",
    "COMPARE_QUANTITY_STALE": "The compareQuantity value does not match persisted value.",
    "COMPARE_QUANTITY_REQUIRED": (
        "The compareQuantity argument must be given to each quantity or ignored using ignoreCompareQuantity."
    ),
    "NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR": "The combination of inventoryItemId and locationId must be unique.",
    "IDEMPOTENCY_KEY_PARAMETER_MISMATCH": (
        "The same idempotency key cannot be used with different operation parameters."
    ),
}


def user_error(field: list[str] | None, code: str) -> dict[str, Any]:
    return {"field": field, "message": MESSAGES[code], "code": code}


def payload(group: AdjustmentGroup | None, errors: list[dict[str, Any]]) -> dict[str, Any]:
    return {"inventoryAdjustmentGroup": group, "userErrors": errors}


def idempotency_key(info: GraphQLResolveInfo) -> str | None:
    """The ``@idempotent`` key; where the version requires it, the real top-level error when missing."""
    directive = info.schema.get_directive("idempotent")
    values = get_directive_values(directive, info.field_nodes[0], info.variable_values) if directive else None
    if not values and not contract(version_of(info.schema)).idempotent_required:
        return None
    if not values:
        raise GraphQLError(
            "The @idempotent directive is required for this mutation but was not provided.",
            extensions={"code": "BAD_REQUEST"},
        )
    key = values["key"]
    if not key.strip():
        # Rule from the SDL description; the wording of the error is not captured.
        raise GraphQLError(
            "The idempotency key cannot be an empty string or whitespace only.",
            extensions={"code": "BAD_REQUEST"},
        )
    return key


def require_change_from(
    info: GraphQLResolveInfo, quantities: list[dict[str, Any]], type_name: str = "InventoryQuantityInput"
) -> None:
    """Omitting ``changeFromQuantity`` (as opposed to sending null) is a top-level error."""
    if all("changeFromQuantity" in q for q in quantities):
        return
    field_node = info.field_nodes[0]
    nodes: list[Any] = [field_node]
    argument = next((a for a in field_node.arguments or () if a.name.value == "input"), None)
    if argument is not None and isinstance(argument.value, VariableNode):
        name = argument.value.name.value
        nodes += [d for d in info.operation.variable_definitions or () if d.variable.name.value == name]
    raise GraphQLError(
        f"{type_name} must include the following argument: changeFromQuantity.",
        nodes=nodes,
        extensions={"code": "INVALID_FIELD_ARGUMENTS"},
    )


def resolve_inventory_set_quantities(_root: Any, info: GraphQLResolveInfo, input: dict[str, Any]) -> Any:
    key = idempotency_key(info)
    rules = contract(version_of(info.schema))
    if rules.change_from_required:
        require_change_from(info, input["quantities"])
    elif not input.get("ignoreCompareQuantity") and any(compared_to(q) is _MISSING for q in input["quantities"]):
        return payload(None, [user_error(["input", "ignoreCompareQuantity"], "COMPARE_QUANTITY_REQUIRED")])
    store: Store = info.context.store
    return once(store, key, json.dumps(input, sort_keys=True), lambda: set_quantities(store, input))


def once(store: Store, key: str | None, parameters: str, apply: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Apply a write under the store lock, exactly once per idempotency key.

    A replay with the same parameters returns the first result without applying again; the
    same key with other parameters is refused. Without a key (allowed before 2026-04) the write
    simply applies.
    """
    with store.lock:
        if key is None:
            return apply()
        previous = store.idempotency.get(key)
        if previous is not None:
            if previous[0] == parameters:
                return previous[1]  # replay: same result, nothing applied again
            return payload(None, [user_error(None, "IDEMPOTENCY_KEY_PARAMETER_MISMATCH")])
        result = apply()
        store.idempotency[key] = (parameters, result)
        return result


def validate(store: Store, input: dict[str, Any]) -> tuple[list[dict[str, Any]], list[tuple[Any, int]]]:
    """User errors of the input, and the (level, quantity) targets when there are none."""
    errors: list[dict[str, Any]] = []
    if input["reason"] not in REASONS:
        errors.append(user_error(["input", "reason"], "INVALID_REASON"))
    name = input["name"]
    if name not in NAMES:
        errors.append(user_error(["input", "name"], "INVALID_NAME"))
    pairs: dict[tuple[str, str], list[int]] = {}
    for i, q in enumerate(input["quantities"]):
        pairs.setdefault((q["inventoryItemId"], q["locationId"]), []).append(i)
    for indexes in pairs.values():
        if len(indexes) > 1:
            errors += [
                user_error(
                    ["input", "quantities", str(i), "locationId"], "NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR"
                )
                for i in indexes
            ]
    targets: list[tuple[Any, int]] = []
    for i, q in enumerate(input["quantities"]):
        path = ["input", "quantities", str(i)]
        item_id = parse_gid(q["inventoryItemId"], "InventoryItem")
        location_id = parse_gid(q["locationId"], "Location")
        item_ok = item_id in store.inventory_items
        location_ok = location_id in store.locations
        if not item_ok:
            errors.append(user_error([*path, "inventoryItemId"], "INVALID_INVENTORY_ITEM"))
        if not location_ok:
            errors.append(user_error([*path, "locationId"], "INVALID_LOCATION"))
        level = store.level(location_id, item_id) if item_ok and location_ok else None
        if item_ok and location_ok and level is None:
            errors.append(user_error([*path, "locationId"], "ITEM_NOT_STOCKED_AT_LOCATION"))
        bound = bounds_error(name, q["quantity"])
        if bound:
            errors.append(user_error([*path, "quantity"], bound))
        targets.append((level, i))
    return errors, targets


_MISSING = object()


def compared_to(quantity: dict[str, Any]) -> Any:
    """The quantity a row is compared with: ``changeFromQuantity`` (2026-01+) or ``compareQuantity``.

    ``None`` means compare-and-set is switched off for the row; ``_MISSING`` that neither was given.
    """
    for argument in ("changeFromQuantity", "compareQuantity"):
        if argument in quantity:
            return quantity[argument]
    return _MISSING


def bounds_error(name: str, quantity: int) -> str | None:
    if quantity > LIMIT:
        return "INVALID_QUANTITY_TOO_HIGH"
    if name == "on_hand" and quantity < 0:
        return "INVALID_QUANTITY_NEGATIVE"
    if name == "available" and quantity < -LIMIT:
        return "INVALID_QUANTITY_TOO_LOW"
    return None


def set_quantities(store: Store, input: dict[str, Any]) -> dict[str, Any]:
    errors, targets = validate(store, input)
    if errors:
        return payload(None, errors)
    name, quantities = input["name"], input["quantities"]
    ignore = bool(input.get("ignoreCompareQuantity"))
    stale = []
    for level, i in targets:
        argument = "changeFromQuantity" if "changeFromQuantity" in quantities[i] else "compareQuantity"
        expected = None if ignore else compared_to(quantities[i])
        if expected not in (None, _MISSING) and expected != level.quantities[name]:
            code = "CHANGE_FROM_QUANTITY_STALE" if argument == "changeFromQuantity" else "COMPARE_QUANTITY_STALE"
            stale.append(user_error(["input", "quantities", str(i), argument], code))
    if stale:
        return payload(None, stale)
    now = store.now()
    changes: list[Change] = []
    for level, i in targets:
        delta = quantities[i]["quantity"] - level.quantities[name]
        if delta == 0:
            continue
        level.quantities["available"] += delta
        level.quantities["on_hand"] += delta
        level.updated_at = level.available_updated_at = now
        changes.append(Change("available", delta, level.item_id, level.location_id))
        changes.append(Change("on_hand", delta, level.item_id, level.location_id))
    if not changes:
        return payload(None, [])  # real: a no-op set returns no group and no errors
    group = AdjustmentGroup(store.next_id(), now, input["reason"], input.get("referenceDocumentUri"), changes)
    store.adjustment_groups[group.id] = group
    store.invalidate("inventory_levels")
    publish_levels(store, {(c.location_id, c.item_id) for c in changes})
    return payload(group, [])


def publish_levels(store: Store, keys: set[tuple[int, int]]) -> None:
    """``inventory_levels/update`` for every level whose quantities moved (webhooks)."""
    for location_id, item_id in sorted(keys):
        level = store.level(location_id, item_id)
        if level is not None:
            publish.level_updated(store, level)
