"""Build the core schema from staging with the SQL files of ``include/sql/core``.

Every file is an idempotent upsert (``IS DISTINCT FROM`` guards), so a re-run changes nothing;
the whole build runs in one transaction, so a failure leaves core as it was.

The build is incremental in orders and customers, the parts of a store that grow: it rebuilds
the orders and customers queued since the last build (triggers on the staging tables queue every
record whose rows change), the orders it rejected last time, and the orders of customers matched
anew. When the mapping files or the rule and core SQL change, everything is rebuilt once, and the
guards write only the rows the change affects. Catalogue and stock are rebuilt whole each time
(their size is the catalogue's, not the order history's).
"""

from __future__ import annotations

import csv
import hashlib
import logging
from pathlib import Path

import psycopg
from psycopg import sql

from shopify_elt.warehouse import SQL_DIR, run_file, sql_file

log = logging.getLogger(__name__)

MAPPINGS_DIR = SQL_DIR.parent / "mappings"

CORE_BUILD_ORDER: tuple[str, ...] = (
    "locations",
    "items",
    "kit_components",
    "customers",
    "ship_to_addresses",
    "stock",
    "sales_orders",
    "sales_order_lines",
    "sales_order_taxes",
    "payments",
    "shipments",
)
"""``include/sql/core/<table>.sql`` in dependency order; each builds exactly one core table."""

ORDERS_START = "ship_to_addresses"
"""The first file reading the sales order candidates: they are evaluated once, before it."""

FULL_BUILD_ANALYZE = (
    "core.customers",
    "core.customer_links",
    "core.ship_to_addresses",
    "core.sales_orders",
    "core.sales_order_lines",
    "core.shipments",
    "ops.order_outcomes",
)
"""Tables a full build fills, analyzed after it (autovacuum may not have come by before the next)."""

BUILD_LOCK = 727_002  # pg_advisory_xact_lock class: one core build per shop at a time


MAPPINGS: dict[str, tuple[str, tuple[str, ...]]] = {
    "safety_stock.csv": ("safety_stock_rules", ("sku", "quantity")),
    "settings.csv": ("settings", ("setting", "value")),
    "sales_tax.csv": ("sales_tax_rules", ("country_code", "province_code", "sales_tax_code", "item_sales_tax")),
    "ship_methods.csv": ("ship_method_rules", ("cart_ship_method", "ship_method")),
    "payment_methods.csv": ("payment_method_rules", ("gateway", "payment_method", "payment_term")),
    "discounts.csv": ("discount_rules", ("discount", "discount_item")),
    "order_status.csv": (
        "order_status_rules",
        ("priority", "financial_status", "fulfillment_status", "cancelled", "order_status", "secondary_status"),
    ),
    "kits.csv": ("kit_rules", ("kit_sku", "component_sku", "quantity")),
}
"""``include/mappings/<file>`` -> the ``core`` table it replaces at every build, and its columns."""

MAPPING_FILES: dict[str, str] = {
    "ship_method": "ship_methods.csv",
    "payment_method": "payment_methods.csv",
    "sales_tax": "sales_tax.csv",
    "discount": "discounts.csv",
}
"""The kinds of ``core.sales_orders.unmapped`` -> the mapping file that maps them."""


def load_mappings(conn: psycopg.Connection, mappings_dir: Path = MAPPINGS_DIR) -> None:
    """Replace the mapping tables with the versioned CSV files of ``mappings_dir``.

    Other columns of a file (``meaning``) document it and are not loaded; an empty cell is NULL,
    except a setting's value, where empty means "off".
    """
    with conn.cursor() as cur:
        for name, (table, columns) in MAPPINGS.items():
            with (mappings_dir / name).open(newline="") as handle:
                rows = [
                    tuple((r[c] or "").strip() if c == "value" else ((r[c] or "").strip() or None) for c in columns)
                    for r in csv.DictReader(handle)
                ]
            target = sql.Identifier("core", table)
            cur.execute(sql.SQL("delete from {}").format(target))
            column_list = sql.SQL(", ").join(map(sql.Identifier, columns))
            with cur.copy(sql.SQL("copy {} ({}) from stdin").format(target, column_list)) as copy:
                for row in rows:
                    copy.write_row(row)


def transform_version(mappings_dir: Path = MAPPINGS_DIR) -> str:
    """A hash of what decides the core rows: the mapping files and the rule and core SQL."""
    digest = hashlib.sha256()
    paths = [mappings_dir / name for name in sorted(MAPPINGS)]
    paths += sorted((SQL_DIR / "rules").glob("*.sql")) + sorted((SQL_DIR / "core").glob("*.sql"))
    for path in paths:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def analyze_stale(conn: psycopg.Connection) -> list[str]:
    """ANALYZE the tables a large load left without fresh statistics (what autovacuum would do
    next), each in its own short transaction, before the build plans its joins on them."""
    with conn.cursor() as cur:
        cur.execute(sql_file("transform/stale_statistics.sql"))
        stale = [name for (name,) in cur.fetchall()]
        for name in stale:
            cur.execute(f"analyze {name}")  # a name from the catalogue, quoted by format('%I.%I')
    if stale:
        log.info("analyzed %d table(s) with stale statistics: %s", len(stale), ", ".join(stale))
    return stale


def build_core(conn: psycopg.Connection, shop: str, run_id: str, mappings_dir: Path = MAPPINGS_DIR) -> dict[str, int]:
    """Run the core build for one shop; returns rows changed per core table."""
    version = transform_version(mappings_dir)
    params = {"shop": shop, "run_id": run_id, "version": version}
    changed: dict[str, int] = {}
    analyze_stale(conn)
    with conn.transaction():
        with conn.cursor() as cur:  # one build per shop at a time: the scope and the queue are per shop
            cur.execute("select pg_advisory_xact_lock(%s, hashtext(%s))", (BUILD_LOCK, shop))
            cur.execute("select version from ops.transform_state where shop = %s", (shop,))
            row = cur.fetchone()
        load_mappings(conn, mappings_dir)
        full = row is None or row[0] != version
        run_file(conn, "transform/scope.sql", {**params, "full": full})
        for table in CORE_BUILD_ORDER:
            if table == ORDERS_START:
                run_file(conn, "transform/candidates.sql", params)
            changed[table] = run_file(conn, f"core/{table}.sql", params)
        run_file(conn, "core/rejects.sql", params)
        run_file(conn, "transform/outcomes.sql", params)
        run_file(conn, "transform/finish.sql", params)
        if full:  # a build of every order changed the tables' sizes: the next (small) builds plan on them
            with conn.cursor() as cur:
                cur.execute(f"analyze {', '.join(FULL_BUILD_ANALYZE)}")
    return changed
