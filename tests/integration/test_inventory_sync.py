"""The inventory half of the reverse sync, on a real PostgreSQL and the simulator over HTTP.

Each test runs on a simulator of its own (it changes the shop's stock), staged and built under a
shop tag of its own. What Shopify holds, and every inventory adjustment it applied, is read from
the simulator's control plane (``GET /_simulator/stock``), independently of what the pusher
believes: N changed levels in ⌈N/250⌉ calls and unchanged ones in none, a sale between plan and
write re-read and kept, a run killed at any point re-run to the clean result with no adjustment
applied twice, Order Time's switches and the location filter, dry runs, and quarantined levels
reported while the rest goes through.
"""

from __future__ import annotations

import contextlib
import csv
import math
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
import requests

from shopify_elt.ddl import ensure_schema
from shopify_elt.hooks.shopify import ShopifyHook
from shopify_elt.report import format_report
from shopify_elt.reverse import inventory
from shopify_elt.reverse.inventory import MAX_REPLANS, InventoryPusher
from shopify_elt.transform import MAPPINGS_DIR, build_core
from shopify_elt.warehouse import connect
from tests.cleanup import forget_shops
from tests.conftest import private_simulator
from tests.mappings import copy_mappings, set_setting
from tests.staging import CATALOGUE_STREAMS, stage

pytestmark = pytest.mark.integration

CONN_ID = "shopify_invsync"
SMALL = {"seed": 11, "orders": 20}
"""7 items at 2 active locations: small enough to kill and re-run many times."""

Level = tuple[str, str]  # (inventory item gid, location gid)


class Killed(BaseException):
    """The task dies here (the worker was killed): nothing after this point happened."""


