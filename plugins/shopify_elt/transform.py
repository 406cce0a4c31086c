"""Build the core schema from staging with the SQL files of ``include/sql/core``.

Every file is an idempotent upsert (``IS DISTINCT FROM`` guards), so a re-run changes nothing;
the whole build runs in one transaction, so a failure leaves core as it was.
"""

from __future__ import annotations

import csv
from pathlib import Path

import psycopg
from psycopg import sql

from shopify_elt.warehouse import SQL_DIR, run_file

MAPPINGS_DIR = SQL_DIR.parent / "mappings"

CORE_BUILD_ORDER: tuple[str, ...] = (
    "locations",
    "items",
    "customers",
    "ship_to_addresses",
    "stock",
    "sales_orders",
    "sales_order_lines",
    "payments",
)
"""``include/sql/core/<table>.sql`` in dependency order; each builds exactly one core table."""


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
}
"""``include/mappings/<file>`` -> the ``core`` table it replaces at every build, and its columns."""


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


def build_core(conn: psycopg.Connection, shop: str, run_id: str, mappings_dir: Path = MAPPINGS_DIR) -> dict[str, int]:
    """Run the core build for one shop; returns rows changed per core table and rejects."""
    params = {"shop": shop, "run_id": run_id}
    changed: dict[str, int] = {}
    with conn.transaction():
        load_mappings(conn, mappings_dir)
        for table in CORE_BUILD_ORDER:
            changed[table] = run_file(conn, f"core/{table}.sql", params)
        run_file(conn, "core/rejects.sql", params)
    return changed
