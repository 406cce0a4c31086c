"""The run report as a small Markdown or HTML summary: for alerts, and for anyone without a shell.

One description of the sections (:func:`sections`) serves both formats, so they never disagree.
``python -m shopify_elt.summary <run_id> <shop> [--html]`` prints a stored report
(``ops.sync_runs``).
"""

from __future__ import annotations

import argparse
import html
from contextlib import closing
from dataclasses import dataclass, field
from typing import Any

from shopify_elt.report import WRITE_GROUPS
from shopify_elt.transform import CORE_BUILD_ORDER, MAPPING_FILES


@dataclass(frozen=True)
class Section:
    title: str
    columns: tuple[str, ...] = ()
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def problems(report: dict[str, Any]) -> list[str]:
    """What went wrong in a run that completed: the reasons to send a "completed with errors" alert."""
    found = []
    rejected = sum((report.get("rejects") or {}).values())
    if rejected:
        found.append(f"{rejected} rows rejected (ops.rejects)")
    inventory = report.get("inventory") or {}
    if inventory.get("failed") or inventory.get("conflict"):
        found.append(
            f"inventory pushes: {inventory.get('failed', 0)} failed, {inventory.get('conflict', 0)} in conflict"
        )
    for group, counts in (report.get("order_writes") or {}).items():
        if counts.get("failed"):
            found.append(f"{counts['failed']} {WRITE_GROUPS.get(group, group)} failed (ops.shopify_writes)")
    for name, result in sorted((report.get("checks") or {}).items()):
        if result.get("offending"):
            found.append(f"check {name}: {result['offending']} offending rows")
    for name, result in sorted((report.get("reconciliation") or {}).items()):
        if not result.get("matches", True):
            found.append(f"{name}: {result['staged']} staged + {result['rejected']} rejected vs {result['shopify']}")
    return found


def sections(report: dict[str, Any]) -> list[Section]:
    """The report's sections, in the order a data engineer reads them."""
    issues = problems(report)
    result = [Section("Problems", notes=issues or ["none"])]
    if "streams" in report:  # a sync's report (a reverse sync's has none)
        result.append(
            Section(
                "Extracted to staging",
                ("stream", "extracted", "inserted", "updated", "deleted", "rejected"),
                [
                    (name, c["extracted"], c["inserted"], c["updated"], c["deleted"], c["rejected"])
                    for name, c in sorted(report["streams"].items())
                ],
            )
        )
    if "core" in report:
        totals = report.get("core_totals") or {}
        result.append(
            Section(
                "Loaded into core",
                ("table", "rows written", "rows in table"),
                [(t, report["core"].get(t, 0), totals.get(t, "?")) for t in CORE_BUILD_ORDER],
                [
                    f"skipped by the import rules: {n} orders — {reason}"
                    for reason, n in (report.get("skipped") or {}).items()
                ],
            )
        )
    unmapped = report.get("unmapped") or []
    if unmapped:
        result.append(
            Section(
                "Values no mapping names",
                ("mapping file", "value", "orders", "example", "used instead"),
                [
                    (
                        MAPPING_FILES.get(u["mapping"], u["mapping"]),
                        u["value"],
                        u["orders"],
                        u["example"],
                        u["used_instead"],
                    )
                    for u in unmapped
                ],
            )
        )
    if "inventory" in report or "order_writes" in report:  # a reverse sync's report
        result.append(written_to_shopify(report))
    reconciliation = report.get("reconciliation") or {}
    if reconciliation:
        result.append(
            Section(
                "Reconciliation with Shopify's counts",
                ("stream", "staged", "rejected", "Shopify", "verdict"),
                [
                    (name, r["staged"], r["rejected"], r["shopify"], "ok" if r["matches"] else "MISMATCH")
                    for name, r in sorted(reconciliation.items())
                ],
            )
        )
    api = report.get("api") or {}
    result.append(
        Section(
            "API",
            notes=[
                f"{int(api.get('requests', 0))} requests, {api.get('points', 0):g} points, "
                f"{api.get('throttled_answers', 0):g} throttled answers, {api.get('seconds_waited', 0):.1f} s paced"
            ],
        )
    )
    return result


