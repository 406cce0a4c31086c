"""House rules for every DAG of every shop: imports cleanly, no I/O at parse time, tags, retries,
one run at a time; each shop's DAGs on its own connection and pools."""

from __future__ import annotations

import socket

import pytest

from tests.conftest import ROOT

SHOPS_FILE = ROOT / "tests" / "shops.yaml"
KINDS = ("shopify_sync", "shopify_reverse_sync", "shopify_backfill", "shopify_webhooks")
API_TASKS = {
    "shopify_sync": {
        "extract.streams",
        "extract.child_streams",
        "extract.sweep_deletions",
        "check_staging.reconcile_counts",
    },
    "shopify_reverse_sync": {"push_inventory_levels", "push_order_writes"},
    "shopify_backfill": {"backfill_window"},
    "shopify_webhooks": {"merge_deliveries"},
}
"""The tasks that call Shopify's API: in the shop's pool (the backfill's in its own)."""


class _NoNetwork(socket.socket):
    def connect(self, *args, **kwargs):  # pragma: no cover - only reached by a rule breaker
        raise AssertionError("DAG files must not do network I/O at parse time")


def shops():
    from shopify_elt.shops import load_shops

    return load_shops(SHOPS_FILE)


@pytest.fixture(scope="module")
def dagbag():
    """Parse ``dags/`` once for the test shops, with sockets forbidden and no connection defined."""
    from airflow.dag_processing.dagbag import DagBag

    original = socket.socket
    socket.socket = _NoNetwork  # type: ignore[misc]
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("SHOPIFY_ELT_SHOPS_FILE", str(SHOPS_FILE))
            return DagBag(dag_folder=str(ROOT / "dags"))
    finally:
        socket.socket = original  # type: ignore[misc]


def test_no_import_errors_and_every_shop_has_its_dags(dagbag):
    assert not dagbag.import_errors, dagbag.import_errors
    expected = {shop.dag_id(kind) for shop in shops() for kind in KINDS}
    assert set(dagbag.dags) == expected
    assert {"shopify_sync", "shopify_sync__alpha", "shopify_reverse_sync__beta"} <= expected


def test_every_dag_file_is_named_after_its_dags():
    assert sorted(p.stem for p in (ROOT / "dags").glob("*.py")) == sorted(KINDS)


@pytest.mark.parametrize("dag_id", sorted(shop.dag_id(kind) for shop in shops() for kind in KINDS))
def test_house_rules(dagbag, dag_id):
    dag = dagbag.dags[dag_id]
    assert dag.tags and {"shopify", "elt"} <= set(dag.tags), "every DAG has tags"
    assert dag.doc_md and len(dag.doc_md) > 100, "every DAG explains itself in doc_md"
    assert dag.max_active_runs == 1, "one run at a time"
    assert dag.catchup is False
    assert dag.default_args.get("retries", 0) >= 2
    for task in dag.tasks:
        assert task.retries >= 2, f"{task.task_id} needs retries"
    alerts = {(type(n).__name__, n.when) for n in [*dag.on_failure_callback, *dag.on_success_callback]}
    assert alerts == {("RunReportNotifier", "failed"), ("RunReportNotifier", "completed")}, "a run's outcome is told"


@pytest.mark.parametrize("shop", shops(), ids=lambda shop: shop.name)
def test_lineage_runs_from_shopify_through_staging_and_core_back_to_shopify(dagbag, shop):
    def names(assets) -> set[str]:
        return {a.name for a in assets}

    sync = dagbag.dags[shop.dag_id("shopify_sync")]
    assert names(sync.get_task("extract.streams").outlets) == {shop.staging_asset_name}
    build = sync.get_task("transform.build_core")
    assert names(build.inlets) == {shop.staging_asset_name} and names(build.outlets) == {shop.core_asset_name}
    backfill = dagbag.dags[shop.dag_id("shopify_backfill")]
    assert names(backfill.get_task("backfill_window").outlets) == {shop.staging_asset_name}
    reverse = dagbag.dags[shop.dag_id("shopify_reverse_sync")]
    assert all(names(t.inlets) == {shop.core_asset_name} for t in reverse.tasks if t.task_id.startswith("push_"))


