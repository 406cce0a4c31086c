"""Resolvers of InventoryAdjustmentGroup and InventoryChange fields."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLResolveInfo

from shopify_simulator.formatting import gid
from shopify_simulator.store import AdjustmentGroup, Change

Info = GraphQLResolveInfo


def _changes(group: AdjustmentGroup, info: Info, **args: Any) -> list[Change]:
    items = args.get("inventoryItemIds")
    locations = args.get("locationIds")
    names = args.get("quantityNames")
    return [
        c
        for c in group.changes
        if (items is None or gid("InventoryItem", c.item_id) in items)
        and (locations is None or gid("Location", c.location_id) in locations)
        and (names is None or c.name in names)
    ]


ADJUSTMENT_GROUP: dict[str, Any] = {"changes": _changes}

CHANGE: dict[str, Any] = {
    "item": lambda c, info, **_: info.context.store.inventory_items.get(c.item_id),
    "location": lambda c, info, **_: info.context.store.locations.get(c.location_id),
    # Real 2026-04 captures return null here.
    "quantityAfterChange": lambda c, info, **_: None,
}
