"""The walking skeleton, end to end: real Airflow (`dag.test()`), real PostgreSQL, the simulator over HTTP.

Each hourly run is followed by a run of ``shopify_reverse_sync``, as its core asset makes the
scheduler do, which writes back to Shopify."""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tests.shopify_view import all_nodes, available_by_level, list_rows

pytestmark = pytest.mark.airflow

RUN_CONF = {"lag_seconds": 0, "page_size": 7, "sweep_every_hours": 0}  # small pages: every stream paginates

STAGING = [
    "shop", "locations", "products", "product_variants", "inventory_items",
    "inventory_levels", "customers", "orders", "order_line_items",
    "order_transactions", "order_refunds", "order_fulfillments", "order_shipping_lines",
    "fulfillment_orders", "draft_orders", "deletion_events",
    "order_tax_lines", "order_line_tax_lines", "order_discount_applications", "order_line_discount_allocations",
    "order_refund_line_items", "customer_addresses", "discounts",
]  # fmt: skip
CORE = ["locations", "items", "customers", "stock", "sales_orders", "sales_order_lines"]


def counts(conn, schema: str, tables: list[str], prefix: str = "") -> dict[str, int]:
    return {t: conn.execute(f"select count(*) from {schema}.{prefix}{t}").fetchone()[0] for t in tables}


def latest_report(conn, dag_id: str = "shopify_sync") -> dict:
    return conn.execute(
        "select report from ops.sync_runs where dag_id = %s order by finished_at desc limit 1", (dag_id,)
    ).fetchone()[0]


@pytest.fixture(scope="module")
def sync_dag():
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(ROOT / "dags" / "shopify_sync.py"))
    assert not bag.import_errors
    return bag.dags["shopify_sync"]


@pytest.fixture(scope="module")
def reverse_sync_dag():
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(ROOT / "dags" / "shopify_reverse_sync.py"))
    assert not bag.import_errors
    return bag.dags["shopify_reverse_sync"]


def cli_run() -> str:
    """One run through Airflow's CLI (`airflow dags test`), as a user would; returns its whole log."""
    airflow = str(pathlib.Path(sys.executable).with_name("airflow"))
    command = [airflow, "dags", "test", "shopify_sync", "-c", json.dumps(RUN_CONF)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, env={**os.environ})
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-4000:]
    return log


@pytest.fixture(scope="module")
def two_runs(sync_dag, reverse_sync_dag, simulator, warehouse_url, airflow_db):
    """Run the hourly DAG twice — through the CLI, then with `dag.test()` — each followed by the
    reverse sync, snapshotting the warehouse."""
    import psycopg

    snapshots = []
    for attempt in range(2):
        log = ""
        if attempt == 0:
            log = cli_run()
        else:
            run = sync_dag.test(run_conf=RUN_CONF)
            assert run.state == "success", f"run {run.run_id} ended {run.state}"
        reverse = reverse_sync_dag.test()
        assert reverse.state == "success", f"run {reverse.run_id} ended {reverse.state}"
        with psycopg.connect(warehouse_url) as conn:
            snapshots.append(
                {
                    "staging": counts(conn, "staging", STAGING, "shopify_"),
                    "core": counts(conn, "core", CORE),
                    "report": latest_report(conn),
                    "reverse": latest_report(conn, "shopify_reverse_sync"),
                    "log": log,
                    "core_rows": {
                        t: conn.execute(
                            f"select md5(string_agg(x::text, '|' order by x::text)) from core.{t} as x"
                        ).fetchone()[0]
                        for t in CORE
                    },
                }
            )
    return snapshots


def test_first_run_lands_every_record_of_the_shop(two_runs, simulator):
    staging = two_runs[0]["staging"]
    expected = {
        "shop": 1,
        "locations": len(list(all_nodes(simulator, "locations", "id", "includeInactive: true, includeLegacy: true"))),
        "products": len(list(all_nodes(simulator, "products", "id"))),
        "product_variants": len(list(all_nodes(simulator, "productVariants", "id"))),
        "inventory_items": len(list(all_nodes(simulator, "inventoryItems", "id"))),
        "customers": len(list(all_nodes(simulator, "customers", "id"))),
        "orders": len(list(all_nodes(simulator, "orders", "id"))),
        "order_line_items": sum(
            len(o["lineItems"]["nodes"])
            for o in all_nodes(simulator, "orders", "lineItems(first: 100) { nodes { id } }", first=5)
        ),
        "inventory_levels": len(available_by_level(simulator)),
        "order_shipping_lines": sum(
            len(o["shippingLines"]["nodes"])
            for o in all_nodes(simulator, "orders", "shippingLines(first: 20, includeRemovals: true) { nodes { id } }")
        ),
        "fulfillment_orders": len(list(all_nodes(simulator, "fulfillmentOrders", "id", "includeClosed: true"))),
        "draft_orders": len(list(all_nodes(simulator, "draftOrders", "id"))),
        "deletion_events": len(list(all_nodes(simulator, "events", "id", 'query: "action:destroy"'))),
        **list_rows(simulator),
        **{
            table: sum(len(o[field]) for o in all_nodes(simulator, "orders", f"{field} {{ id }}", first=50))
            for table, field in [
                ("order_transactions", "transactions"),
                ("order_refunds", "refunds"),
                ("order_fulfillments", "fulfillments"),
            ]
        },
    }
    rejected = {name: counts["rejected"] for name, counts in two_runs[0]["report"]["streams"].items()}
    assert {table: staged + rejected.get(table, 0) for table, staged in staging.items()} == expected
    assert staging["orders"] > 0 and staging["inventory_levels"] > 0
    # The 60-line order's draft and fulfillment order need a second page of lines: fetched, not refused.
    assert not any(rejected.values()), rejected


