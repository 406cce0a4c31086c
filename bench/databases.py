"""The PostgreSQL database a benchmark starts from: its own, created empty at each run."""

from __future__ import annotations

import os

import psycopg

SERVER = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
"""The server benchmarks run on (``BENCH_PG_URL``; the machine's PostgreSQL by default)."""


def fresh_database(name: str, conn_id: str) -> str:
    """Drop and create database ``name`` and expose it as the Airflow connection ``conn_id``;
    returns its URL."""
    with psycopg.connect(SERVER, autocommit=True) as admin:
        admin.execute(f"drop database if exists {name} with (force)")
        admin.execute(f"create database {name}")
    url = SERVER.rsplit("/", 1)[0] + f"/{name}"
    os.environ[f"AIRFLOW_CONN_{conn_id.upper()}"] = url
    return url
