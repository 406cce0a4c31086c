"""Backfill benchmark (run by hand, not a test): two years of orders through bulk operations.

    .venv/bin/python bench/backfill.py --orders 100000        # or 1000000

Starts the simulator as its own process with N orders spread over two years, backfills every
order stream into a fresh PostgreSQL database with ``shopify_elt.backfill`` (one bulk job per
window, paged reads for the children bulk cannot carry) and prints, for the pipeline process:
wall time, the part spent waiting for the simulator's bulk jobs, rows staged per second and
peak RSS. The physical limit is measured on the same files and database: a raw ``COPY`` of
each job's JSONL into a bare ``jsonb`` table. Figures are appended to ``bench/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
import uuid
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "plugins")]
os.environ.setdefault("AIRFLOW_HOME", f"/tmp/shopify-elt-bench-{os.getpid()}")

from bench.databases import fresh_database  # noqa: E402
from bench.figures import print_figures, record  # noqa: E402
from shopify_elt.backfill import Backfill, plan_spans  # noqa: E402
from shopify_elt.bulk import BulkExport  # noqa: E402
from shopify_elt.ddl import ensure_schema  # noqa: E402
from shopify_elt.hooks.shopify import ShopifyHook  # noqa: E402
from shopify_elt.streams import STREAMS, STREAMS_BY_NAME  # noqa: E402
from shopify_elt.warehouse import connect  # noqa: E402
from shopify_simulator.process import SimulatorProcess  # noqa: E402

DATABASE = "shopify_elt_bench"


class TimedExport(BulkExport):
    """Records how long each job took on the simulator's side and where its file is."""

    waited: float = 0.0
    polling: float = 0.0  # the part of `waited` spent in the polls' GraphQL calls
    urls: list[str]

    def wait(self, operation_id: str, timeout_seconds: float = 6 * 3600) -> dict:
        started, calls_before = time.monotonic(), TimedHook.in_calls
        try:
            status = super().wait(operation_id, timeout_seconds)
        finally:
            TimedExport.waited += time.monotonic() - started
            TimedExport.polling += TimedHook.in_calls - calls_before
        if status.get("url"):
            self.urls.append(status["url"])
        return status


class TimedHook(ShopifyHook):
    """Adds up the time spent in GraphQL calls (the paged children's reads, waits for the bucket included)."""

    in_calls: float = 0.0

    def graphql(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201 - the parent's signature
        started = time.monotonic()
        try:
            return super().graphql(*args, **kwargs)
        finally:
            TimedHook.in_calls += time.monotonic() - started


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def raw_copy_seconds(urls: list[str], url: str) -> float:
    """Download each JSONL file and COPY its lines into a bare jsonb table: the physical limit."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("drop table if exists bench_raw")
        conn.execute("create unlogged table bench_raw (doc jsonb not null)")
        started = time.monotonic()
        with conn.cursor() as cur, cur.copy("copy bench_raw (doc) from stdin") as copy:
            for file_url in urls:
                with requests.get(file_url, stream=True, timeout=(5, 600)) as response:
                    response.raise_for_status()
                    for line in response.iter_lines(chunk_size=1 << 16):
                        if line:
                            copy.write_row((line.decode(),))
        return time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--window-days", type=float, default=90)
    parser.add_argument("--plan", default="plus", help="simulator plan: paces the paged children")
    parser.add_argument("--no-record", action="store_true", help="do not append to bench/RESULTS.md")
    args = parser.parse_args()

    warehouse = fresh_database(DATABASE, "warehouse_default")

    token = "shpat_bench_" + uuid.uuid4().hex
    extra = ["--history-days", "730"]
    print(f"simulator: building {args.orders} orders over two years …", flush=True)
    built = time.monotonic()
    with SimulatorProcess(seed=1, orders=args.orders, token=token, plan=args.plan, extra=extra) as sim:
        print(f"simulator ready in {time.monotonic() - built:.0f}s", flush=True)
        os.environ["AIRFLOW_CONN_SHOPIFY_DEFAULT"] = json.dumps(sim.connection())
        hook = TimedHook()
        exporter = TimedExport(hook, poll_seconds=0.5, max_poll_seconds=2.0)
        exporter.urls = []
        end = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1)
        spans = plan_spans(end - timedelta(days=732), end, args.window_days)
        rss_before = rss_mb()
        with closing(connect()) as conn:
            ensure_schema(conn)
            runner = Backfill(hook, conn, "bench.myshopify.com", "bench", exporter)
            started = time.monotonic()
            results = [runner.run(STREAMS_BY_NAME["orders"], span) for span in spans]
            wall = time.monotonic() - started
            staged = {
                s.name: conn.execute(f"select count(*) from staging.{s.table}").fetchone()[0]
                for s in STREAMS
                if s.name == "orders" or s.parent == "orders"
            }
        peak = rss_mb()
        raw = raw_copy_seconds(exporter.urls, warehouse)
        requests_sent, points = hook.requests_sent, hook.bucket.points_spent
        bucket, restore = hook.bucket.maximum, hook.bucket.restore_rate
        stats = requests.get(f"{sim.base_url}/_simulator/stats", timeout=10).json()
    rows = sum(staged.values())
    jobs = sum(r.jobs for r in results)
    load = wall - TimedExport.waited
    merge = load - (TimedHook.in_calls - TimedExport.polling)  # the bulk files' download, parse and merge
    # The paged children are paid from the plan's bucket: no client can read them faster than
    # (points − a full bucket) / restore rate. Their share of the load time is measured against it.
    budget_floor = max(0.0, points - bucket) / restore
    figures = [
        ("orders staged", staged["orders"], args.orders, staged["orders"] / args.orders),
        ("rows staged (all order streams)", rows, None, None),
        ("wall time, s", round(wall, 1), None, None),
        ("  waiting for bulk jobs, s", round(TimedExport.waited, 1), None, None),
        ("  loading: download, parse, merge, paged children, s", round(load, 1), None, None),
        ("    of which API calls for the paged children, s", round(load - merge, 1), None, None),
        ("    of which the bulk files' download, parse and merge, s", round(merge, 1), None, None),
        ("rows/s (wall)", round(rows / wall), None, None),
        ("raw COPY of the bulk files, s (limit)", round(raw, 1), None, None),
        ("rows/s through the loader (load time only)", round(rows / max(load, 1e-9)), None, None),
        ("bulk files' merge time / raw COPY time", round(merge / raw, 2), 1.0, round(merge / raw, 2)),
        ("peak RSS, MB (goal < 300, flat)", round(peak), 300, round(peak / 300, 2)),
        ("RSS before the backfill, MB", round(rss_before), None, None),
        ("bulk jobs / windows", f"{jobs} / {len(spans)}", None, None),
        ("API requests / points", f"{requests_sent} / {points:g}", None, None),
        (
            f"API budget floor of the paged children, s ((points − {bucket:g}) / {restore:g} per s)",
            round(budget_floor, 1),
            None,
            None,
        ),
        ("wall time / API budget floor", round(wall / budget_floor, 2) if budget_floor else "-", 1.0, None),
        ("THROTTLED answers (goal 0)", stats["throttled"], 0, None),
    ]
    print_figures(
        f"Backfill of {args.orders} orders over two years ({len(spans)} windows of {args.window_days:g} days)", figures
    )
    print("  per stream:", json.dumps(staged))
    if not args.no_record:
        record(f"backfill --orders {args.orders}", figures)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
