"""Apply Shopify's destroy events to staging: the record and every row that belongs to it.

Rendered from the registry, so a new child stream of orders (``parent="orders"``) is deleted
with its order without anyone editing SQL. Idempotent: an applied deletion deletes nothing.
"""

from __future__ import annotations

import psycopg
from psycopg import sql

from shopify_elt.streams import STREAMS, STREAMS_BY_NAME

SUBJECTS: dict[str, str] = {"ORDER": "orders", "PRODUCT": "products", "CUSTOMER": "customers"}
"""``BasicEvent.subjectType`` -> the stream holding that record."""
REFERENCES: dict[str, tuple[tuple[str, str], ...]] = {"products": (("product_variants", "product_id"),)}
"""Rows that point at a record through a promoted column rather than through ``_parent_id``."""

_DELETE = """delete from {target} as t
using staging.shopify_deletion_events as e
where e._shop = %(shop)s and t._shop = e._shop and e.subject_type = %(subject)s and t.{column} = e.subject_id"""


def statements() -> list[tuple[str, sql.Composed]]:
    """(subject type, delete statement) for each record table and every table that hangs off it."""
    rendered = []
    for subject, name in SUBJECTS.items():
        targets = [(name, "id")]
        targets += [(s.name, "_parent_id") for s in STREAMS if s.parent == name]
        targets += list(REFERENCES.get(name, ()))
        for stream, column in targets:
            rendered.append(
                (
                    subject,
                    sql.SQL(_DELETE).format(
                        target=sql.Identifier("staging", STREAMS_BY_NAME[stream].table), column=sql.Identifier(column)
                    ),
                )
            )
    return rendered


def apply_deletions(conn: psycopg.Connection, shop: str) -> int:
    """Delete what the shop's destroy events name; returns the rows deleted."""
    deleted = 0
    with conn.cursor() as cur:
        for subject, statement in statements():
            cur.execute(statement, {"shop": shop, "subject": subject})
            deleted += max(cur.rowcount, 0)
    return deleted
