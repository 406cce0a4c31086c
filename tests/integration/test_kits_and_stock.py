"""Kits (bills of materials from include/mappings/kits.csv) and the stock quantities the back office
owns, on a real PostgreSQL with a catalogue staged from the simulator: kit rules resolve to items,
the buildable quantity is the least over the components, unknown SKUs are rejected with their
reason while the rest loads, a second build changes nothing, and incoming and vendor quantities
survive a rebuild."""

from __future__ import annotations

import csv
import math
import shutil
from contextlib import closing
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest

from shopify_elt.ddl import ensure_schema
from shopify_elt.transform import MAPPINGS_DIR, build_core
from shopify_elt.warehouse import connect
from tests.cleanup import forget_shops
from tests.staging import CATALOGUE_STREAMS, stage

pytestmark = pytest.mark.integration

SHOP = "kits.myshopify.com"  # rows of these tests are tagged apart, and removed at the end


@pytest.fixture(scope="module")
def staged(warehouse_url, simulator):
    with closing(connect()) as conn:
        ensure_schema(conn)
        stage(conn, SHOP, "kits-stage", CATALOGUE_STREAMS)  # all kits need (the session simulator is only read)
        yield conn
        forget_shops(conn, SHOP)


@pytest.fixture()
def conn(staged):
    """Each test starts without kits and with stock as Shopify has it (the back office's edits gone)."""
    forget_kits_and_stock(staged)
    yield staged
    forget_kits_and_stock(staged)


def forget_kits_and_stock(conn) -> None:
    conn.execute(
        "delete from core.kit_components using core.items as i where i.item_id = kit_components.kit_item_id"
        " and i.shop = %s",
        (SHOP,),
    )
    conn.execute(
        "delete from core.stock using core.items as i where i.item_id = stock.item_id and i.shop = %s", (SHOP,)
    )


@pytest.fixture()
def mappings(tmp_path: Path):
    """A copy of include/mappings to change, as a user changes the versioned files."""
    target = tmp_path / "mappings"
    shutil.copytree(MAPPINGS_DIR, target)
    return target


