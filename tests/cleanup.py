"""Tests share one warehouse per session; those that stage shops of their own remove them after."""

from __future__ import annotations

from psycopg import sql

from shopify_elt.streams import STREAMS

OPS_TABLES = {"stream_state": "shop", "rejects": "shop", "backfill_windows": "shop", "sync_runs": "shop"}


def forget_shops(conn, pattern: str) -> None:
    """Delete every staging and ops row of the shops matching the LIKE ``pattern``."""
    for stream in STREAMS:
        conn.execute(
            sql.SQL("delete from {} where _shop like %s").format(sql.Identifier("staging", stream.table)), (pattern,)
        )
    for table, column in OPS_TABLES.items():
        conn.execute(
            sql.SQL("delete from {} where {} like %s").format(sql.Identifier("ops", table), sql.Identifier(column)),
            (pattern,),
        )
