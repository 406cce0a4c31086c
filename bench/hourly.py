"""Incremental hourly run benchmark (run by hand, not a test): K changed orders on an N-order store.

    .venv/bin/python bench/hourly.py --orders 1000 --changed 100 --lag-seconds 5   # quick, about a minute
    .venv/bin/python bench/hourly.py --orders 100000 --changed 1000                # full

Issue 10's figure 4 ("a 1M-order store with 1k changes") is ``--orders 1000000 --changed 1000``:
possible, but it takes time: the timed hourly run is small, the staging before it is not (the
first extraction took 98 s for 2,000 orders on 2 cores, so about 80 min for 100k and hours for 1M).

Starts the simulator as its own process with N orders, creates a fresh PostgreSQL database and
stages the store once with a first extraction of every stream the sync reads (the DAG's
``extract_stream`` tasks: top-level streams, then the streams read per parent row), which also
sets each stream's hourly watermark (a bulk backfill leaves the watermarks alone, so the next
hourly run would read every order again), then builds core. Then K orders change through the
simulator's control plane (``POST /_simulator/orders/<id>/update``, a new note), the run waits
out the extraction's lag, and one hourly run is timed: ``shopify_elt.tasks.extract`` for each
stream, then ``shopify_elt.tasks.build`` — the functions the DAG's tasks call, without Airflow
(so without its start-up). Prints, per stage: API requests, points, THROTTLED answers, seconds
paced, rows and wall time; checks that staging has the K changes. Figures are appended to
``bench/RESULTS.md``.
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
from pathlib import Path

import psycopg
import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "plugins")]
os.environ.setdefault("AIRFLOW_HOME", f"/tmp/shopify-elt-bench-{os.getpid()}")

from bench.figures import print_figures, record  # noqa: E402
from shopify_elt import tasks  # noqa: E402
from shopify_elt.streams import top_level_streams  # noqa: E402
from shopify_elt.warehouse import connect  # noqa: E402
from shopify_simulator.process import SimulatorProcess  # noqa: E402

SERVER = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
DATABASE = "shopify_elt_bench_hourly"
SHOPIFY, WAREHOUSE = "shopify_bench_hourly", "warehouse_bench_hourly"
OVERLAP_MINUTES = 5  # the sync DAG's default params
PAGE_SIZE = 250


def sync_streams() -> list[str]:
    """The sync DAG's extract tasks in their order: top-level streams, then those read per parent row."""
    streams = top_level_streams()
    return [s.name for s in streams if s.parent is None] + [s.name for s in streams if s.parent is not None]


def rows_of(result: dict, *kinds: str) -> int:
    """Rows of one extract task (its own stream and the children riding on its pages), by kind of count."""
    return sum(counts[kind] for counts in result["streams"].values() for kind in kinds)


def run_extracts(run_id: str, lag_seconds: float) -> tuple[list[tuple[str, dict, float]], float]:
    stages, started = [], time.monotonic()
    for name in sync_streams():
        began = time.monotonic()
        result = tasks.extract(
            name,
            shopify_conn_id=SHOPIFY,
            warehouse_conn_id=WAREHOUSE,
            run_id=run_id,
            overlap_minutes=OVERLAP_MINUTES,
            lag_seconds=lag_seconds,
            page_size=PAGE_SIZE,
        )
        stages.append((name, result, time.monotonic() - began))
    return stages, time.monotonic() - started


