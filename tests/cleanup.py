"""Tests share one warehouse per session; those that stage shops of their own remove them after."""

from __future__ import annotations

from psycopg import sql

from shopify_elt.streams import STREAMS

OPS_TABLES = (
    "stream_state",
    "rejects",
    "backfill_windows",
    "sync_runs",
    "deletion_sweeps",
    "inventory_pushes",
    "staging_changes",
    "transform_scope",
    "customer_scope",
    "transform_state",
    "order_outcomes",
    "shopify_writes",
    "check_queue",
    "check_passes",
)
CORE_TABLES = ("sales_orders", "customer_links", "items", "customers", "locations")
"""Deleted in this order: what points at a row goes first (order lines go with their order)."""


def forget_shops(conn, pattern: str) -> None:
    """Delete every staging, core and ops row of the shops matching the LIKE ``pattern``."""
    for stream in STREAMS:
        conn.execute(
            sql.SQL("delete from {} where _shop like %s").format(sql.Identifier("staging", stream.table)), (pattern,)
        )
    conn.execute(
        "delete from core.stock using core.items as i where i.item_id = stock.item_id and i.shop like %s", (pattern,)
    )
    conn.execute(  # a kit and its components are items of one shop
        "delete from core.kit_components using core.items as i where i.item_id = kit_components.kit_item_id"
        " and i.shop like %s",
        (pattern,),
    )
    conn.execute(  # their trackings and lines go with them
        "delete from core.shipments using core.sales_orders as so"
        " where so.sales_order_id = shipments.sales_order_id and so.shop like %s",
        (pattern,),
    )
    conn.execute("delete from core.sales_orders where shop like %s", (pattern,))  # before the ship-tos it uses
    conn.execute(
        "delete from core.ship_to_addresses using core.customers as c"
        " where c.customer_id = ship_to_addresses.customer_id and c.shop like %s",
        (pattern,),
    )
    for schema, tables in (("core", CORE_TABLES), ("ops", OPS_TABLES)):
        for table in tables:
            conn.execute(sql.SQL("delete from {} where shop like %s").format(sql.Identifier(schema, table)), (pattern,))
