"""The pipeline as its users see it: real Airflow services on loopback, a run triggered through the
REST API, the report it stored, and the run's grid in the Airflow UI in headless Chromium.

`airflow standalone` (API server, scheduler, DAG processor, triggerer; LocalExecutor) runs in a
private home with a PostgreSQL metadata database of its own, the project's dags/ and plugins/,
and the connections as ``AIRFLOW_CONN_*`` pointing at a simulator and a warehouse database made
for this module. Every process is stopped and both databases dropped, whatever happens.

The screenshot goes beside the Airflow logs of the run, and to ``docs/airflow-grid.png`` (the
README shows it) when ``SHOPIFY_ELT_UPDATE_SCREENSHOT=1`` asks for it, so that a test run leaves
the checkout as it was. It needs Debian's ``chromium``, which ``make test`` installs when missing;
Playwright only drives it.
"""

from __future__ import annotations

import os
import secrets
import shutil
import time
import uuid
from types import SimpleNamespace
from urllib.parse import quote

import psycopg
import pytest

from scripts.local_stack import (
    AirflowApi,
    airflow_env,
    drop_database,
    free_port,
    recreate_database,
    standalone,
    standalone_env,
    tail,
)
from tests.conftest import ROOT, TEST_PG_URL
from tests.shopify_view import all_nodes

pytestmark = [pytest.mark.airflow, pytest.mark.integration]

DAG_ID = "shopify_sync"
RUN_CONF = {"lag_seconds": 0, "sweep_every_hours": 0}  # every record of the fresh store, every sweep
RUN_TIMEOUT = 360  # seconds; a run takes about 30 s on an idle 2-core machine
SCREENSHOT = ROOT / "docs" / "airflow-grid.png"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# Chromium's background calls to Google fail one by one on a machine without internet: turned off.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


@pytest.fixture(scope="module")
def airflow(tmp_path_factory):
    """Airflow standalone, healthy, with ``shopify_sync`` parsed; stopped whole afterwards."""
    from shopify_simulator.process import SimulatorProcess

    server = TEST_PG_URL.rsplit("/", 1)[0]
    prefix = f"shopify_elt_ui_{uuid.uuid4().hex[:8]}"
    metadata_db, warehouse_db = f"{prefix}_airflow", f"{prefix}_warehouse"
    home = tmp_path_factory.mktemp("airflow-ui-home")
    log = home / "standalone.log"
    password = secrets.token_urlsafe(16)
    try:
        metadata_uri = recreate_database(server, metadata_db)
        warehouse_uri = recreate_database(server, warehouse_db)
        with SimulatorProcess(seed=11, orders=20, token=f"shpat_ui_{uuid.uuid4().hex}") as sim:
            port = free_port()
            env = airflow_env(home, warehouse_uri, sim.connection(), metadata_uri)
            env = {
                **standalone_env(env, port, password),
                # Only the run this test triggers: no hourly run when the DAG is unpaused.
                "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": "False",
            }
            with standalone(env, log):
                api = AirflowApi(env["AIRFLOW__API__BASE_URL"], "admin", password)
                api.wait_for_dag(DAG_ID)
                api.create_pools()
                yield SimpleNamespace(
                    api=api, base_url=api.base_url, password=password, sim=sim, warehouse_uri=warehouse_uri, log=log
                )
    finally:
        drop_database(server, metadata_db)
        drop_database(server, warehouse_db)


@pytest.fixture(scope="module")
def sync_run(airflow):
    """Unpause ``shopify_sync`` and trigger one run through the REST API, as a user would; wait for it to end."""
    api = airflow.api
    api.unpause(DAG_ID)
    response = api.request("POST", f"dags/{DAG_ID}/dagRuns", json={"logical_date": None, "conf": RUN_CONF})
    assert response.status_code == 200, response.text
    run_id = response.json()["dag_run_id"]
    path = f"dags/{DAG_ID}/dagRuns/{quote(run_id, safe='')}"
    deadline = time.monotonic() + RUN_TIMEOUT
    while (run := api.get(path))["state"] not in ("success", "failed"):
        assert time.monotonic() < deadline, f"run {run_id} still {run['state']} after {RUN_TIMEOUT} s\n" + diagnose(
            airflow, path
        )
        time.sleep(2)
    run["diagnosis"] = "" if run["state"] == "success" else diagnose(airflow, path)
    return run


