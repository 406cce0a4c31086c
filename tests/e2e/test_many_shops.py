"""Many shops from one shops file, under real Airflow (`dag.test()`): two shops, each with its own
simulator and connection, sync into the same warehouse through DAGs generated for them — each
with its own watermarks, rows and report — and the core build of one updates its asset, which
schedules that shop's reverse sync, which writes back to that shop's Shopify only.

Both shops' runs share one logical date, hence one Airflow run id, as two shops' hourly runs
scheduled for the same minute do; the reverse sync shares it too.
"""

from __future__ import annotations

from datetime import UTC, datetime

import psycopg
import pytest

from tests.cleanup import forget_shops
from tests.conftest import ROOT, private_simulator
from tests.shopify_view import all_nodes, available_by_level

pytestmark = pytest.mark.airflow

SHOPS_FILE = ROOT / "tests" / "shops.yaml"
STORES = {"alpha": {"seed": 3, "orders": 12}, "beta": {"seed": 5, "orders": 6}}
RUN_CONF = {"lag_seconds": 0}


def domain(name: str) -> str:
    return f"{name}-shops-e2e.myshopify.com"


@pytest.fixture(scope="module")
def shops_file():
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SHOPIFY_ELT_SHOPS_FILE", str(SHOPS_FILE))
        yield SHOPS_FILE


@pytest.fixture(scope="module")
def dags(shops_file, airflow_db):
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(ROOT / "dags"))
    assert not bag.import_errors
    return bag.dags


@pytest.fixture(scope="module")
def stores(shops_file, warehouse_url):
    """A simulator per shop, as its connection ``shopify_<name>``; the shops' rows removed afterwards."""
    with (
        private_simulator("shopify_alpha", shop_domain=domain("alpha"), **STORES["alpha"]) as alpha,
        private_simulator("shopify_beta", shop_domain=domain("beta"), **STORES["beta"]) as beta,
    ):
        yield {"alpha": alpha, "beta": beta}
    with psycopg.connect(warehouse_url, autocommit=True) as conn:
        forget_shops(conn, domain("%"))


@pytest.fixture(scope="module")
def runs(dags, stores):
    """Beta's sync, then alpha's (with its reverse sync unpaused, as a deployment would have it),
    then alpha's reverse sync, all with one logical date; Shopify's levels read before and after."""
    from airflow.models.dag import DagModel
    from airflow.utils.session import create_session

    levels_before = {name: available_by_level(sim) for name, sim in stores.items()}
    at = {"logical_date": datetime.now(UTC).replace(microsecond=0)}
    at["run_after"] = at["logical_date"]  # what a manual run's id is made of
    beta = dags["shopify_sync__beta"].test(**at, run_conf=RUN_CONF)
    with create_session() as session:  # the first dag.test() wrote every DAG of the shops file
        session.get(DagModel, "shopify_reverse_sync__alpha").is_paused = False
    alpha = dags["shopify_sync__alpha"].test(**at, run_conf=RUN_CONF)
    reverse = dags["shopify_reverse_sync__alpha"].test(**at)
    assert [run.state for run in (alpha, beta, reverse)] == ["success"] * 3
    assert alpha.run_id == beta.run_id == reverse.run_id
    return {
        "run_id": alpha.run_id,
        "levels_before": levels_before,
        "levels_after": {name: available_by_level(sim) for name, sim in stores.items()},
    }


def staged(conn, table: str, name: str) -> set[str]:
    return {r[0] for r in conn.execute(f"select id from staging.{table} where _shop = %s", (domain(name),))}


def test_each_shop_holds_exactly_its_own_stores_records(runs, stores, warehouse):
    for field, table in (
        ("orders", "shopify_orders"),
        ("products", "shopify_products"),
        ("customers", "shopify_customers"),
    ):
        ids = {name: {n["id"] for n in all_nodes(sim, field, "id")} for name, sim in stores.items()}
        assert {name: staged(warehouse, table, name) for name in stores} == ids
    orders = {name: len(staged(warehouse, "shopify_orders", name)) for name in stores}
    assert orders["alpha"] > orders["beta"] > 0
    shared = staged(warehouse, "shopify_locations", "alpha") & staged(warehouse, "shopify_locations", "beta")
    assert shared, "both stores number their records alike: the same id is a row per shop"
    for name in stores:
        built = warehouse.execute("select count(*) from core.sales_orders where shop = %s", (domain(name),))
        assert built.fetchone()[0] > 0