@pytest.mark.parametrize("shop", shops(), ids=lambda shop: shop.name)
def test_each_shops_dags_use_its_connections_and_pools(dagbag, shop):
    from shopify_elt.pools import pool_slots

    for kind in KINDS:
        dag = dagbag.dags[shop.dag_id(kind)]
        assert dag.params["shopify_conn_id"] == f"shopify_{shop.name}"
        assert dag.params["warehouse_conn_id"] == shop.warehouse_conn_id
        assert f"shop:{shop.name}" in dag.tags
        assert f"`{shop.pool}` ({pool_slots(shop)} slots" in dag.doc_md, "the doc says where the shop's tasks run"
        pool = shop.backfill_pool if kind == "shopify_backfill" else shop.pool
        pools = {task.task_id: task.pool for task in dag.tasks}
        assert {t: p for t, p in pools.items() if p != "default_pool"} == dict.fromkeys(API_TASKS[kind], pool)


def test_pools_are_sized_to_each_plans_api_budget():
    from shopify_elt.pools import pool_specs, slots_for_plan

    assert {plan: slots_for_plan(plan) for plan in ("standard", "advanced", "plus", "enterprise")} == {
        "standard": 2,
        "advanced": 4,
        "plus": 20,
        "enterprise": 40,
    }
    specs = {spec.name: spec for spec in pool_specs(shops())}
    assert {name: spec.slots for name, spec in specs.items()} == {
        "shopify_default": 2,
        "shopify_default_backfill": 1,
        "shopify_alpha": 20,
        "shopify_alpha_backfill": 1,
        "shopify_beta": 3,  # pool_slots in the file wins over the plan
        "shopify_beta_backfill": 1,
    }
    assert specs["shopify_alpha_backfill"].include_deferred, "a deferred bulk job keeps its slot"


def test_sync_runs_its_stages_in_order_in_task_groups_and_writes_nothing_to_shopify(dagbag):
    dag = dagbag.dags["shopify_sync"]
    streams, children = dag.get_task("extract.streams"), dag.get_task("extract.child_streams")
    assert "orders" in streams.op_kwargs_expand_input.value["stream_name"]  # one mapped instance per stream
    assert {"inventory_levels", "order_transactions"} <= set(children.op_kwargs_expand_input.value["stream_name"])
    assert children.upstream_task_ids == {"extract.streams"}, "read per parent row once the parents are in"
    assert dag.get_task("extract.sweep_deletions").upstream_task_ids == {"extract.child_streams"}
    assert dag.get_task("transform.build_core").upstream_task_ids == {"extract.sweep_deletions"}
    assert dag.get_task("check_staging.reconcile_counts").upstream_task_ids == {"extract.sweep_deletions"}
    assert dag.get_task("check_core.data_quality_checks").upstream_task_ids == {"transform.build_core"}
    assert {"check_reconciliation", "check_data_quality"} <= dag.get_task("report_run").downstream_task_ids
    assert set(dag.task_group.children) >= {"extract", "check_staging", "transform", "check_core"}
    assert not [t.task_id for t in dag.tasks if "push" in t.task_id], "only shopify_reverse_sync writes"
    assert dag.params["sweep_every_hours"] == 24
    assert dag.schedule == "0 * * * *"
    assert dagbag.dags["shopify_sync__alpha"].schedule == "20 * * * *", "offset_minutes staggers the shops"


def test_the_core_build_updates_the_shops_asset_and_the_reverse_sync_follows_it(dagbag):
    from airflow.sdk import Asset, AssetOrTimeSchedule

    for shop in shops():
        build = dagbag.dags[shop.dag_id("shopify_sync")].get_task("transform.build_core")
        asset = Asset(name=f"shopify_core__{shop.name}", group="shopify")
        assert build.outlets == [asset]
        reverse = dagbag.dags[shop.dag_id("shopify_reverse_sync")]
        assert reverse.params["dry_run"] is False
        assert reverse.get_task("report_reverse_sync").upstream_task_ids == {
            "push_inventory_levels",
            "push_order_writes",
        }
        timetable = reverse.timetable
        if shop.reverse_sync_every_minutes:
            assert isinstance(timetable, AssetOrTimeSchedule)
            assert timetable.timetable.expression == shop.reverse_sync_schedule
        else:
            assert not isinstance(timetable, AssetOrTimeSchedule), "asset only"
        assert list(timetable.asset_condition.objects) == [asset]
    assert shops()[1].reverse_sync_schedule == "0-59/10 * * * *"  # alpha: every 10 min from :20 (:00, :10 …)


def test_the_shipped_shops_file_has_the_default_shop():
    """What the README, the demo and the tests without a shops file of their own rely on."""
    from shopify_elt.shops import DEFAULT_SHOPS_FILE, load_shops

    assert DEFAULT_SHOPS_FILE == ROOT / "include" / "shops.yaml"
    assert [shop.name for shop in load_shops(DEFAULT_SHOPS_FILE)] == ["default"]
