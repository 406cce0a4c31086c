"""Merge the webhook inbox into staging through the extraction's own code path.

A delivery only says *which* record changed: ``orders/create|updated|cancelled`` an order,
``products/update`` a product, ``inventory_levels/update`` an inventory item at a location. The
merge reads those records again, by id, with the registry's GraphQL documents — the orders stream
and every list of an order with ``query: "(id:1 OR id:2 …)"``, products with their variants and
inventory items, levels per location with ``inventory_item_id:`` — and stages them with
``StreamExtractor.stage``, exactly as the hourly run stages a window. Hence:

* no second loader: webhook payloads are REST-shaped, staging holds the GraphQL shape, and the
  rows a webhook brings are identical to the rows the next poll brings;
* order does not matter: the read is Shopify's current state whichever delivery arrived last,
  duplicates name the same record once, and the loader never lets an older ``updatedAt``
  overwrite a newer row (if the hourly run staged something newer meanwhile, it stays);
* the merge takes the hourly run's per-stream locks, so the two never write a stream at once;
  it does not wait for them: while the hourly run or a backfill holds a stream, the deliveries
  stay pending for the next run. It never moves the hourly watermarks;
* deliveries are marked processed in the transaction that commits their rows: a failed merge
  leaves them pending for the next run. A record Shopify does not return yet (its search index
  trails writes by seconds) stays pending too, and is given up (``not_found``) after
  ``give_up_after``: it was deleted, and the hourly run's deletion events say so.

The staging triggers queue every changed order for the incremental core build, which then
rebuilds only those (``shopify_elt.transform.build_core``).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import psycopg

from shopify_elt.extract import StreamExtractor, any_of, chunks, try_lock_stream
from shopify_elt.hooks.shopify import ShopifyHook
from shopify_elt.load import LoadCounts
from shopify_elt.streams import STREAMS_BY_NAME, Stream, top_level_streams

log = logging.getLogger(__name__)

ORDER_TOPICS = frozenset({"orders/create", "orders/updated", "orders/cancelled"})
PRODUCT_TOPICS = frozenset({"products/update"})
LEVEL_TOPICS = frozenset({"inventory_levels/update"})

IDS_PER_QUERY = 50
"""Ids in one ``query:`` (``id:1 OR id:2 …``): one page of the orders stream, and a short search."""
CLAIM = 250
"""Deliveries merged per transaction (their bodies are held in memory meanwhile)."""
GIVE_UP_AFTER = timedelta(hours=1)
RETENTION = timedelta(days=7)
"""Processed deliveries are kept this long: far past Shopify's 4 hours of retries, so a late retry
still finds its webhook id and is counted as a duplicate, not merged again."""


class StreamsBusy(Exception):
    """Another writer (the hourly run, a backfill, a sweep) holds a stream the batch would write."""

    def __init__(self, streams: list[str]) -> None:
        super().__init__(", ".join(streams))
        self.streams = streams


class Ignored(Exception):
    """A delivery that names nothing the merge reads (another topic, no id in the payload)."""


@dataclass(frozen=True, order=True)
class Target:
    """A record a delivery names: ``("order", gid)``, ``("product", gid)``, ``("level", location, item)``."""

    kind: str
    key: tuple[str, ...]


def _gid(kind: str, value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).isdigit():
        raise Ignored(f"no numeric {kind} id in the payload")
    return f"gid://shopify/{kind}/{value}"


def target_of(topic: str, body: str) -> Target:
    """The record a delivery names, from its REST-shaped payload (the id is all that is used)."""
    if topic not in ORDER_TOPICS | PRODUCT_TOPICS | LEVEL_TOPICS:
        raise Ignored(f"topic {topic} is not merged")
    try:
        payload = json.loads(body)
    except ValueError:
        raise Ignored("the body is not JSON") from None
    if not isinstance(payload, dict):
        raise Ignored("the body is not a JSON object")
    if topic in LEVEL_TOPICS:
        location = _gid("Location", payload.get("location_id"))
        return Target("level", (location, _gid("InventoryItem", payload.get("inventory_item_id"))))
    kind = "Order" if topic in ORDER_TOPICS else "Product"
    return Target(kind.lower(), (_gid(kind, payload.get("id")),))


def children(root: str) -> list[Stream]:
    """The root stream and the lists read with it (nested in its pages; embedded ones ride along)."""
    return [STREAMS_BY_NAME[root], *(s for s in top_level_streams() if s.parent == root and s.nested_in)]


ORDER_STREAMS = children("orders")
CUSTOMER_STREAMS = children("customers")
PRODUCT_STREAMS = [STREAMS_BY_NAME[name] for name in ("products", "product_variants", "inventory_items")]
LEVEL_STREAM = STREAMS_BY_NAME["inventory_levels"]


@dataclass(frozen=True)
class Pending:
    webhook_id: str
    topic: str
    body: str
    received_at: datetime
    deliveries: int


@dataclass
class MergeResult:
    """What one run merged: deliveries by outcome and topic, records read, rows staged per stream."""

    received: int = 0
    merged: int = 0
    ignored: int = 0
    not_found: int = 0
    pending: int = 0
    duplicates: int = 0
    by_topic: dict[str, int] = field(default_factory=dict)
    records: dict[str, int] = field(default_factory=dict)
    streams: dict[str, LoadCounts] = field(default_factory=dict)
    purged: int = 0
    busy: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "deliveries": {
                "received": self.received,
                "duplicates": self.duplicates,
                "merged": self.merged,
                "ignored": self.ignored,
                "not_found": self.not_found,
                "pending": self.pending,
                "by_topic": dict(sorted(self.by_topic.items())),
                "purged": self.purged,
                "streams_busy": self.busy,
            },
            "records": dict(sorted(self.records.items())),
            "streams": {name: counts.as_dict() for name, counts in sorted(self.streams.items())},
        }


@dataclass
class InboxMerger:
    """Merges one shop's pending deliveries, ``claim`` at a time, each batch in one transaction."""

    hook: ShopifyHook
    conn: psycopg.Connection
    shop: str
    run_id: str
    claim: int = CLAIM
    ids_per_query: int = IDS_PER_QUERY
    give_up_after: timedelta = GIVE_UP_AFTER
    result: MergeResult = field(default_factory=MergeResult)

    def __post_init__(self) -> None:
        self.extractor = StreamExtractor(self.hook, self.conn, self.shop, self.run_id)
        self.inbox_shop = self.shop.lower()  # as the receiver stores X-Shopify-Shop-Domain

    def run(self, retention: timedelta = RETENTION) -> MergeResult:
        """Merge every delivery pending when it starts (one pass, oldest first), then purge old ones."""
        after: tuple[datetime, str] | None = None
        while True:
            batch: list[Pending] = []
            try:
                with self.conn.transaction():
                    batch = self._claim(after)
                    if batch:
                        self._merge(batch)
            except StreamsBusy as busy:  # rolled back: the batch stays pending, as do those after it
                log.warning("webhook merge: %s being written by another run; deliveries left pending", busy)
                self.result.busy = busy.streams
                self.result.received += len(batch)
                self.result.pending += len(batch)
                break
            if len(batch) < self.claim:
                break
            after = (batch[-1].received_at, batch[-1].webhook_id)
        self.result.purged = self._purge(retention)
        log.info("webhook merge: %s", json.dumps(self.result.as_dict()["deliveries"]))
        return self.result

    # ------------------------------------------------------------------ the inbox
    def _claim(self, after: tuple[datetime, str] | None) -> list[Pending]:
        """The next pending deliveries, locked (a second merger skips them) until the batch commits."""
        rows = self.conn.execute(
            """select webhook_id, topic, body, received_at, deliveries
               from ops.webhook_inbox
               where shop = %(shop)s and processed_at is null
                 and (%(after_at)s::timestamptz is null or (received_at, webhook_id) > (%(after_at)s, %(after_id)s))
               order by received_at, webhook_id
               limit %(limit)s
               for update skip locked""",
            {
                "shop": self.inbox_shop,
                "after_at": after[0] if after else None,
                "after_id": after[1] if after else None,
                "limit": self.claim,
            },
        ).fetchall()
        return [Pending(*row) for row in rows]

    def _finish(self, webhook_ids: list[str], outcome: str | None, reason: str | None = None) -> None:
        """Settle deliveries (``outcome`` None: tried, still pending)."""
        if not webhook_ids:
            return
        self.conn.execute(
            """update ops.webhook_inbox
               set attempts = attempts + 1,
                   processed_at = case when %(outcome)s::text is null then null else clock_timestamp() end,
                   outcome = %(outcome)s, outcome_reason = %(reason)s, run_id = %(run_id)s
               where shop = %(shop)s and webhook_id = any(%(ids)s)""",
            {"outcome": outcome, "reason": reason, "run_id": self.run_id, "shop": self.inbox_shop, "ids": webhook_ids},
        )

    def _purge(self, retention: timedelta) -> int:
        cursor = self.conn.execute(
            "delete from ops.webhook_inbox where shop = %s and processed_at < now() - %s",
            (self.inbox_shop, retention),
        )
        return cursor.rowcount

    # ------------------------------------------------------------------ one batch
    def _merge(self, batch: list[Pending]) -> None:
        wanted: dict[Target, list[Pending]] = {}
        ignored: dict[str, list[str]] = {}
        for delivery in batch:
            try:
                wanted.setdefault(target_of(delivery.topic, delivery.body), []).append(delivery)
            except Ignored as reason:
                ignored.setdefault(str(reason), []).append(delivery.webhook_id)
        found = self._stage(set(wanted))
        now = self.conn.execute("select now()").fetchone()[0]
        done = [d for t, ds in wanted.items() if t in found for d in ds]
        waiting = [d for t, ds in wanted.items() if t not in found for d in ds]
        lost = [d for d in waiting if d.received_at < now - self.give_up_after]
        waiting = [d for d in waiting if d.received_at >= now - self.give_up_after]
        self._finish([d.webhook_id for d in done], "merged")
        self._finish([d.webhook_id for d in lost], "not_found", "Shopify did not return the record")
        self._finish([d.webhook_id for d in waiting], None)
        for reason, ids in ignored.items():
            self._finish(ids, "ignored", reason)
        result = self.result
        result.received += len(batch)
        result.merged += len(done)
        result.not_found += len(lost)
        result.pending += len(waiting)
        result.ignored += sum(len(ids) for ids in ignored.values())
        still_waiting = {d.webhook_id for d in waiting}
        for delivery in batch:
            if delivery.webhook_id not in still_waiting:  # counted once, by the run that settles it
                result.duplicates += delivery.deliveries - 1
            result.by_topic[delivery.topic] = result.by_topic.get(delivery.topic, 0) + 1

    def _stage(self, targets: set[Target]) -> set[Target]:
        """Read and stage the targets; returns those Shopify returned."""
        orders = sorted(t.key[0] for t in targets if t.kind == "order")
        products = sorted(t.key[0] for t in targets if t.kind == "product")
        levels: dict[str, set[str]] = {}
        for target in targets:
            if target.kind == "level":
                levels.setdefault(target.key[0], set()).add(target.key[1])
        streams: list[Stream] = []
        if orders:
            streams += ORDER_STREAMS + CUSTOMER_STREAMS
        if products:
            streams += PRODUCT_STREAMS
        if levels:
            streams.append(LEVEL_STREAM)
        busy = [name for name in sorted({s.name for s in streams}) if not try_lock_stream(self.conn, self.shop, name)]
        if busy:
            raise StreamsBusy(busy)
        found: set[Target] = set()
        for ids in chunks(orders, self.ids_per_query):
            seen = self._read(ORDER_STREAMS, any_of("id", ids))
            found |= {Target("order", (i,)) for i in seen}
        self._count("orders", len(orders))
        if orders:
            self._stage_new_customers(orders)
        for ids in chunks(products, self.ids_per_query):
            seen = self._read(PRODUCT_STREAMS[:1], any_of("id", ids))
            found |= {Target("product", (i,)) for i in seen}
            self._read(PRODUCT_STREAMS[1:2], any_of("product_id", ids))
            items = self._variant_items(ids)
            for item_ids in chunks(items, self.ids_per_query):
                self._read(PRODUCT_STREAMS[2:], any_of("id", item_ids))
        self._count("products", len(products))
        for location, items in sorted(levels.items()):
            for item_ids in chunks(sorted(items), self.ids_per_query):
                seen = self._read([LEVEL_STREAM], any_of("inventory_item_id", item_ids), parents=[location])
                found |= {Target("level", key) for key in seen}
        self._count("inventory_levels", sum(len(items) for items in levels.values()))
        return found

    def _read(self, streams: list[Stream], search: str, parents: list[str] | None = None) -> set[Any]:
        """Stage ``streams`` for the records ``search`` finds; returns the ids of the first stream's
        records (for levels: (location, item) pairs)."""
        seen: set[Any] = set()
        for position, stream in enumerate(streams):

            def records(stream: Stream = stream, first: bool = position == 0) -> Iterator[tuple[str | None, Any]]:
                for parent_id, record in self.extractor.records(stream, search, parents=parents):
                    if first and isinstance(record, dict) and record.get("id"):
                        if stream is LEVEL_STREAM:
                            seen.add(((record.get("location") or {}).get("id"), (record.get("item") or {}).get("id")))
                        elif parent_id is None:
                            seen.add(record["id"])
                    yield parent_id, record

            for writer in self.extractor.stage(stream, records()):
                self.result.streams.setdefault(writer.stream.name, LoadCounts()).add(writer.counts)
        return seen

    def _stage_new_customers(self, orders: list[str]) -> None:
        """The customers of these orders not staged yet (a first order), so the build matches the
        order to its customer now rather than to the proxy until the next poll."""
        rows = self.conn.execute(
            """select distinct o.customer_id
               from staging.shopify_orders as o
               where o._shop = %s and o.id = any(%s) and o.customer_id is not null
                 and not exists (
                     select 1 from staging.shopify_customers as c where c._shop = o._shop and c.id = o.customer_id
                 )""",
            (self.shop, orders),
        ).fetchall()
        customers = sorted(r[0] for r in rows)
        for ids in chunks(customers, self.ids_per_query):
            self._read(CUSTOMER_STREAMS, any_of("id", ids))
        self._count("customers", len(customers))

    def _variant_items(self, products: list[str]) -> list[str]:
        rows = self.conn.execute(
            """select distinct inventory_item_id from staging.shopify_product_variants
               where _shop = %s and product_id = any(%s) and inventory_item_id is not null""",
            (self.shop, products),
        ).fetchall()
        return sorted(r[0] for r in rows)

    def _count(self, kind: str, n: int) -> None:
        if n:
            self.result.records[kind] = self.result.records.get(kind, 0) + n
