"""Backfill history with bulk operations, one window of creation dates at a time.

Windows partition the store by ``created_at``, which never changes, so a set of windows covers
every record exactly once whatever happens to ``updated_at`` meanwhile. Each window is read by
one bulk job (``shopify_elt.bulk_query`` renders it from the stream's own documents, so the
rows equal an hourly run's) and merged through the same ``StagingWriter``:

* a job that FAILS keeps what it wrote: its partial file is a prefix of the window by creation
  time, so its complete records are loaded and a new job continues after them;
* a job that fails without progress, or runs longer than ``job_timeout``, is canceled and its
  window split in two, down to ``min_span``;
* every job's rows commit with ``ops.backfill_windows.loaded_until``, so a killed run resumes
  where the last commit left it; the hourly watermark (``ops.stream_state``) is never touched;
* orders older than 60 days need ``read_all_orders``; without it Shopify silently returns
  nothing older, so the backfill refuses to run and says so.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import chain
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from shopify_elt.bulk import BulkExport, BulkOperationFailed, BulkOperationSlow, read_jsonl
from shopify_elt.bulk_query import TYPENAME, bulk_children, paged_children, paged_heads, render
from shopify_elt.errors import ShopifyScopeError, ShopifyServerError
from shopify_elt.extract import PARENT_DONE, StreamExtractor, any_of, chunks, lock_stream, search_time
from shopify_elt.hooks.shopify import ShopifyHook
from shopify_elt.load import LoadCounts, StagingWriter
from shopify_elt.records import RecordError, mark_holder, parse_timestamp
from shopify_elt.streams import Stream, load_document

log = logging.getLogger(__name__)

READ_ALL_ORDERS_AGE = timedelta(days=60)
ID_BATCH = 50
"""Records per paged read of the children bulk cannot carry (``id:1 OR id:2 …``)."""
ACCESS_SCOPES = load_document("access_scopes")


@dataclass(frozen=True)
class Span:
    """A half-open range of creation times ``[start, end)``."""

    start: datetime
    end: datetime

    def search(self) -> str:
        return f"created_at:>='{search_time(self.start)}' AND created_at:<'{search_time(self.end)}'"

    def halves(self) -> list[Span]:
        middle = self.start + (self.end - self.start) / 2
        middle = middle.replace(microsecond=0)
        return [Span(self.start, middle), Span(middle, self.end)]

    @property
    def length(self) -> timedelta:
        return self.end - self.start


def plan_spans(start: datetime, end: datetime, days: float) -> list[Span]:
    """``[start, end)`` cut into windows of ``days`` (the last one shorter)."""
    if not start < end:
        raise ValueError(f"backfill start {start} must be before its end {end}")
    step, spans, cursor = timedelta(days=days), [], start
    while cursor < end:
        spans.append(Span(cursor, min(end, cursor + step)))
        cursor += step
    return spans


@dataclass
class WindowResult:
    """What one window's backfill did."""

    counts: dict[str, LoadCounts] = field(default_factory=dict)
    jobs: int = 0
    failed_jobs: int = 0
    resumed_from: datetime | None = None

    def add(self, writers: list[StagingWriter]) -> None:
        for writer in writers:
            self.counts.setdefault(writer.stream.name, LoadCounts()).add(writer.counts)

    def as_dict(self) -> dict[str, Any]:
        return {
            "streams": {name: c.as_dict() for name, c in self.counts.items()},
            "jobs": self.jobs,
            "failed_jobs": self.failed_jobs,
            "resumed_from": self.resumed_from.isoformat() if self.resumed_from else None,
        }


