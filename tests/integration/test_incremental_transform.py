"""The core build rebuilds what changed, not the store: the orders whose staged rows changed
(queued by triggers, whoever wrote them), the orders it rejected, the orders of customers matched
anew, and every order once when a mapping file changes. Proven on a real PostgreSQL with rows
staged from the simulator, changes made through its control plane."""

from __future__ import annotations

import shutil
from contextlib import closing
from pathlib import Path

import pytest
import requests

from shopify_elt import transform
from shopify_elt.ddl import ensure_schema
from shopify_elt.transform import MAPPINGS_DIR, build_core
from shopify_elt.warehouse import connect
from tests.cleanup import forget_shops
from tests.conftest import private_simulator
from tests.staging import stage

pytestmark = pytest.mark.integration

CONN_ID = "shopify_incremental_core"
SHOP = "incremental-core.myshopify.com"


@pytest.fixture(scope="module")
def sim():
    with private_simulator(CONN_ID, seed=13, orders=30) as process:
        yield process


@pytest.fixture(scope="module")
def conn(warehouse_url, sim):
    with closing(connect()) as connection:
        ensure_schema(connection)
        extract(connection, "stage")
        yield connection
        forget_shops(connection, SHOP)


@pytest.fixture()
def mappings(tmp_path: Path) -> Path:
    target = tmp_path / "mappings"
    shutil.copytree(MAPPINGS_DIR, target)
    return target


def extract(conn, run_id: str) -> None:
    stage(conn, SHOP, run_id, conn_id=CONN_ID)


def control(sim, path: str, body: dict) -> None:
    response = requests.post(f"{sim.base_url}/_simulator/{path}", json=body, timeout=10)
    assert response.status_code in (200, 201), response.text


def queued(conn) -> set[str]:
    query = "select record_id from ops.staging_changes where shop = %s and root = 'orders'"
    return {r[0] for r in conn.execute(query, (SHOP,)).fetchall()}


def sales_order(conn, order_id: str, column: str):
    query = f"select {column} from core.sales_orders where shop = %s and shopify_order_id = %s"
    row = conn.execute(query, (SHOP, order_id)).fetchone()
    return row[0] if row else None


def open_orders(conn) -> list[str]:
    query = "select shopify_order_id from core.sales_orders where shop = %s and status = 'open' order by 1"
    return [r[0] for r in conn.execute(query, (SHOP,)).fetchall()]


def numeric_id(gid: str) -> str:
    return gid.rsplit("/", 1)[-1]


def test_an_hourly_build_rebuilds_only_the_orders_that_changed(conn, sim, mappings):
    build_core(conn, SHOP, "first", mappings)
    assert queued(conn) == set(), "the first build takes every queued order"
    cancelled, untouched = open_orders(conn)[:2]
    # A drift the build would repair if it rebuilt the order: it must not, the order did not change.
    conn.execute(
        "update core.sales_orders set web_order_number = 'drifted' where shop = %s and shopify_order_id = %s",
        (SHOP, untouched),
    )

    control(sim, f"orders/{numeric_id(cancelled)}/cancel", {"reason": "CUSTOMER"})
    extract(conn, "hour-1")
    assert queued(conn) == {cancelled}, "only the order Shopify changed is queued"

    changed = build_core(conn, SHOP, "hour-1", mappings)
    assert changed["sales_orders"] == 1
    assert sales_order(conn, cancelled, "status") == "cancelled"
    assert sales_order(conn, untouched, "web_order_number") == "drifted", "an unchanged order is not rebuilt"
    assert set(build_core(conn, SHOP, "hour-1-again", mappings).values()) == {0}

    # A changed mapping file rebuilds every order once: the drift is repaired, and the mapping
    # reaches exactly the orders it affects.
    ship_methods = mappings / "ship_methods.csv"
    ship_methods.write_text(ship_methods.read_text().replace("Standard,Ground", "Standard,Pallet"))
    affected = {
        r[0]
        for r in conn.execute(
            """select distinct so.shopify_order_id
               from core.sales_orders as so
               join staging.shopify_order_shipping_lines as sl
                 on sl._shop = so.shop and sl._parent_id = so.shopify_order_id
               where so.shop = %s and sl.title = 'Standard'""",
            (SHOP,),
        ).fetchall()
    }
    assert affected, "the seeded store ships some orders Standard"
    changed = build_core(conn, SHOP, "mapping-changed", mappings)
    assert changed["sales_orders"] == len(affected | {untouched})
    assert sales_order(conn, untouched, "web_order_number") != "drifted"
    pallets = conn.execute(
        "select shopify_order_id from core.sales_orders where shop = %s and ship_method = 'Pallet'", (SHOP,)
    )
    assert {r[0] for r in pallets.fetchall()} == affected
    assert set(build_core(conn, SHOP, "mapping-again", mappings).values()) == {0}


