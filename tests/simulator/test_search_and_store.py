"""Search syntax (unit) and the seeded store's invariants."""

from __future__ import annotations

from dataclasses import dataclass

from shopify_simulator import search
from shopify_simulator.formatting import inventory_level_gid, money, parse_inventory_level_gid
from shopify_simulator.seed import generate
from shopify_simulator.store import ON_HAND_PARTS


@dataclass
class Row:
    id: int
    updated_at: int
    status: str
    sku: str


FIELDS = {
    "id": search.number(lambda r: r.id),
    "updated_at": search.timestamp(lambda r: r.updated_at),
    "status": search.text(lambda r: r.status),
    "sku": search.text(lambda r: r.sku),
}
ROWS = [
    Row(1, 1_700_000_000, "open", "A-1"),
    Row(2, 1_800_000_000, "closed", "B-2"),
    Row(3, 1_900_000_000, "open", "C 3"),
]


def ids(query: str) -> list[int]:
    expr = search.parse(query, FIELDS)
    return [r.id for r in ROWS if expr is None or expr.matches(r)]


def test_comparators_and_quotes() -> None:
    assert ids("updated_at:>='2027-01-01T00:00:00Z'") == [2, 3]
    assert ids('updated_at:<"2027-01-01"') == [1]
    assert ids("updated_at:<=2023-11-14T22:13:20Z") == [1]
    assert ids("id:>1") == [2, 3]
    assert ids("sku:'C 3'") == [3]


def test_boolean_operators() -> None:
    assert ids("status:open updated_at:>2025-01-01") == [3]
    assert ids("status:open AND id:1") == [1]
    assert ids("id:1 OR id:2") == [1, 2]
    assert ids("-status:open") == [2]
    assert ids("NOT status:closed") == [1, 3]
    assert ids("(id:1 OR id:3) -sku:A-1") == [3]


def test_unknown_fields_and_bare_words_are_ignored() -> None:
    assert ids("colour:red") == [1, 2, 3]
    assert ids("-colour:red status:closed") == [2]
    assert ids("hello") == [1, 2, 3]
    assert ids("") == [1, 2, 3]


def test_wire_formats() -> None:
    assert [money(v) for v in ("20", "14.99", "0", "14.5")] == ["20.0", "14.99", "0.0", "14.5"]
    gid = inventory_level_gid(143273001266, 53469430055218)
    assert gid == "gid://shopify/InventoryLevel/143273001266?inventory_item_id=53469430055218"
    assert parse_inventory_level_gid(gid) == (143273001266, 53469430055218)


def test_seed_is_deterministic_and_consistent() -> None:
    a = generate(5, 40, now=1_800_000_000)
    b = generate(5, 40, now=1_800_000_000)
    assert [(o.id, o.updated_at, o.total) for o in a.orders.values()] == [
        (o.id, o.updated_at, o.total) for o in b.orders.values()
    ]
    assert len(a.locations) == 3 and sum(not loc.is_active for loc in a.locations.values()) == 1
    assert len(a.products) >= 5
    skus = [v.sku for v in a.variants.values()]
    assert len(skus) == len(set(skus))
    for level in a.inventory_levels.values():
        q = level.quantities
        assert q["on_hand"] == sum(q[name] for name in ON_HAND_PARTS)
        assert a.locations[level.location_id].is_active
    committed: dict[tuple[int, int], int] = {}
    for order in a.orders.values():
        if order.closed_at is None:
            for line in order.line_items:
                key = (order.location_id, a.variants[line.variant_id].inventory_item_id)
                committed[key] = committed.get(key, 0) + line.unfulfilled_quantity
    for level in a.inventory_levels.values():
        assert level.quantities["committed"] == committed.get((level.location_id, level.item_id), 0)
    assert all(o.updated_at < 1_800_000_000 and o.processed_at <= o.updated_at for o in a.orders.values())
