"""How much of the plan's restore rate the client spends on data, with how many THROTTLED answers.

Run by hand (not a test): ``.venv/bin/python bench/pacing.py --orders 5000 --plan standard --seconds 60``.
It starts the simulator, then pages through orders with the pipeline's own client and query
again and again for ``--seconds``, and prints points spent per second against the plan's
restore rate. The bucket's start-up stock (full at the start, what is left at the end) is
capacity, not pacing, so the sustained figure leaves it out. Goal (issue 4): sustained ≥ 0.95 with 0 THROTTLED answers.
Figures are appended to ``bench/RESULTS.md`` (``--no-record`` leaves them out).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "plugins")]
os.environ.setdefault("AIRFLOW_HOME", str(ROOT / ".airflow"))

from bench.figures import print_figures, record  # noqa: E402
from shopify_elt.hooks.shopify import ShopifyHook  # noqa: E402
from shopify_elt.streams import STREAMS_BY_NAME  # noqa: E402
from shopify_simulator.process import SimulatorProcess  # noqa: E402

RATES = {"standard": 100, "advanced": 200, "plus": 1000, "enterprise": 2000}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=5000)
    parser.add_argument("--plan", choices=sorted(RATES), default="standard")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--no-record", action="store_true", help="do not append to bench/RESULTS.md")
    args = parser.parse_args()
    token = "shpat_bench_" + uuid.uuid4().hex
    with SimulatorProcess(seed=11, orders=args.orders, token=token, plan=args.plan) as sim:
        os.environ["AIRFLOW_CONN_SHOPIFY_BENCH"] = json.dumps(sim.connection())
        hook = ShopifyHook("shopify_bench")
        stream = STREAMS_BY_NAME["orders"]
        records = 0
        started = time.monotonic()
        first_level = None
        while time.monotonic() - started < args.seconds:
            for page in hook.paginate(stream.document, dict(stream.extra_variables), stream.path):
                records += len(page)
                if first_level is None:  # the bucket as it was before the first query
                    first_level = hook.bucket.available + hook.bucket.points_spent
                if time.monotonic() - started >= args.seconds:
                    break
        elapsed = time.monotonic() - started
        last_level = hook.bucket.level_now()
    rate = RATES[args.plan]
    points = hook.bucket.points_spent
    # Points that came from the bucket's start-up stock rather than from restoring over the run:
    stock = max(0.0, (first_level or 0) - last_level)
    sustained = (points - stock) / (elapsed * rate)
    throttled = hook.bucket.throttled_answers
    figures = [
        ("elapsed, s", round(elapsed, 1), None, None),
        ("API requests / orders read", f"{hook.requests_sent} / {records}", None, None),
        ("points spent", f"{points:g}", None, None),
        (
            "points/s (incl. the bucket's start-up stock)",
            round(points / elapsed, 1),
            rate,
            round(points / elapsed / rate, 3),
        ),
        ("sustained points/s / restore rate (goal >= 0.95)", round(sustained * rate, 1), rate, round(sustained, 3)),
        ("THROTTLED answers (goal 0)", throttled, 0, None),
        ("time paced, s", round(hook.bucket.seconds_waited, 1), None, None),
        ("orders (records) per second", round(records / elapsed, 1), None, None),
    ]
    print_figures(
        f"Pacing on the {args.plan} plan (restore {rate} points/s, bucket {hook.bucket.maximum:g}),"
        f" {args.orders} orders",
        figures,
    )
    if not args.no_record:
        record(f"pacing --plan {args.plan} --orders {args.orders} --seconds {args.seconds:g}", figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
