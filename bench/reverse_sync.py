"""Reverse-sync benchmark (run by hand, not a test): N changed inventory levels pushed to Shopify.

    .venv/bin/python bench/reverse_sync.py --levels 10000

Starts the simulator as its own process with enough variants for N levels (2 active locations),
stages its catalogue into a fresh PostgreSQL database and builds core, then lets the back office
count stock so that exactly N levels differ from Shopify's. It pushes them with the pipeline's
``InventoryPusher`` and prints: calls against the limit ⌈N/250⌉ (and per 10k changed levels:
40 when N is a multiple of 250), wall time split into plan and send, levels per second, whether Shopify now holds
exactly our quantities, and the calls of a second run with nothing changed (goal 0), before and
after Shopify's levels are extracted again. Figures are appended to ``bench/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
import uuid
from contextlib import closing
from datetime import timedelta
from pathlib import Path

import psycopg
import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "plugins")]
os.environ.setdefault("AIRFLOW_HOME", f"/tmp/shopify-elt-bench-{os.getpid()}")

from bench.databases import fresh_database  # noqa: E402
from bench.figures import print_figures, record  # noqa: E402
from shopify_elt.ddl import ensure_schema  # noqa: E402
from shopify_elt.extract import StreamExtractor  # noqa: E402
from shopify_elt.hooks.shopify import ShopifyHook  # noqa: E402
from shopify_elt.reverse.inventory import BATCH_SIZE, InventoryPusher  # noqa: E402
from shopify_elt.streams import STREAMS_BY_NAME  # noqa: E402
from shopify_elt.transform import build_core  # noqa: E402
from shopify_elt.warehouse import connect  # noqa: E402
from shopify_simulator.process import SimulatorProcess  # noqa: E402

DATABASE = "shopify_elt_bench_reverse"
SHOP = "bench-reverse.myshopify.com"
STREAMS = ("locations", "products", "product_variants", "inventory_items", "inventory_levels")

AGREE = """
-- The back office counts stock: every level of ours agrees with Shopify's available ...
update core.stock as s
set on_hand = lv.available + s.committed + s.safety_stock
from core.items as i, core.locations as l, staging.shopify_inventory_levels as lv
where
    i.item_id = s.item_id and l.location_id = s.location_id and i.shop = %(shop)s
    and lv._shop = i.shop and lv.inventory_item_id = i.shopify_inventory_item_id
    and lv.location_id = l.shopify_location_id and lv.available >= 0;
