"""Fulfillment push benchmark (run by hand, not a test): N back-office shipments sent to Shopify.

    .venv/bin/python bench/fulfillment_push.py --fulfillments 1000

Starts the simulator as its own process with about three orders per wanted shipment, stages its
catalogue, customers and orders into a fresh PostgreSQL database and builds core. The back office
then ships N open, unfulfilled sales orders in full, each with one tracking number, and the
pipeline's ``push_shipments`` (the reverse-sync task's function) plans and sends them through the
write ledger. Prints: fulfillments Shopify now holds against N, API calls against the limit (one
``fulfillmentCreate`` per shipment, which takes no batch, plus one search reading the fulfillment
orders of each batch of 50 shipments' orders just before they are sent: N + ⌈N/50⌉), wall time,
fulfillments per second, and the calls of a second run with nothing new (goal 0). Figures are
appended to ``bench/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
import uuid
from contextlib import closing
from datetime import timedelta
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "plugins")]
os.environ.setdefault("AIRFLOW_HOME", f"/tmp/shopify-elt-bench-{os.getpid()}")

from bench.databases import fresh_database  # noqa: E402
from bench.figures import print_figures, record  # noqa: E402
from shopify_elt.ddl import ensure_schema  # noqa: E402
from shopify_elt.extract import StreamExtractor  # noqa: E402
from shopify_elt.hooks.shopify import ShopifyHook  # noqa: E402
from shopify_elt.reverse.fulfillments import push_shipments  # noqa: E402
from shopify_elt.reverse.ledger import PREPARE_BATCH  # noqa: E402
from shopify_elt.streams import STREAMS_BY_NAME  # noqa: E402
from shopify_elt.transform import build_core  # noqa: E402
from shopify_elt.warehouse import connect  # noqa: E402
from shopify_simulator.process import SimulatorProcess  # noqa: E402

DATABASE = "shopify_elt_bench_fulfillments"
SHOP = "bench-fulfillments.myshopify.com"
STREAMS = (
    "locations", "products", "product_variants", "inventory_items", "inventory_levels", "customers",
    "orders", "order_shipping_lines", "order_discount_applications", "order_line_discount_allocations",
    "order_transactions", "order_tax_lines", "order_fulfillments",
)  # fmt: skip
"""Every stream the core build reads (as ``tests/staging.py`` stages them)."""

SHIP = """
-- The back office ships N open, unfulfilled sales orders in full, one tracking number each.
with picked as (
    select so.sales_order_id
    from core.sales_orders as so
    where so.shop = %(shop)s and so.status = 'open' and so.fulfillment_status = 'UNFULFILLED'
      and not exists (select 1 from core.shipments as sh where sh.sales_order_id = so.sales_order_id)
    order by so.sales_order_id
    limit %(count)s
), shipped as (
    insert into core.shipments (sales_order_id, status, shipped_at, notify_customer)
    select sales_order_id, 'shipped', now(), false from picked
    returning shipment_id, sales_order_id
), lines as (
    insert into core.shipment_lines (shipment_id, sales_order_id, sales_order_line_id, quantity)
    select sh.shipment_id, sh.sales_order_id, sol.sales_order_line_id, sol.quantity
    from shipped as sh
    join core.sales_order_lines as sol on sol.sales_order_id = sh.sales_order_id
    where sol.shopify_line_item_id like 'gid://shopify/LineItem/%%' and sol.quantity > 0
)
insert into core.shipment_trackings (shipment_id, position, tracking_number, carrier, url)
select shipment_id, 1, '1Z' || lpad(shipment_id::text, 16, '0'), 'UPS', null from shipped
returning shipment_id
"""


def stats(sim: SimulatorProcess) -> dict:
    return requests.get(f"{sim.base_url}/_simulator/stats", timeout=10).json()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fulfillments", type=int, default=1000, help="back-office shipments to push")
    parser.add_argument("--plan", default="plus", help="simulator plan (restore rate of the API budget)")
    parser.add_argument("--no-record", action="store_true", help="do not append to bench/RESULTS.md")
    args = parser.parse_args()
    logging.getLogger("shopify_elt").setLevel(logging.WARNING)  # one info line per stream and run otherwise

    fresh_database(DATABASE, "warehouse_default")

    orders = 3 * args.fulfillments + 100
    token = "shpat_bench_" + uuid.uuid4().hex
    with SimulatorProcess(seed=9, orders=orders, token=token, plan=args.plan) as sim:
        os.environ["AIRFLOW_CONN_SHOPIFY_BENCH"] = json.dumps(sim.connection())
        hook = ShopifyHook("shopify_bench")
        with closing(connect()) as conn:
            print(f"staging {orders} orders and the catalogue …", flush=True)
            ensure_schema(conn)
            extractor = StreamExtractor(hook, conn, SHOP, "bench-stage", lag=timedelta(0))
            for name in STREAMS:
                extractor.run(STREAMS_BY_NAME[name])
            build_core(conn, SHOP, "bench-build")
            with conn.transaction():
                shipments = [r[0] for r in conn.execute(SHIP, {"shop": SHOP, "count": args.fulfillments})]
            shipped = len(shipments)
            if shipped < args.fulfillments:
                raise SystemExit(f"only {shipped} open unfulfilled sales orders to ship, {args.fulfillments} wanted")
            print(f"{shipped} shipments recorded: pushing …", flush=True)

            before, requests_before, points_before = stats(sim), hook.requests_sent, hook.bucket.points_spent
            started = time.monotonic()
            counts = push_shipments(conn, hook, SHOP, "bench-push")
            wall = time.monotonic() - started
            after = stats(sim)
            calls, points = hook.requests_sent - requests_before, hook.bucket.points_spent - points_before
            pushed = conn.execute(
                "select count(*) from core.shipments"
                " where shipment_id = any(%s) and shopify_fulfillment_id is not null",
                (shipments,),
            ).fetchone()[0]

            requests_quiet = hook.requests_sent
            quiet = push_shipments(conn, hook, SHOP, "bench-again")
            quiet_calls = hook.requests_sent - requests_quiet
        created = after["mutationsApplied"] - before["mutationsApplied"]
        throttled = stats(sim)["throttled"]

    limit = shipped + -(-shipped // PREPARE_BATCH)
    figures = [
        ("shipments pushed as fulfillments (N)", f"{pushed} of {shipped}", shipped, round(pushed / shipped, 2)),
        ("mutations Shopify applied", created, shipped, round(created / shipped, 2)),
        ("API calls (fulfillmentCreate + fulfillment-order searches)", calls, limit, round(calls / limit, 2)),
        ("calls per 1k fulfillments", round(calls * 1000 / shipped), round(limit * 1000 / shipped), None),
        ("points of the push", round(points), None, None),
        ("wall time of the push, s", round(wall, 2), None, None),
        ("  per 1k fulfillments, s", round(wall * 1000 / shipped, 1), None, None),
        ("fulfillments/s", round(shipped / wall, 1), None, None),
        ("calls when nothing changed (goal 0)", quiet_calls, 0, None),
        ("THROTTLED answers (goal 0)", throttled, 0, None),
    ]
    print_figures(f"Fulfillment push of {shipped} back-office shipments ({orders}-order store)", figures)
    print("  counts:", json.dumps(counts), " quiet run:", json.dumps(quiet))
    if not args.no_record:
        record(f"fulfillment_push --fulfillments {args.fulfillments}", figures)
    return 0 if pushed == created == shipped and quiet_calls == 0 and throttled == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
