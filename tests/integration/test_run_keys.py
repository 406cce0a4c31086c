"""Airflow's run ids are unique per DAG only: two shops' runs, or a shop's sync and reverse sync,
scheduled for the same minute share one. Reports and rejects are therefore keyed by the DAG and
the shop as well, and a warehouse made before that evolves to it keeping its rows."""

from __future__ import annotations

import uuid

import psycopg
import pytest

from shopify_elt.ddl import ensure_schema
from shopify_elt.report import save_report
from tests.conftest import TEST_PG_URL

pytestmark = pytest.mark.integration

RUN = "scheduled__2026-11-24T10:00:00+00:00"
INSERT_REJECT = """insert into ops.rejects (run_id, shop, stage, object_name, record_key, reason)
                   values (%s, %s, 'core', 'kit_components', 'KIT-1>BOLT', 'component SKU unknown')"""
REJECT = INSERT_REJECT + " on conflict (run_id, shop, stage, object_name, record_key) do nothing"


@pytest.fixture()
def old_warehouse():
    """A database whose ops.sync_runs and ops.rejects have the keys of before, with a row each."""
    name = f"shopify_elt_keys_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(TEST_PG_URL, autocommit=True) as admin:
        admin.execute(f'create database "{name}"')
    url = TEST_PG_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("create schema ops")
            conn.execute(
                """create table ops.sync_runs (run_id text not null, shop text not null, dag_id text not null,
                   started_at timestamptz not null default now(), finished_at timestamptz,
                   report jsonb not null default '{}'::jsonb, primary key (run_id, shop))"""
            )
            conn.execute(
                """create table ops.rejects (reject_id bigserial primary key, run_id text not null,
                   shop text not null, stage text not null, object_name text not null, record_key text not null,
                   reason text not null, record jsonb, rejected_at timestamptz not null default now(),
                   unique (run_id, stage, object_name, record_key))"""
            )
            conn.execute("insert into ops.sync_runs (run_id, shop, dag_id) values (%s, 'a', 'shopify_sync')", (RUN,))
            conn.execute(INSERT_REJECT, (RUN, "a"))
            yield conn
    finally:
        with psycopg.connect(TEST_PG_URL, autocommit=True) as admin:
            admin.execute(f'drop database if exists "{name}" with (force)')


def test_an_old_warehouse_evolves_to_the_keys_with_dag_and_shop(old_warehouse):
    conn = old_warehouse
    ensure_schema(conn)
    ensure_schema(conn)  # idempotent
    key = conn.execute(
        """select array_agg(a.attname::text order by array_position(c.conkey, a.attnum))
           from pg_constraint as c join pg_attribute as a on a.attrelid = c.conrelid and a.attnum = any (c.conkey)
           where c.conrelid = 'ops.sync_runs'::regclass and c.contype = 'p'"""
    ).fetchone()[0]
    assert key == ["dag_id", "run_id", "shop"]
    assert conn.execute("select count(*) from ops.sync_runs").fetchone()[0] == 1, "the old report is kept"

    report = {"run_id": RUN, "shop": "a", "api": {}}
    save_report(conn, {**report, "kind": "sync"}, "shopify_sync")
    save_report(conn, {**report, "kind": "reverse_sync"}, "shopify_reverse_sync")
    stored = dict(conn.execute("select dag_id, report->>'kind' from ops.sync_runs where run_id = %s", (RUN,)))
    assert stored == {"shopify_sync": "sync", "shopify_reverse_sync": "reverse_sync"}

    conn.execute(REJECT, (RUN, "a"))  # a retried run counts its reject once
    conn.execute(REJECT, (RUN, "b"))  # another shop's same reject in a run of the same id is its own
    assert conn.execute("select shop, count(*) from ops.rejects group by 1 order by 1").fetchall() == [
        ("a", 1),
        ("b", 1),
    ]
