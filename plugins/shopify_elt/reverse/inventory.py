"""Push available-to-sell quantities to Shopify with ``inventorySetQuantities``.

Three steps, each committed before the next: plan (``ops.inventory_pushes``, status planned),
stamp each batch of ≤ 250 with a deterministic idempotency key, send. The key makes a resend
after a crash return Shopify's first answer instead of applying twice; ``changeFromQuantity``
(compare-and-set) makes Shopify refuse a write when someone sold in between, instead of our
quantity silently overwriting theirs.
"""

from __future__ import annotations

import hashlib
import logging
import re
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
MUTATION = load_document("inventory_set_quantities")
_QUANTITY_INDEX = re.compile(r"^\d+$")


@dataclass
class PushCounts:
    planned: int = 0
    applied: int = 0
    conflict: int = 0
    failed: int = 0
    calls: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class PlannedPush:
    push_id: int
    inventory_item_id: str
    location_id: str
    shopify_quantity: int
    target_quantity: int


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
        with self.conn.transaction():
            run_file(self.conn, "reverse/plan_inventory_pushes.sql", {"shop": self.shop, "run_id": self.run_id})
        pending = self._pending()
        self.counts.planned = len(pending)
        if self.dry_run:
            log.info("Dry run: %d inventory pushes planned, none sent", len(pending))
            return self.counts.as_dict()
        for start in range(0, len(pending), BATCH_SIZE):
            self._send(pending[start : start + BATCH_SIZE])
        return self.counts.as_dict()

    def _pending(self) -> list[PlannedPush]:
        with self.conn.cursor() as cur:
            cur.execute(
                """select push_id, inventory_item_id, location_id, shopify_quantity, target_quantity
                   from ops.inventory_pushes
                   where run_id = %s and shop = %s and status = 'planned'
                   order by push_id""",
                (self.run_id, self.shop),
            )
            return [PlannedPush(*row) for row in cur.fetchall()]

    def _send(self, batch: list[PlannedPush]) -> None:
        """Send one batch; rows refused by Shopify are marked, the others are re-sent."""
        while batch:
            key = batch_key(self.shop, self.run_id, batch)
            with self.conn.transaction(), self.conn.cursor() as cur:
                cur.execute(
                    "update ops.inventory_pushes set batch_key = %s where push_id = any(%s)",
                    (key, [p.push_id for p in batch]),
                )
            variables = {"input": mutation_input(batch, key), "idempotencyKey": key}
            self.counts.calls += 1
            try:
                payload = self.hook.graphql(MUTATION, variables).data["inventorySetQuantities"]
            except ShopifyQueryError as error:
                self._mark(batch, "failed", str(error)[:500])
                self.counts.failed += len(batch)
                return
            errors = payload.get("userErrors") or []
            if not errors:
                self._mark(batch, "applied", None)
                self.counts.applied += len(batch)
                return
            refused = refused_rows(errors, len(batch))
            if not refused:  # an error we cannot pin on a row: the whole batch failed
                self._mark(batch, "failed", "; ".join(e.get("message", "") for e in errors)[:500])
                self.counts.failed += len(batch)
                return
            for index, error in refused.items():
                stale = str(error.get("code", "")).endswith("_STALE")
                self._mark([batch[index]], "conflict" if stale else "failed", error.get("message"))
                if stale:
                    self.counts.conflict += 1
                else:
                    self.counts.failed += 1
            batch = [p for i, p in enumerate(batch) if i not in refused]

    def _mark(self, pushes: list[PlannedPush], status: str, reason: str | None) -> None:
        with self.conn.transaction(), self.conn.cursor() as cur:
            cur.execute(
                """update ops.inventory_pushes set status = %s, reason = %s, sent_at = now()
                   where push_id = any(%s)""",
                (status, reason, [p.push_id for p in pushes]),
            )


def batch_key(shop: str, run_id: str, batch: list[PlannedPush]) -> str:
    """Deterministic idempotency key of a batch: the same plan always sends the same key."""
    digest = hashlib.sha256(f"{shop}|{run_id}".encode())
    for push in batch:
        digest.update(
            f"|{push.inventory_item_id}@{push.location_id}:{push.shopify_quantity}>{push.target_quantity}".encode()
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
