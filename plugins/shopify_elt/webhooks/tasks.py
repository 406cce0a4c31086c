"""The work of ``shopify_webhooks``'s tasks, as plain functions (the DAG stays thin), and its report.

The report counts deliveries (received, duplicates stored once, merged, ignored, not found,
pending), the records read again and the rows staged per stream, the core rows rebuilt, how long
deliveries took from Shopify's event to staging, and — from ``ops.sync_runs`` — the rows each
path brought in the last 24 hours: the webhooks' and the hourly sync's (the safety net: while
webhooks keep up, the sync finds little left to bring).
"""

from __future__ import annotations

import logging
from contextlib import closing
from datetime import timedelta
from typing import Any

import psycopg

from shopify_elt.report import rejects_by_stage, save_report, stream_table
from shopify_elt.shared_budget import shop_client
from shopify_elt.tasks import api_usage, shop_of
from shopify_elt.transform import CORE_BUILD_ORDER
from shopify_elt.warehouse import connect
from shopify_elt.webhooks.merge import ORDER_STREAMS, InboxMerger

log = logging.getLogger(__name__)

PATH_STREAMS = ("orders", "products", "product_variants", "inventory_items", "inventory_levels", "customers")
"""Streams whose rows per path the report compares (those a webhook brings)."""


def merge_deliveries(
    *, shopify_conn_id: str, warehouse_conn_id: str, run_id: str, retention_days: float = 7
) -> dict[str, Any]:
    """Merge the shop's pending deliveries into staging; returns the counts and API usage for XCom."""
    with shop_client(shopify_conn_id, warehouse_conn_id) as hook, closing(connect(warehouse_conn_id)) as conn:
        merger = InboxMerger(hook, conn, hook.settings.shop_domain, run_id)
        result = merger.run(timedelta(days=retention_days))
    return {**result.as_dict(), "api": api_usage(hook)}


def latency(conn: psycopg.Connection, shop: str, run_id: str) -> dict[str, float | int | None]:
    """Seconds from Shopify's event (X-Shopify-Triggered-At) to the inbox and to staging, for the
    deliveries this run merged."""
    row = conn.execute(
        """select count(*),
                  percentile_cont(0.5) within group (order by extract(epoch from received_at - triggered_at)),
                  percentile_cont(0.5) within group (order by extract(epoch from processed_at - triggered_at)),
                  max(extract(epoch from processed_at - triggered_at))
           from ops.webhook_inbox
           where shop = %s and run_id = %s and outcome = 'merged' and triggered_at is not null""",
        (shop, run_id),
    ).fetchone()
    count, received, staged, worst = row

    def seconds(value: Any) -> float | None:
        return None if value is None else round(float(value), 3)

    return {
        "deliveries": count,
        "to_inbox_median": seconds(received),
        "to_staging_median": seconds(staged),
        "to_staging_max": seconds(worst),
    }


def rows_by_path(conn: psycopg.Connection, shop: str, hours: int = 24) -> dict[str, dict[str, int]]:
    """Rows inserted + updated in staging per stream in the last ``hours``, by path: the webhook
    merges' reports against the hourly syncs' (``ops.sync_runs``)."""
    rows = conn.execute(
        """select case when r.dag_id like %(webhooks)s then 'webhooks' else 'sync' end,
                  s.key,
                  sum(coalesce((s.value ->> 'inserted')::bigint, 0) + coalesce((s.value ->> 'updated')::bigint, 0))
           from ops.sync_runs as r
           cross join lateral jsonb_each(
               case when jsonb_typeof(r.report -> 'streams') = 'object' then r.report -> 'streams' else '{}' end
           ) as s
           where r.shop = %(shop)s and r.finished_at > now() - make_interval(hours => %(hours)s)
             and (r.dag_id like %(webhooks)s or r.dag_id like %(sync)s) and s.key = any(%(streams)s)
           group by 1, 2""",
        {
            "shop": shop,
            "hours": hours,
            "webhooks": "shopify_webhooks%",
            "sync": "shopify_sync%",
            "streams": [*PATH_STREAMS, *(s.name for s in ORDER_STREAMS)],
        },
    ).fetchall()
    paths: dict[str, dict[str, int]] = {"webhooks": {}, "sync": {}}
    for path, stream, n in rows:
        paths[path][stream] = int(n)
    return paths


