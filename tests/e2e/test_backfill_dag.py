"""The backfill DAG under real Airflow (`dag.test()`): windows from the data interval or from the
params' dates, mapped bulk windows, the report, and exact counts against the simulator."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta

import psycopg
import pytest

from tests.cleanup import forget_shops
from tests.conftest import ROOT
from tests.shopify_view import all_nodes

pytestmark = pytest.mark.airflow

SHOP = "backfill-e2e.myshopify.com"  # its own shop tag: the hourly e2e run counts the default shop's rows
CONN_ID = "shopify_backfill_e2e"


@pytest.fixture(scope="module")
def backfill_dag(simulator, warehouse_url, airflow_db):
    from airflow.dag_processing.dagbag import DagBag

    connection = simulator.connection()
    connection["extra"]["shop_domain"] = SHOP
    os.environ[f"AIRFLOW_CONN_{CONN_ID.upper()}"] = json.dumps(connection)
    bag = DagBag(dag_folder=str(ROOT / "dags" / "shopify_backfill.py"))
    assert not bag.import_errors
    yield bag.dags["shopify_backfill"]
    os.environ.pop(f"AIRFLOW_CONN_{CONN_ID.upper()}", None)
    with psycopg.connect(warehouse_url, autocommit=True) as conn:
        forget_shops(conn, SHOP)


def staged_ids(conn, table: str) -> set[str]:
    return {r[0] for r in conn.execute(f"select id from staging.{table} where _shop = %s", (SHOP,)).fetchall()}


def created_between(simulator, field: str, start: datetime, end: datetime) -> set[str]:
    query = f"created_at:>='{start:%Y-%m-%dT%H:%M:%SZ}' AND created_at:<'{end:%Y-%m-%dT%H:%M:%SZ}'"
    return {n["id"] for n in all_nodes(simulator, field, "id", args=f'query: "{query}"')}


def test_a_run_without_dates_reads_the_schedules_data_interval(backfill_dag, simulator, warehouse):
    this_month = datetime.now(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    run = backfill_dag.test(logical_date=this_month + timedelta(days=2), run_conf={"shopify_conn_id": CONN_ID})
    assert run.state == "success"
    expected = created_between(simulator, "orders", last_month, this_month)
    assert expected, "the seeded store has orders created last month"
    assert staged_ids(warehouse, "shopify_orders") == expected
    windows = warehouse.execute(
        "select window_start, window_end, status from ops.backfill_windows where shop = %s order by 1", (SHOP,)
    ).fetchall()
    assert {status for _, _, status in windows} == {"done"}
    assert (windows[0][0], windows[-1][1]) == (last_month, this_month)
    assert all(a[1] == b[0] for a, b in zip(windows, windows[1:], strict=False)), "windows tile the interval"


def test_a_run_with_dates_reads_every_stream_asked_for_and_reports_it(backfill_dag, simulator, warehouse):
    start = (datetime.now(UTC) - timedelta(days=3 * 365)).date()
    conf = {
        "shopify_conn_id": CONN_ID,
        "start_date": start.isoformat(),
        "end_date": datetime.now(UTC).date().isoformat(),
        "streams": ["orders", "products", "customers"],
        "window_days": 400,
    }
    run = backfill_dag.test(run_conf=conf)
    assert run.state == "success"
    for field, table in (("orders", "orders"), ("products", "products"), ("customers", "customers")):
        assert staged_ids(warehouse, f"shopify_{table}") == {n["id"] for n in all_nodes(simulator, field, "id")}
    report = warehouse.execute(
        "select report from ops.sync_runs where dag_id = 'shopify_backfill' and run_id = %s", (run.run_id,)
    ).fetchone()[0]
    assert report["windows"] == 9 and report["failed_jobs"] == 0
    assert report["streams"]["order_line_items"]["extracted"] > report["streams"]["orders"]["extracted"] > 0
    hourly = warehouse.execute("select count(*) from ops.stream_state where shop = %s", (SHOP,)).fetchone()[0]
    assert hourly == 0, "a backfill never moves the hourly watermarks"
