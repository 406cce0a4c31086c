"""Extract one stream from Shopify into staging, incrementally by ``updatedAt`` windows.

A run reads the window [watermark − overlap, now − lag] (overlap for ties and clock skew, lag
because Shopify's search index trails writes), merges every page into staging, and advances
the watermark to the window's end in the same transaction that commits the rows. A failed run
leaves the watermark where it was, so the re-run reads the same window again.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
from psycopg import sql

from shopify_elt.deletions import apply_deletions
from shopify_elt.hooks.shopify import ShopifyHook
from shopify_elt.load import StagingWriter
from shopify_elt.records import TruncatedList, mark_holder, nested_items
from shopify_elt.streams import STREAMS_BY_NAME, Stream, children_of, load_document

log = logging.getLogger(__name__)

PARENT_DONE: dict[str, Any] = {}
"""Marker yielded after the last child of a parent (nested streams replace children per parent)."""
PARENT_TRUNCATED: dict[str, Any] = {}
"""Marker yielded instead of a parent's children when they do not fit in one page."""


@dataclass(frozen=True)
class Window:
    """The ``updated_at`` range one run reads; ``start`` is ``None`` on the first run."""

    start: datetime | None
    end: datetime

    def search(self, field: str) -> str:
        """Shopify search syntax for the window, e.g. ``updated_at:>='…' AND updated_at:<='…'``."""
        end = f"{field}:<='{search_time(self.end)}'"
        return end if self.start is None else f"{field}:>='{search_time(self.start)}' AND {end}"


