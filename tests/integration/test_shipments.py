"""Shipments in core, on a real PostgreSQL with rows staged from the simulator over HTTP: the
fulfillments Shopify already has of imported orders (made here with fulfillmentCreate, as a
merchant or a fulfillment app would) become shipments with their lines and tracking numbers, so
the push of the back office's shipments never sends them twice; and the back office's own
shipments, not yet in Shopify, are never touched by a build."""

from __future__ import annotations

from contextlib import closing, contextmanager
from dataclasses import dataclass, field

import psycopg
import pytest
import requests
from psycopg.types.json import Jsonb

from shopify_elt.ddl import ensure_schema
from shopify_elt.transform import build_core
from shopify_elt.warehouse import connect, run_file
from tests.cleanup import forget_shops
from tests.conftest import private_simulator
from tests.staging import stage

pytestmark = pytest.mark.integration

CONN_ID = "shopify_shipments"
SHOP = "shipments.myshopify.com"

READ_ORDER = """query($id: ID!) { order(id: $id) { lineItems(first: 10) { nodes { id sku } }
  fulfillmentOrders(first: 1) { nodes { id lineItems(first: 10) { nodes { id lineItem { id } } } } } } }"""
CREATE = """mutation($fulfillment: FulfillmentInput!) { fulfillmentCreate(fulfillment: $fulfillment) {
  fulfillment { id } userErrors { field message } } }"""

PARTIAL_TRACKING = {"number": "1ZPARTIAL01", "company": "UPS", "url": "https://ups.example/1ZPARTIAL01"}
SPLIT_TRACKING = {
    "numbers": ["HRM-0001", "HRM-0002"],
    "urls": ["https://hermes.example/HRM-0001", "https://hermes.example/HRM-0002"],
    "company": "Hermes",
}


@dataclass
class Placed:
    """An order placed in the simulator: its id, its line item ids by SKU, its fulfillment ids."""

    order_id: str
    fulfillment_order_id: str
    lines: dict[str, str]
    fo_lines: dict[str, str]
    fulfillments: list[str] = field(default_factory=list)


@dataclass
class Store:
    conn: psycopg.Connection
    skus: tuple[str, str]
    partial: Placed
    split: Placed


def extract(conn, run_id: str) -> None:
    stage(conn, SHOP, run_id, conn_id=CONN_ID)


def place(sim, skus: tuple[str, str], quantity: int) -> Placed:
    body = {"line_items": [{"sku": sku, "quantity": quantity} for sku in skus]}
    response = requests.post(f"{sim.base_url}/_simulator/orders", json=body, timeout=10)
    assert response.status_code == 201, response.text
    order_id = response.json()["id"]
    order = sim.graphql(READ_ORDER, {"id": order_id})["order"]
    lines = {li["sku"]: li["id"] for li in order["lineItems"]["nodes"]}
    (fo,) = order["fulfillmentOrders"]["nodes"]
    by_line = {node["lineItem"]["id"]: node["id"] for node in fo["lineItems"]["nodes"]}
    return Placed(order_id, fo["id"], lines, {sku: by_line[line] for sku, line in lines.items()})


def fulfill(sim, placed: Placed, quantities: dict[str, int] | None, tracking: dict | None) -> None:
    """fulfillmentCreate of ``quantities`` per SKU (None: all that remains), as Shopify takes it."""
    group: dict = {"fulfillmentOrderId": placed.fulfillment_order_id}
    if quantities is not None:
        group["fulfillmentOrderLineItems"] = [{"id": placed.fo_lines[s], "quantity": q} for s, q in quantities.items()]
    fulfillment = {"notifyCustomer": False, "lineItemsByFulfillmentOrder": [group]}
    if tracking is not None:
        fulfillment["trackingInfo"] = tracking
    result = sim.graphql(CREATE, {"fulfillment": fulfillment})["fulfillmentCreate"]
    assert result["userErrors"] == [], result
    placed.fulfillments.append(result["fulfillment"]["id"])