"""
CHANGE = """
-- ... except N of them, which gain 1 to 5 units.
update core.stock as s
set on_hand = s.on_hand + 1 + picked.n %% 5
from (
    select t.item_id, t.location_id, row_number() over (order by t.item_id, t.location_id) as n
    from core.stock_to_push as t
    where t.shop = %(shop)s
    order by t.item_id, t.location_id
    limit %(levels)s
) as picked
where s.item_id = picked.item_id and s.location_id = picked.location_id;
"""


def stage(hook: ShopifyHook, conn: psycopg.Connection, run_id: str) -> None:
    extractor = StreamExtractor(hook, conn, SHOP, run_id, lag=timedelta(0))
    for name in STREAMS:
        extractor.run(STREAMS_BY_NAME[name])


def mutations(sim: SimulatorProcess) -> int:
    return requests.get(f"{sim.base_url}/_simulator/stats", timeout=10).json()["mutationsApplied"]


def shopify_levels(sim: SimulatorProcess) -> dict[tuple[str, str], int]:
    state = requests.get(f"{sim.base_url}/_simulator/stock", timeout=60).json()
    return {(lv["inventoryItemId"], lv["locationId"]): lv["quantities"]["available"] for lv in state["levels"]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--levels", type=int, default=10_000, help="changed inventory levels to push")
    parser.add_argument("--plan", default="plus", help="simulator plan: paces the extraction that sets up")
    parser.add_argument("--no-record", action="store_true", help="do not append to bench/RESULTS.md")
    args = parser.parse_args()

    fresh_database(DATABASE, "warehouse_default")

    products = math.ceil(args.levels / 3) + 10  # 1-3 variants each (2 on average) at 2 active locations
    token = "shpat_bench_" + uuid.uuid4().hex
    extra = ["--products", str(products)]
    with SimulatorProcess(seed=5, orders=50, token=token, plan=args.plan, extra=extra) as sim:
        os.environ["AIRFLOW_CONN_SHOPIFY_BENCH"] = json.dumps(sim.connection())
        hook = ShopifyHook("shopify_bench")
        with closing(connect()) as conn:
            print(f"staging {products} products and their levels …", flush=True)
            ensure_schema(conn)
            stage(hook, conn, "bench-stage")
            build_core(conn, SHOP, "bench-build")
            with conn.transaction():
                conn.execute(AGREE, {"shop": SHOP})
                conn.execute(CHANGE, {"shop": SHOP, "levels": args.levels})
            ours = dict(
                ((i, loc), q)
                for i, loc, q in conn.execute(
                    "select shopify_inventory_item_id, shopify_location_id, quantity from core.stock_to_push"
                    " where shop = %s",
                    (SHOP,),
                )
            )
            before = shopify_levels(sim)
            changed = sum(1 for level, quantity in ours.items() if before.get(level) != quantity)
            if not changed:
                raise SystemExit("no level differs from Shopify's: nothing to push")
            print(f"{len(ours)} levels, {changed} changed: pushing …", flush=True)

            requests_before, points_before = hook.requests_sent, hook.bucket.points_spent
            started = time.monotonic()
            dry = InventoryPusher(hook, conn, SHOP, "bench-dry", dry_run=True)
            dry.plan()
            plan_seconds = time.monotonic() - started
            started = time.monotonic()
            counts = InventoryPusher(hook, conn, SHOP, "bench-push").run()
            wall = time.monotonic() - started
            requests_push = hook.requests_sent - requests_before
            points_push = hook.bucket.points_spent - points_before
            after = shopify_levels(sim)
            exact = all(after.get(level) == quantity for level, quantity in ours.items())

            applied_before = mutations(sim)
            unchanged = InventoryPusher(hook, conn, SHOP, "bench-again").run()
            stage(hook, conn, "bench-restage")
            build_core(conn, SHOP, "bench-rebuild")
            extracted = InventoryPusher(hook, conn, SHOP, "bench-extracted").run()
            quiet = mutations(sim) - applied_before
        throttled = requests.get(f"{sim.base_url}/_simulator/stats", timeout=10).json()["throttled"]

    limit = math.ceil(changed / BATCH_SIZE)
    per_10k, limit_10k = (n * 10_000 / max(changed, 1) for n in (counts["calls"], limit))
    figures = [
        (
            "changed levels pushed (N)",
            f"{counts['applied']} of {changed}",
            changed,
            round(counts["applied"] / changed, 2),
        ),
        ("mutation calls", counts["calls"], limit, round(counts["calls"] / max(limit, 1), 2)),
        ("calls per 10k changed levels", round(per_10k, 1), round(limit_10k, 1), round(per_10k / limit_10k, 2)),
        ("API requests / points of the push", f"{requests_push} / {points_push:g}", None, None),
        ("wall time of the push, s", round(wall, 2), None, None),
        ("  the plan alone (dry run), s", round(plan_seconds, 2), None, None),
        ("levels/s", round(changed / wall), None, None),
        ("Shopify holds exactly our quantities", exact, True, None),
        ("calls when nothing changed (goal 0)", unchanged["calls"], 0, None),
        ("  after Shopify's levels are read again", extracted["calls"], 0, None),
        ("mutations applied by the two quiet runs", quiet, 0, None),
        ("THROTTLED answers (goal 0)", throttled, 0, None),
    ]
    print_figures(
        f"Reverse sync of {changed} changed inventory levels ({len(ours)} levels, batches of {BATCH_SIZE})", figures
    )
    print("  counts:", json.dumps(counts))
    if not args.no_record:
        record(f"reverse_sync --levels {args.levels}", figures)
    return 0 if exact and counts["calls"] == limit and unchanged["calls"] == extracted["calls"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
