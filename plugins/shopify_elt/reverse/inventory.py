"""Push available-to-sell quantities to Shopify with ``inventorySetQuantities``.

Each step is committed before the next, so a run killed anywhere resumes where it stopped when
Airflow retries it (same run id):

1. plan (``include/sql/reverse/plan_inventory_pushes.sql``): a row per level whose quantity
   differs from what Shopify last had (status ``planned``, the formula as reason), and
   ``quarantined`` rows that are never sent (shared or missing inventory item, a level Shopify
   does not stock). A dry run stops here.
2. stamp each batch of ≤ 250 with a deterministic idempotency key, then send it. A resend after a
   crash sends the same rows under the same key, so Shopify returns its first answer instead of
   applying twice. ``changeFromQuantity`` (compare-and-set) makes Shopify refuse a write when
   someone sold in between, instead of our quantity silently overwriting theirs.
3. a refused row is marked alone (``conflict``, ``quarantined`` or ``failed``) and the rest of its
   batch is sent again. A conflict is re-read from Shopify and re-planned as a new row of the run:
   Shopify's fresh quantity with our change applied on top, so the concurrent sale is kept. At
   most ``MAX_REPLANS`` times, then the row stays ``conflict`` for the next run.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import psycopg

from shopify_elt.errors import ShopifyQueryError
from shopify_elt.hooks.shopify import ShopifyHook
from shopify_elt.streams import load_document
from shopify_elt.warehouse import run_file

log = logging.getLogger(__name__)

BATCH_SIZE = 250
"""Shopify caps input arrays at 250 items."""
MAX_REPLANS = 3
"""Re-reads of a level that keeps changing under us within one run; then the next run tries."""
READ_CHUNK = 100
"""Inventory items per re-read query (one location each): well inside the query cost limit."""
MUTATION = load_document("inventory_set_quantities")
READ_AVAILABLE = load_document("inventory_available")
STALE_CODES = frozenset({"CHANGE_FROM_QUANTITY_STALE", "COMPARE_QUANTITY_STALE"})
UNPUSHABLE_CODES = frozenset(
    {"INVALID_INVENTORY_ITEM", "INVALID_LOCATION", "ITEM_NOT_STOCKED_AT_LOCATION", "NON_MUTABLE_INVENTORY_ITEM"}
)
"""Row errors no resend can cure: the level is quarantined until the data is fixed."""
_QUANTITY_INDEX = re.compile(r"^\d+$")


@dataclass
class PushCounts:
    """Levels of the run by their last row (a re-planned level counts once, as its re-plan ended),
    and the calls this task made."""

    planned: int = 0
    applied: int = 0
    replanned: int = 0
    conflict: int = 0
    quarantined: int = 0
    failed: int = 0
    calls: int = 0
    reads: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class PlannedPush:
    push_id: int
    inventory_item_id: str
    location_id: str
    shopify_quantity: int
    target_quantity: int
    replan: int = 0
    batch_key: str | None = None


@dataclass
class InventoryPusher:
    """Plans and sends one run's inventory pushes for one shop."""

    hook: ShopifyHook
    conn: psycopg.Connection
    shop: str
    run_id: str
    dry_run: bool = False
    counts: PushCounts = field(default_factory=PushCounts)

    def run(self) -> dict[str, int]:
        self.plan()
        if self.dry_run:
            log.info("Dry run: the plan is in ops.inventory_pushes (run %s), nothing sent", self.run_id)
        else:
            self.send_pending()
            for _ in range(MAX_REPLANS):
                if not self.replan_conflicts():
                    break
                self.send_pending()
        self.tally()
        return self.counts.as_dict()

    def plan(self) -> None:
        """Plan the run (a no-op for what an earlier attempt of the run planned already)."""
        with self.conn.transaction():
            run_file(self.conn, "reverse/plan_inventory_pushes.sql", {"shop": self.shop, "run_id": self.run_id})
        unknown = self.unknown_locations()
        if unknown:
            log.warning("push_locations names %s, which no location of %s has", ", ".join(unknown), self.shop)

    def send_pending(self) -> None:
        for batch in batches(self._pending()):
            self._send(batch)

    def _pending(self) -> list[PlannedPush]:
        with self.conn.cursor() as cur:
            cur.execute(
                """select push_id, inventory_item_id, location_id, shopify_quantity, target_quantity, replan, batch_key
                   from ops.inventory_pushes
                   where run_id = %s and shop = %s and status = 'planned'
                   order by push_id""",
                (self.run_id, self.shop),
            )
            return [PlannedPush(*row) for row in cur.fetchall()]

    def _send(self, batch: list[PlannedPush]) -> None:
        """Send one batch; rows Shopify refuses are marked, the others are sent again."""
        while batch:
            key = batch_key(self.shop, self.run_id, batch)
            self._stamp(batch, key)
            variables = {"input": mutation_input(batch, key), "idempotencyKey": key}
            self.counts.calls += 1
            try:  # transient failures are retried as they come: the key makes the resend safe
                payload = self.hook.graphql(MUTATION, variables).data["inventorySetQuantities"]
            except ShopifyQueryError as error:
                self._mark(batch, "failed", f"Shopify refused the call: {error}"[:500])
                return
            errors = (payload or {}).get("userErrors") or []
            if not errors:
                self._mark(batch, "applied", None)
                return
            refused = refused_rows(errors, len(batch))
            if not refused:  # an error we cannot pin on a row: the whole batch failed
                said = "; ".join(f"{e.get('message')} ({e.get('code') or 'no code'})" for e in errors)
                self._mark(batch, "failed", f"failed, Shopify: {said}"[:500])
                return
            with self.conn.transaction():
                for index, error in refused.items():
                    status, note = row_outcome(error, batch[index].replan)
                    self._mark([batch[index]], status, note)
            batch = [p for i, p in enumerate(batch) if i not in refused]

    def _stamp(self, batch: list[PlannedPush], key: str) -> None:
        """Record the key before sending: a resend after a crash must use this very key."""
        with self.conn.transaction(), self.conn.cursor() as cur:
            cur.execute(
                """update ops.inventory_pushes set batch_key = %(key)s
                   where push_id = any(%(ids)s) and batch_key is distinct from %(key)s""",
                {"key": key, "ids": [p.push_id for p in batch]},
            )

    def _mark(self, pushes: list[PlannedPush], status: str, note: str | None) -> None:
        """Set the outcome; the plan's reason stays, the outcome's note is added to it."""
        with self.conn.transaction(), self.conn.cursor() as cur:
            cur.execute(
                """update ops.inventory_pushes
                   set status = %s, reason = concat_ws('; ', reason, %s::text), sent_at = now()
                   where push_id = any(%s)""",
                (status, note, [p.push_id for p in pushes]),
            )

    def replan_conflicts(self) -> bool:
        """Re-read the levels in conflict and re-plan each as a new row; False when there were none.

        Shopify's fresh quantity replaces the one we planned from, and our change (target minus
        planned-from) is applied on top of it, so the sale that came in between is not lost. A
        stale answer means that Shopify applied nothing of the call, and a write of ours whose
        answer was lost is never the cause: its resend carries the same key, and Shopify replays
        the first answer instead of comparing again.
        """
        with self.conn.cursor() as cur:
            cur.execute(
                """select p.push_id, p.inventory_item_id, p.location_id, p.shopify_quantity, p.target_quantity,
                          p.replan, p.batch_key
                   from ops.inventory_pushes as p
                   where p.run_id = %s and p.shop = %s and p.status = 'conflict' and p.replan < %s
                     and not exists (select from ops.inventory_pushes as n where n.replan_of = p.push_id)
                   order by p.push_id""",
                (self.run_id, self.shop, MAX_REPLANS),
            )
            conflicts = [PlannedPush(*row) for row in cur.fetchall()]
        if not conflicts:
            return False
        fresh = self.read_available(conflicts)
        with self.conn.transaction():
            for push in conflicts:
                self._replan(push, fresh.get((push.inventory_item_id, push.location_id)))
        return True

    def _replan(self, push: PlannedPush, now: int | None) -> None:
        replan = push.replan + 1
        prefix = f"re-read after a conflict (re-plan {replan} of {MAX_REPLANS})"
        if now is None:
            status, target = "quarantined", push.target_quantity
            reason = f"{prefix}: Shopify no longer stocks the item at the location"
            note = "re-read: Shopify no longer stocks it"
            shopify_quantity = None
        else:
            change = push.target_quantity - push.shopify_quantity
            status, target, shopify_quantity = "planned", now + change, now
            reason = (
                f"{prefix}: Shopify has {now}, not the {push.shopify_quantity} we planned from; our change"
                f" {change:+d} applied on top: {now} {change:+d} = {target}"
            )
            note = f"re-read: Shopify has {now}"
        with self.conn.cursor() as cur:
            cur.execute(
                """insert into ops.inventory_pushes (
                       run_id, shop, inventory_item_id, location_id, variant_id, sku, shopify_quantity,
                       target_quantity, status, reason, replan, replan_of
                   )
                   select run_id, shop, inventory_item_id, location_id, variant_id, sku, %(shopify_quantity)s,
                          %(target)s, %(status)s, %(reason)s, %(replan)s, push_id
                   from ops.inventory_pushes where push_id = %(push_id)s
                   returning push_id""",
                {
                    "shopify_quantity": shopify_quantity,
                    "target": target,
                    "status": status,
                    "reason": reason,
                    "replan": replan,
                    "push_id": push.push_id,
                },
            )
            (successor,) = cur.fetchone()
            cur.execute(
                "update ops.inventory_pushes set reason = concat_ws('; ', reason, %s::text) where push_id = %s",
                (f"{note}, re-planned as push {successor}", push.push_id),
            )

    def read_available(self, pushes: list[PlannedPush]) -> dict[tuple[str, str], int]:
        """Shopify's current ``available`` of these levels; a level Shopify does not stock is absent."""
        by_location: dict[str, list[str]] = {}
        for push in pushes:
            by_location.setdefault(push.location_id, []).append(push.inventory_item_id)
        found: dict[tuple[str, str], int] = {}
        for location_id, items in by_location.items():
            unique = sorted(set(items))
            for start in range(0, len(unique), READ_CHUNK):
                chunk = unique[start : start + READ_CHUNK]
                query = " OR ".join(f"inventory_item_id:{item.rsplit('/', 1)[-1]}" for item in chunk)
                variables = {"locationId": location_id, "first": len(chunk), "query": query}
                self.counts.reads += 1
                location = self.hook.graphql(READ_AVAILABLE, variables).data.get("location")
                for level in ((location or {}).get("inventoryLevels") or {}).get("nodes") or []:
                    available = next((q["quantity"] for q in level["quantities"] if q["name"] == "available"), None)
                    if available is not None and level["item"]["id"] in chunk:
                        found[(level["item"]["id"], location_id)] = available
        return found

    def tally(self) -> None:
        """Count the run's levels by the last row of each (a resumed run counts what it resumed)."""
        with self.conn.cursor() as cur:
            cur.execute(
                """with pushes as (
                       select p.*, not exists (select from ops.inventory_pushes as n where n.replan_of = p.push_id)
                           as is_last
                       from ops.inventory_pushes as p
                       where p.run_id = %s and p.shop = %s
                   )
                   select
                       count(*) filter (where replan = 0 and (status <> 'quarantined' or batch_key is not null)),
                       count(*) filter (where is_last and status = 'applied'),
                       count(*) filter (where replan > 0),
                       count(*) filter (where is_last and status = 'conflict'),
                       count(*) filter (where is_last and status = 'quarantined'),
                       count(*) filter (where is_last and status = 'failed')
                   from pushes""",
                (self.run_id, self.shop),
            )
            counts = cur.fetchone()
        c = self.counts
        c.planned, c.applied, c.replanned, c.conflict, c.quarantined, c.failed = counts

    def quarantine_report(self, limit: int = 10) -> list[dict[str, Any]]:
        """The run's quarantined levels (at most ``limit``), with their reasons, for the run report."""
        with self.conn.cursor() as cur:
            cur.execute(
                """select p.sku, p.inventory_item_id, p.location_id, p.reason
                   from ops.inventory_pushes as p
                   where p.run_id = %s and p.shop = %s and p.status = 'quarantined'
                   order by p.push_id
                   limit %s""",
                (self.run_id, self.shop, limit),
            )
            columns = ("sku", "inventory_item_id", "location_id", "reason")
            return [dict(zip(columns, row, strict=True)) for row in cur.fetchall()]

    def unknown_locations(self) -> list[str]:
        """Entries of push_locations no location of the shop has (a typo pushes nothing there)."""
        with self.conn.cursor() as cur:
            cur.execute(
                """select wanted.name
                   from core.push_settings as ps, unnest(ps.locations) as wanted (name)
                   where wanted.name <> '*' and not exists (
                       select from core.locations as l
                       where l.shop = %s
                         and wanted.name in (l.name, l.shopify_location_id, split_part(l.shopify_location_id, '/', 5))
                   )""",
                (self.shop,),
            )
            return [row[0] for row in cur.fetchall()]


