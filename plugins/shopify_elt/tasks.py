"""The work of each task of the DAGs, as plain functions (the DAG files stay thin).

Every function opens its own connections from Airflow connection ids and returns a small,
secret-free dict for XCom.
"""

from __future__ import annotations

import logging
from contextlib import closing
from datetime import datetime, timedelta
from typing import Any

from shopify_elt.checks import plan_pass, raise_on_failures, record_whole_pass, run_checks
from shopify_elt.ddl import ensure_schema
from shopify_elt.extract import StreamExtractor
from shopify_elt.hooks.shopify import ShopifyHook
from shopify_elt.reconcile import ReconciliationMismatch, mismatches, reconcile
from shopify_elt.report import (
    core_totals,
    format_report,
    merge_extract_results,
    rejects_by_stage,
    save_report,
    skipped_orders,
    unmapped_values,
)
from shopify_elt.reverse.customers import plan_customers, push_customers
from shopify_elt.reverse.fulfillments import plan_shipments, push_shipments
from shopify_elt.reverse.inventory import InventoryPusher
from shopify_elt.reverse.orders import plan_orders, push_orders
from shopify_elt.shared_budget import shop_client
from shopify_elt.streams import STREAMS_BY_NAME
from shopify_elt.sweep import DeletionSweeper
from shopify_elt.transform import build_core
from shopify_elt.warehouse import connect

log = logging.getLogger(__name__)


def run_conf() -> dict[str, str]:
    """The running task's connection ids (from the run's params) and run id: what every task needs."""
    from airflow.sdk import get_current_context

    context = get_current_context()
    params = context["params"]
    return {
        "shopify_conn_id": params["shopify_conn_id"],
        "warehouse_conn_id": params["warehouse_conn_id"],
        "run_id": context["run_id"],
    }


def shop_of(shopify_conn_id: str) -> str:
    """The shop domain that tags every row of this connection's shop."""
    return ShopifyHook(shopify_conn_id).settings.shop_domain


def prepare_warehouse(warehouse_conn_id: str) -> None:
    with closing(connect(warehouse_conn_id)) as conn:
        ensure_schema(conn)


def extract(
    stream_name: str,
    *,
    shopify_conn_id: str,
    warehouse_conn_id: str,
    run_id: str,
    overlap_minutes: float,
    lag_seconds: float,
    page_size: int | None = None,
) -> dict[str, Any]:
    """Extract one stream (and its embedded children) into staging."""
    with shop_client(shopify_conn_id, warehouse_conn_id) as hook, closing(connect(warehouse_conn_id)) as conn:
        extractor = StreamExtractor(
            hook,
            conn,
            hook.settings.shop_domain,
            run_id,
            overlap=timedelta(minutes=overlap_minutes),
            lag=timedelta(seconds=lag_seconds),
            page_size=page_size,
        )
        streams = extractor.run(STREAMS_BY_NAME[stream_name])
    return {"streams": streams, "api": api_usage(hook)}


def api_usage(hook: ShopifyHook) -> dict[str, float]:
    bucket = hook.bucket
    return {
        "requests": hook.requests_sent,
        "points": bucket.points_spent,
        "seconds_waited": round(bucket.seconds_waited, 3),
        "throttled_answers": bucket.throttled_answers,
    }


def sweep_deletions(
    *,
    shopify_conn_id: str,
    warehouse_conn_id: str,
    run_id: str,
    every_hours: float,
    page_size: int | None = None,
) -> dict[str, Any]:
    """Mark staged rows Shopify no longer has, for the streams with an ids-only sweep that are due."""
    with shop_client(shopify_conn_id, warehouse_conn_id) as hook, closing(connect(warehouse_conn_id)) as conn:
        sweeper = DeletionSweeper(
            hook, conn, hook.settings.shop_domain, run_id, every=timedelta(hours=every_hours), page_size=page_size
        )
        return {"sweeps": sweeper.run_all(), "api": api_usage(hook)}


def reconcile_counts(
    shopify_conn_id: str, warehouse_conn_id: str, run_id: str, created_before: datetime | None = None
) -> dict[str, Any]:
    """Shopify's counts against staging (+ rejects), per counted stream."""
    with shop_client(shopify_conn_id, warehouse_conn_id) as hook, closing(connect(warehouse_conn_id)) as conn:
        result = reconcile(hook, conn, hook.settings.shop_domain, created_before)
    return {"reconciliation": result, "api": api_usage(hook)}


def check_reconciliation(reconciliation: dict[str, Any]) -> None:
    """Fail (after the report is stored) when an exact count of Shopify's differs from staging's."""
    problems = mismatches(reconciliation.get("reconciliation", {}))
    if problems:
        raise ReconciliationMismatch("; ".join(problems))


def build(shopify_conn_id: str, warehouse_conn_id: str, run_id: str) -> dict[str, int]:
    with closing(connect(warehouse_conn_id)) as conn:
        return build_core(conn, shop_of(shopify_conn_id), run_id)


