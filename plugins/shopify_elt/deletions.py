"""Mark deleted records in staging: Shopify's destroy events, and what belongs to a marked row.

A row is never dropped for a deletion: ``_deleted_at`` says when Shopify deleted it, the row keeps
the record's last known version as history, and the core build ignores it. Idempotent: a row
keeps its first deletion time, and re-applying every event each run marks nothing new (it only
re-marks a row whose mark a racing extract cleared, see ``shopify_elt.load``).

What belongs to a record is rendered from the registry (children by ``_parent_id``, transitively)
plus ``REFERENCES``, so a new child stream of orders is marked with its order without anyone
editing SQL.
"""

from __future__ import annotations

import psycopg
from psycopg import sql

from shopify_elt.streams import STREAMS, STREAMS_BY_NAME

SUBJECTS: dict[str, str] = {"ORDER": "orders", "PRODUCT": "products", "CUSTOMER": "customers"}
"""``BasicEvent.subjectType`` -> the stream holding that record."""
REFERENCES: dict[str, tuple[tuple[str, str], ...]] = {
    "products": (("product_variants", "product_id"),),
    "orders": (("fulfillment_orders", "order_id"),),
}
"""Rows that belong to a record through a promoted column rather than through ``_parent_id``."""

_MARK_FROM_EVENTS = """update {target} as t set _deleted_at = e.deleted_at
from (
    select subject_id, min(created_at) as deleted_at
    from staging.shopify_deletion_events
    where _shop = %(shop)s and subject_type = %(subject)s
    group by subject_id
) as e
where t._shop = %(shop)s and t.id = e.subject_id and t._deleted_at is null"""

_CASCADE = """update {target} as t set _deleted_at = p._deleted_at
from {owner} as p
where p._shop = %(shop)s and p._deleted_at is not null
  and t._shop = p._shop and t.{column} = p.id and t._deleted_at is null"""


def belonging_to(name: str) -> list[tuple[str, str]]:
    """(stream, column pointing at ``name``'s id) for every stream whose rows belong to ``name``'s."""
    owned = [(s.name, "_parent_id") for s in STREAMS if s.parent == name]
    return owned + list(REFERENCES.get(name, ()))


def cascade_statements(name: str) -> list[sql.Composed]:
    """Statements marking, depth first, what belongs to the marked rows of ``name``."""
    rendered = []
    for stream, column in belonging_to(name):
        rendered.append(
            sql.SQL(_CASCADE).format(
                target=sql.Identifier("staging", STREAMS_BY_NAME[stream].table),
                owner=sql.Identifier("staging", STREAMS_BY_NAME[name].table),
                column=sql.Identifier(column),
            )
        )
        rendered += cascade_statements(stream)
    return rendered


def statements() -> list[tuple[str, sql.Composed]]:
    """(subject type, statement): mark each record table from the events, then what belongs to it."""
    rendered = []
    for subject, name in SUBJECTS.items():
        target = sql.Identifier("staging", STREAMS_BY_NAME[name].table)
        rendered.append((subject, sql.SQL(_MARK_FROM_EVENTS).format(target=target)))
        rendered += [(subject, statement) for statement in cascade_statements(name)]
    return rendered


def _run(conn: psycopg.Connection, rendered: list[sql.Composed], params: dict[str, str]) -> int:
    marked = 0
    with conn.cursor() as cur:
        for statement in rendered:
            cur.execute(statement, params)
            marked += max(cur.rowcount, 0)
    return marked


def apply_deletions(conn: psycopg.Connection, shop: str) -> int:
    """Mark what the shop's destroy events name, and what belongs to it; returns the rows marked."""
    return sum(_run(conn, [statement], {"shop": shop, "subject": subject}) for subject, statement in statements())


def cascade(conn: psycopg.Connection, shop: str, name: str) -> int:
    """Mark what belongs to the marked rows of stream ``name`` (after a sweep); returns rows marked."""
    return _run(conn, cascade_statements(name), {"shop": shop})