def test_a_failed_build_leaves_its_orders_queued_for_the_next(conn, mappings, monkeypatch):
    build_core(conn, SHOP, "before-failure", mappings)
    order = open_orders(conn)[-1]
    conn.execute(
        "update staging.shopify_orders set name = '#EDITED', _raw = jsonb_set(_raw, '{name}', '\"#EDITED\"')"
        " where _shop = %s and id = %s",
        (SHOP, order),
    )
    assert queued(conn) == {order}

    real_run_file = transform.run_file

    def failing(connection, relative, params=None):
        if relative == "core/sales_order_lines.sql":
            raise RuntimeError("the database went away")
        return real_run_file(connection, relative, params)

    monkeypatch.setattr(transform, "run_file", failing)
    with pytest.raises(RuntimeError):
        build_core(conn, SHOP, "failing", mappings)
    monkeypatch.undo()
    assert queued(conn) == {order}, "a failed build puts back what it took"
    assert sales_order(conn, order, "web_order_number") != "#EDITED", "and leaves core as it was"

    assert build_core(conn, SHOP, "after-failure", mappings)["sales_orders"] == 1
    assert sales_order(conn, order, "web_order_number") == "#EDITED"
    assert queued(conn) == set()


def test_a_change_committed_while_a_build_runs_waits_for_the_next(conn, mappings):
    build_core(conn, SHOP, "before-concurrent", mappings)
    order = open_orders(conn)[0]
    with closing(connect()) as writer:
        with writer.transaction():  # an extraction's merge, not committed while the build runs
            writer.execute(
                "update staging.shopify_orders set name = '#LATE', _raw = jsonb_set(_raw, '{name}', '\"#LATE\"')"
                " where _shop = %s and id = %s",
                (SHOP, order),
            )
            assert set(build_core(conn, SHOP, "concurrent", mappings).values()) == {0}
        assert queued(conn) == {order}, "the change stays queued"
    build_core(conn, SHOP, "after-concurrent", mappings)
    assert sales_order(conn, order, "web_order_number") == "#LATE"


def test_a_customer_matched_anew_takes_its_orders_along(conn, sim, mappings):
    settings = mappings / "settings.csv"
    settings.write_text(settings.read_text().replace("customer_matching,shopify_id,", "customer_matching,email,"))
    build_core(conn, SHOP, "by-email", mappings)
    rows = conn.execute(
        """select o.customer_id, count(*), min(c.email)
           from staging.shopify_orders as o
           join staging.shopify_customers as c on c._shop = o._shop and c.id = o.customer_id
           join core.sales_orders as so on so.shop = o._shop and so.shopify_order_id = o.id
           where o._shop = %s and c.email is not null
           group by 1 order by 1 limit 2""",
        (SHOP,),
    ).fetchall()
    (moving, moving_orders, _), (_, _, target_email) = rows
    target = conn.execute(
        "select customer_id from core.customers where shop = %s and customer_key = %s", (SHOP, f"email:{target_email}")
    ).fetchone()[0]

    control(sim, f"customers/{numeric_id(moving)}/update", {"email": target_email.upper()})
    extract(conn, "new-email")
    assert queued(conn) == set(), "a customer's change queues no order by itself"
    build_core(conn, SHOP, "merged", mappings)
    merged = conn.execute(
        """select count(*) from core.sales_orders as so
           join staging.shopify_orders as o on o._shop = so.shop and o.id = so.shopify_order_id
           where so.shop = %s and o.customer_id = %s and so.customer_id = %s""",
        (SHOP, moving, target),
    ).fetchone()[0]
    assert merged == moving_orders, "the orders follow their customer to the one it was matched with"


def test_only_the_customers_that_changed_are_matched_again(conn, sim, mappings):
    build_core(conn, SHOP, "customers-before", mappings)
    changed, untouched = [
        r[0]
        for r in conn.execute(
            "select id from staging.shopify_customers where _shop = %s and _deleted_at is null order by id limit 2",
            (SHOP,),
        ).fetchall()
    ]
    conn.execute(  # a drift a rebuild of that customer would repair
        """update core.customers set first_name = 'Drifted'
           where customer_id = (
               select customer_id from core.customer_links where shop = %s and shopify_customer_id = %s
           )""",
        (SHOP, untouched),
    )
    control(sim, f"customers/{numeric_id(changed)}/update", {"first_name": "Renamed"})
    extract(conn, "customer-renamed")
    assert conn.execute(
        "select record_id from ops.staging_changes where shop = %s and root = 'customers'", (SHOP,)
    ).fetchall() == [(changed,)]

    assert build_core(conn, SHOP, "customers-after", mappings)["customers"] == 1
    names = dict(
        conn.execute(
            """select l.shopify_customer_id, c.first_name from core.customer_links as l
               join core.customers as c using (customer_id) where l.shop = %s and l.shopify_customer_id in (%s, %s)""",
            (SHOP, changed, untouched),
        ).fetchall()
    )
    assert names == {changed: "Renamed", untouched: "Drifted"}