def batches(pending: list[PlannedPush]) -> Iterator[list[PlannedPush]]:
    """Rows stamped by an earlier attempt first, as they were stamped (same rows, so same key and
    parameters: Shopify replays its answer if it had applied them), then the rest by 250."""
    stamped: dict[str, list[PlannedPush]] = {}
    fresh: list[PlannedPush] = []
    for push in pending:
        if push.batch_key is None:
            fresh.append(push)
        else:
            stamped.setdefault(push.batch_key, []).append(push)
    yield from stamped.values()
    for start in range(0, len(fresh), BATCH_SIZE):
        yield fresh[start : start + BATCH_SIZE]


def batch_key(shop: str, run_id: str, batch: list[PlannedPush]) -> str:
    """Deterministic idempotency key of a batch: the same rows always send the same key, and
    different rows (a re-plan, what is left after a refusal) never reuse one."""
    digest = hashlib.sha256(f"{shop}|{run_id}".encode())
    for push in batch:
        digest.update(
            f"|{push.push_id}:{push.inventory_item_id}@{push.location_id}"
            f":{push.shopify_quantity}>{push.target_quantity}".encode()
        )
    return digest.hexdigest()[:40]


def mutation_input(batch: list[PlannedPush], key: str) -> dict[str, Any]:
    """``InventorySetQuantitiesInput`` for API 2026-04+: compare-and-set on every quantity."""
    return {
        "name": "available",
        "reason": "correction",
        "referenceDocumentUri": f"gid://shopify-elt/InventoryPush/{key}",
        "quantities": [
            {
                "inventoryItemId": p.inventory_item_id,
                "locationId": p.location_id,
                "quantity": p.target_quantity,
                "changeFromQuantity": p.shopify_quantity,
            }
            for p in batch
        ],
    }