def test_no_run_was_throttled(two_runs):
    """Pacing from the throttle status, across tasks sharing the shop's bucket: zero THROTTLED answers."""
    for snapshot in two_runs:
        api = snapshot["report"]["api"]
        assert api["throttled_answers"] == 0, api
        assert api["requests"] > 0
        assert snapshot["reverse"]["api"].get("throttled_answers", 0) == 0, snapshot["reverse"]["api"]


def test_every_counted_stream_reconciles_with_shopify(two_runs):
    for report in (two_runs[0]["report"], two_runs[1]["report"]):
        reconciliation = report["reconciliation"]
        assert set(reconciliation) == {
            "locations",
            "products",
            "product_variants",
            "customers",
            "orders",
            "draft_orders",
            "discounts",
        }
        assert all(r["matches"] for r in reconciliation.values()), reconciliation


def test_first_run_loads_core_and_accounts_for_every_reject(two_runs, warehouse):
    first = two_runs[0]
    core, staging, report = first["core"], first["staging"], first["report"]
    rejected = dict(
        warehouse.execute(
            "select object_name, count(*) from ops.rejects where run_id = %s and stage = 'core' group by 1",
            (report["run_id"],),
        ).fetchall()
    )
    assert core["locations"] == staging["locations"]
    proxies = warehouse.execute("select count(*) from core.customers where is_proxy").fetchone()[0]
    assert core["customers"] - proxies == staging["customers"]  # one each, plus a proxy per guest channel
    assert core["items"] + rejected.get("items", 0) == staging["product_variants"]
    skipped = sum(report["skipped"].values())
    assert skipped > 0, "the seeded store has archived and test orders, which are never imported"
    assert core["sales_orders"] + rejected.get("sales_orders", 0) + skipped == staging["orders"]
    assert core["sales_orders"] > 0 and core["sales_order_lines"] > 0 and core["stock"] > 0
    assert report["rejects"].get("core", 0) == sum(rejected.values())
    assert report["core"]["sales_orders"] == core["sales_orders"]  # every row was new


def test_first_run_pushes_available_to_sell_to_shopify(two_runs):
    assert "inventory" not in two_runs[0]["report"], "the sync writes nothing to Shopify"
    inventory = two_runs[0]["reverse"]["inventory"]
    assert inventory["planned"] > 0, "the default safety stock makes ours differ from Shopify's"
    assert inventory["applied"] == inventory["planned"]
    assert inventory["conflict"] == inventory["failed"] == inventory["quarantined"] == inventory["replanned"] == 0
    assert inventory["calls"] == -(-inventory["planned"] // 250)


def test_every_run_sweeps_deletions_and_an_unchanged_store_has_none(two_runs):
    for snapshot in two_runs:
        sweeps = snapshot["report"]["sweeps"]
        assert sweeps and all(s["status"] == "swept" and s["marked"] == 0 and s["ids"] > 0 for s in sweeps.values())
    assert two_runs[0]["report"]["sweeps"] == two_runs[1]["report"]["sweeps"]
    assert "Deletion sweeps" in two_runs[0]["log"]


def test_every_run_passes_every_data_quality_check(two_runs):
    from shopify_elt.checks import discover

    for snapshot in two_runs:
        checks = snapshot["report"]["checks"]
        assert set(checks) == set(discover())
        assert {name: c["offending"] for name, c in checks.items() if c["offending"]} == {}


def test_second_run_changes_nothing(two_runs):
    first, second = two_runs
    assert second["staging"] == first["staging"]
    assert second["core"] == first["core"]
    assert second["core_rows"] == first["core_rows"]
    assert set(second["report"]["core"].values()) == {0}
    assert second["reverse"]["inventory"] == dict.fromkeys(first["reverse"]["inventory"], 0)
    for name, stream in second["report"]["streams"].items():
        assert stream["inserted"] == 0, name
        assert stream["deleted"] == 0, name


def test_shopify_now_holds_what_core_says(two_runs, simulator, warehouse):
    ours = {
        (item, location): available
        for item, location, available in warehouse.execute(
            """select i.shopify_inventory_item_id, l.shopify_location_id, s.available_to_sell
               from core.stock as s
               join core.items as i using (item_id)
               join core.locations as l using (location_id)
               where l.is_active"""
        ).fetchall()
    }
    theirs = available_by_level(simulator)
    assert ours, "core.stock is empty"
    assert {key: theirs.get(key) for key in ours} == ours


def test_the_token_is_in_no_xcom_rendered_field_or_log(two_runs, simulator):
    import sqlite3

    home = pathlib.Path(os.environ["AIRFLOW_HOME"])
    with sqlite3.connect(home / "airflow.db") as db:
        dump = "\n".join(db.iterdump())
    assert "report_run" in dump, "the metadata database holds the runs' task instances"
    assert simulator.token not in dump
    log = two_runs[0]["log"]
    assert "Loaded into core" in log, "the whole run's log was captured, up to the report"
    assert simulator.token not in log
    for path in home.rglob("*.log"):
        assert simulator.token not in path.read_text(errors="replace"), path


def test_every_run_reports_its_order_writes_and_sends_none_the_back_office_did_not_ask_for(two_runs):
    from shopify_elt.report import format_report

    for snapshot in two_runs:  # no shipments, cancellations or status tags (off by default) asked for
        writes = snapshot["reverse"]["order_writes"]
        assert set(writes) == {"shipments", "order_cancel", "order_tags", "customers"}
        assert all(c["planned"] == c["calls"] == c["failed"] == 0 for c in writes.values()), writes
    text = format_report(two_runs[0]["reverse"])
    assert text.startswith("Shopify reverse sync ") and "Order writes sent to Shopify" in text