@dataclass
class Backfill:
    """Backfills one shop's bulk streams into staging."""

    hook: ShopifyHook
    conn: psycopg.Connection
    shop: str
    run_id: str
    exporter: BulkExport | None = None
    job_timeout: timedelta = timedelta(hours=1)
    min_span: timedelta = timedelta(hours=1)
    now: Callable[[], datetime] = lambda: datetime.now(UTC)

    def __post_init__(self) -> None:
        self.exporter = self.exporter or BulkExport(self.hook)

    def run(self, stream: Stream, window: Span) -> WindowResult:
        """Backfill ``stream`` (with its children) for records created in ``window``."""
        self._check_scopes(stream, window)
        result = WindowResult()
        start = self._begin(stream, window)
        if start > window.start:
            result.resumed_from = start
            log.info("%s %s: resuming after the rows committed up to %s", stream.name, window, start)
        pending = [Span(start, window.end)] if start < window.end else []
        while pending:
            span = pending.pop(0)
            result.jobs += 1
            read_at = datetime.now(UTC)  # the job's snapshot is no older than this: rows carry it as their read time
            try:
                status = self._job(stream, span)
            except (BulkOperationFailed, BulkOperationSlow, ShopifyServerError) as failure:
                result.failed_jobs += 1
                partial_url = failure.partial_url if isinstance(failure, BulkOperationFailed) else None
                cut = (
                    self._load(stream, window, span, partial_url, read_at, result, partial=True)
                    if partial_url
                    else None
                )
                if cut is not None and cut > span.start:
                    log.warning("%s %s: %s; kept its records before %s, continuing", stream.name, span, failure, cut)
                    pending.insert(0, Span(cut, span.end))
                elif span.length / 2 >= self.min_span:
                    log.warning("%s %s: %s; splitting the window", stream.name, span, failure)
                    pending[0:0] = span.halves()
                else:
                    raise
                continue
            self._load(stream, window, span, status["url"], read_at, result, partial=False)
        self._finish(stream, window, result)
        log.info("%s %s: %s", stream.name, window, result.as_dict())
        return result

    # ------------------------------------------------------------------ jobs
    def _check_scopes(self, stream: Stream, window: Span) -> None:
        if stream.name != "orders" or window.start >= self.now() - READ_ALL_ORDERS_AGE:
            return
        data = self.hook.graphql(ACCESS_SCOPES).data
        granted = {s["handle"] for s in data["currentAppInstallation"]["accessScopes"]}
        if "read_all_orders" not in granted:
            cutoff = search_time(self.now() - READ_ALL_ORDERS_AGE)
            raise ShopifyScopeError(
                f"orders created before {cutoff} need the read_all_orders scope, "
                f"which this app lacks: Shopify would silently return only the last 60 days. Grant it (request "
                f"access in the Partner Dashboard) or start the backfill within the last 60 days.",
            )

    def _job(self, stream: Stream, span: Span) -> dict[str, Any]:
        """Run one bulk job for ``span``; a job slower than ``job_timeout`` is canceled."""
        exporter = self.exporter
        assert exporter is not None
        operation = exporter.submit(render(stream, span.search()), group_objects=True)
        try:
            return exporter.wait(operation, timeout_seconds=self.job_timeout.total_seconds())
        except BulkOperationSlow:
            exporter.cancel(operation)
            raise

    # ------------------------------------------------------------------ loading
    def _load(
        self,
        stream: Stream,
        window: Span,
        span: Span,
        url: str | None,
        read_at: datetime,
        result: WindowResult,
        *,
        partial: bool,
    ) -> datetime | None:
        """Merge one job's file into staging and commit it with the window's progress.

        Returns how far the window is now loaded: ``span.end`` for a complete file; for a partial
        one, the creation time of its last record, which may be cut (that record and any created
        at the same second are read again by the next job; merges are idempotent).
        """
        with self.conn.transaction():
            self._lock(stream)
            carried = (stream, *bulk_children(stream))
            writers = {s.name: StagingWriter(self.conn, s, self.shop, self.run_id, read_at) for s in carried}
            routes = {t: c for c in bulk_children(stream) for t in c.node_types}
            cut = span.end
            heads: dict[str, tuple[list[str], list[str]]] = {head: ([], []) for head in paged_heads(stream)}
            if url:
                groups = _groups(read_jsonl(url, partial=partial))
                last: list[dict[str, Any]] | None = None
                for group in groups:
                    if last is not None:
                        self._stage(stream, last, writers, routes, heads)
                    last = group
                if last is not None and partial:
                    cut = _created(last[0]) or span.start  # its children may be cut off: read it again
                elif last is not None:
                    self._stage(stream, last, writers, routes, heads)
                elif partial:
                    cut = span.start
            for writer in writers.values():
                writer.flush()
            result.add(list(writers.values()))
            done = Span(span.start, cut)
            if done.length > timedelta(0):
                extractor = StreamExtractor(self.hook, self.conn, self.shop, self.run_id)
                for child in paged_children(stream):
                    if child.nested_path[0] not in heads:
                        result.add(extractor.stage(child, extractor.records(child, done.search())))
                        continue
                    holders, empty = heads[child.nested_path[0]]
                    records = chain(
                        *(extractor.records(child, _among(done, batch)) for batch in chunks(holders, ID_BATCH)),
                        ((record_id, PARENT_DONE) for record_id in empty),  # an empty list replaces the set too
                    )
                    result.add(extractor.stage(child, records))
            self._progress(stream, window, cut, result)
        return cut

    def _stage(
        self,
        stream: Stream,
        group: list[dict[str, Any]],
        writers: dict[str, StagingWriter],
        routes: dict[str, Stream],
        heads: dict[str, tuple[list[str], list[str]]],
    ) -> None:
        """One root record and its children: lists inline in its line (transactions, tax lines),
        connection nodes on the lines after it (line items, shipping lines, discount
        applications), and lists inline in those (a line item's tax lines and allocations)."""
        root, *nested = group
        root.pop(TYPENAME, None)
        children = bulk_children(stream)
        inline = {c.name: root.pop(c.nested_in, None) for c in children if _inline_in(c, None)}
        markers = {head: root.pop(head, None) for head in heads}
        if not writers[stream.name].add(root):
            return  # rejected: its children have no parent to join
        parent_id = root["id"]
        for head, marker in markers.items():
            heads[head][0 if marker else 1].append(parent_id)
        for child in children:
            if child.name in inline:
                self._add_list(child, inline[child.name], parent_id, parent_id, writers)
        positions: dict[str, int] = {}
        for line in nested:
            typename = line.get(TYPENAME)
            child = routes.get(typename or "")
            if child is None or line.pop("__parentId", None) != parent_id:
                writers[stream.name].reject(line, f"unexpected bulk line {typename} under {parent_id}")
                continue
            if "__typename" not in child.document:
                line.pop(TYPENAME)
            lists = {c.name: line.pop(c.nested_path[1], None) for c in children if _inline_in(c, child)}
            mark_holder(child, line, parent_id, positions.setdefault(child.name, 0))
            positions[child.name] += 1
            if writers[child.name].add(line, parent_id):
                for grandchild in children:
                    if grandchild.name in lists:
                        self._add_list(grandchild, lists[grandchild.name], line["id"], parent_id, writers)
        for child in children:
            writers[child.name].parent_seen(parent_id)

    @staticmethod
    def _add_list(stream: Stream, items: Any, holder: str, parent_id: str, writers: dict[str, StagingWriter]) -> None:
        for index, item in enumerate(items or []):
            mark_holder(stream, item, holder, index)
            writers[stream.name].add(item, parent_id)

    # ------------------------------------------------------------------ progress
    def _lock(self, stream: Stream) -> None:
        """The hourly run's per-stream locks, in one order: never two writers on a stream at once."""
        for name in sorted({stream.name, *(c.name for c in (*bulk_children(stream), *paged_children(stream)))}):
            lock_stream(self.conn, self.shop, name)

    def _begin(self, stream: Stream, window: Span) -> datetime:
        """Where this window starts: after the last commit of an unfinished run, else at its start."""
        with self.conn.transaction(), self.conn.cursor() as cur:
            cur.execute(
                """insert into ops.backfill_windows
                       (shop, stream, window_start, window_end, status, loaded_until, run_id)
                   values (%s, %s, %s, %s, 'running', %s, %s)
                   on conflict (shop, stream, window_start, window_end) do update
                   set status = 'running', run_id = excluded.run_id, finished_at = null,
                       loaded_until = case when ops.backfill_windows.status = 'running'
                                           then ops.backfill_windows.loaded_until else excluded.loaded_until end
                   returning loaded_until""",
                (self.shop, stream.name, window.start, window.end, window.start, self.run_id),
            )
            return cur.fetchone()[0]

    def _progress(self, stream: Stream, window: Span, loaded_until: datetime, result: WindowResult) -> None:
        """Committed with the rows: how far the window is loaded, and this run's jobs so far."""
        with self.conn.cursor() as cur:
            cur.execute(
                """update ops.backfill_windows
                   set loaded_until = greatest(loaded_until, %s), jobs = %s, failed_jobs = %s, rows = %s
                   where shop = %s and stream = %s and window_start = %s and window_end = %s""",
                (loaded_until, result.jobs, result.failed_jobs, Jsonb(result.as_dict()["streams"]), self.shop,
                 stream.name, window.start, window.end),
            )  # fmt: skip

    def _finish(self, stream: Stream, window: Span, result: WindowResult) -> None:
        with self.conn.transaction(), self.conn.cursor() as cur:
            cur.execute(
                """update ops.backfill_windows
                   set status = 'done', loaded_until = window_end, finished_at = now(), rows = %s
                   where shop = %s and stream = %s and window_start = %s and window_end = %s""",
                (Jsonb(result.as_dict()["streams"]), self.shop, stream.name, window.start, window.end),
            )


def _inline_in(child: Stream, holder: Stream | None) -> bool:
    """Whether ``child`` is a plain list inside the lines of ``holder`` (``None``: the root's)."""
    if child.nested_in is None or child.node_types:
        return False
    path = child.nested_path
    if holder is None:
        return len(path) == 1
    return len(path) == 2 and path[0] == (holder.embedded_as or holder.nested_in)


def _among(span: Span, gids: Sequence[str]) -> str:
    """Search terms for the records of ``gids`` (within ``span``, which keeps the scan narrow)."""
    return f"{span.search()} AND {any_of('id', gids)}"


def _groups(lines: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    """Each root line with the lines that follow it (its children, as ``groupObjects`` writes them)."""
    group: list[dict[str, Any]] = []
    for line in lines:
        if "__parentId" not in line and group:
            yield group
            group = []
        group.append(line)
    if group:
        yield group


def _created(record: dict[str, Any]) -> datetime | None:
    try:
        return parse_timestamp(record.get("createdAt"))
    except RecordError:
        return None
