"""Incremental hourly run benchmark (run by hand, not a test): K changed orders on an N-order store.

    .venv/bin/python bench/hourly.py --orders 1000 --changed 100 --lag-seconds 5   # quick, about a minute
    .venv/bin/python bench/hourly.py --orders 100000 --changed 1000                # full

Starts the simulator as its own process with N orders, creates a fresh PostgreSQL database and
stages the store the way a new shop would be: the ``shopify_backfill`` DAG's task function reads
orders, products and customers (with the children their bulk queries carry, and the paged
children bulk cannot) through bulk operations, then each stream's hourly watermark is set to the
moment the first bulk job started (every record changed after it is read again by the next
hourly run: nothing is skipped), and the other streams get their first extraction. Core is built
once. Staging a large store by a first paged extraction instead takes about 80 min per 100k
orders on 2 cores; that is why the backfill exists.

Then K orders change through the simulator's control plane the way a shop's hour changes them:
a third are new orders placed with staged SKUs and customers; of the other open orders, half are
cancelled (with restock: refunds, transactions and fulfillment orders change too) and half get a
new email (the sales order's email and customer match change). The run waits out the
extraction's lag, and one hourly run is timed: ``shopify_elt.tasks.extract`` for each stream,
then the sync's later tasks in order (deletion sweep, reconciliation, core build, data-quality
checks, run report) — the functions the DAG's tasks call, without Airflow (so without its
start-up). Prints, per stage: API requests, points, THROTTLED answers, seconds paced, rows and
wall time; checks that staging and core have the K changes. Figures are appended to
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
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "plugins")]
os.environ.setdefault("AIRFLOW_HOME", f"/tmp/shopify-elt-bench-{os.getpid()}")

from bench.databases import fresh_database  # noqa: E402
from bench.figures import print_figures, record  # noqa: E402
from shopify_elt import backfill_tasks, tasks  # noqa: E402
from shopify_elt.bulk_query import bulk_children, paged_children  # noqa: E402
from shopify_elt.extract import Window, write_watermark  # noqa: E402
from shopify_elt.streams import STREAMS_BY_NAME, top_level_streams  # noqa: E402
from shopify_elt.throttle import ThrottleBucket  # noqa: E402
from shopify_elt.warehouse import connect  # noqa: E402
from shopify_simulator.process import SimulatorProcess  # noqa: E402

DATABASE = "shopify_elt_bench_hourly"
SHOPIFY, WAREHOUSE = "shopify_bench_hourly", "warehouse_bench_hourly"
OVERLAP_MINUTES = 5  # the sync DAG's default params
PAGE_SIZE = 250
SWEEP_EVERY_HOURS = 24  # the sync DAG's default: the setup sweeps, so no sweep is due in the timed hour


def sync_streams() -> list[str]:
    """The sync DAG's extract tasks in their order: top-level streams, then those read per parent row."""
    streams = top_level_streams()
    return [s.name for s in streams if s.parent is None] + [s.name for s in streams if s.parent is not None]


def rows_of(result: dict, *kinds: str) -> int:
    """Rows of one extract task (its own stream and the children riding on its pages), by kind of count."""
    return sum(counts[kind] for counts in result["streams"].values() for kind in kinds)


def run_extracts(
    run_id: str, lag_seconds: float, skip: frozenset[str] | set[str] = frozenset()
) -> tuple[list[tuple[str, dict, float]], float]:
    stages, started = [], time.monotonic()
    for name in (n for n in sync_streams() if n not in skip):
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


def checks_and_report(run_id: str, extracts: list[tuple[str, dict, float]]) -> list[tuple[str, dict, float]]:
    """The sync DAG's tasks after its extracts, in order, each timed: sweep (not due in a normal
    hour), reconciliation, core build, data-quality checks, run report."""
    stages: list[tuple[str, dict, float]] = []

    def timed(name: str, call) -> dict:  # noqa: ANN001 - a task function, called without arguments
        began = time.monotonic()
        result = call()
        stages.append((name, result, time.monotonic() - began))
        return result

    conf = {"shopify_conn_id": SHOPIFY, "warehouse_conn_id": WAREHOUSE, "run_id": run_id}
    swept = timed("sweep_deletions", lambda: tasks.sweep_deletions(**conf, every_hours=SWEEP_EVERY_HOURS))
    reconciled = timed("reconcile_counts", lambda: tasks.reconcile_counts(**conf, created_before=datetime.now(UTC)))
    built = timed("build_core", lambda: {"core": tasks.build(**conf)})
    checked = timed("data_quality_checks", lambda: {"checks": tasks.data_quality_checks(**conf)})
    timed(
        "report_run",
        lambda: tasks.report(
            **conf,
            dag_id="shopify_sync",
            extract_results=[result for _, result, _ in extracts],
            core_changed=built["core"],
            reconciliation=reconciled,
            sweep_result=swept,
            checks=checked["checks"],
        ),
    )
    return stages