def search_time(moment: datetime) -> str:
    """A moment as Shopify's search syntax compares it: UTC, to the second (``2026-01-01T00:00:00Z``)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def legacy_id(gid: str) -> str:
    """The number at the end of a global id (``gid://shopify/Order/7`` → ``7``), as searches name it."""
    return gid.rsplit("/", 1)[-1]


def any_of(field_name: str, gids: Iterable[str]) -> str:
    """``(id:1 OR id:2)``: Shopify's search syntax for "one of these ids" (parenthesised, since the
    extractor ANDs it with a stream's own terms)."""
    return "(" + " OR ".join(f"{field_name}:{legacy_id(g)}" for g in sorted(gids)) + ")"


def chunks(items: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    """``items`` in consecutive runs of at most ``size`` (ids per search)."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def plan_window(watermark: datetime | None, now: datetime, overlap: timedelta, lag: timedelta) -> Window:
    """The window to read: from the watermark minus the overlap up to now minus the lag."""
    end = now - lag
    start = None if watermark is None else min(watermark - overlap, end)
    return Window(start, end)


def lock_stream(conn: psycopg.Connection, shop: str, stream: str) -> None:
    """Hold the (shop, stream) pair until the transaction ends: one extraction (or deletion
    sweep) of a stream at a time."""
    conn.execute("select pg_advisory_xact_lock(hashtextextended(%s, 0))", (f"extract:{shop}:{stream}",))


def try_lock_stream(conn: psycopg.Connection, shop: str, stream: str) -> bool:
    """``lock_stream`` without waiting: False when another transaction holds the stream (a writer
    that can come back later, like the webhook merge, does not queue behind a long backfill)."""
    row = conn.execute("select pg_try_advisory_xact_lock(hashtextextended(%s, 0))", (f"extract:{shop}:{stream}",))
    return bool(row.fetchone()[0])


def read_watermark(conn: psycopg.Connection, shop: str, stream: str) -> datetime | None:
    """The stored watermark. The (shop, stream) pair is locked until the transaction ends, so
    two runs can never extract the same stream at once, even before its first watermark."""
    lock_stream(conn, shop, stream)
    with conn.cursor() as cur:
        cur.execute("select watermark from ops.stream_state where shop = %s and stream = %s", (shop, stream))
        row = cur.fetchone()
    return row[0] if row else None


def write_watermark(conn: psycopg.Connection, shop: str, stream: str, window: Window | None, run_id: str, rows: int):
    with conn.cursor() as cur:
        cur.execute(
            """insert into ops.stream_state (shop, stream, watermark, last_run_id, rows_seen, updated_at)
               values (%s, %s, %s, %s, %s, now())
               on conflict (shop, stream) do update
               set watermark = excluded.watermark, last_run_id = excluded.last_run_id,
                   rows_seen = excluded.rows_seen, updated_at = now()""",
            (shop, stream, window.end if window else None, run_id, rows),
        )


def parent_ids(conn: psycopg.Connection, shop: str, stream: Stream) -> list[str]:
    """The staged parents a per-parent stream is read for; a parent marked deleted has none left."""
    parent = STREAMS_BY_NAME[stream.parent or ""]
    with conn.cursor() as cur:
        cur.execute(
            sql.SQL("select id from {} where _shop = %s and _deleted_at is null order by id").format(
                sql.Identifier("staging", parent.table)
            ),
            (shop,),
        )
        return [row[0] for row in cur.fetchall()]


@dataclass
class StreamExtractor:
    """Runs the extraction of one top-level stream (and the children embedded in its pages)."""

    hook: ShopifyHook
    conn: psycopg.Connection
    shop: str
    run_id: str
    overlap: timedelta = timedelta(minutes=5)
    lag: timedelta = timedelta(seconds=30)
    page_size: int | None = None

    def run(self, stream: Stream, now: datetime | None = None) -> dict[str, dict[str, int]]:
        """Extract ``stream``; returns load counts per stream name (the stream and its children)."""
        now = now or datetime.now(UTC)
        with self.conn.transaction():
            window = None
            if stream.is_incremental:
                window = plan_window(read_watermark(self.conn, self.shop, stream.name), now, self.overlap, self.lag)
            else:
                read_watermark(self.conn, self.shop, stream.name)  # lock: one run per stream
            search = window.search(stream.search_field) if window else None
            writer, *children = self.stage(stream, self.records(stream, search))
            if stream.applies_deletions:
                writer.counts.deleted += apply_deletions(self.conn, self.shop)
            write_watermark(self.conn, self.shop, stream.name, window, self.run_id, writer.counts.extracted)
        log.info("%s: %s (window %s)", stream.name, writer.counts.as_dict(), window)
        return {w.stream.name: w.counts.as_dict() for w in (writer, *children)}

    def stage(self, stream: Stream, records: Iterator[tuple[str | None, dict[str, Any]]]) -> list[StagingWriter]:
        """Merge ``records`` (and the children embedded in them) into staging; returns the
        writers, the stream's first. Shared by the hourly run and the paginated part of backfills."""
        writer = StagingWriter(self.conn, stream, self.shop, self.run_id)
        children = {c.name: StagingWriter(self.conn, c, self.shop, self.run_id) for c in children_of(stream.name)}
        for parent_id, record in records:
            if record is PARENT_DONE:
                writer.parent_seen(parent_id or "")
                continue
            if record is PARENT_TRUNCATED:
                writer.reject({"id": parent_id}, f"{stream.nested_in} has more than one page: raise its page size")
                continue
            embedded = {
                c.name: record.pop(c.embedded_as or "", None) if isinstance(record, dict) else None
                for c in children_of(stream.name)
            }
            if writer.add(record, parent_id):  # children of a rejected record have no parent to join
                for child in children_of(stream.name):
                    self._stage_children(child, record["id"], embedded[child.name], children[child.name])
        for w in (writer, *children.values()):
            w.flush()
        return [writer, *children.values()]

    # ------------------------------------------------------------------ reading
    def records(
        self, stream: Stream, search: str | None, parents: list[str] | None = None
    ) -> Iterator[tuple[str | None, dict[str, Any]]]:
        """The stream's records (``search`` narrows them, e.g. to a window), with parent ids.

        ``parents``: for a stream read per parent row, only these parents (the webhook merge reads
        the levels it was told of at one location) instead of every staged one."""
        variables: dict[str, Any] = dict(stream.extra_variables)
        terms = [t for t in (stream.base_query, search) if t]
        if terms:
            variables["query"] = " AND ".join(terms)
        if not stream.is_connection:
            data: Any = self.hook.graphql(stream.document).data
            for key in stream.path:
                data = data[key]
            yield None, data
            return
        if stream.parent is None:
            for node in self._pages(stream, variables):
                self._complete(stream, node)
                yield None, node
            return
        if stream.nested_in is not None:
            yield from self._nested(stream, variables)
            return
        for parent_id in parents if parents is not None else parent_ids(self.conn, self.shop, stream):
            for node in self._pages(stream, {**variables, "parentId": parent_id}):
                yield parent_id, node

    def _nested(self, stream: Stream, variables: dict[str, Any]) -> Iterator[tuple[str | None, dict[str, Any]]]:
        """The items of each parent's list (or one-page connection) in the parent window.

        After a parent's items comes ``PARENT_DONE``, so its set can be replaced; a connection
        with more pages than one (and no continuation) comes back as ``PARENT_TRUNCATED``
        instead: the parent's previous set is kept and the parent is rejected with the reason,
        nothing half-staged. The parent's own connections listed in ``continuations`` (an
        order's line items) are completed first, so lists under them are read whole.
        """
        path = stream.nested_path
        for parent in self._pages(stream, variables):
            parent_id = parent.get("id") if isinstance(parent, dict) else None
            if not isinstance(parent_id, str):
                continue  # the parent stream rejects such a record; it owns no children here
            self._complete(stream, parent)
            try:
                items = nested_items(parent, path)
            except TruncatedList:
                yield parent_id, PARENT_TRUNCATED
                continue
            for owner, index, item in items:
                mark_holder(stream, item, owner, index)
                yield parent_id, item
            yield parent_id, PARENT_DONE

    def _complete(self, stream: Stream, record: Any) -> None:
        """Fetch the pages past the first of each nested connection the stream continues."""
        if not isinstance(record, dict) or not isinstance(record.get("id"), str):
            return
        for continuation in stream.continuations:
            connection = record.get(continuation.field)
            info = (connection or {}).get("pageInfo") or {} if isinstance(connection, dict) else {}
            if not info.get("hasNextPage") or not info.get("endCursor"):
                continue
            variables = {"parentId": record["id"], "after": info["endCursor"]}
            for nodes in self.hook.paginate(load_document(continuation.document), variables, continuation.path):
                connection["nodes"].extend(nodes)
            connection["pageInfo"] = {"hasNextPage": False, "endCursor": None}

    def _pages(self, stream: Stream, variables: dict[str, Any]) -> Iterator[dict[str, Any]]:
        size = min(stream.page_size, self.page_size or stream.page_size)
        for nodes in self.hook.paginate(stream.document, variables, stream.path, page_size=size):
            yield from nodes

    def _stage_children(
        self, child: Stream, parent_id: str, connection: dict[str, Any] | None, writer: StagingWriter
    ) -> None:
        """Stage a child connection embedded in its parent's page (completed by ``_complete``)."""
        for node in (connection or {}).get("nodes") or []:
            writer.add(node, parent_id)
        writer.parent_seen(parent_id)