def refused_rows(errors: list[dict[str, Any]], size: int) -> dict[int, dict[str, Any]]:
    """Map userErrors with a ``["input", "quantities", "<i>", …]`` field to the batch index i."""
    refused: dict[int, dict[str, Any]] = {}
    for error in errors:
        path = [str(p) for p in (error.get("field") or [])]
        if len(path) >= 3 and path[:2] == ["input", "quantities"] and _QUANTITY_INDEX.match(path[2]):
            index = int(path[2])
            if index < size:
                refused.setdefault(index, error)
    return refused


def row_outcome(error: dict[str, Any], replan: int) -> tuple[str, str]:
    """Status and note of a row Shopify refused: a stale compare value is a conflict (re-read and
    re-planned unless it was the last re-plan), a level that cannot be pushed is quarantined, the
    rest failed."""
    code = str(error.get("code") or "")
    said = f"Shopify: {error.get('message') or code} ({code or 'no code'})"
    if code in STALE_CODES:
        if replan >= MAX_REPLANS:
            return "conflict", f"conflict, {said}; still changing after {MAX_REPLANS} re-plans: left to the next run"
        return "conflict", f"conflict, {said}"
    if code in UNPUSHABLE_CODES:
        return "quarantined", f"quarantined, {said}"
    return "failed", f"failed, {said}"
