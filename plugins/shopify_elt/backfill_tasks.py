"""The work of the ``shopify_backfill`` DAG's tasks, as plain functions (the DAG file stays thin)."""

from __future__ import annotations

import logging
from contextlib import closing
from datetime import datetime, timedelta
from typing import Any

from shopify_elt.backfill import Backfill, Span, plan_spans
from shopify_elt.hooks.shopify import ShopifyHook
from shopify_elt.load import LoadCounts
from shopify_elt.report import save_report, stream_table
from shopify_elt.shared_budget import shop_client
from shopify_elt.streams import STREAMS_BY_NAME
from shopify_elt.warehouse import connect

log = logging.getLogger(__name__)

BACKFILL_STREAMS = ("orders", "products", "customers")
"""Top-level streams a backfill reads by bulk (each with the children its bulk query carries)."""


def plan_jobs(streams: list[str], start: datetime, end: datetime, window_days: float) -> list[dict[str, str]]:
    """One job per stream and window of ``window_days`` in ``[start, end)``: the mapped tasks' input."""
    unknown = sorted(set(streams) - set(BACKFILL_STREAMS))
    if unknown:
        raise ValueError(f"cannot backfill {unknown}: choose among {list(BACKFILL_STREAMS)}")
    return [
        {"stream": name, "start": span.start.isoformat(), "end": span.end.isoformat()}
        for name in streams
        for span in plan_spans(start, end, window_days)
    ]


def backfill_window(
    job: dict[str, str],
    *,
    shopify_conn_id: str,
    warehouse_conn_id: str,
    run_id: str,
    job_timeout_minutes: float,
) -> dict[str, Any]:
    """Backfill one stream's window; a retried task resumes after the window's last commit."""
    span = Span(datetime.fromisoformat(job["start"]), datetime.fromisoformat(job["end"]))
    with shop_client(shopify_conn_id, warehouse_conn_id) as hook, closing(connect(warehouse_conn_id)) as conn:
        runner = Backfill(
            hook, conn, hook.settings.shop_domain, run_id, job_timeout=timedelta(minutes=job_timeout_minutes)
        )
        result = runner.run(STREAMS_BY_NAME[job["stream"]], span)
    return {**job, **result.as_dict(), "api": {"requests": hook.requests_sent, "points": hook.bucket.points_spent}}


def report(
    results: list[dict[str, Any]],
    *,
    shopify_conn_id: str,
    warehouse_conn_id: str,
    run_id: str,
    dag_id: str = "shopify_backfill",
) -> dict:
    """Sum the windows, store the report in ``ops.sync_runs`` and log it."""
    streams: dict[str, LoadCounts] = {}
    for result in results:
        for name, counts in result["streams"].items():
            streams.setdefault(name, LoadCounts()).add(LoadCounts(**counts))
    summary = {
        "run_id": run_id,
        "shop": ShopifyHook(shopify_conn_id).settings.shop_domain,
        "windows": len(results),
        "jobs": sum(r["jobs"] for r in results),
        "failed_jobs": sum(r["failed_jobs"] for r in results),
        "resumed_windows": sum(1 for r in results if r["resumed_from"]),
        "streams": {name: c.as_dict() for name, c in sorted(streams.items())},
        "api_requests": sum(r["api"]["requests"] for r in results),
    }
    with closing(connect(warehouse_conn_id)) as conn:
        save_report(conn, summary, dag_id)
    log.info("\n%s", format_backfill(summary))
    return summary


def format_backfill(summary: dict[str, Any]) -> str:
    lines = [
        f"Shopify backfill {summary['run_id']} — shop {summary['shop']}: {summary['windows']} windows, "
        f"{summary['jobs']} bulk jobs ({summary['failed_jobs']} failed and recovered, "
        f"{summary['resumed_windows']} windows resumed)",
        *stream_table(summary["streams"]),
    ]
    return "\n".join(lines)
