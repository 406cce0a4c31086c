"""How much of the plan's restore rate the client spends on data, with how many THROTTLED answers.

Run by hand (not a test): ``.venv/bin/python bench/pacing.py --orders 5000 --plan standard --seconds 60``.
It starts the simulator, then pages through orders with the pipeline's own client and query
again and again for ``--seconds``, and prints points spent per second against the plan's
restore rate. The bucket's start-up stock (full at the start, what is left at the end) is
capacity, not pacing, so the sustained figure leaves it out. Goal (issue 4): sustained ≥ 0.95 with 0 THROTTLED answers.
Figures are appended to ``bench/RESULTS.md`` (``--no-record`` leaves them out).

``--workers K`` runs K extractions at once against the same shop, each with its own client, as
the sync DAG's mapped extract tasks do (one process each, as many as the shop's pool has slots):
they share the shop's bucket through ``ops.api_budget`` in a PostgreSQL database of the bench's
own (``shopify_elt.shared_budget``, as the DAG's tasks do); ``--no-shared-budget`` lets each pace
itself only from the bucket level Shopify reports to it, which the others drain meanwhile. The
bucket's level at the end is then read once more by a separate client.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "plugins")]
os.environ.setdefault("AIRFLOW_HOME", str(ROOT / ".airflow"))

from bench.databases import fresh_database  # noqa: E402
from bench.figures import print_figures, record  # noqa: E402
from shopify_elt.ddl import ensure_schema  # noqa: E402
from shopify_elt.hooks.shopify import ShopifyHook  # noqa: E402
from shopify_elt.shared_budget import SharedBudget  # noqa: E402
from shopify_elt.streams import STREAMS_BY_NAME  # noqa: E402
from shopify_elt.warehouse import connect  # noqa: E402
from shopify_simulator.process import SimulatorProcess  # noqa: E402

DATABASE = "shopify_elt_bench_pacing"

RATES = {"standard": 100, "advanced": 200, "plus": 1000, "enterprise": 2000}


def extract_until(hook: ShopifyHook, deadline: float) -> int:
    """Page through every order again and again until ``deadline``; returns the orders read."""
    stream, records = STREAMS_BY_NAME["orders"], 0
    while time.monotonic() < deadline:
        for page in hook.paginate(stream.document, dict(stream.extra_variables), stream.path):
            records += len(page)
            if time.monotonic() >= deadline:
                break
    return records


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=5000)
    parser.add_argument("--plan", choices=sorted(RATES), default="standard")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=1, help="extractions running at once (one client each)")
    parser.add_argument("--no-shared-budget", action="store_true", help="each client paces from its own answers only")
    parser.add_argument("--no-record", action="store_true", help="do not append to bench/RESULTS.md")
    args = parser.parse_args()
    fresh_database(DATABASE, "warehouse_bench")
    with closing(connect("warehouse_bench")) as conn:
        ensure_schema(conn)
    budgets = [None if args.no_shared_budget else SharedBudget("warehouse_bench") for _ in range(args.workers)]
    token = "shpat_bench_" + uuid.uuid4().hex
    with SimulatorProcess(seed=11, orders=args.orders, token=token, plan=args.plan) as sim:
        os.environ["AIRFLOW_CONN_SHOPIFY_BENCH"] = json.dumps(sim.connection())
        hooks = [ShopifyHook("shopify_bench", shared_budget=budget) for budget in budgets]
        started = time.monotonic()
        with ThreadPoolExecutor(args.workers) as pool:
            records = sum(pool.map(lambda hook: extract_until(hook, started + args.seconds), hooks))
        elapsed = time.monotonic() - started
        probe = ShopifyHook("shopify_bench")
        probe.graphql("query { shop { id } }")
        last_level = probe.bucket.level_now()
        simulator_throttled = requests.get(f"{sim.base_url}/_simulator/stats", timeout=10).json()["throttled"]
    rate = RATES[args.plan]
    maximum = probe.bucket.maximum
    points = sum(h.bucket.points_spent for h in hooks)
    # Points that came from the bucket's start-up stock (full) rather than from restoring over the run:
    stock = max(0.0, maximum - last_level)
    sustained = (points - stock) / (elapsed * rate)
    throttled = sum(h.bucket.throttled_answers for h in hooks)
    requests_sent = sum(h.requests_sent for h in hooks)
    paced = sum(h.bucket.seconds_waited for h in hooks)
    figures = [
        ("elapsed, s", round(elapsed, 1), None, None),
        ("concurrent extractions (one client each)", args.workers, None, None),
        ("shared API budget (ops.api_budget)", not args.no_shared_budget, None, None),
        ("API requests / orders read", f"{requests_sent} / {records}", None, None),
        ("points spent", f"{points:g}", None, None),
        (
            "points/s (incl. the bucket's start-up stock)",
            round(points / elapsed, 1),
            rate,
            round(points / elapsed / rate, 3),
        ),
        ("sustained points/s / restore rate (goal >= 0.95)", round(sustained * rate, 1), rate, round(sustained, 3)),
        ("THROTTLED answers (goal 0)", throttled, 0, None),
        ("  THROTTLED seen by the simulator", simulator_throttled, 0, None),
        ("time paced (all clients), s", round(paced, 1), None, None),
        ("orders (records) per second", round(records / elapsed, 1), None, None),
    ]
    print_figures(
        f"Pacing on the {args.plan} plan (restore {rate} points/s, bucket {maximum:g}),"
        f" {args.orders} orders, {args.workers} client(s)" + (", each on its own" if args.no_shared_budget else ""),
        figures,
    )
    if not args.no_record:
        workers = f" --workers {args.workers}" if args.workers > 1 else ""
        workers += " --no-shared-budget" if args.no_shared_budget else ""
        record(f"pacing --plan {args.plan} --orders {args.orders} --seconds {args.seconds:g}{workers}", figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