def data_quality_checks(
    shopify_conn_id: str, warehouse_conn_id: str, run_id: str, whole_shop_every_hours: float = 24
) -> dict[str, dict[str, Any]]:
    """Run every check of ``include/sql/checks`` for the shop: per check, rows offending, a few
    samples and its scope. The per-order checks look at the queued orders (rebuilt or offending
    since the last run), and at the whole shop on the first run and then at most every
    ``whole_shop_every_hours`` (0: every run)."""
    shop = shop_of(shopify_conn_id)
    with closing(connect(warehouse_conn_id)) as conn:
        planned = plan_pass(conn, shop, timedelta(hours=whole_shop_every_hours))
        log.info("data-quality checks: %s", planned.reason)
        results = run_checks(conn, shop, scoped=planned.scoped)
        if not planned.scoped:
            record_whole_pass(conn, shop, run_id)
        return results


def check_data_quality(results: dict[str, dict[str, Any]]) -> None:
    """Fail (after the report is stored) when a data-quality check returned offending rows."""
    raise_on_failures(results)


def push_inventory(shopify_conn_id: str, warehouse_conn_id: str, run_id: str, dry_run: bool) -> dict[str, Any]:
    """Plan the inventory push (ops.inventory_pushes) and, unless a dry run, send it; the counts
    and the quarantined levels with their reasons go into the run report."""
    with shop_client(shopify_conn_id, warehouse_conn_id) as hook, closing(connect(warehouse_conn_id)) as conn:
        pusher = InventoryPusher(hook, conn, hook.settings.shop_domain, run_id, dry_run=dry_run)
        counts = pusher.run()
        quarantined = pusher.quarantine_report()
    return {"inventory": counts, "inventory_quarantined": quarantined, "api": api_usage(hook)}


def push_order_writes(shopify_conn_id: str, warehouse_conn_id: str, run_id: str, dry_run: bool) -> dict[str, Any]:
    """Send every write of the ledger (ops.shopify_writes), counted per group: the back office's
    shipments as fulfillments (and changed tracking numbers), seller cancellations, and order
    status tags, and the back office's customers (push_customers); a dry run only plans them."""
    with shop_client(shopify_conn_id, warehouse_conn_id) as hook, closing(connect(warehouse_conn_id)) as conn:
        shop = hook.settings.shop_domain
        if dry_run:
            writes = {"shipments": {"planned": plan_shipments(conn, shop, run_id)}}
            writes.update({kind: {"planned": n} for kind, n in plan_orders(conn, shop, run_id).items()})
            writes["customers"] = {"planned": plan_customers(conn, shop, run_id)}
        else:
            writes = {"shipments": push_shipments(conn, hook, shop, run_id), **push_orders(conn, hook, shop, run_id)}
            writes["customers"] = push_customers(conn, hook, shop, run_id)
    return {"order_writes": writes, "api": api_usage(hook)}


def report(
    *,
    shopify_conn_id: str,
    warehouse_conn_id: str,
    run_id: str,
    dag_id: str,
    extract_results: list[dict[str, Any]],
    core_changed: dict[str, int],
    reconciliation: dict[str, Any],
    sweep_result: dict[str, Any] | None = None,
    checks: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Assemble, store and log the sync's run report; returned for XCom (no secrets in it). The writes
    to Shopify are the reverse sync's, in its own report (:func:`report_reverse_sync`)."""
    shop = shop_of(shopify_conn_id)
    sweep_result = sweep_result or {}
    usage = [{"api": r.get("api", {})} for r in (reconciliation, sweep_result)]
    streams, api = merge_extract_results([*extract_results, *usage])
    with closing(connect(warehouse_conn_id)) as conn:
        result = {
            "run_id": run_id,
            "shop": shop,
            "streams": streams,
            "core": core_changed,
            "core_totals": core_totals(conn, shop),
            "skipped": skipped_orders(conn, shop),
            "unmapped": unmapped_values(conn, shop),
            "rejects": rejects_by_stage(conn, shop, run_id),
            "reconciliation": reconciliation["reconciliation"],
            "sweeps": sweep_result.get("sweeps", {}),
            "checks": checks or {},
            "api": api,
        }
        save_report(conn, result, dag_id)
    log.info("\n%s", format_report(result))
    return result


def report_reverse_sync(
    *,
    shopify_conn_id: str,
    warehouse_conn_id: str,
    run_id: str,
    dag_id: str,
    push_result: dict[str, Any],
    writes_result: dict[str, Any],
) -> dict[str, Any]:
    """Assemble, store and log what a reverse-sync run wrote to Shopify (same table, same format)."""
    shop = shop_of(shopify_conn_id)
    _, api = merge_extract_results([{"api": r.get("api", {})} for r in (push_result, writes_result)])
    result = {
        "kind": "reverse_sync",
        "run_id": run_id,
        "shop": shop,
        "inventory": push_result["inventory"],
        "inventory_quarantined": push_result.get("inventory_quarantined", []),
        "order_writes": writes_result.get("order_writes", {}),
        "api": api,
    }
    with closing(connect(warehouse_conn_id)) as conn:
        save_report(conn, result, dag_id)
    log.info("\n%s", format_report(result))
    return result