def test_each_shop_has_its_own_watermarks(runs, warehouse):
    """Alpha ran after beta: every watermark of alpha's is later than every one of beta's, which
    alpha's run left where beta's put them (full-refresh streams have none)."""
    from shopify_elt.streams import top_level_streams

    state = {
        name: {
            stream: (watermark, rows)
            for stream, watermark, rows in warehouse.execute(
                "select stream, watermark, rows_seen from ops.stream_state where shop = %s", (domain(name),)
            ).fetchall()
        }
        for name in STORES
    }
    assert set(state["alpha"]) == set(state["beta"]) == {s.name for s in top_level_streams()}
    incremental = {name: [w for w, _ in streams.values() if w is not None] for name, streams in state.items()}
    assert incremental["beta"] and min(incremental["alpha"]) > max(incremental["beta"])
    assert state["alpha"]["orders"][1] > state["beta"]["orders"][1] > 0


def test_one_run_id_three_reports_each_rejects_of_its_own_shop(runs, warehouse):
    reports = {
        (dag_id, shop): report
        for dag_id, shop, report in warehouse.execute(
            "select dag_id, shop, report from ops.sync_runs where run_id = %s", (runs["run_id"],)
        ).fetchall()
    }
    assert set(reports) == {
        ("shopify_sync__alpha", domain("alpha")),
        ("shopify_sync__beta", domain("beta")),
        ("shopify_reverse_sync__alpha", domain("alpha")),
    }
    for name in STORES:
        report = reports[(f"shopify_sync__{name}", domain(name))]
        rejected = warehouse.execute(
            "select count(*) from ops.rejects where run_id = %s and shop = %s", (runs["run_id"], domain(name))
        ).fetchone()[0]
        assert sum(report["rejects"].values()) == rejected
        assert all(r["matches"] for r in report["reconciliation"].values()), report["reconciliation"]


def test_the_core_build_updates_the_shops_asset_which_queues_its_reverse_sync(runs):
    from airflow.models.asset import AssetDagRunQueue, AssetEvent, AssetModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        events = session.execute(
            select(AssetModel.name, AssetEvent.source_dag_id, AssetEvent.source_task_id)
            .join(AssetEvent, AssetEvent.asset_id == AssetModel.id)
            .where(AssetModel.name.like("shopify_core__%"), AssetEvent.source_run_id == runs["run_id"])
        ).all()
        queued = session.scalars(
            select(AssetDagRunQueue.target_dag_id)
            .join(AssetModel, AssetModel.id == AssetDagRunQueue.asset_id)
            .where(AssetModel.name == "shopify_core__alpha")
        ).all()
    assert sorted(events) == [
        ("shopify_core__alpha", "shopify_sync__alpha", "transform.build_core"),
        ("shopify_core__beta", "shopify_sync__beta", "transform.build_core"),
    ]
    assert queued == ["shopify_reverse_sync__alpha"], "the scheduler would start alpha's reverse sync now"


def test_the_reverse_sync_writes_to_its_shop_only(runs, stores, warehouse):
    report = warehouse.execute(
        "select report from ops.sync_runs where dag_id = 'shopify_reverse_sync__alpha' and run_id = %s",
        (runs["run_id"],),
    ).fetchone()[0]
    inventory = report["inventory"]
    assert inventory["planned"] > 0 and inventory["applied"] == inventory["planned"]
    ours = dict(
        ((item, location), available)
        for item, location, available in warehouse.execute(
            """select i.shopify_inventory_item_id, l.shopify_location_id, s.available_to_sell
               from core.stock as s
               join core.items as i using (item_id)
               join core.locations as l using (location_id)
               where l.is_active and i.shop = %s""",
            (domain("alpha"),),
        ).fetchall()
    )
    after = runs["levels_after"]
    assert {key: after["alpha"].get(key) for key in ours} == ours, "alpha's Shopify holds what alpha's core says"
    assert after["alpha"] != runs["levels_before"]["alpha"]
    assert after["beta"] == runs["levels_before"]["beta"], "nothing was written to beta's Shopify"
    pushes = warehouse.execute("select count(*) from ops.inventory_pushes where shop = %s", (domain("beta"),))
    assert pushes.fetchone()[0] == 0


def test_the_pools_command_creates_and_updates_every_shops_pools(shops_file, airflow_db):
    from airflow.models.pool import Pool
    from airflow.utils.session import create_session
    from sqlalchemy import select

    from shopify_elt.pools import main

    with create_session() as session:
        Pool.create_or_update_pool("shopify_alpha", 99, "stale", False, session=session)
    assert main([]) == 0  # the shops file of the environment
    with create_session() as session:
        pools = {p.pool: (p.slots, p.include_deferred) for p in session.scalars(select(Pool)).all()}
    assert {name: pools[name] for name in pools if name.startswith("shopify_")} == {
        "shopify_default": (2, False),
        "shopify_default_backfill": (1, True),
        "shopify_alpha": (20, False),
        "shopify_alpha_backfill": (1, True),
        "shopify_beta": (3, False),
        "shopify_beta_backfill": (1, True),
    }
