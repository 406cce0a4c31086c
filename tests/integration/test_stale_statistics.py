"""A core build first analyzes the tables a large load left without statistics (real PostgreSQL).

Without them the planner guesses a handful of rows for a staging table of 100k orders, and the
build's joins become nested loops that run for minutes (seen in ``bench/hourly.py`` on a machine
with autovacuum off); ANALYZE takes well under a second.
"""

from __future__ import annotations

from contextlib import closing

import pytest

from shopify_elt.ddl import ensure_schema
from shopify_elt.transform import analyze_stale
from shopify_elt.warehouse import connect

pytestmark = pytest.mark.integration


@pytest.fixture
def conn(warehouse_url):
    with closing(connect()) as connection:
        ensure_schema(connection)
        analyze_stale(connection)  # whatever earlier tests left behind
        yield connection
        connection.execute("delete from staging.shopify_locations where _shop = 'stats.myshopify.com'")


def analyzed(conn, table: str) -> int:
    return conn.execute(
        "select analyze_count + autoanalyze_count from pg_stat_user_tables where relid = %s::regclass", (table,)
    ).fetchone()[0]


def load(conn, first: int, rows: int) -> None:
    """Rows written as a loader writes them, their statistics reported at once (not within a second)."""
    with conn.transaction():
        conn.execute(
            """insert into staging.shopify_locations (_shop, id, name, _raw, _run_id, _extracted_at)
               select 'stats.myshopify.com', 'gid://shopify/Location/' || n, 'L' || n, '{}', 'stats', now()
               from generate_series(%s::int, %s::int) as n""",
            (first, first + rows - 1),
        )
    conn.execute("select pg_stat_force_next_flush()")
    conn.execute("select 1")  # the flush happens at the end of a statement


def test_a_large_load_is_analyzed_before_the_build_plans_on_it(conn) -> None:
    before = analyzed(conn, "staging.shopify_locations")
    load(conn, 1, 5000)
    assert "staging.shopify_locations" in analyze_stale(conn)
    assert analyzed(conn, "staging.shopify_locations") == before + 1
    planned = conn.execute("select reltuples from pg_class where oid = 'staging.shopify_locations'::regclass")
    assert planned.fetchone()[0] >= 5000

    assert "staging.shopify_locations" not in analyze_stale(conn)  # fresh now: not analyzed again
    load(conn, 5001, 10)  # a few rows more are not worth an ANALYZE (autovacuum's threshold)
    assert "staging.shopify_locations" not in analyze_stale(conn)
