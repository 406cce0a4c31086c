"""Compare what staging holds with what Shopify counts, so a lost record shows up as a number.

Peers are known for silently dropped slices; this check makes every stream with a Shopify
count (``ordersCount`` …) say, per run: Shopify has N, staging has S, R were rejected.
``S + R == N`` is the goal; anything else is flagged in the run report.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

import psycopg
from psycopg import sql

from shopify_elt.extract import search_time
from shopify_elt.hooks.shopify import ShopifyHook
from shopify_elt.streams import STREAMS_BY_NAME, load_document

log = logging.getLogger(__name__)

COUNTS = load_document("counts")
CUT = frozenset({"products", "customers", "orders", "draft_orders"})
"""Counts of ``counts.graphql`` that take ``$createdBefore``."""


class ReconciliationMismatch(Exception):
    """Shopify and staging disagree on an exact count."""


def mismatches(reconciliation: dict[str, dict[str, Any]]) -> list[str]:
    """One line per stream whose exact count differs, with both numbers."""
    return [
        f"{name}: Shopify counts {r['shopify']}, staging has {r['staged']} and {r['rejected']} rejected"
        for name, r in sorted(reconciliation.items())
        if r["precision"] == "EXACT" and not r["matches"]
    ]


def reconcile(
    hook: ShopifyHook, conn: psycopg.Connection, shop: str, created_before: datetime | None = None
) -> dict[str, dict[str, Any]]:
    """Per counted stream: Shopify's count and precision, rows staged, records rejected, and whether they add up.

    ``created_before`` (the run's start minus the extraction lag) leaves out of both sides the
    records created while the run was going — a busy store's new orders — for every stream that
    promotes ``created_at``; the others are counted whole.
    """
    variables = {"createdBefore": f"created_at:<='{search_time(created_before)}'"} if created_before else {}
    counts = hook.graphql(COUNTS, variables).data
    result: dict[str, dict[str, Any]] = {}
    with conn.cursor() as cur:
        for name, count in counts.items():
            stream = STREAMS_BY_NAME[name]
            table = sql.Identifier("staging", stream.table)
            # Rows marked deleted stay staged as history; Shopify no longer counts their records.
            cut = created_before is not None and any(c.name == "created_at" for c in stream.columns) and name in CUT
            condition = sql.SQL(" and created_at <= %s" if cut else "")
            cur.execute(
                sql.SQL("select count(*) from {} where _shop = %s and _deleted_at is null{}").format(table, condition),
                (shop, created_before) if cut else (shop,),
            )
            staged = cur.fetchone()[0]
            # Records rejected at extraction and never staged since (a later good version replaces a reject).
            cur.execute(
                sql.SQL(
                    """select count(distinct r.record_key) from ops.rejects as r
                       where r.shop = %s and r.stage = 'extract' and r.object_name = %s
                         and not exists (select 1 from {} as s where s._shop = r.shop and s.id = r.record_key)"""
                ).format(table),
                (shop, stream.table),
            )
            rejected = cur.fetchone()[0]
            exact = count["precision"] == "EXACT"
            result[name] = {
                "shopify": count["count"],
                "precision": count["precision"],
                "staged": staged,
                "rejected": rejected,
                "matches": exact and staged + rejected == count["count"],
            }
            if not result[name]["matches"]:
                log.warning("%s: Shopify counts %s (%s), staging has %s and %s rejected", name, count["count"],
                            count["precision"], staged, rejected)  # fmt: skip
    return result
