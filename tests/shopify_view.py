"""The tests' own, independent view of the simulated shop: plain GraphQL over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def all_nodes(sim, field: str, selection: str, args: str = "", first: int = 250) -> Iterator[dict[str, Any]]:
    """Page through a top-level connection of the simulator with its own cursors."""
    after = None
    while True:
        query = (
            f"query($after: String) {{ {field}(first: {first}, after: $after{', ' + args if args else ''}) "
            f"{{ nodes {{ {selection} }} pageInfo {{ hasNextPage endCursor }} }} }}"
        )
        page = sim.graphql(query, {"after": after})[field]
        yield from page["nodes"]
        if not page["pageInfo"]["hasNextPage"]:
            return
        after = page["pageInfo"]["endCursor"]


def available_by_level(sim) -> dict[tuple[str, str], int]:
    """Shopify's ``available`` per (inventory item, location), as the simulator holds it."""
    levels: dict[tuple[str, str], int] = {}
    selection = (
        'id inventoryLevels(first: 10) { nodes { location { id } quantities(names: ["available"]) { quantity } } }'
    )
    for item in all_nodes(sim, "inventoryItems", selection, first=10):
        for level in item["inventoryLevels"]["nodes"]:
            levels[(item["id"], level["location"]["id"])] = level["quantities"][0]["quantity"]
    return levels
