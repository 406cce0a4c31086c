"""The run report: what moved, what was rejected, what was pushed; stored in ``ops.sync_runs``."""

from __future__ import annotations

import json
from typing import Any

import psycopg

from shopify_elt.transform import CORE_BUILD_ORDER, MAPPING_FILES
from shopify_elt.warehouse import sql_file

WRITE_GROUPS = {
    "shipments": "shipments",
    "order_cancel": "seller cancellations",
    "order_tags": "order status tags",
    "customers": "customers",
}
"""The groups of ledger writes the push counts (``tasks.push_order_writes``) as the report names them."""


def merge_extract_results(
    results: list[dict[str, Any]],
) -> tuple[dict[str, dict[str, int]], dict[str, float]]:
    """Combine the return values of the extract tasks: counts per stream, API usage totals."""
    streams: dict[str, dict[str, int]] = {}
    api: dict[str, float] = {}
    for result in results:
        streams.update(result.get("streams", {}))
        for name, value in result.get("api", {}).items():
            api[name] = round(api.get(name, 0) + value, 3)
    return streams, api


def rejects_by_stage(conn: psycopg.Connection, shop: str, run_id: str) -> dict[str, int]:
    with conn.cursor() as cur:
        cur.execute(
            "select stage, count(*) from ops.rejects where shop = %s and run_id = %s group by stage",
            (shop, run_id),
        )
        return {stage: count for stage, count in cur.fetchall()}


def save_report(conn: psycopg.Connection, report: dict[str, Any], dag_id: str) -> None:
    with conn.transaction(), conn.cursor() as cur:
        cur.execute(
            """insert into ops.sync_runs (run_id, shop, dag_id, finished_at, report)
               values (%(run_id)s, %(shop)s, %(dag_id)s, now(), %(report)s)
               on conflict (dag_id, run_id, shop) do update set finished_at = now(), report = excluded.report""",
            {
                "run_id": report["run_id"],
                "shop": report["shop"],
                "dag_id": dag_id,
                "report": json.dumps(report),
            },
        )


def stream_table(streams: dict[str, dict[str, int]]) -> list[str]:
    """Load counts per stream as aligned text lines (the sync and backfill reports share it)."""
    lines = [f"  {'stream':<32}{'extracted':>10}{'inserted':>10}{'updated':>10}{'deleted':>9}{'rejected':>10}"]
    for name, c in sorted(streams.items()):
        lines.append(
            f"  {name:<32}{c['extracted']:>10}{c['inserted']:>10}{c['updated']:>10}{c['deleted']:>9}{c['rejected']:>10}"
        )
    return lines


def format_report(report: dict[str, Any]) -> str:
    """A short plain-text report for the task log and the demo: a sync's (staging, core, checks) or a
    reverse sync's (the writes to Shopify); a report with both prints both."""
    kind = "reverse sync" if report.get("kind") == "reverse_sync" else "sync"
    lines = [f"Shopify {kind} {report['run_id']} — shop {report['shop']}"]
    if "streams" in report:
        lines += sync_lines(report)
    if "inventory" in report:
        lines += write_lines(report)
    rejects = report.get("rejects")
    if rejects is not None:
        total = sum(rejects.values())
        lines.append(
            f"Rows rejected: {total} (extract {rejects.get('extract', 0)}, core {rejects.get('core', 0)})"
            + ("  — see ops.rejects" if total else "")
        )
    reconciliation = report.get("reconciliation") or {}
    if reconciliation:
        lines.append("Reconciliation with Shopify's counts (staged + rejected = Shopify):")
        for name, r in sorted(reconciliation.items()):
            verdict = "ok" if r["matches"] else "MISMATCH"
            lines.append(
                f"  {name:<20}{r['staged']:>8} + {r['rejected']:<4} vs {r['shopify']:>8} {r['precision']:<8} {verdict}"
            )
    sweeps = report.get("sweeps") or {}
    if sweeps:
        lines.append("Deletion sweeps (ids Shopify still has / staged rows marked deleted):")
        for name, s in sorted(sweeps.items()):
            done = f"{s['ids']:>8} / {s['marked']}" if s["status"] == "swept" else f"{s['status']:>8}"
            lines.append(f"  {name:<20}{done}")
    api = report["api"]
    lines.append(
        f"API: {int(api.get('requests', 0))} requests, {api.get('points', 0):g} points, "
        f"{api.get('throttled_answers', 0):g} throttled answers, {api.get('seconds_waited', 0):.1f}s paced"
    )
    return "\n".join(lines)