@dataclass
class Shop:
    sim: Any
    conn: psycopg.Connection
    tag: str
    mappings: Path

    def stage(self, run_id: str) -> None:
        stage(self.conn, self.tag, run_id, CATALOGUE_STREAMS, conn_id=CONN_ID)

    def build(self, run_id: str) -> None:
        build_core(self.conn, self.tag, run_id, self.mappings)

    def pusher(self, run_id: str, **options: Any) -> InventoryPusher:
        return InventoryPusher(ShopifyHook(CONN_ID), self.conn, self.tag, run_id, **options)

    def state(self) -> dict[str, Any]:
        response = requests.get(f"{self.sim.base_url}/_simulator/stock", timeout=10)
        response.raise_for_status()
        return response.json()

    def available(self) -> dict[Level, int]:
        return {
            (lv["inventoryItemId"], lv["locationId"]): lv["quantities"]["available"] for lv in self.state()["levels"]
        }

    def changes(self) -> list[dict[str, Any]]:
        """Every `available` change Shopify applied through the API, in order."""
        return [c for g in self.state()["adjustmentGroups"] for c in g["changes"] if c["name"] == "available"]

    def sell(self, level: Level, units: int = 1) -> None:
        """A sale made in Shopify, outside our API calls."""
        now = self.available()[level]
        body = {"inventory_item_id": level[0], "location_id": level[1], "available": now - units}
        requests.post(f"{self.sim.base_url}/_simulator/stock", json=body, timeout=10).raise_for_status()

    def ours(self) -> dict[Level, int]:
        """What the push should leave in Shopify, per level it covers."""
        query = """select shopify_inventory_item_id, shopify_location_id, quantity
                   from core.stock_to_push where shop = %s"""
        return {(i, loc): q for i, loc, q in self.conn.execute(query, (self.tag,)).fetchall()}

    def rows(self, run_id: str, condition: str = "true", params: tuple = ()) -> list[dict[str, Any]]:
        cur = self.conn.execute(
            f"select * from ops.inventory_pushes where shop = %s and run_id = %s and ({condition}) order by push_id",
            (self.tag, run_id, *params),
        )
        names = [d.name for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    def mutations(self) -> int:
        return requests.get(f"{self.sim.base_url}/_simulator/stats", timeout=10).json()["mutationsApplied"]


@contextlib.contextmanager
def shop(
    name: str,
    *,
    seed: int,
    orders: int,
    extra: list[str] | None = None,
    mappings: Path = MAPPINGS_DIR,
    before_build: Callable[[Shop], None] | None = None,
) -> Iterator[Shop]:
    """A shop of its own: a private simulator, its catalogue staged and core built."""
    tag = f"invsync-{name}.myshopify.com"
    with private_simulator(CONN_ID, seed=seed, orders=orders, extra=extra) as sim, closing(connect()) as conn:
        ensure_schema(conn)
        scenario = Shop(sim, conn, tag, mappings)
        try:
            scenario.stage(f"{name}-stage")
            if before_build is not None:
                before_build(scenario)
            scenario.build(f"{name}-build")
            yield scenario
        finally:
            forget_shops(conn, tag)


@pytest.fixture()
def mappings(tmp_path: Path) -> Path:
    """A copy of include/mappings to change, as a user changes the versioned files."""
    return copy_mappings(tmp_path)


def first_planned(scenario: Shop, run_id: str) -> Level:
    """A level the run plans to change, the same one in every scenario of one seed."""
    scenario.pusher(run_id, dry_run=True).plan()
    query = """select inventory_item_id, location_id from ops.inventory_pushes
               where shop = %s and run_id = %s and status = 'planned' order by 1, 2 limit 1"""
    return scenario.conn.execute(query, (scenario.tag, run_id)).fetchone()


def assert_applied_once(scenario: Shop, before: dict[Level, int], sold: Counter) -> None:
    """Shopify's every level moved from where it was, by our sales and at most one change of ours,
    and that change is exactly what the push meant: no adjustment was applied twice."""
    after = scenario.available()
    per_level = Counter((c["inventoryItemId"], c["locationId"]) for c in scenario.changes())
    assert max(per_level.values(), default=0) == 1, "a level was adjusted twice"
    deltas = {(c["inventoryItemId"], c["locationId"]): c["delta"] for c in scenario.changes()}
    for level, quantity in after.items():
        assert quantity == before[level] - sold[level] + deltas.get(level, 0), level


# ---------------------------------------------------------------- batches of 250, nothing unchanged


def test_changed_levels_go_in_full_batches_and_unchanged_ones_in_none(warehouse_url):
    with shop("batches", seed=3, orders=20, extra=["--products", "130", "--plan", "plus"]) as scenario:
        before, ours = scenario.available(), scenario.ours()
        changed = {level for level, quantity in ours.items() if before.get(level) != quantity}
        assert len(changed) > 250, "enough changed levels for more than one batch"
        assert len(ours) > len(changed), "some levels already agree"

        counts = scenario.pusher("batches-1").run()
        assert counts["planned"] == counts["applied"] == len(changed)
        assert counts["calls"] == math.ceil(len(changed) / 250)
        assert counts["conflict"] == counts["failed"] == counts["quarantined"] == counts["replanned"] == 0
        groups = scenario.state()["adjustmentGroups"]
        assert len(groups) == counts["calls"] and all(len(g["changes"]) <= 2 * 250 for g in groups)
        after = scenario.available()
        assert {level: after[level] for level in ours} == ours
        assert {level for level in before if after[level] != before[level]} == changed, "only changed levels moved"
        for row in scenario.rows("batches-1"):  # the plan says why: Shopify's quantity, ours, the formula
            assert row["reason"].startswith(f"Shopify has {row['shopify_quantity']}; push {row['target_quantity']} = ")

        # The next run, before Shopify's levels are extracted again: our own pushes are what Shopify has.
        mutations = scenario.mutations()
        again = scenario.pusher("batches-2").run()
        assert again["planned"] == again["calls"] == 0
        # And after they are extracted and core is built again.
        scenario.stage("batches-3-stage")
        scenario.build("batches-3-build")
        third = scenario.pusher("batches-3").run()
        assert third["planned"] == third["calls"] == 0
        assert scenario.mutations() == mutations, "nothing unchanged was sent"


# ---------------------------------------------------------------- conflicts: re-read and re-plan


def sell_before_sends(pusher: InventoryPusher, scenario: Shop, level: Level, times: int) -> Counter:
    """A sale in Shopify between our plan and each of the first `times` sends."""
    sold: Counter = Counter()
    send_pending = pusher.send_pending

    def selling_then_send() -> None:
        if sold[level] < times:
            scenario.sell(level)
            sold[level] += 1
        send_pending()

    pusher.send_pending = selling_then_send  # type: ignore[method-assign]
    return sold


def test_a_sale_between_plan_and_write_is_re_read_and_kept(warehouse_url):
    with shop("sale", **SMALL) as scenario:
        level = first_planned(scenario, "sale")
        before, ours = scenario.available(), scenario.ours()
        pusher = scenario.pusher("sale")
        sold = sell_before_sends(pusher, scenario, level, times=1)
        counts = pusher.run()

        assert counts["replanned"] == 1 and counts["conflict"] == counts["failed"] == 0
        assert counts["applied"] == counts["planned"]
        after = scenario.available()
        assert after[level] == ours[level] - 1, "our target minus the sale: the sale is not lost"
        assert all(after[lv] == q for lv, q in ours.items() if lv != level)
        assert_applied_once(scenario, before, sold)

        first, second = scenario.rows("sale", "inventory_item_id = %s and location_id = %s", level)
        assert first["status"] == "conflict" and "CHANGE_FROM_QUANTITY_STALE" in first["reason"]
        assert f"re-planned as push {second['push_id']}" in first["reason"]
        assert (second["status"], second["replan"], second["replan_of"]) == ("applied", 1, first["push_id"])
        assert second["shopify_quantity"] == first["shopify_quantity"] - 1
        assert second["target_quantity"] == first["target_quantity"] - 1
        assert "applied on top" in second["reason"]


def test_a_level_that_keeps_changing_stays_in_conflict_after_three_re_plans(warehouse_url):
    with shop("busy", **SMALL) as scenario:
        level = first_planned(scenario, "busy")
        before, ours = scenario.available(), scenario.ours()
        pusher = scenario.pusher("busy")
        sold = sell_before_sends(pusher, scenario, level, times=MAX_REPLANS + 1)
        counts = pusher.run()

        assert counts["replanned"] == MAX_REPLANS and counts["conflict"] == 1
        assert counts["applied"] == counts["planned"] - 1, "the rest of the batch went through"
        rows = scenario.rows("busy", "status = 'conflict'")
        assert [r["replan"] for r in rows] == list(range(MAX_REPLANS + 1))
        assert "left to the next run" in rows[-1]["reason"]
        after = scenario.available()
        assert after[level] == before[level] - MAX_REPLANS - 1, "never overwritten blindly"
        assert all(after[lv] == q for lv, q in ours.items() if lv != level)
        assert_applied_once(scenario, before, sold)


# ---------------------------------------------------------------- kill and re-run


def kill_at_call(pusher: InventoryPusher, method: str, number: int = 1) -> None:
    """Kill the task when the pusher calls `method` for the `number`-th time."""
    real = getattr(pusher, method)
    seen = Counter()

    def dying(*args: Any, **kwargs: Any):
        seen[method] += 1
        if seen[method] == number:
            raise Killed(f"killed at call {number} of {method}")
        return real(*args, **kwargs)

    setattr(pusher, method, dying)


def kill_after_refusal(pusher: InventoryPusher) -> None:
    """Kill the task once a refused row is marked, before the rest of its batch is stamped again."""
    mark, stamp = pusher._mark, pusher._stamp
    refused = Counter()

    def marking(pushes: list, status: str, note: str | None) -> None:
        refused[status] += 1
        mark(pushes, status, note)

    def stamping(*args: Any) -> None:
        if refused["conflict"]:
            raise Killed("killed after a refusal")
        stamp(*args)

    pusher._mark, pusher._stamp = marking, stamping  # type: ignore[method-assign]


def kill_at_mutation(pusher: InventoryPusher, number: int | None, *, applied: bool) -> None:
    """Kill the task at the `number`-th inventorySetQuantities (None: the first after a re-plan):
    before it leaves, or after Shopify applied it but before its answer is recorded."""
    graphql, replan_conflicts = pusher.hook.graphql, pusher.replan_conflicts
    seen = Counter()

    def replanning() -> bool:
        seen["replans"] += replan_conflicts()
        return bool(seen["replans"])

    def dying(document: str, variables: dict | None = None, **options: Any):
        if document is inventory.MUTATION:
            seen["mutations"] += 1
            if seen["mutations"] == number or (number is None and seen["replans"]):
                if applied:
                    graphql(document, variables, **options)
                raise Killed(f"killed at mutation {seen['mutations']} ({'after' if applied else 'before'} Shopify)")
        return graphql(document, variables, **options)

    pusher.hook.graphql = dying  # type: ignore[method-assign]
    pusher.replan_conflicts = replanning  # type: ignore[method-assign]


KILL_POINTS: dict[str, tuple[bool, Callable[[InventoryPusher], None]]] = {
    # name: (a sale comes in between plan and write, where the task dies)
    "after the plan": (False, lambda p: kill_at_call(p, "_stamp")),
    "after stamping the first batch": (False, lambda p: kill_at_mutation(p, 1, applied=False)),
    "after Shopify applied the first batch": (False, lambda p: kill_at_mutation(p, 1, applied=True)),
    "after Shopify applied the second batch": (False, lambda p: kill_at_mutation(p, 2, applied=True)),
    "after a refusal, before the rest is sent": (True, lambda p: kill_after_refusal(p)),
    "after a conflict, before its re-read": (True, lambda p: kill_at_call(p, "read_available")),
    "after a conflict was re-planned": (True, lambda p: kill_at_call(p, "send_pending", 2)),
    "after Shopify applied a re-plan": (True, lambda p: kill_at_mutation(p, None, applied=True)),
}
"""Batches of 4 rows, so that there are several; with a sale, the batch holding the sold level is
refused whole, its rest is sent again, and the sold level is re-read and re-planned."""


@pytest.fixture(scope="module")
def clean_runs(warehouse_url) -> dict[bool, dict[Level, int]]:
    """Shopify's levels after one clean run of the small shop, without and with the sale."""
    results = {}
    for with_sale in (False, True):
        with pytest.MonkeyPatch.context() as patch, shop(f"clean-{with_sale}", **SMALL) as scenario:
            patch.setattr(inventory, "BATCH_SIZE", 4)
            level = first_planned(scenario, "clean")
            pusher = scenario.pusher("clean")
            if with_sale:
                sell_before_sends(pusher, scenario, level, times=1)
            counts = pusher.run()
            assert counts["applied"] == counts["planned"] and counts["conflict"] == 0
            results[with_sale] = scenario.available()
    return results


@pytest.mark.parametrize("kill_point", list(KILL_POINTS))
def test_a_run_killed_anywhere_and_run_again_applies_everything_once(kill_point, clean_runs, monkeypatch):
    with_sale, kill = KILL_POINTS[kill_point]
    monkeypatch.setattr(inventory, "BATCH_SIZE", 4)
    name = "kill-" + "".join(c if c.isalnum() else "-" for c in kill_point)
    with shop(name[:40], **SMALL) as scenario:
        level = first_planned(scenario, "killed")
        assert scenario.rows("killed", "batch_key is not null") == []
        before = scenario.available()
        pusher = scenario.pusher("killed")
        sold = sell_before_sends(pusher, scenario, level, times=1) if with_sale else Counter()
        kill(pusher)
        with pytest.raises(Killed):
            pusher.run()

        counts = scenario.pusher("killed").run()  # Airflow's retry: the same run id
        assert counts["applied"] == counts["planned"] > 0
        assert counts["conflict"] == counts["failed"] == 0
        assert counts["replanned"] == (1 if with_sale else 0)
        assert scenario.available() == clean_runs[with_sale], "as after a clean run"
        assert_applied_once(scenario, before, sold)
        assert scenario.rows("killed", "status = 'planned'") == []


# ---------------------------------------------------------------- Order Time's switches, dry runs


SWITCHES = ("push_include_incoming", "push_include_vendor", "push_include_kits")
SWITCH_REASONS = ("incoming on purchase orders", "from the vendor", "buildable from kit")
"""What each switch adds to the plan's reason when it is on."""


def expected_targets(scenario: Shop, incoming: bool, vendor: bool, kits: bool) -> dict[Level, int]:
    """The switches' sum, computed here from core.stock and core.kit_buildable (not from the view)."""
    query = """select i.shopify_inventory_item_id, l.shopify_location_id, s.on_hand, s.committed,
                      s.safety_stock, s.incoming, s.vendor_quantity, coalesce(kb.buildable, 0)
               from core.stock as s
               join core.items as i using (item_id)
               join core.locations as l using (location_id)
               left join core.kit_buildable as kb on kb.kit_item_id = s.item_id and kb.location_id = s.location_id
               where i.shop = %s and l.is_active"""
    targets = {}
    for item, location, on_hand, committed, safety, inc, vend, built in scenario.conn.execute(query, (scenario.tag,)):
        total = max(0, on_hand - committed - safety)
        total += (inc if incoming else 0) + (vend if vendor else 0) + (built if kits else 0)
        targets[(item, location)] = total
    return targets


def dry_plan(scenario: Shop, run_id: str) -> dict[Level, tuple[int, str]]:
    counts = scenario.pusher(run_id, dry_run=True).run()
    assert counts["applied"] == counts["calls"] == 0
    rows = scenario.rows(run_id)
    assert rows and {r["status"] for r in rows} == {"planned"}
    assert counts["planned"] == len(rows)
    return {(r["inventory_item_id"], r["location_id"]): (r["target_quantity"], r["reason"]) for r in rows}


def test_each_switch_changes_the_plan_and_a_dry_run_writes_nothing(warehouse_url, mappings):
    with shop("switches", **SMALL, mappings=mappings) as scenario:
        items = scenario.conn.execute(
            "select item_id, sku from core.items where shop = %s and deleted_at is null order by sku", (scenario.tag,)
        ).fetchall()
        (kit_id, kit), (_, component) = items[0], items[1]
        with (mappings / "kits.csv").open("a", newline="") as handle:
            csv.writer(handle).writerow((kit, component, "2", "a kit of the tests"))
        scenario.conn.execute(  # the back office's purchase orders and drop-ship quantities
            """update core.stock as s set incoming = 10 + s.location_id %% 7, vendor_quantity = 3
               from core.items as i where i.item_id = s.item_id and i.shop = %s""",
            (scenario.tag,),
        )
        shopify = scenario.available()
        state_before = scenario.state()
        mutations = scenario.mutations()

        for switches in [(False, False, False), (True, False, False), (False, True, False), (False, False, True)]:
            for setting, on in zip(SWITCHES, switches, strict=True):
                set_setting(mappings, setting, str(on).lower())
            scenario.build("switches-" + "".join("1" if on else "0" for on in switches))
            plan = dry_plan(scenario, "dry-" + "".join("1" if on else "0" for on in switches))
            targets = expected_targets(scenario, *switches)
            assert {level: t for level, t in targets.items() if shopify[level] != t} == {
                level: target for level, (target, _) in plan.items()
            }, switches
            reasons = " ".join(reason for _, reason in plan.values())
            for part, on in zip(SWITCH_REASONS, switches, strict=True):
                assert (part in reasons) == on, part
            if switches[2]:
                kit_levels = [lv for lv, (_, reason) in plan.items() if "buildable from kit" in reason]
                assert kit_levels and all(f"limited by {component}" in plan[lv][1] for lv in kit_levels)
                built = scenario.conn.execute(
                    "select count(*) from core.kit_buildable where kit_item_id = %s and buildable > 0", (kit_id,)
                ).fetchone()[0]
                assert built > 0, "the kit builds something: the switch changes its quantity"

        assert scenario.state() == state_before and scenario.mutations() == mutations, "dry runs wrote nothing"


def test_the_location_filter_pushes_only_the_named_locations(warehouse_url, mappings, caplog):
    with shop("locations", **SMALL, mappings=mappings) as scenario:
        locations = dict(
            scenario.conn.execute(
                "select name, shopify_location_id from core.locations where shop = %s and is_active", (scenario.tag,)
            ).fetchall()
        )
        assert {"Main Warehouse", "Downtown Store"} <= set(locations)
        main, downtown = locations["Main Warehouse"], locations["Downtown Store"]
        every = {loc for _, loc in dry_plan(scenario, "where-all")}
        assert every == {main, downtown}
        for value, expected in [
            ("Main Warehouse", {main}),
            (downtown.rsplit("/", 1)[-1], {downtown}),  # the number alone
            (f"{downtown}, Main Warehouse", {main, downtown}),
        ]:
            set_setting(mappings, "push_locations", value)
            scenario.build(f"where-{value}")
            assert {loc for _, loc in dry_plan(scenario, f"where-{value}")} == expected, value

        set_setting(mappings, "push_locations", "Mian Warehouse")  # a typo pushes nothing, and says so
        scenario.build("where-typo")
        counts = scenario.pusher("where-typo").run()
        assert counts["planned"] == counts["calls"] == 0
        assert "push_locations names Mian Warehouse" in caplog.text


# ---------------------------------------------------------------- quarantine


def test_quarantined_levels_are_reported_while_the_rest_succeed(warehouse_url):
    picked: dict[str, Any] = {}

    def break_staging(scenario: Shop) -> None:
        """Variants as a malformed record or a confused catalogue would stage them."""
        variants = scenario.conn.execute(
            """select v.id, v.sku, v.inventory_item_id, v.product_id from staging.shopify_product_variants as v
               where v._shop = %s order by v.product_id, v.id""",
            (scenario.tag,),
        ).fetchall()
        by_product: dict[str, list] = {}
        for variant in variants:
            by_product.setdefault(variant[3], []).append(variant)
        products = list(by_product.values())
        picked["no_item"], picked["sharer"], picked["shared"] = products[0][0], products[1][0], products[2][0]
        picked["deleted_product"] = products[3][0][3].rsplit("/", 1)[-1]
        picked["deleted_items"] = {v[2] for v in products[3]}
        scenario.conn.execute(
            "update staging.shopify_product_variants set inventory_item_id = null where _shop = %s and id = %s",
            (scenario.tag, picked["no_item"][0]),
        )
        scenario.conn.execute(
            "update staging.shopify_product_variants set inventory_item_id = %s where _shop = %s and id = %s",
            (picked["shared"][2], scenario.tag, picked["sharer"][0]),
        )

    with shop("quarantine", **SMALL, before_build=break_staging) as scenario:
        ours = scenario.ours()
        # A level Shopify no longer stocks (the merchant deactivated it) while we still count stock there.
        unstocked = next(
            level
            for level, quantity in sorted(ours.items())
            if quantity > 0 and level[0] != picked["shared"][2] and level[0] not in picked["deleted_items"]
        )
        scenario.conn.execute(
            """update staging.shopify_inventory_levels set _deleted_at = now()
               where _shop = %s and inventory_item_id = %s and location_id = %s""",
            (scenario.tag, *unstocked),
        )
        # A product Shopify deleted since the extraction: its levels are refused when sent.
        requests.delete(
            f"{scenario.sim.base_url}/_simulator/products/{picked['deleted_product']}", json={}, timeout=10
        ).raise_for_status()
        deleted_items = picked["deleted_items"]
        before = scenario.available()

        pusher = scenario.pusher("quarantine")
        counts = pusher.run()
        rows = scenario.rows("quarantine", "status = 'quarantined'")
        reasons = {(r["inventory_item_id"], r["location_id"], r["variant_id"]): r["reason"] for r in rows}
        no_item = picked["no_item"]
        assert reasons[(None, None, no_item[0])] == (
            f"variant {no_item[0]} (SKU {no_item[1]}) has no inventory item: its stock cannot be pushed"
        )
        shared = [r for r in rows if r["inventory_item_id"] == picked["shared"][2]]
        assert shared and all(
            f"is shared by variants {min(picked['shared'][0], picked['sharer'][0])}" in r["reason"]
            and "whose stock it holds is ambiguous" in r["reason"]
            for r in shared
        )
        (not_stocked,) = [r for r in rows if (r["inventory_item_id"], r["location_id"]) == unstocked]
        assert not_stocked["reason"].startswith(f"Shopify does not stock SKU {not_stocked['sku']} at ")
        refused = [r for r in rows if r["inventory_item_id"] in deleted_items]
        assert refused and all("INVALID_INVENTORY_ITEM" in r["reason"] and r["batch_key"] for r in refused)
        plan_quarantined = [r for r in rows if r not in refused]
        assert all(r["batch_key"] is None for r in plan_quarantined), "quarantined at plan: never sent"

        assert counts["quarantined"] == len(rows) and counts["failed"] == counts["conflict"] == 0
        assert counts["applied"] == counts["planned"] - len(refused) > 0, "the rest of the batch went through"
        after = scenario.available()
        applied = scenario.rows("quarantine", "status = 'applied'")
        sent = {(r["inventory_item_id"], r["location_id"]): r["target_quantity"] for r in applied}
        assert {level: after[level] for level in sent} == sent
        assert {level: q for level, q in after.items() if level not in sent} == {
            level: q for level, q in before.items() if level not in sent
        }, "nothing quarantined was written"

        quarantined = pusher.quarantine_report(limit=100)
        assert {q["reason"] for q in quarantined} == {r["reason"] for r in rows}
        api = {"requests": 0, "points": 0, "seconds_waited": 0, "throttled_answers": 0}
        report = {"run_id": "quarantine", "shop": scenario.tag, "streams": {}, "core": {}, "rejects": {}, "api": api}
        text = format_report({**report, "inventory": counts, "inventory_quarantined": quarantined})
        assert f"{len(rows)} quarantined" in text
        assert all(f"quarantined {q['sku']}: {q['reason']}" in text for q in quarantined)
