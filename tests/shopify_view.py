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


def list_rows(sim) -> dict[str, int]:
    """Records of the lists Shopify gives no ids (tax lines, discount applications and
    allocations), of lists of lists (refund lines), of customers' address books and of the
    discount catalogue, counted from the simulator's answers."""
    lines = (
        "lineItems(first: 100) { nodes { taxLines { title } discountAllocations { discountApplication { index } } } }"
    )
    per_line = [li for o in all_nodes(sim, "orders", lines, first=2) for li in o["lineItems"]["nodes"]]
    selection = (
        "taxLines { title } discountApplications(first: 50) { nodes { index } } "
        "refunds { refundLineItems(first: 100) { nodes { quantity } } }"
    )
    orders = list(all_nodes(sim, "orders", selection, first=5))
    customers = list(all_nodes(sim, "customers", "addressesV2(first: 100) { nodes { id } }", first=5))
    return {
        "order_tax_lines": sum(len(o["taxLines"]) for o in orders),
        "order_line_tax_lines": sum(len(li["taxLines"]) for li in per_line),
        "order_discount_applications": sum(len(o["discountApplications"]["nodes"]) for o in orders),
        "order_line_discount_allocations": sum(len(li["discountAllocations"]) for li in per_line),
        "order_refund_line_items": sum(len(r["refundLineItems"]["nodes"]) for o in orders for r in o["refunds"]),
        "customer_addresses": sum(len(c["addressesV2"]["nodes"]) for c in customers),
        "discounts": len(list(all_nodes(sim, "discountNodes", "id"))),
    }
