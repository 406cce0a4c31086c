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


def test_sync_runs_its_stages_in_order_in_task_groups(dagbag):
    dag = dagbag.dags["shopify_sync"]
    streams, children = dag.get_task("extract.streams"), dag.get_task("extract.child_streams")
    assert "orders" in streams.op_kwargs_expand_input.value["stream_name"]  # one mapped instance per stream
    assert {"inventory_levels", "order_transactions"} <= set(children.op_kwargs_expand_input.value["stream_name"])
    assert children.upstream_task_ids == {"extract.streams"}, "read per parent row once the parents are in"
    assert dag.get_task("extract.sweep_deletions").upstream_task_ids == {"extract.child_streams"}
    assert dag.get_task("transform.build_core").upstream_task_ids == {"extract.sweep_deletions"}
    assert dag.get_task("check_staging.reconcile_counts").upstream_task_ids == {"extract.sweep_deletions"}
    assert dag.get_task("check_core.data_quality_checks").upstream_task_ids == {"transform.build_core"}
    for push in ("reverse_sync.push_inventory_levels", "reverse_sync.push_order_writes"):
        assert dag.get_task(push).upstream_task_ids == {"check_core.data_quality_checks"}
        assert "report_run" in dag.get_task(push).downstream_task_ids
    assert {"check_reconciliation", "check_data_quality"} <= dag.get_task("report_run").downstream_task_ids
    assert set(dag.task_group.children) >= {"extract", "check_staging", "transform", "check_core", "reverse_sync"}
    assert dag.params["sweep_every_hours"] == 24
    assert dag.schedule == "@hourly"