def diagnose(airflow, run_path: str) -> str:
    """Task states and the log tails of the failed tasks: what a user would open in the UI."""
    api = airflow.api
    lines = []
    instances = api.get(f"{run_path}/taskInstances", params={"limit": 200})["task_instances"]
    for ti in instances:
        lines.append(f"{ti['task_id']}[{ti['map_index']}]: {ti['state']}")
        if ti["state"] in ("failed", "upstream_failed", "up_for_retry") and ti["try_number"]:
            lines.append(task_log(api, run_path, ti)[-3000:])
    return "\n".join(lines) + "\n--- standalone log ---\n" + tail(airflow.log)


def task_log(api: AirflowApi, run_path: str, ti: dict) -> str:
    """A task instance's log through the REST API, as text."""
    params = {"map_index": ti["map_index"]} if ti["map_index"] >= 0 else {}
    body = api.get(f"{run_path}/taskInstances/{ti['task_id']}/logs/{ti['try_number']}", params=params)
    return "\n".join(str(entry.get("event", "")) for entry in body["content"])


def test_a_run_triggered_through_the_rest_api_succeeds(sync_run):
    assert sync_run["state"] == "success", sync_run["diagnosis"]
    assert sync_run["run_type"] == "manual" and sync_run["conf"] == RUN_CONF


def test_the_run_report_is_stored_in_the_warehouse(airflow, sync_run):
    with psycopg.connect(airflow.warehouse_uri) as conn:
        row = conn.execute(
            "select dag_id, report from ops.sync_runs where run_id = %s", (sync_run["dag_run_id"],)
        ).fetchone()
    assert row is not None, f"no report for {sync_run['dag_run_id']} in ops.sync_runs"
    dag_id, report = row
    assert dag_id == DAG_ID and report["shop"] == "sim-store.myshopify.com"
    orders = len(list(all_nodes(airflow.sim, "orders", "id")))
    assert orders > 0 and report["streams"]["orders"]["extracted"] == orders
    assert report["core"].get("sales_orders", 0) > 0


def test_report_run_returns_the_report_and_prints_it_in_its_log(airflow, sync_run):
    api, run_id = airflow.api, sync_run["dag_run_id"]
    run_path = f"dags/{DAG_ID}/dagRuns/{quote(run_id, safe='')}"
    xcom = api.get(f"{run_path}/taskInstances/report_run/xcomEntries/return_value")
    assert xcom["value"]["run_id"] == run_id
    ti = api.get(f"{run_path}/taskInstances/report_run")
    log = task_log(api, run_path, ti)
    assert f"Shopify sync {run_id}" in log and "Extracted to staging:" in log


def test_the_run_in_the_grid_view_of_the_ui(airflow, sync_run):
    """Sign in as a user would, open the run, expand the task groups, and capture the grid (a failed
    run's beside the Airflow logs, so that the README keeps showing a good one)."""
    if CHROMIUM is None:
        pytest.skip("no screenshot: Debian's chromium is not installed (`make test` installs it when run as root)")
    from playwright.sync_api import expect, sync_playwright

    run_id, succeeded = sync_run["dag_run_id"], sync_run["state"] == "success"
    picture = airflow.log.with_name("airflow-grid.png")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            page.set_default_timeout(60_000)
            page.goto(f"{airflow.base_url}/dags/{DAG_ID}/runs/{quote(run_id, safe='')}")
            # The simple auth manager sends the browser to its sign-in page, then back to the run.
            page.get_by_label("Username").fill("admin")
            page.get_by_label("Password").fill(airflow.password)
            page.get_by_role("button", name="Sign in").click()
            # The UI is a React app: wait for the run's column and the report task's row of the grid.
            page.locator(f'[data-run-id="{run_id}"]').first.wait_for()
            page.get_by_test_id("expand-all-button").click()
            expect(page.get_by_test_id("task-report_run")).to_be_visible()
            expect(page.get_by_text(sync_run["state"].capitalize()).first).to_be_visible()  # the run's state
            page.wait_for_load_state("networkidle")
            page.mouse.move(0, 0)  # no tooltip in the picture
            page.screenshot(path=str(picture))
        finally:
            browser.close()
    assert succeeded, f"the run ended {sync_run['state']}: its grid is in {picture}"
    assert picture.stat().st_size > 20_000  # a rendered page, not a blank one
    assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    if os.environ.get("SHOPIFY_ELT_UPDATE_SCREENSHOT"):
        shutil.copyfile(picture, SCREENSHOT)