def stage_by_backfill(shop: str, history_days: int) -> tuple[dict[str, float], float, set[str]]:
    """Stage the store through the backfill DAG's tasks, then seed the hourly watermarks of what
    they read. Returns the API usage, the wall time and the streams it staged."""
    started_at = datetime.now(UTC) - timedelta(seconds=1)
    end = started_at + timedelta(hours=1)
    jobs = backfill_tasks.plan_jobs(
        list(backfill_tasks.BACKFILL_STREAMS), end - timedelta(days=history_days + 400), end, window_days=120
    )
    requests_sent = points = 0.0
    began = time.monotonic()
    for job in jobs:
        result = backfill_tasks.backfill_window(
            job, shopify_conn_id=SHOPIFY, warehouse_conn_id=WAREHOUSE, run_id="bench-setup", job_timeout_minutes=60
        )
        requests_sent, points = requests_sent + result["api"]["requests"], points + result["api"]["points"]
    staged = {
        s.name
        for name in backfill_tasks.BACKFILL_STREAMS
        for s in (STREAMS_BY_NAME[name], *bulk_children(STREAMS_BY_NAME[name]), *paged_children(STREAMS_BY_NAME[name]))
    }
    with closing(connect(WAREHOUSE)) as conn, conn.transaction():
        for name in sorted(staged):
            write_watermark(conn, shop, name, Window(None, started_at), "bench-setup", 0)
    return {"requests": requests_sent, "points": points}, time.monotonic() - began, staged


def change_orders(sim: SimulatorProcess, ids: list[str], placements: list[dict], tag: str) -> dict[str, list[str]]:
    """An hour of a shop: new orders placed, open orders cancelled (restocking: their refunds,
    transactions and fulfillment orders change too), open orders given a new email."""
    changed: dict[str, list[str]] = {"placed": [], "cancelled": ids[::2], "emailed": ids[1::2]}
    with requests.Session() as session:
        for body in placements:
            answer = session.post(f"{sim.base_url}/_simulator/orders", json=body, timeout=10)
            answer.raise_for_status()
            changed["placed"].append(answer.json()["id"])
        for gid in changed["cancelled"]:
            body = {"reason": "CUSTOMER", "restock": True}
            url = f"{sim.base_url}/_simulator/orders/{gid.rsplit('/', 1)[-1]}/cancel"
            session.post(url, json=body, timeout=10).raise_for_status()
        for n, gid in enumerate(changed["emailed"]):
            url = f"{sim.base_url}/_simulator/orders/{gid.rsplit('/', 1)[-1]}/update"
            session.post(url, json={"email": f"{tag}-{n}@example.com"}, timeout=10).raise_for_status()
    return changed


def placements(conn: psycopg.Connection, shop: str, count: int) -> list[dict]:
    """Orders to place: staged SKUs and customers' emails, one to three lines each."""
    skus = [r[0] for r in conn.execute(
        "select sku from staging.shopify_product_variants where _shop = %s and sku is not null order by id limit 500",
        (shop,),
    )]  # fmt: skip
    emails = [r[0] for r in conn.execute(
        "select email from staging.shopify_customers where _shop = %s and email is not null order by id limit 500",
        (shop,),
    )]  # fmt: skip
    return [
        {
            "line_items": [{"sku": skus[(n * 7 + k) % len(skus)], "quantity": 1 + k} for k in range(1 + n % 3)],
            "customer_email": emails[n % len(emails)],
            "shipping": 500,
        }
        for n in range(count)
    ]


def in_core(conn: psycopg.Connection, shop: str, ids: list[str], condition: str = "true") -> tuple[int, int, int]:
    """Of ``ids``: sales orders meeting ``condition``, sales orders, and orders the rules decided
    for (imported, or skipped or rejected with their reason in ``ops.order_outcomes``)."""
    row = conn.execute(
        f"""select count(*) filter (where s.shopify_order_id is not null and {condition}),
                   count(s.shopify_order_id),
                   count(*) filter (where s.shopify_order_id is not null or o.shopify_order_id is not null)
              from unnest(%s::text[]) as i(id)
              left join core.sales_orders s on s.shop = %s and s.shopify_order_id = i.id
              left join ops.order_outcomes o on o.shop = %s and o.shopify_order_id = i.id""",
        (ids, shop, shop),
    ).fetchone()
    return row[0], row[1], row[2]