@pytest.fixture(scope="module")
def store(warehouse_url):
    """The seeded store built once, then a partially fulfilled order and one split in two
    fulfillments placed and fulfilled in the shop, and the next run's extraction and build."""
    with private_simulator(CONN_ID, seed=13, orders=60) as sim, closing(connect()) as conn:
        ensure_schema(conn)
        extract(conn, "shipments-1")
        build_core(conn, SHOP, "shipments-1")
        skus = tuple(
            r[0]
            for r in conn.execute(
                "select sku from core.items where shop = %s and deleted_at is null order by sku limit 2", (SHOP,)
            )
        )
        partial = place(sim, skus, quantity=3)
        fulfill(sim, partial, {skus[0]: 1, skus[1]: 2}, PARTIAL_TRACKING)
        split = place(sim, skus, quantity=2)
        fulfill(sim, split, {skus[0]: 2}, SPLIT_TRACKING)
        fulfill(sim, split, None, None)  # the rest, without tracking
        extract(conn, "shipments-2")
        build_core(conn, SHOP, "shipments-2")
        yield Store(conn, skus, partial, split)
        forget_shops(conn, SHOP)


@pytest.fixture()
def conn(store):
    return store.conn


def rebuild(conn, run_id: str) -> dict[str, int]:
    """A build of every order of the shop (without its state the build is a full one)."""
    conn.execute("delete from ops.transform_state where shop = %s", (SHOP,))
    return build_core(conn, SHOP, run_id)


@contextmanager
def rolled_back(conn):
    """Changes to staging and core made inside are undone after: the module's store stays as built."""
    with conn.transaction() as tx:
        yield
        raise psycopg.Rollback(tx)


def shipment(conn, fulfillment_id: str) -> dict:
    """A Shopify-sourced shipment, with its lines by Shopify line item id and its trackings."""
    row = conn.execute(
        """select sh.shipment_id, sh.status, l.shopify_location_id, sh.shipped_at, sh.notify_customer
           from core.shipments as sh
           join core.sales_orders as so using (sales_order_id)
           left join core.locations as l on l.location_id = sh.location_id
           where so.shop = %s and sh.shopify_fulfillment_id = %s""",
        (SHOP, fulfillment_id),
    ).fetchone()
    assert row is not None, f"no shipment of {fulfillment_id}"
    shipment_id, status, location, shipped_at, notify = row
    lines = dict(
        conn.execute(
            """select sol.shopify_line_item_id, sl.quantity from core.shipment_lines as sl
               join core.sales_order_lines as sol using (sales_order_line_id) where sl.shipment_id = %s""",
            (shipment_id,),
        ).fetchall()
    )
    trackings = conn.execute(
        "select position, tracking_number, carrier, url from core.shipment_trackings where shipment_id = %s"
        " order by position",
        (shipment_id,),
    ).fetchall()
    return {
        "id": shipment_id, "status": status, "location": location, "shipped_at": shipped_at, "notify": notify,
        "lines": lines, "trackings": trackings,
    }  # fmt: skip


def staged_fulfillment(conn, fulfillment_id: str, column: str):
    query = f"select {column} from staging.shopify_order_fulfillments where _shop = %s and id = %s"
    return conn.execute(query, (SHOP, fulfillment_id)).fetchone()[0]


def snapshot(conn) -> list[list[tuple]]:
    """Every shipment row of the shop, with its trackings and lines, as stored."""
    of_shop = (
        "join core.shipments as sh on sh.shipment_id = x.shipment_id"
        " join core.sales_orders as so on so.sales_order_id = sh.sales_order_id"
    )
    return [
        conn.execute(
            "select sh.* from core.shipments as sh join core.sales_orders as so using (sales_order_id)"
            " where so.shop = %s order by sh.shipment_id",
            (SHOP,),
        ).fetchall(),
        conn.execute(
            f"select x.* from core.shipment_trackings as x {of_shop} where so.shop = %s order by 1, 2", (SHOP,)
        ).fetchall(),
        conn.execute(
            f"select x.* from core.shipment_lines as x {of_shop} where so.shop = %s order by 1, 3", (SHOP,)
        ).fetchall(),
    ]