def sim_stats(sim: SimulatorProcess) -> dict:
    return requests.get(f"{sim.base_url}/_simulator/stats", timeout=10).json()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--changed", type=int, default=1000, help="orders changed before the hourly run")
    parser.add_argument("--plan", default="plus", help="simulator plan (restore rate of the API budget)")
    parser.add_argument("--lag-seconds", type=float, default=30, help="the sync's lag (its DAG default: 30)")
    parser.add_argument("--no-record", action="store_true", help="do not append to bench/RESULTS.md")
    args = parser.parse_args()
    logging.getLogger("shopify_elt").setLevel(logging.WARNING)  # one info line per stream and run otherwise

    with psycopg.connect(SERVER, autocommit=True) as admin:
        admin.execute(f"drop database if exists {DATABASE} with (force)")
        admin.execute(f"create database {DATABASE}")
    os.environ[f"AIRFLOW_CONN_{WAREHOUSE.upper()}"] = SERVER.rsplit("/", 1)[0] + f"/{DATABASE}"

    token = "shpat_bench_" + uuid.uuid4().hex
    print(f"simulator: building {args.orders} orders …", flush=True)
    built = time.monotonic()
    with SimulatorProcess(seed=3, orders=args.orders, token=token, plan=args.plan) as sim:
        print(f"simulator ready in {time.monotonic() - built:.0f}s", flush=True)
        os.environ[f"AIRFLOW_CONN_{SHOPIFY.upper()}"] = json.dumps(sim.connection())
        shop = tasks.shop_of(SHOPIFY)
        tasks.prepare_warehouse(WAREHOUSE)

        print("staging the store with a first extraction of every stream …", flush=True)
        first, first_wall = run_extracts("bench-first", lag_seconds=0)
        began = time.monotonic()
        tasks.build(SHOPIFY, WAREHOUSE, "bench-first")
        first_build = time.monotonic() - began
        print(f"staged in {first_wall:.0f}s, core built in {first_build:.0f}s", flush=True)

        with closing(connect(WAREHOUSE)) as conn:
            ids = [
                r[0]
                for r in conn.execute(
                    "select id from staging.shopify_orders where _shop = %s order by id limit %s",
                    (shop, args.changed),
                )
            ]
        if len(ids) < args.changed:
            raise SystemExit(f"only {len(ids)} orders staged, {args.changed} to change")
        note = f"bench hourly {uuid.uuid4().hex[:8]}"
        with requests.Session() as session:
            for n, gid in enumerate(ids):
                answer = session.post(
                    f"{sim.base_url}/_simulator/orders/{str(gid).rsplit('/', 1)[-1]}/update",
                    json={"note": f"{note} {n}"},
                    timeout=10,
                )
                answer.raise_for_status()
        print(f"{len(ids)} orders changed; waiting out the lag ({args.lag_seconds:g}s) …", flush=True)
        time.sleep(args.lag_seconds + 1)

        before = sim_stats(sim)
        hourly, extract_wall = run_extracts("bench-hourly", lag_seconds=args.lag_seconds)
        began = time.monotonic()
        built_rows = tasks.build(SHOPIFY, WAREHOUSE, "bench-hourly")
        build_wall = time.monotonic() - began
        after = sim_stats(sim)

        with closing(connect(WAREHOUSE)) as conn:
            seen = conn.execute(  # the note itself is not extracted: the changed orders' rows were rewritten
                "select count(*) from staging.shopify_orders where _shop = %s and id = any(%s) and _run_id = %s",
                (shop, ids, "bench-hourly"),
            ).fetchone()[0]

    api = [result["api"] for _, result, _ in hourly]
    requests_sent = sum(a["requests"] for a in api)
    points = sum(a["points"] for a in api)
    throttled = sum(a["throttled_answers"] for a in api)
    paced = sum(a["seconds_waited"] for a in api)
    rows = sum(rows_of(result, "extracted") for _, result, _ in hourly)
    written = sum(rows_of(result, "inserted", "updated") for _, result, _ in hourly)
    first_requests = sum(result["api"]["requests"] for _, result, _ in first)
    first_points = sum(result["api"]["points"] for _, result, _ in first)
    wall = extract_wall + build_wall
    core_rows = sum(built_rows.values()) if isinstance(built_rows, dict) else built_rows
    figures = [
        (
            "changed orders staged by the hourly run",
            f"{seen} of {args.changed}",
            args.changed,
            round(seen / args.changed, 2),
        ),
        ("API requests (all streams)", requests_sent, None, None),
        ("points spent", round(points), None, None),
        ("THROTTLED answers (goal 0)", throttled, 0, None),
        ("  THROTTLED seen by the simulator", after["throttled"] - before["throttled"], 0, None),
        ("seconds paced (waiting for the bucket)", round(paced, 2), None, None),
        ("rows read / written to staging", f"{rows} / {written}", None, None),
        ("wall time, extract (all streams), s", round(extract_wall, 2), None, None),
        ("wall time, build_core, s", round(build_wall, 2), None, None),
        ("core rows changed by the build (a note is not in core)", core_rows, None, None),
        ("wall time, hourly run (no Airflow start-up), s", round(wall, 2), None, None),
        (
            "first extraction: requests / points / s",
            f"{first_requests} / {first_points:g} / {first_wall:.0f}",
            None,
            None,
        ),
        ("first core build, s", round(first_build, 1), None, None),
    ]
    print("\n  per stage of the hourly run:")
    print(f"  {'stage':<32}{'requests':>9}{'points':>9}{'THROTTLED':>10}{'paced s':>9}{'rows':>8}{'wall s':>9}")
    for name, result, seconds in hourly:
        a = result["api"]
        print(
            f"  {name:<32}{a['requests']:>9}{a['points']:>9g}{a['throttled_answers']:>10}"
            f"{a['seconds_waited']:>9.2f}{rows_of(result, 'extracted'):>8}{seconds:>9.2f}"
        )
    print(f"  {'build_core':<32}{0:>9}{0:>9}{0:>10}{0:>9.2f}{core_rows:>8}{build_wall:>9.2f}")
    print_figures(
        f"Hourly run with {args.changed} changed orders on a {args.orders}-order store ({args.plan})", figures
    )
    if not args.no_record:
        record(f"hourly --orders {args.orders} --changed {args.changed}", figures)
    return 0 if seen == args.changed and throttled == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