def report(
    *,
    shopify_conn_id: str,
    warehouse_conn_id: str,
    run_id: str,
    dag_id: str,
    merge_result: dict[str, Any],
    core_changed: dict[str, int] | None,
) -> dict[str, Any]:
    """Assemble, store (``ops.sync_runs``) and log the webhook run's report; returned for XCom."""
    shop = shop_of(shopify_conn_id)
    result: dict[str, Any] = {
        "kind": "webhooks",
        "run_id": run_id,
        "shop": shop,
        "deliveries": merge_result["deliveries"],
        "records": merge_result["records"],
        "streams": merge_result["streams"],
        "core": core_changed or {},
        "core_built": core_changed is not None,
        "api": merge_result.get("api", {}),
    }
    with closing(connect(warehouse_conn_id)) as conn:
        result["rejects"] = rejects_by_stage(conn, shop, run_id)  # what the alerts count as problems
        result["latency_seconds"] = latency(conn, shop.lower(), run_id)
        save_report(conn, result, dag_id)  # first, so this run's rows count in its own paths
        result["rows_by_path_24h"] = rows_by_path(conn, shop)
        save_report(conn, result, dag_id)
    log.info("\n%s", format_report(result))
    return result


def format_report(report: dict[str, Any]) -> str:
    d = report["deliveries"]
    lines = [
        f"Shopify webhooks {report['run_id']} — shop {report['shop']}",
        f"Deliveries: {d['received']} taken from the inbox ({d['duplicates']} more were retries or duplicates,"
        f" stored once); {d['merged']} merged, {d['ignored']} ignored, {d['not_found']} not found,"
        f" {d['pending']} left pending; {d['purged']} old ones purged",
    ]
    if d.get("streams_busy"):
        lines.append(f"  left pending: {', '.join(d['streams_busy'])} being written by another run (next run merges)")
    if d["by_topic"]:
        lines.append("  by topic: " + ", ".join(f"{topic} {n}" for topic, n in d["by_topic"].items()))
    if report["records"]:
        lines.append(
            "Records read again from Shopify: " + ", ".join(f"{kind} {n}" for kind, n in report["records"].items())
        )
    if report["streams"]:
        lines += ["", "Staged:", *stream_table(report["streams"])]
    if report["core_built"]:
        lines += ["", "Core rows written by the incremental build:"]
        lines += [f"  {table:<20}{report['core'].get(table, 0):>10}" for table in CORE_BUILD_ORDER]
    else:
        lines.append("Core build skipped: nothing was merged")
    rejected = sum((report.get("rejects") or {}).values())
    if rejected:
        lines.append(f"Rows rejected: {rejected} — see ops.rejects")
    lat = report.get("latency_seconds") or {}
    if lat.get("deliveries"):
        lines.append(
            f"Shopify's event → inbox {lat['to_inbox_median']} s, → staging {lat['to_staging_median']} s"
            f" (medians; slowest {lat['to_staging_max']} s)"
        )
    paths = report.get("rows_by_path_24h") or {}
    streams = sorted(set(paths.get("webhooks", {})) | set(paths.get("sync", {})))
    if streams:
        lines += ["", "Rows each path brought to staging in the last 24 h (inserted + updated):"]
        lines.append(f"  {'stream':<36}{'webhooks':>10}{'hourly sync':>13}")
        for name in streams:
            lines.append(f"  {name:<36}{paths['webhooks'].get(name, 0):>10}{paths['sync'].get(name, 0):>13}")
    api = report["api"]
    lines.append(
        f"API: {int(api.get('requests', 0))} requests, {api.get('points', 0):g} points,"
        f" {api.get('throttled_answers', 0):g} throttled answers"
    )
    return "\n".join(lines)