def test_a_partial_fulfillment_becomes_a_shipment_of_what_it_shipped(store):
    conn, partial = store.conn, store.partial
    status = conn.execute(
        "select fulfillment_status from core.sales_orders where shop = %s and shopify_order_id = %s",
        (SHOP, partial.order_id),
    ).fetchone()
    assert status == ("PARTIALLY_FULFILLED",)
    (fulfillment_id,) = partial.fulfillments
    found = shipment(conn, fulfillment_id)
    first, second = store.skus
    assert found["lines"] == {partial.lines[first]: 1, partial.lines[second]: 2}
    assert found["status"] == "shipped" and found["notify"] is None  # Shopify does not say
    assert found["location"] == staged_fulfillment(conn, fulfillment_id, "location_id") is not None
    assert found["shipped_at"] == staged_fulfillment(conn, fulfillment_id, "created_at")


def test_an_order_split_in_two_fulfillments_has_two_shipments(store):
    conn, split = store.conn, store.split
    first, second = store.skus
    assert len(split.fulfillments) == 2
    shipped = [shipment(conn, f)["lines"] for f in split.fulfillments]
    assert shipped == [{split.lines[first]: 2}, {split.lines[second]: 2}]
    count = conn.execute(
        "select count(*) from core.shipments join core.sales_orders as so using (sales_order_id)"
        " where so.shop = %s and so.shopify_order_id = %s",
        (SHOP, split.order_id),
    )
    assert count.fetchone()[0] == 2


def test_several_tracking_numbers_land_with_their_carrier_and_url(store):
    conn = store.conn
    numbered, without = (shipment(conn, f)["trackings"] for f in store.split.fulfillments)
    assert numbered == [
        (1, "HRM-0001", "Hermes", "https://hermes.example/HRM-0001"),
        (2, "HRM-0002", "Hermes", "https://hermes.example/HRM-0002"),
    ]
    assert without == []
    (partial,) = store.partial.fulfillments
    assert shipment(conn, partial)["trackings"] == [(1, "1ZPARTIAL01", "UPS", "https://ups.example/1ZPARTIAL01")]


def test_every_fulfillment_of_an_imported_order_is_a_shipment_and_no_other(conn):
    """The seeded history too (in transit, delivered, with no tracking number or with two); the
    fulfillments of orders not imported (archived ones) make none."""
    expected = conn.execute(
        """select f.id, f.total_quantity,
                  (select count(*) from jsonb_array_elements(f._raw -> 'trackingInfo') as t (info)
                   where coalesce(t.info ->> 'number', '') <> '')
           from staging.shopify_order_fulfillments as f
           join core.sales_orders as so on so.shop = f._shop and so.shopify_order_id = f._parent_id
           where f._shop = %s""",
        (SHOP,),
    ).fetchall()
    built = conn.execute(
        """select sh.shopify_fulfillment_id,
                  (select sum(quantity) from core.shipment_lines as sl where sl.shipment_id = sh.shipment_id),
                  (select count(*) from core.shipment_trackings as st where st.shipment_id = sh.shipment_id)
           from core.shipments as sh join core.sales_orders as so using (sales_order_id) where so.shop = %s""",
        (SHOP,),
    ).fetchall()
    assert len(expected) > 5 and {0, 1, 2} <= {trackings for _, _, trackings in expected}
    not_imported = conn.execute(
        """select count(*) from staging.shopify_order_fulfillments as f where f._shop = %s and not exists (
               select 1 from core.sales_orders as so where so.shop = f._shop and so.shopify_order_id = f._parent_id)""",
        (SHOP,),
    )
    assert not_imported.fetchone()[0] > 0
    assert sorted(built) == sorted(expected)


def test_a_second_build_changes_nothing(conn):
    before = snapshot(conn)
    changed = rebuild(conn, "shipments-again")
    assert changed["shipments"] == 0
    assert snapshot(conn) == before


