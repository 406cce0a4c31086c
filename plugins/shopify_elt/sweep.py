"""Ids-only deletion sweeps, for streams whose deletions Shopify reports no event for.

Customers, variants, inventory levels, locations and fulfillment orders can vanish from Shopify
without a destroy event we can read. A sweep reads every id Shopify still has (the stream's
``sweep`` document selects nothing but ``id``, so it is cheap per node) and marks the staged rows
whose id is absent as deleted, with what belongs to them (``shopify_elt.deletions.cascade``).
What makes it safe:

* Complete or nothing: the ids go to a temporary table in the transaction that marks, and rows
  are marked only after the last page. A failure midway rolls everything back, nothing is
  marked, and the stream is due again at the next run.
* It marks and never un-marks; a record that comes back is cleared by the merge
  (``shopify_elt.load``). Rows staged after the sweep began are left alone (the sweep may have
  paged past them), and the stream's extraction lock is held meanwhile.
* An answer with no id at all while staging has live rows marks nothing: a store that deleted
  every customer is far less likely than a permission or API problem.
* A sweep of a big store costs API points, so each shop x stream is swept at most every
  ``every`` (``ops.deletion_sweeps`` remembers when; ``timedelta(0)`` = every run).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import psycopg
from psycopg import sql

from shopify_elt.deletions import cascade
from shopify_elt.extract import lock_stream, parent_ids
from shopify_elt.hooks.shopify import MAX_PAGE_SIZE, ShopifyHook
from shopify_elt.streams import STREAMS, Stream, load_document

log = logging.getLogger(__name__)

_MARK = """update {table} as t set _deleted_at = %(started)s
where t._shop = %(shop)s and t._deleted_at is null and t._extracted_at < %(started)s
  and not exists (select 1 from _sweep_ids as s where s.id = t.id)"""


def swept_streams() -> tuple[Stream, ...]:
    """The streams of the registry with an ids-only sweep."""
    return tuple(s for s in STREAMS if s.sweep)


@dataclass
class DeletionSweeper:
    """Sweeps the streams of one shop; each stream in a transaction of its own."""

    hook: ShopifyHook
    conn: psycopg.Connection
    shop: str
    run_id: str
    every: timedelta = timedelta(hours=24)
    page_size: int | None = None

    def run_all(self) -> dict[str, dict[str, Any]]:
        """Sweep every due stream; per stream: ``status`` (swept, not_due, refused), ``ids``, ``marked``."""
        return {stream.name: self.run(stream) for stream in swept_streams()}

    def run(self, stream: Stream) -> dict[str, Any]:
        """Sweep ``stream`` if it is due."""
        with self.conn.transaction():
            lock_stream(self.conn, self.shop, stream.name)
            started: datetime = self.conn.execute("select now()").fetchone()[0]  # the transaction's start
            if not self._due(stream, started):
                return {"status": "not_due", "ids": 0, "marked": 0}
            self.conn.execute("create temp table _sweep_ids (id text not null) on commit drop")
            ids = self._copy_ids(stream)
            self.conn.execute("analyze _sweep_ids")
            if ids == 0 and self._live_rows(stream):
                log.warning("%s: Shopify listed no id at all; nothing marked (not trusted)", stream.name)
                return {"status": "refused", "ids": 0, "marked": 0}
            table = sql.Identifier("staging", stream.table)
            cur = self.conn.execute(sql.SQL(_MARK).format(table=table), {"shop": self.shop, "started": started})
            marked = max(cur.rowcount, 0) + cascade(self.conn, self.shop, stream.name)
            self._remember(stream, started, ids, marked)
        log.info("%s: swept %d ids, %d rows marked deleted", stream.name, ids, marked)
        return {"status": "swept", "ids": ids, "marked": marked}

    def _due(self, stream: Stream, now: datetime) -> bool:
        row = self.conn.execute(
            "select swept_at from ops.deletion_sweeps where shop = %s and stream = %s", (self.shop, stream.name)
        ).fetchone()
        return row is None or row[0] + self.every <= now

    def _ids(self, stream: Stream) -> Iterator[list[str]]:
        """The ids of each page Shopify answers, per staged parent for a per-parent stream."""
        document = load_document(stream.sweep or "")
        parents: list[str | None] = [None]
        if stream.parent is not None:
            parents = list(parent_ids(self.conn, self.shop, stream))
        for parent in parents:
            variables = {} if parent is None else {"parentId": parent}
            size = min(MAX_PAGE_SIZE, self.page_size or MAX_PAGE_SIZE)
            for nodes in self.hook.paginate(document, variables, stream.path, page_size=size):
                yield [node["id"] for node in nodes]

    def _copy_ids(self, stream: Stream) -> int:
        """COPY every id into ``_sweep_ids`` page by page (memory stays flat); returns how many."""
        count = 0
        with self.conn.cursor() as cur:
            for ids in self._ids(stream):
                with cur.copy("copy _sweep_ids (id) from stdin") as copy:
                    for record_id in ids:
                        copy.write_row((record_id,))
                count += len(ids)
        return count

    def _live_rows(self, stream: Stream) -> bool:
        query = sql.SQL("select exists (select 1 from {} where _shop = %s and _deleted_at is null)")
        return self.conn.execute(query.format(sql.Identifier("staging", stream.table)), (self.shop,)).fetchone()[0]

    def _remember(self, stream: Stream, started: datetime, ids: int, marked: int) -> None:
        self.conn.execute(
            """insert into ops.deletion_sweeps (shop, stream, swept_at, last_run_id, ids_seen, rows_marked)
               values (%s, %s, %s, %s, %s, %s)
               on conflict (shop, stream) do update
               set swept_at = excluded.swept_at, last_run_id = excluded.last_run_id,
                   ids_seen = excluded.ids_seen, rows_marked = excluded.rows_marked""",
            (self.shop, stream.name, started, self.run_id, ids, marked),
        )