def sim_stats(sim: SimulatorProcess) -> dict:
    return requests.get(f"{sim.base_url}/_simulator/stats", timeout=10).json()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--changed", type=int, default=1000, help="orders changed before the hourly run")
    parser.add_argument("--history-days", type=int, default=730, help="orders are spread over this many days")
    parser.add_argument("--plan", default="plus", help="simulator plan (restore rate of the API budget)")
    parser.add_argument("--lag-seconds", type=float, default=30, help="the sync's lag (its DAG default: 30)")
    parser.add_argument("--no-record", action="store_true", help="do not append to bench/RESULTS.md")
    args = parser.parse_args()
    logging.getLogger("shopify_elt").setLevel(logging.WARNING)  # one info line per stream and run otherwise

    fresh_database(DATABASE, WAREHOUSE)

    token = "shpat_bench_" + uuid.uuid4().hex
    print(f"simulator: building {args.orders} orders …", flush=True)
    built = time.monotonic()
    extra = ["--history-days", str(args.history_days)]
    with SimulatorProcess(seed=3, orders=args.orders, token=token, plan=args.plan, extra=extra) as sim:
        print(f"simulator ready in {time.monotonic() - built:.0f}s", flush=True)
        os.environ[f"AIRFLOW_CONN_{SHOPIFY.upper()}"] = json.dumps(sim.connection())
        shop = tasks.shop_of(SHOPIFY)
        tasks.prepare_warehouse(WAREHOUSE)

        print("staging the store: backfill of orders, products and customers through bulk operations …", flush=True)
        setup_api, setup_wall, backfilled = stage_by_backfill(shop, args.history_days)
        print(f"backfilled in {setup_wall:.0f}s; first extraction of the other streams …", flush=True)
        first, first_wall = run_extracts("bench-first", lag_seconds=0, skip=backfilled)
        tasks.sweep_deletions(
            shopify_conn_id=SHOPIFY, warehouse_conn_id=WAREHOUSE, run_id="bench-first", every_hours=SWEEP_EVERY_HOURS
        )
        began = time.monotonic()
        tasks.build(SHOPIFY, WAREHOUSE, "bench-first")
        first_build = time.monotonic() - began
        # the checks' first run looks at the whole shop; the hourly runs after it (until the daily
        # whole-shop pass) look at the orders their build rebuilt
        tasks.data_quality_checks(SHOPIFY, WAREHOUSE, "bench-first")
        print(f"other streams (and the deletion sweep) in {first_wall:.0f}s, core built in {first_build:.0f}s")

        with closing(connect(WAREHOUSE)) as conn:
            ids = [  # open orders, spread over the whole store
                r[0]
                for r in conn.execute(
                    """select id from (select id, row_number() over (order by id) as n
                                         from staging.shopify_orders where _shop = %s and cancelled_at is null) o
                        where n %% greatest(1, (select count(*) from staging.shopify_orders) / %s) = 0
                        order by id limit %s""",
                    (shop, args.changed, args.changed - args.changed // 3),
                )
            ]
            new_orders = placements(conn, shop, args.changed // 3)
        if len(ids) + len(new_orders) < args.changed:
            raise SystemExit(f"only {len(ids)} open orders staged, {args.changed - len(new_orders)} to change")
        changed = change_orders(sim, ids, new_orders, f"bench-{uuid.uuid4().hex[:8]}")
        print(
            ", ".join(f"{len(v)} orders {k}" for k, v in changed.items())
            + f"; waiting out the lag ({args.lag_seconds:g}s) …",
            flush=True,
        )
        time.sleep(args.lag_seconds + 1)

        before = sim_stats(sim)
        hourly, extract_wall = run_extracts("bench-hourly", lag_seconds=args.lag_seconds)
        after_extract = checks_and_report("bench-hourly", hourly)
        after = sim_stats(sim)

        with closing(connect(WAREHOUSE)) as conn:
            every = [gid for ids_ in changed.values() for gid in ids_]
            staged = conn.execute(  # each changed order's row was written by the hourly run
                "select count(*) from staging.shopify_orders where _shop = %s and id = any(%s) and _run_id = %s",
                (shop, every, "bench-hourly"),
            ).fetchone()[0]
            placed = in_core(conn, shop, changed["placed"])
            cancelled = in_core(conn, shop, changed["cancelled"], "s.cancel_reason is not null")
            orders_in_store = conn.execute("select count(*) from staging.shopify_orders").fetchone()[0]

    calling = ("sweep_deletions", "reconcile_counts")  # the tasks after the extracts that call Shopify
    api = [result["api"] for _, result, _ in hourly] + [r["api"] for name, r, _ in after_extract if name in calling]
    requests_sent = sum(a["requests"] for a in api)
    points = sum(a["points"] for a in api)
    throttled = sum(a["throttled_answers"] for a in api)
    paced = sum(a["seconds_waited"] for a in api)
    rows = sum(rows_of(result, "extracted") for _, result, _ in hourly)
    written = sum(rows_of(result, "inserted", "updated") for _, result, _ in hourly)
    first_requests = setup_api["requests"] + sum(result["api"]["requests"] for _, result, _ in first)
    first_points = setup_api["points"] + sum(result["api"]["points"] for _, result, _ in first)
    seconds = {name: took for name, _, took in after_extract}
    results = {name: result for name, result, _ in after_extract}
    wall = extract_wall + sum(seconds.values())
    core_rows = sum(results["build_core"]["core"].values())
    total = len(every)
    # The hour's points come from the plan's bucket, full after the lag's wait: no client reads
    # them faster than (points − a full bucket) / restore rate.
    bucket = ThrottleBucket.for_plan(args.plan)
    budget_floor = max(0.0, points - bucket.maximum) / bucket.restore_rate
    figures = [
        ("orders in the store (staged)", orders_in_store, args.orders, None),
        ("changed orders staged by the hourly run", f"{staged} of {total}", total, round(staged / total, 2)),
        (
            "  new orders imported / decided by the rules (the others skipped or rejected)",
            f"{placed[1]} / {placed[2]} of {len(changed['placed'])}",
            None,
            None,
        ),
        (
            "  cancellations in core / cancelled orders in core (others: skipped, e.g. archived)",
            f"{cancelled[0]} / {cancelled[1]} of {len(changed['cancelled'])}",
            None,
            None,
        ),
        ("API requests (extracts, sweep, reconciliation)", requests_sent, None, None),
        ("points spent", round(points), None, None),
        ("THROTTLED answers (goal 0)", throttled, 0, None),
        ("  THROTTLED seen by the simulator", after["throttled"] - before["throttled"], 0, None),
        ("seconds paced (waiting for the bucket)", round(paced, 2), None, None),
        ("rows read / written to staging", f"{rows} / {written}", None, None),
        ("wall time, extract (all streams), s", round(extract_wall, 2), None, None),
        (
            f"API budget floor of the extracts, s ((points − {bucket.maximum:g}) / {bucket.restore_rate:g} per s)",
            round(budget_floor, 2),
            None,
            None,
        ),
        (
            "extract wall time / API budget floor",
            round(extract_wall / budget_floor, 2) if budget_floor else "-",
            1.0,
            None,
        ),
        *((f"wall time, {name}, s", round(took, 2), None, None) for name, took in seconds.items()),
        ("core rows written by the build", core_rows, None, None),
        ("wall time, hourly run (every task, no Airflow start-up), s", round(wall, 2), None, None),
        (
            "setup: backfill (bulk) + first extraction of the rest, s",
            f"{setup_wall:.0f} + {first_wall:.0f}",
            None,
            None,
        ),
        ("setup: requests / points", f"{first_requests:g} / {first_points:g}", None, None),
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
    for name, result, took in after_extract:
        no_calls = dict.fromkeys(("requests", "points", "throttled_answers", "seconds_waited"), 0)
        a = result["api"] if name in calling else no_calls
        shown = core_rows if name == "build_core" else ""
        print(
            f"  {name:<32}{a['requests']:>9}{a['points']:>9g}{a['throttled_answers']:>10}"
            f"{a['seconds_waited']:>9.2f}{shown:>8}{took:>9.2f}"
        )
    print_figures(
        f"Hourly run with {args.changed} changed orders on a {args.orders}-order store ({args.plan})", figures
    )
    if not args.no_record:
        record(f"hourly --orders {args.orders} --changed {args.changed}", figures)
    complete = staged == total and placed[2] == len(changed["placed"]) and cancelled[0] == cancelled[1]
    return 0 if complete and throttled == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