def test_a_back_office_shipment_survives_a_rebuild_that_changes_its_order(store):
    """The rest of the partial order shipped by the back office, not yet pushed; meanwhile the
    Shopify fulfillment's tracking was replaced, so the rebuild does write that order's shipments."""
    conn, partial = store.conn, store.partial
    first, second = store.skus
    with rolled_back(conn):
        (sales_order_id,) = conn.execute(
            "select sales_order_id from core.sales_orders where shop = %s and shopify_order_id = %s",
            (SHOP, partial.order_id),
        ).fetchone()
        (back_office,) = conn.execute(
            """insert into core.shipments (sales_order_id, status, shipped_at, notify_customer)
               values (%s, 'shipped', now() - interval '1 hour', true) returning shipment_id""",
            (sales_order_id,),
        ).fetchone()
        conn.execute("insert into core.shipment_trackings values (%s, 1, 'BO-TRACK-1', 'FedEx', null)", (back_office,))
        for sku, rest in ((first, 2), (second, 1)):  # 3 of each ordered, 1 and 2 shipped by Shopify
            conn.execute(
                """insert into core.shipment_lines (shipment_id, sales_order_id, sales_order_line_id, quantity)
                   select %s, sales_order_id, sales_order_line_id, %s from core.sales_order_lines
                   where sales_order_id = %s and shopify_line_item_id = %s""",
                (back_office, rest, sales_order_id, partial.lines[sku]),
            )
        (shopify_id,) = partial.fulfillments
        replaced = [
            {"company": "DHL", "number": "DHL-1", "url": None},
            {"company": "DHL", "number": "DHL-2", "url": None},
        ]
        conn.execute(
            "update staging.shopify_order_fulfillments set _raw = _raw || %s where _shop = %s and id = %s",
            (Jsonb({"trackingInfo": replaced}), SHOP, shopify_id),
        )
        mine = [[r for r in table if r[0] == back_office] for table in snapshot(conn)]

        rebuild(conn, "shipments-back-office")

        assert [[r for r in table if r[0] == back_office] for table in snapshot(conn)] == mine
        assert mine[1] == [(back_office, 1, "BO-TRACK-1", "FedEx", None)] and len(mine[2]) == 2
        assert shipment(conn, shopify_id)["trackings"] == [(1, "DHL-1", "DHL", None), (2, "DHL-2", "DHL", None)]


def test_tracking_numbers_are_replaced_as_a_set(store):
    """Shopify's tracking update replaces the list: a number it no longer lists goes."""
    conn = store.conn
    fulfillment_id = store.split.fulfillments[0]
    kept = {"company": "Hermes", "number": "HRM-0002", "url": "https://hermes.example/HRM-0002"}
    with rolled_back(conn):
        conn.execute(
            "update staging.shopify_order_fulfillments set _raw = _raw || %s where _shop = %s and id = %s",
            (Jsonb({"trackingInfo": [kept]}), SHOP, fulfillment_id),
        )
        assert rebuild(conn, "shipments-tracking")["shipments"] == 2  # one number rewritten, one deleted
        assert shipment(conn, fulfillment_id)["trackings"] == [(1, "HRM-0002", "Hermes", kept["url"])]


def test_a_cancelled_fulfillment_keeps_its_shipment_with_its_status(store):
    conn = store.conn
    fulfillment_id = store.split.fulfillments[0]
    before = shipment(conn, fulfillment_id)
    with rolled_back(conn):
        conn.execute(
            "update staging.shopify_order_fulfillments set status = 'CANCELLED', _raw = _raw || %s"
            " where _shop = %s and id = %s",
            (Jsonb({"status": "CANCELLED", "displayStatus": "CANCELED"}), SHOP, fulfillment_id),
        )
        changed = rebuild(conn, "shipments-cancelled")
        assert changed["shipments"] == 1
        assert shipment(conn, fulfillment_id) == {**before, "status": "cancelled"}


def test_the_build_reads_only_the_orders_in_its_scope(store):
    """The contract of the incremental build: ops.transform_scope names the orders to rebuild."""
    conn, partial, split = store.conn, store.partial, store.split
    fulfillments = [partial.fulfillments[0], split.fulfillments[0]]
    with rolled_back(conn):
        conn.execute(
            "update staging.shopify_order_fulfillments set status = 'CANCELLED' where _shop = %s and id = any(%s)",
            (SHOP, fulfillments),
        )
        conn.execute("delete from ops.transform_scope where shop = %s", (SHOP,))
        conn.execute("insert into ops.transform_scope values (%s, %s)", (SHOP, partial.order_id))
        assert run_file(conn, "core/shipments.sql", {"shop": SHOP, "run_id": "shipments-scope"}) == 1
        assert [shipment(conn, f)["status"] for f in fulfillments] == ["cancelled", "shipped"]
