"""Create and evolve the warehouse: the static DDL files, then one staging table per stream.

Everything here is idempotent and runs under an advisory lock, so parallel tasks (or two shops)
can call it at the start of every run.
"""

from __future__ import annotations

import psycopg
from psycopg import sql

from shopify_elt.streams import STREAMS, Stream
from shopify_elt.warehouse import SQL_DIR, run_file

DDL_LOCK = 727_001  # pg_advisory_xact_lock key: one schema migration at a time

CHANGE_ROOTS = ("orders", "customers")
"""The streams whose records the core build rebuilds one by one: a change to a staged record or to
any of its children queues the record (``ops.staging_changes``, include/sql/ddl/027_transform.sql)."""

_CHANGE_EVENTS = (("insert", "new"), ("update", "new"), ("delete", "old"))


def staging_ddl(stream: Stream) -> list[sql.Composed]:
    """The statements creating ``staging.shopify_<stream>`` (and adding new promoted columns)."""
    table = sql.Identifier("staging", stream.table)
    columns = [sql.SQL("_shop text not null"), sql.SQL("id text not null")]
    if stream.parent is not None:
        columns.append(sql.SQL("_parent_id text not null"))
    columns += [sql.SQL("{} {}").format(sql.Identifier(c.name), sql.SQL(c.pg_type)) for c in stream.columns]
    columns += [
        sql.SQL("_raw jsonb not null"),
        sql.SQL("_extracted_at timestamptz not null"),
        sql.SQL("_run_id text not null"),
        sql.SQL("_deleted_at timestamptz"),
        sql.SQL("primary key (_shop, id)"),
    ]
    statements = [sql.SQL("create table if not exists {} ({})").format(table, sql.SQL(", ").join(columns))]
    statements += [
        sql.SQL("alter table {} add column if not exists {} {}").format(
            table, sql.Identifier(c.name), sql.SQL(c.pg_type)
        )
        for c in stream.columns
    ]
    # Shopify deleted the record (or what it belongs to): the row stays, as history, marked.
    statements.append(sql.SQL("alter table {} add column if not exists _deleted_at timestamptz").format(table))
    if stream.parent is not None:
        statements.append(
            sql.SQL("create index if not exists {} on {} (_shop, _parent_id)").format(
                sql.Identifier(f"{stream.table}_parent"), table
            )
        )
    statements += [
        sql.SQL("create index if not exists {} on {} (_shop, {})").format(
            sql.Identifier(f"{stream.table}_{column}"), table, sql.Identifier(column)
        )
        for column in stream.indexed
    ]
    return statements + change_triggers(stream)


def change_triggers(stream: Stream) -> list[sql.Composed]:
    """Statement triggers queueing the records whose staged rows a statement changed (inserted,
    updated or deleted): on a root's table by ``id``, on its children's by ``_parent_id``."""
    if stream.name in CHANGE_ROOTS:
        root, key = stream.name, "id"
    elif stream.parent in CHANGE_ROOTS:
        root, key = stream.parent, "_parent_id"
    else:
        return []
    return [
        sql.SQL(
            "create or replace trigger {name} after {event} on {table} referencing {side} table as changed_rows"
            " for each statement execute function ops.queue_staging_changes({root}, {key})"
        ).format(
            name=sql.Identifier(f"queue_staging_changes_on_{event}"),
            event=sql.SQL(event),
            table=sql.Identifier("staging", stream.table),
            side=sql.SQL(side),
            root=sql.Literal(root),
            key=sql.Literal(key),
        )
        for event, side in _CHANGE_EVENTS
    ]


def ensure_schema(conn: psycopg.Connection) -> None:
    """Apply ``include/sql/ddl/*.sql`` in name order, the staging tables of the registry, then
    the rule views of ``include/sql/rules/`` (they read staging and core)."""
    with conn.transaction(), conn.cursor() as cur:
        cur.execute("select pg_advisory_xact_lock(%s)", (DDL_LOCK,))
        for path in sorted((SQL_DIR / "ddl").glob("*.sql")):
            run_file(conn, f"ddl/{path.name}")
        for stream in STREAMS:
            for statement in staging_ddl(stream):
                cur.execute(statement)
        for path in sorted((SQL_DIR / "rules").glob("*.sql")):
            run_file(conn, f"rules/{path.name}")