def sync_lines(report: dict[str, Any]) -> list[str]:
    """What a sync moved: rows per stream into staging, per table into core, unmapped values."""
    lines = ["", "Extracted to staging:"]
    lines += stream_table(report["streams"])
    lines += ["", "Loaded into core (rows written by its SQL file / rows in table):"]
    for table in CORE_BUILD_ORDER:
        changed = report["core"].get(table, 0)
        total = report.get("core_totals", {}).get(table, "?")
        lines.append(f"  {table:<20}{changed:>10} / {total}")
    for reason, count in (report.get("skipped") or {}).items():
        lines.append(f"  skipped by the import rules: {count} orders — {reason}")
    unmapped = report.get("unmapped") or []
    if unmapped:
        lines += ["", "Values no mapping names (add them to include/mappings/<file>; orders, example, used instead):"]
        for u in unmapped:
            lines.append(
                f"  {MAPPING_FILES.get(u['mapping'], u['mapping']):<20}{u['value']!s:<28}{u['orders']:>7}"
                f"  {u['example']}  → {u['used_instead'] or '(none)'}"
            )
    return lines


def write_lines(report: dict[str, Any]) -> list[str]:
    """What a reverse sync wrote to Shopify: inventory levels, then the ledger's order writes."""
    inv = report["inventory"]
    lines = [
        "",
        f"Inventory levels pushed to Shopify: {inv['applied']} applied of {inv['planned']} planned "
        f"({inv.get('replanned', 0)} re-planned after a concurrent change, {inv['conflict']} conflicts left, "
        f"{inv.get('quarantined', 0)} quarantined, {inv['failed']} failed) in {inv['calls']} calls"
        + (f" and {inv['reads']} re-reads" if inv.get("reads") else ""),
    ]
    quarantined = report.get("inventory_quarantined") or []
    for q in quarantined:
        lines.append(f"  quarantined {q['sku'] or '(no SKU)'}: {q['reason']}")
    if quarantined:
        lines.append("  — see ops.inventory_pushes where status = 'quarantined'")
    writes = report.get("order_writes") or {}
    if writes:
        lines.append("Order writes sent to Shopify (see ops.shopify_writes):")
        for group, counts in writes.items():
            c = {key: counts.get(key, 0) for key in ("applied", "planned", "adopted", "deferred", "failed", "calls")}
            lines.append(
                f"  {WRITE_GROUPS.get(group, group):<22}{c['applied']:>6} applied of {c['planned']} planned"
                f" ({c['adopted']} found already applied, {c['deferred']} deferred, {c['failed']} failed)"
                f" in {c['calls']} calls"
            )
    return lines


def skipped_orders(conn: psycopg.Connection, shop: str) -> dict[str, int]:
    """Web orders the import rules leave out on purpose (archived, test, channel …), per reason."""
    with conn.cursor() as cur:
        cur.execute(
            """select skip_reason, count(*) from ops.order_outcomes
               where shop = %s and skip_reason is not null group by 1 order by 1""",
            (shop,),
        )
        return dict(cur.fetchall())


def unmapped_values(conn: psycopg.Connection, shop: str) -> list[dict[str, Any]]:
    """Values the shop's orders carry that no mapping file names (``reports/unmapped_values.sql``)."""
    with conn.cursor() as cur:
        cur.execute(sql_file("reports/unmapped_values.sql"), {"shop": shop})
        names = [column.name for column in cur.description or ()]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def core_totals(conn: psycopg.Connection, shop: str) -> dict[str, int]:
    """Rows per core table for the shop (the report shows them beside the rows changed)."""
    queries = {
        "locations": "select count(*) from core.locations where shop = %(shop)s",
        "items": "select count(*) from core.items where shop = %(shop)s",
        "kit_components": "select count(*) from core.kit_components join core.items on item_id = kit_item_id"
        " where shop = %(shop)s",
        "customers": "select count(*) from core.customers where shop = %(shop)s",
        "stock": "select count(*) from core.stock join core.items using (item_id) where shop = %(shop)s",
        "ship_to_addresses": "select count(*) from core.ship_to_addresses join core.customers using (customer_id)"
        " where shop = %(shop)s",
        "sales_orders": "select count(*) from core.sales_orders where shop = %(shop)s",
        "sales_order_lines": "select count(*) from core.sales_order_lines join core.sales_orders"
        " using (sales_order_id) where shop = %(shop)s",
        "sales_order_taxes": "select count(*) from core.sales_order_taxes join core.sales_orders"
        " using (sales_order_id) where shop = %(shop)s",
        "payments": "select count(*) from core.payments join core.sales_orders using (sales_order_id)"
        " where shop = %(shop)s",
        "shipments": "select count(*) from core.shipments join core.sales_orders using (sales_order_id)"
        " where shop = %(shop)s",
    }
    totals = {}
    with conn.cursor() as cur:
        for table, query in queries.items():
            cur.execute(query, {"shop": shop})
            totals[table] = cur.fetchone()[0]
    return totals