def written_to_shopify(report: dict[str, Any]) -> Section:
    """Inventory pushes and ledger writes, one row per group."""
    inventory = report.get("inventory") or {}
    writes = report.get("order_writes") or {}
    columns = ("writes", "planned", "applied", "found applied", "deferred", "failed", "calls")
    rows = [
        (
            "inventory levels",
            inventory.get("planned", 0),
            inventory.get("applied", 0),
            0,
            0,
            inventory.get("failed", 0),
            inventory.get("calls", 0),
        )
    ]
    rows += [
        (WRITE_GROUPS.get(group, group), c.get("planned", 0), c.get("applied", 0), c.get("adopted", 0),
         c.get("deferred", 0), c.get("failed", 0), c.get("calls", 0))
        for group, c in writes.items()
    ]  # fmt: skip
    quarantined = [
        f"quarantined {q['sku'] or '(no SKU)'}: {q['reason']}" for q in report.get("inventory_quarantined") or []
    ]
    return Section("Written to Shopify", columns, rows, quarantined)


def title(report: dict[str, Any]) -> str:
    return f"Shopify sync {report.get('run_id', '?')} — {report.get('shop', '?')}"


def to_markdown(report: dict[str, Any]) -> str:
    lines = [f"# {title(report)}"]
    for section in sections(report):
        lines += ["", f"## {section.title}"]
        if section.columns:
            lines += ["", "| " + " | ".join(section.columns) + " |", "|" + "---|" * len(section.columns)]
            lines += ["| " + " | ".join(_cell(v).replace("|", "\\|") for v in row) + " |" for row in section.rows]
        if section.notes:
            lines += [""] + [f"- {note}" for note in section.notes]
    return "\n".join(lines) + "\n"


def to_html(report: dict[str, Any]) -> str:
    parts = [f"<html><body><h1>{html.escape(title(report))}</h1>"]
    for section in sections(report):
        parts.append(f"<h2>{html.escape(section.title)}</h2>")
        if section.columns:
            parts.append("<table border='1' cellspacing='0' cellpadding='4'><tr>")
            parts += [f"<th>{html.escape(c)}</th>" for c in section.columns]
            parts.append("</tr>")
            for row in section.rows:
                parts.append("<tr>" + "".join(f"<td>{html.escape(_cell(v))}</td>" for v in row) + "</tr>")
            parts.append("</table>")
        if section.notes:
            parts.append("<ul>" + "".join(f"<li>{html.escape(n)}</li>" for n in section.notes) + "</ul>")
    parts.append("</body></html>")
    return "\n".join(parts)


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


def stored_report(conn: Any, run_id: str, shop: str, dag_id: str | None = None) -> dict[str, Any] | None:
    """The report a run stored in ``ops.sync_runs`` (None before ``report_run`` stored it). Airflow's
    run ids are unique per DAG only: ``dag_id`` tells a shop's sync from its reverse sync of the
    same id (without it, the latest of them)."""
    row = conn.execute(
        """select report from ops.sync_runs where run_id = %s and shop = %s and dag_id = coalesce(%s, dag_id)
           order by finished_at desc limit 1""",
        (run_id, shop, dag_id),
    ).fetchone()
    return row[0] if row else None


def main(argv: list[str] | None = None) -> int:
    from shopify_elt.warehouse import WAREHOUSE_CONN_ID, connect

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run_id")
    parser.add_argument("shop", help="the shop's domain, e.g. my-shop.myshopify.com")
    parser.add_argument("--html", action="store_true", help="HTML instead of Markdown")
    parser.add_argument("--warehouse-conn-id", default=WAREHOUSE_CONN_ID)
    parser.add_argument("--dag-id", help="e.g. shopify_reverse_sync, when two DAGs' runs share the run id")
    args = parser.parse_args(argv)
    with closing(connect(args.warehouse_conn_id)) as conn:
        report = stored_report(conn, args.run_id, args.shop, args.dag_id)
    if report is None:
        print(f"no report stored for run {args.run_id} of {args.shop}")
        return 1
    print(to_html(report) if args.html else to_markdown(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
