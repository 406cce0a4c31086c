"""The PostgreSQL warehouse: connections and the SQL files of ``include/sql``."""

from __future__ import annotations

import os
import re
from pathlib import Path

import psycopg
from airflow.providers.postgres.hooks.postgres import PostgresHook

WAREHOUSE_CONN_ID = "warehouse_default"
"""Airflow connection of the warehouse; as an env var: ``AIRFLOW_CONN_WAREHOUSE_DEFAULT``."""

SQL_DIR = Path(os.environ.get("SHOPIFY_ELT_SQL_DIR", Path(__file__).resolve().parents[2] / "include" / "sql"))

_STATEMENT_END = re.compile(r";\s*(?:\n|$)")


def connect(conn_id: str = WAREHOUSE_CONN_ID) -> psycopg.Connection:
    """A psycopg 3 connection to the warehouse named by the Airflow connection ``conn_id``.

    In autocommit mode: every unit of work that must be atomic says so with
    ``conn.transaction()``, and nothing is left in an implicit transaction that closing the
    connection would silently roll back.
    """
    conn = PostgresHook(postgres_conn_id=conn_id).get_conn()
    if not isinstance(conn, psycopg.Connection):
        raise TypeError("the pipeline needs psycopg 3 (installed with SQLAlchemy 2 by requirements.lock)")
    conn.autocommit = True
    return conn


def sql_file(relative: str) -> str:
    """The text of ``include/sql/<relative>``."""
    return (SQL_DIR / relative).read_text()


def statements(text: str) -> list[str]:
    """Split a SQL file into statements at a ``;`` that ends a line (our files keep to that),
    except inside a ``$$``-quoted body (a function's)."""
    found: list[str] = []
    current = ""
    for position, part in enumerate(text.split("$$")):
        if position % 2:  # inside $$ … $$
            current += "$$" + part + "$$"
            continue
        first, *rest = _STATEMENT_END.split(part)
        current += first
        if rest:
            found += [current, *rest[:-1]]
            current = rest[-1]
    found.append(current)
    return [s.strip() for s in found if s.strip() and not _only_comments(s)]


def _only_comments(text: str) -> bool:
    return all(not line.strip() or line.strip().startswith("--") for line in text.splitlines())


def run_file(conn: psycopg.Connection, relative: str, params: dict | None = None) -> int:
    """Run every statement of a SQL file; returns the total of their row counts."""
    total = 0
    with conn.cursor() as cur:
        for statement in statements(sql_file(relative)):
            cur.execute(statement, params or {})
            total += max(cur.rowcount, 0)
    return total