def write_kits(mappings: Path, rules: list[tuple[str, str, str]]) -> None:
    with (mappings / "kits.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(("kit_sku", "component_sku", "quantity", "meaning"))
        writer.writerows((*rule, "a kit of the tests") for rule in rules)


@pytest.fixture()
def skus(conn, mappings) -> list[str]:
    """Six SKUs of live items, built with the shipped (kit-less) mappings."""
    build_core(conn, SHOP, "kits-items", mappings)
    query = "select sku from core.items where shop = %s and deleted_at is null order by sku limit 6"
    found = [r[0] for r in conn.execute(query, (SHOP,)).fetchall()]
    assert len(found) == 6, "the seeded store has at least six variants"
    return found


def item_ids(conn) -> dict[str, int]:
    return dict(conn.execute("select sku, item_id from core.items where shop = %s and deleted_at is null", (SHOP,)))


def components(conn) -> set[tuple[str, str, Decimal]]:
    query = """select kit.sku, component.sku, kc.quantity from core.kit_components as kc
               join core.items as kit on kit.item_id = kc.kit_item_id
               join core.items as component on component.item_id = kc.component_item_id
               where kit.shop = %s"""
    return set(conn.execute(query, (SHOP,)).fetchall())


def buildable(conn) -> dict[tuple[str, int], tuple[int, str]]:
    query = "select kit_sku, location_id, buildable, limiting_sku from core.kit_buildable where shop = %s"
    return {(k, loc): (n, limiting) for k, loc, n, limiting in conn.execute(query, (SHOP,)).fetchall()}


def available(conn) -> dict[tuple[str, int], int]:
    query = """select i.sku, s.location_id, s.available_to_sell from core.stock as s
               join core.items as i using (item_id) where i.shop = %s"""
    return {(sku, loc): n for sku, loc, n in conn.execute(query, (SHOP,)).fetchall()}


def active_locations(conn) -> list[int]:
    query = "select location_id from core.locations where shop = %s and is_active and deleted_at is null order by 1"
    return [r[0] for r in conn.execute(query, (SHOP,)).fetchall()]


def set_available(conn, sku: str, location_id: int, quantity: int) -> None:
    """The back office counts stock: on hand such that `quantity` is available to sell."""
    conn.execute(
        """update core.stock as s set on_hand = s.committed + s.safety_stock + %s
           from core.items as i where i.item_id = s.item_id and i.shop = %s and i.sku = %s and s.location_id = %s""",
        (quantity, SHOP, sku, location_id),
    )


def test_kits_resolve_to_items_and_build_the_least_over_their_components(conn, mappings, skus):
    kit, first, second, other_kit = skus[:4]
    write_kits(mappings, [(kit, first, "2"), (kit, second, "0.5"), (other_kit, second, "3")])
    build_core(conn, SHOP, "kits-resolve", mappings)
    ids = item_ids(conn)
    rows = conn.execute(
        "select kit_item_id, component_item_id, quantity from core.kit_components"
        " where kit_item_id in (%s, %s) order by 1, 2",
        (ids[kit], ids[other_kit]),
    ).fetchall()
    assert sorted(rows) == sorted(
        [(ids[kit], ids[first], 2), (ids[kit], ids[second], Decimal("0.5")), (ids[other_kit], ids[second], 3)]
    )

    here, there = active_locations(conn)[:2]
    set_available(conn, first, here, 11)  # 11 // 2 = 5 kits
    set_available(conn, second, here, 2)  # 2 // 0.5 = 4 kits: the fewer
    built = buildable(conn)
    assert built[(kit, here)] == (4, second)
    assert built[(other_kit, here)] == (0, second)  # 2 // 3
    stock = available(conn)
    for location in active_locations(conn):  # every active location, each the least over the components
        expected = min(
            (math.floor(Decimal(stock.get((sku, location), 0)) / quantity), sku)
            for sku, quantity in ((first, Decimal(2)), (second, Decimal("0.5")))
        )
        assert built[(kit, location)] == expected
    assert {k for k, _ in built} == {kit, other_kit}, "only kit items, and only at active locations"
    assert {loc for _, loc in built} == set(active_locations(conn))

    # A component with no stock row at a location: the kit builds none there.
    set_available(conn, first, there, 50)
    set_available(conn, second, there, 50)
    assert buildable(conn)[(kit, there)] == (25, first)
    conn.execute("delete from core.stock where item_id = %s and location_id = %s", (ids[second], there))
    assert buildable(conn)[(kit, there)] == (0, second)
    assert buildable(conn)[(kit, here)] == (4, second)


def rejects(conn, run_id: str) -> dict[str, str]:
    query = """select record_key, reason from ops.rejects
               where shop = %s and run_id = %s and stage = 'core' and object_name = 'kit_components'"""
    return dict(conn.execute(query, (SHOP, run_id)).fetchall())


def test_unknown_skus_are_rejected_with_their_reason_while_the_rest_loads(conn, mappings, skus):
    good, kept, a, b, c, d = skus
    write_kits(mappings, [(kept, c, "1")])
    build_core(conn, SHOP, "kits-before", mappings)
    assert components(conn) == {(kept, c, 1)}

    write_kits(
        mappings,
        [
            (good, a, "1"),
            (good, b, "2"),
            (kept, c, "3"),  # changed, but the kit also has an unknown component: left as it was
            (kept, "NO-SUCH-COMPONENT", "1"),
            ("NO-SUCH-KIT", d, "1"),
            ("NO-SUCH-KIT", "NO-SUCH-COMPONENT", "1"),
        ],
    )
    build_core(conn, SHOP, "kits-rejects", mappings)
    assert rejects(conn, "kits-rejects") == {
        f"{kept}>NO-SUCH-COMPONENT": f"component SKU NO-SUCH-COMPONENT of kit {kept} is not a known item",
        f"{kept}>{c}": f"kit {kept} is left as it was (a kit loads whole or not at all):"
        " unknown component SKU NO-SUCH-COMPONENT",
        f"NO-SUCH-KIT>{d}": "kit SKU NO-SUCH-KIT is not a known item",
        "NO-SUCH-KIT>NO-SUCH-COMPONENT": "kit SKU NO-SUCH-KIT and component SKU NO-SUCH-COMPONENT are not known items",
    }
    assert components(conn) == {(good, a, 1), (good, b, 2), (kept, c, 1)}

    # The unknown component taken out of the rules: the kit loads, at its new quantity.
    write_kits(mappings, [(good, a, "1"), (kept, c, "3")])
    changed = build_core(conn, SHOP, "kits-fixed", mappings)
    assert changed["kit_components"] == 2  # one quantity updated, one component removed
    assert components(conn) == {(good, a, 1), (kept, c, 3)}
    assert rejects(conn, "kits-fixed") == {}


def test_a_second_build_changes_nothing_and_a_changed_rule_exactly_its_row(conn, mappings, skus):
    kit, first, second, other_kit = skus[:4]
    write_kits(mappings, [(kit, first, "2"), (kit, second, "1"), (other_kit, first, "1")])
    first_build = build_core(conn, SHOP, "kits-once", mappings)
    assert first_build["kit_components"] == 3
    before = (components(conn), buildable(conn))
    again = build_core(conn, SHOP, "kits-twice", mappings)
    assert again["kit_components"] == 0 and again["stock"] == 0 and again["items"] == 0
    assert (components(conn), buildable(conn)) == before

    write_kits(mappings, [(kit, first, "2"), (kit, second, "4"), (other_kit, first, "1")])
    assert build_core(conn, SHOP, "kits-changed", mappings)["kit_components"] == 1
    assert (kit, second, 4) in components(conn)
    assert build_core(conn, SHOP, "kits-changed-again", mappings)["kit_components"] == 0


def test_incoming_and_vendor_quantities_set_by_the_back_office_survive_a_rebuild(conn, mappings, skus):
    sku = skus[0]
    location = active_locations(conn)[0]
    ids = item_ids(conn)
    key = (ids[sku], location)
    new_rows = conn.execute(
        "select count(*) from core.stock join core.items using (item_id)"
        " where shop = %s and (incoming, vendor_quantity) <> (0, 0)",
        (SHOP,),
    )
    assert new_rows.fetchone()[0] == 0, "stock rows start with nothing incoming and no vendor quantity"

    conn.execute(
        "update core.stock set incoming = 40, vendor_quantity = 15, on_hand = on_hand + 7"
        " where item_id = %s and location_id = %s",
        key,
    )
    stock_query = (
        "select on_hand, committed, incoming, vendor_quantity from core.stock where item_id = %s and location_id = %s"
    )
    on_hand, committed, _, _ = conn.execute(stock_query, key).fetchone()
    # Shopify's reservations change, so the build does update this very row.
    level = (
        "update staging.shopify_inventory_levels set committed = committed + %s where _shop = %s"
        " and inventory_item_id = (select shopify_inventory_item_id from core.items where item_id = %s)"
        " and location_id = (select shopify_location_id from core.locations where location_id = %s)"
    )
    conn.execute(level, (3, SHOP, *key))
    try:
        changed = build_core(conn, SHOP, "kits-stock", mappings)
        assert changed["stock"] == 1
        assert conn.execute(stock_query, key).fetchone() == (on_hand, committed + 3, 40, 15)
    finally:
        conn.execute(level, (-3, SHOP, *key))

    with pytest.raises(psycopg.errors.CheckViolation):
        conn.execute("update core.stock set incoming = -1 where item_id = %s and location_id = %s", key)
