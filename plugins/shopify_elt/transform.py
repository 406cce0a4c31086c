"""Build the core schema from staging with the SQL files of ``include/sql/core``.

Every file is an idempotent upsert (``IS DISTINCT FROM`` guards), so a re-run changes nothing;
the whole build runs in one transaction, so a failure leaves core as it was.
"""

from __future__ import annotations

import csv
from pathlib import Path

import psycopg

from shopify_elt.warehouse import SQL_DIR, run_file

MAPPINGS_DIR = SQL_DIR.parent / "mappings"

CORE_BUILD_ORDER: tuple[str, ...] = (
    "locations",
    "items",
    "customers",
    "stock",
    "sales_orders",
    "sales_order_lines",
)
"""``include/sql/core/<table>.sql`` in dependency order; each builds exactly one core table."""


def load_mappings(conn: psycopg.Connection, mappings_dir: Path = MAPPINGS_DIR) -> None:
    """Replace the mapping tables with the versioned CSV files of ``include/mappings``."""
    with (mappings_dir / "safety_stock.csv").open(newline="") as handle:
        rows = [(r["sku"].strip(), int(r["quantity"])) for r in csv.DictReader(handle)]
    with conn.cursor() as cur:
        cur.execute("delete from core.safety_stock_rules")
        cur.executemany("insert into core.safety_stock_rules (sku, quantity) values (%s, %s)", rows)


def build_core(conn: psycopg.Connection, shop: str, run_id: str) -> dict[str, int]:
    """Run the core build for one shop; returns rows changed per core table and rejects."""
    params = {"shop": shop, "run_id": run_id}
    changed: dict[str, int] = {}
    with conn.transaction():
        load_mappings(conn)
        for table in CORE_BUILD_ORDER:
            changed[table] = run_file(conn, f"core/{table}.sql", params)
        run_file(conn, "core/rejects.sql", params)
    return changed
