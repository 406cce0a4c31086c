"""Land pages of Shopify records in staging: COPY into a temp table, then one idempotent merge.

A merge only touches rows whose raw record changed (``IS DISTINCT FROM``), never lets an older
version of a record overwrite a newer one, and, for child streams, replaces the children of
every parent in the batch as a set. Malformed records go to ``ops.rejects`` with their reason.

``_deleted_at`` is not the loader's to set: deletion events and sweeps mark rows
(``shopify_elt.deletions``, ``shopify_elt.sweep``). The merge clears a mark only when the record
comes back, i.e. was read from Shopify *after* the time of the mark (``_extracted_at >
_deleted_at``): a read that started before the deletion (an extract running beside the
deletion events) updates the row's history and leaves the mark alone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import psycopg
from psycopg import sql

from shopify_elt.records import RecordError, record_key, to_row
from shopify_elt.streams import Stream

FLUSH_ROWS = 2000


@dataclass
class LoadCounts:
    """What one stream's load did to staging."""

    extracted: int = 0
    inserted: int = 0
    updated: int = 0
    deleted: int = 0
    rejected: int = 0

    def add(self, other: LoadCounts) -> None:
        for name in ("extracted", "inserted", "updated", "deleted", "rejected"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


@dataclass
class StagingWriter:
    """Buffers rows of one stream and merges them into staging in batches of ``FLUSH_ROWS``.

    The caller owns the transaction: ``flush`` does not commit, so the watermark can be
    advanced in the same transaction as the last rows.
    """

    conn: psycopg.Connection
    stream: Stream
    shop: str
    run_id: str
    read_at: datetime | None = None
    """When Shopify's answer was taken (a bulk job's start); ``None``: now, as each record arrives."""
    counts: LoadCounts = field(default_factory=LoadCounts)
    _rows: list[tuple[Any, ...]] = field(default_factory=list)
    _parents: set[str] = field(default_factory=set)
    _temp_ready: bool = False

    @property
    def columns(self) -> list[str]:
        names = ["_shop", "id"]
        if self.stream.parent is not None:
            names.append("_parent_id")
        names += [c.name for c in self.stream.columns]
        return names + ["_raw", "_extracted_at", "_run_id"]

    def add(self, record: dict[str, Any], parent_id: str | None = None) -> bool:
        """Stage one raw record, or reject it with its reason; says whether it was staged."""
        self.counts.extracted += 1
        try:
            row = to_row(self.stream, record, parent_id)
        except RecordError as error:
            self.reject(record, str(error))
            return False
        extracted_at = self.read_at or datetime.now(UTC)
        values = [self.shop, *row.values(), json.dumps(record), extracted_at, self.run_id]
        self._rows.append(tuple(values))
        if self.stream.parent is None and len(self._rows) >= FLUSH_ROWS:
            self.flush()
        return True

    def parent_seen(self, parent_id: str) -> None:
        """Declare that every child of ``parent_id`` has been added (even if none).

        Child streams flush only here, at a parent boundary, so that the set replacement in
        ``flush`` always sees all children of the parents it replaces.
        """
        self._parents.add(parent_id)
        if len(self._rows) >= FLUSH_ROWS:
            self.flush()

    def reject(self, record: Any, reason: str) -> None:
        key = record_key(self.stream, record) or (record.get("id") if isinstance(record, dict) else None)
        key = key if isinstance(key, str) else json.dumps(record, sort_keys=True)[:200]
        with self.conn.cursor() as cur:
            cur.execute(
                """insert into ops.rejects (run_id, shop, stage, object_name, record_key, reason, record)
                   values (%s, %s, 'extract', %s, %s, %s, %s)
                   on conflict (run_id, shop, stage, object_name, record_key) do nothing""",
                (self.run_id, self.shop, self.stream.table, key, reason, json.dumps(record)),
            )
        self.counts.rejected += 1

    def flush(self) -> None:
        """COPY the buffer into a temp table and merge it into staging."""
        if not self._rows and not self._parents:
            return
        temp = sql.Identifier(f"_load_{self.stream.table}")
        target = sql.Identifier("staging", self.stream.table)
        with self.conn.cursor() as cur:
            if not self._temp_ready:
                cur.execute(sql.SQL("create temp table if not exists {} (like {})").format(temp, target))
                self._temp_ready = True
            cur.execute(sql.SQL("truncate {}").format(temp))
            column_list = sql.SQL(", ").join(map(sql.Identifier, self.columns))
            with cur.copy(sql.SQL("copy {} ({}) from stdin").format(temp, column_list)) as copy:
                for row in self._rows:
                    copy.write_row(row)
            cur.execute(self._merge_sql(temp, target))
            for (inserted,) in cur.fetchall():
                if inserted:
                    self.counts.inserted += 1
                else:
                    self.counts.updated += 1
            if self.stream.parent is not None and self._parents:
                cur.execute(
                    sql.SQL(
                        """delete from {target} as t
                           where t._shop = %s and t._parent_id = any(%s)
                             and not exists (select 1 from {temp} as n where n.id = t.id)"""
                    ).format(target=target, temp=temp),
                    (self.shop, list(self._parents)),
                )
                self.counts.deleted += cur.rowcount
        self._rows.clear()
        self._parents.clear()

    def _merge_sql(self, temp: sql.Identifier, target: sql.Identifier) -> sql.Composed:
        columns = self.columns
        back = sql.SQL("{}._deleted_at < excluded._extracted_at").format(target)  # read after the mark
        updates = sql.SQL(", ").join(
            [
                *(sql.SQL("{0} = excluded.{0}").format(sql.Identifier(c)) for c in columns if c not in ("_shop", "id")),
                sql.SQL("_deleted_at = case when {} then null else {}._deleted_at end").format(back, target),
            ]
        )
        newest_first = sql.SQL("")
        guard = sql.SQL("")
        if self.stream.cursor_field is not None and any(c.name == "updated_at" for c in self.stream.columns):
            newest_first = sql.SQL(", updated_at desc")
            guard = sql.SQL(" and excluded.updated_at >= {}.updated_at").format(target)
        return sql.SQL(
            """insert into {target} ({columns})
               select distinct on (_shop, id) {columns} from {temp} order by _shop, id{newest_first}
               on conflict (_shop, id) do update set {updates}
               where ({target}._raw is distinct from excluded._raw
                      or {back}){guard}
               returning (xmax = 0) as inserted"""
        ).format(
            target=target,
            temp=temp,
            columns=sql.SQL(", ").join(map(sql.Identifier, columns)),
            newest_first=newest_first,
            updates=updates,
            back=back,
            guard=guard,
        )
