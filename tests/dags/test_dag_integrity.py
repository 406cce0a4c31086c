"""House rules for every DAG: imports cleanly, no I/O at parse time, tags, retries, one run at a time."""

from __future__ import annotations

import socket

import pytest

from tests.conftest import ROOT


class _NoNetwork(socket.socket):
    def connect(self, *args, **kwargs):  # pragma: no cover - only reached by a rule breaker
        raise AssertionError("DAG files must not do network I/O at parse time")


@pytest.fixture(scope="module")
def dagbag():
    """Parse ``dags/`` once, with sockets forbidden and no connection defined."""
    from airflow.dag_processing.dagbag import DagBag

    original = socket.socket
    socket.socket = _NoNetwork  # type: ignore[misc]
    try:
        return DagBag(dag_folder=str(ROOT / "dags"))
    finally:
        socket.socket = original  # type: ignore[misc]


def test_no_import_errors(dagbag):
    assert not dagbag.import_errors, dagbag.import_errors
    assert "shopify_sync" in dagbag.dags


def dag_ids():
    return sorted(p.stem for p in (ROOT / "dags").glob("shopify_*.py"))


@pytest.mark.parametrize("dag_id", dag_ids())
def test_dag_id_is_the_file_name_and_follows_house_rules(dagbag, dag_id):
    dag = dagbag.dags[dag_id]
    assert dag.tags, "every DAG has tags"
    assert dag.doc_md and len(dag.doc_md) > 100, "every DAG explains itself in doc_md"
    assert dag.max_active_runs == 1, "one sync at a time"
    assert dag.catchup is False
    assert dag.default_args.get("retries", 0) >= 2
    for task in dag.tasks:
        assert task.retries >= 2, f"{task.task_id} needs retries"


def test_sync_runs_extract_then_build_then_push_then_report(dagbag):
    dag = dagbag.dags["shopify_sync"]
    extract_ids = {t for t in dag.task_ids if t.startswith("extract_")}
    assert {"extract_orders", "extract_inventory_levels", "extract_locations"} <= extract_ids
    build = dag.get_task("build_core")
    assert extract_ids <= build.upstream_task_ids
    assert dag.get_task("push_inventory_levels").upstream_task_ids == {"build_core"}
    # every ledger write (shipments, cancellations, status tags) goes out in one task after the build
    assert dag.get_task("push_order_writes").upstream_task_ids == {"build_core"}
    assert "report_run" in dag.get_task("push_order_writes").downstream_task_ids
    assert extract_ids <= dag.get_task("reconcile_counts").upstream_task_ids
    assert "extract_locations" in dag.get_task("extract_inventory_levels").upstream_task_ids
    sweep = dag.get_task("sweep_deletions")  # deletions marked before core is built and counts compared
    assert extract_ids <= sweep.upstream_task_ids
    assert {"build_core", "reconcile_counts"} <= sweep.downstream_task_ids
    assert dag.params["sweep_every_hours"] == 24
    assert dag.schedule == "@hourly"
