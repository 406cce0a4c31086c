"""The back office's shipments reach Shopify as fulfillments exactly once: partial and split
shipments with several tracking numbers, tracking changes, holds, and a run killed at every point
of a send. Real PostgreSQL, the simulator over HTTP, its state read back through its GraphQL API."""

from __future__ import annotations

from collections import Counter
from contextlib import closing

import pytest
import requests

from shopify_elt.ddl import ensure_schema
from shopify_elt.errors import ShopifyTransientError
from shopify_elt.hooks.shopify import ShopifyHook
from shopify_elt.reverse import fulfillments, ledger
from shopify_elt.reverse.fulfillments import push_shipments
from shopify_elt.transform import build_core
from shopify_elt.warehouse import connect
from tests.cleanup import forget_shops
from tests.conftest import private_simulator
from tests.kill_points import KILL_POINTS, Killed, kill_at
from tests.staging import stage

pytestmark = pytest.mark.integration

CONN_ID = "shopify_fulfillment_push"
SHOP = "fulfillment-push.myshopify.com"


@pytest.fixture(scope="module")
def sim():
    with private_simulator(CONN_ID, seed=21, orders=60) as process:
        yield process


@pytest.fixture(scope="module")
def conn(warehouse_url, sim):
    with closing(connect()) as connection:
        ensure_schema(connection)
        extract_and_build(connection, "stage")
        yield connection
        forget_shops(connection, SHOP)


def extract_and_build(conn, run_id: str) -> None:
    stage(conn, SHOP, run_id, conn_id=CONN_ID)
    build_core(conn, SHOP, run_id)


def unfulfilled_orders(conn) -> list[tuple[str, int, list[tuple[int, str, int]]]]:
    """Open, unfulfilled imported orders: (order id, sales order id, [(line id, line item id, quantity)])."""
    rows = conn.execute(
        """select so.shopify_order_id, so.sales_order_id,
                  array_agg(array[sol.sales_order_line_id::text, sol.shopify_line_item_id, sol.quantity::text]
                            order by sol.sales_order_line_id)
           from core.sales_orders as so
           join core.sales_order_lines as sol on sol.sales_order_id = so.sales_order_id
           where so.shop = %s and so.status = 'open' and so.fulfillment_status = 'UNFULFILLED'
             and sol.shopify_line_item_id like 'gid://shopify/LineItem/%%'
             and not exists (select 1 from core.shipments as sh where sh.sales_order_id = so.sales_order_id)
           group by 1, 2 order by 1""",
        (SHOP,),
    ).fetchall()
    return [(order, so_id, [(int(a), b, int(c)) for a, b, c in lines]) for order, so_id, lines in rows]


def record_shipment(conn, sales_order_id: int, lines: list[tuple[int, int]], trackings=(), notify=False) -> int:
    """A shipment as the back office records it: shipped, its lines, its tracking numbers."""
    shipment_id = conn.execute(
        """insert into core.shipments (sales_order_id, status, shipped_at, notify_customer)
           values (%s, 'shipped', now(), %s) returning shipment_id""",
        (sales_order_id, notify),
    ).fetchone()[0]
    for line_id, quantity in lines:
        conn.execute(
            "insert into core.shipment_lines (shipment_id, sales_order_id, sales_order_line_id, quantity)"
            " values (%s, %s, %s, %s)",
            (shipment_id, sales_order_id, line_id, quantity),
        )
    for position, (number, carrier, url) in enumerate(trackings, start=1):
        conn.execute(
            "insert into core.shipment_trackings (shipment_id, position, tracking_number, carrier, url)"
            " values (%s, %s, %s, %s, %s)",
            (shipment_id, position, number, carrier, url),
        )
    return shipment_id


def shopify_fulfillments(order_id: str) -> list[dict]:
    """The order's successful fulfillments as Shopify has them: lines and tracking numbers."""
    order = fulfillments.order_state(ShopifyHook(CONN_ID), fulfillments.FULFILLMENTS_MADE, order_id, 250)
    found = []
    for f in order["fulfillments"]:
        if f["status"] != "SUCCESS":
            continue
        lines = Counter()
        for node in f["fulfillmentLineItems"]["nodes"]:
            lines[node["lineItem"]["id"]] += node["quantity"]
        found.append({"id": f["id"], "lines": dict(lines), "numbers": [t["number"] for t in f["trackingInfo"]]})
    return found


def fulfillment_id(conn, shipment_id: int) -> str | None:
    return conn.execute(
        "select shopify_fulfillment_id from core.shipments where shipment_id = %s", (shipment_id,)
    ).fetchone()[0]


def write_state(conn, shipment_id: int) -> tuple[str, str | None]:
    """The state and last error of the shipment's newest fulfillment write."""
    return conn.execute(
        """select state, last_error from ops.shopify_writes
           where shop = %s and subject = %s and kind = 'fulfillment_create' order by write_id desc limit 1""",
        (SHOP, f"shipment:{shipment_id}"),
    ).fetchone()


def push(run_id: str, conn) -> dict[str, int]:
    return push_shipments(conn, ShopifyHook(CONN_ID), SHOP, run_id)


def test_shipments_of_many_orders_read_their_fulfillment_orders_in_one_search_per_batch(conn):
    orders = unfulfilled_orders(conn)[:6]
    assert len(orders) == 6, "the seeded store has open, unfulfilled orders"
    shipments = {
        order: record_shipment(conn, so_id, [(line_id, q) for line_id, _, q in lines], [(f"B-{so_id}", "DHL", None)])
        for order, so_id, lines in orders
    }
    counts = push("batch", conn)
    assert counts["applied"] == 6 and counts["failed"] == 0
    assert counts["calls"] == 1 + 1 + 6, "a throttle probe, one search for all six orders, one create each"
    for order, shipment in shipments.items():
        assert [f["id"] for f in shopify_fulfillments(order)] == [fulfillment_id(conn, shipment)]


def test_partial_and_split_shipments_with_several_tracking_numbers_become_fulfillments_once(conn):
    order, so_id, lines = next(o for o in unfulfilled_orders(conn) if sum(q for _, _, q in o[2]) >= 2)
    (first_line, first_item, first_quantity), *rest = lines
    partial = record_shipment(
        conn,
        so_id,
        [(first_line, 1)],
        [("1Z001", "UPS", "https://ups.example/1Z001"), ("1Z002", "UPS", "https://ups.example/1Z002")],
    )
    remainder = [(first_line, first_quantity - 1)] if first_quantity > 1 else []
    remainder += [(line_id, quantity) for line_id, _, quantity in rest]
    split = record_shipment(conn, so_id, remainder, [("H-777", "Hermes", None)])

    counts = push("push-1", conn)
    assert counts["applied"] == 2 and counts["failed"] == 0, write_state(conn, partial)
    # a new client's throttle probe, one search reading the order ahead, two creates, and the
    # order read again for the second shipment (the first changed what remains)
    assert counts["calls"] == 1 + 1 + 2 + 1
    found = {tuple(sorted(f["numbers"])): f for f in shopify_fulfillments(order)}
    assert set(found) == {("1Z001", "1Z002"), ("H-777",)}
    assert found["1Z001", "1Z002"]["lines"] == {first_item: 1}
    expected_rest = Counter({item: q for _, item, q in rest})
    if first_quantity > 1:
        expected_rest[first_item] += first_quantity - 1
    assert found["H-777",]["lines"] == dict(expected_rest)
    assert fulfillment_id(conn, partial) == found["1Z001", "1Z002"]["id"]
    assert fulfillment_id(conn, split) == found["H-777",]["id"]

    assert push("push-2", conn) == {"planned": 0, "applied": 0, "adopted": 0, "failed": 0, "deferred": 0, "calls": 0}

    # The next sync reads the fulfillments back: they stay the back office's two shipments.
    extract_and_build(conn, "after-push")
    shipments = conn.execute(
        "select shipment_id, origin, status from core.shipments where sales_order_id = %s order by 1", (so_id,)
    ).fetchall()
    assert shipments == [(partial, "back_office", "shipped"), (split, "back_office", "shipped")]
    numbers = conn.execute(
        "select tracking_number from core.shipment_trackings where shipment_id = %s order by position", (partial,)
    ).fetchall()
    assert numbers == [("1Z001",), ("1Z002",)]
    assert push("push-3", conn)["calls"] == 0

    # A tracking number corrected in the back office is sent as a tracking update, once.
    conn.execute("update core.shipment_trackings set tracking_number = 'H-778' where shipment_id = %s", (split,))
    counts = push("push-4", conn)
    assert counts["applied"] == 1 and counts["calls"] == 1 + 1  # a new client's throttle probe, the update
    assert {tuple(f["numbers"]) for f in shopify_fulfillments(order)} == {("1Z001", "1Z002"), ("H-778",)}
    assert push("push-5", conn)["calls"] == 0


@pytest.mark.parametrize("point", KILL_POINTS)
def test_a_run_killed_at_any_point_of_a_send_never_makes_a_second_fulfillment(conn, monkeypatch, point):
    order, so_id, lines = unfulfilled_orders(conn)[0]
    shipment = record_shipment(conn, so_id, [(line_id, q) for line_id, _, q in lines], [(f"K-{so_id}", "DHL", None)])
    if point == "after planning":
        assert fulfillments.plan_shipments(conn, SHOP, "killed") == 1
    else:
        kill_at(point, fulfillments.CREATE, monkeypatch)
        with pytest.raises((Killed, ShopifyTransientError)):
            push("killed", conn)
        monkeypatch.undo()

    counts = push("rerun", conn)  # Airflow's retry of the task, or the next run
    made = shopify_fulfillments(order)
    assert len(made) == 1, made
    assert made[0]["numbers"] == [f"K-{so_id}"]
    assert fulfillment_id(conn, shipment) == made[0]["id"]
    if "applied" in point:
        assert counts["adopted"] == 1 and counts["applied"] == 0, "found in Shopify's state, not sent again"
    assert write_state(conn, shipment)[0] == "applied"
    assert push("after", conn)["calls"] == 0


def test_a_shipment_on_hold_waits_and_goes_once_the_hold_is_released(conn, sim):
    order, so_id, lines = unfulfilled_orders(conn)[0]
    shipment = record_shipment(conn, so_id, [(line_id, q) for line_id, _, q in lines])
    control = f"{sim.base_url}/_simulator/orders/{order.rsplit('/', 1)[-1]}/update"
    assert requests.post(control, json={"hold_reason": "AWAITING_PAYMENT"}, timeout=10).status_code == 200

    counts = push("held", conn)
    assert counts["deferred"] == 1 and counts["applied"] == 0
    reason = conn.execute(
        "select state, last_error from ops.shopify_writes where subject = %s and shop = %s",
        (f"shipment:{shipment}", SHOP),
    ).fetchone()
    assert reason[0] == "pending" and "on hold (AWAITING_PAYMENT)" in reason[1]
    assert shopify_fulfillments(order) == []

    assert requests.post(control, json={"hold_reason": None}, timeout=10).status_code == 200
    assert push("released", conn)["applied"] == 1
    assert len(shopify_fulfillments(order)) == 1


def test_a_shipment_shopify_refuses_stays_failed_with_its_error_until_retried(conn):
    order, so_id, lines = unfulfilled_orders(conn)[0]
    line_id, _, quantity = lines[0]
    shipment = record_shipment(conn, so_id, [(line_id, quantity + 5)])  # more than the order has
    counts = push("refused", conn)
    assert counts["failed"] == 1
    state, error = conn.execute(
        "select state, last_error from ops.shopify_writes where subject = %s and shop = %s",
        (f"shipment:{shipment}", SHOP),
    ).fetchone()
    assert state == "failed" and "more to ship than remain unfulfilled" in error
    assert push("refused-again", conn)["calls"] == 0, "a failed write is not resent by itself"
    listed = [row for row in ledger.failed_writes(conn, SHOP) if row[2] == f"shipment:{shipment}"]
    assert len(listed) == 1 and "more to ship" in listed[0][4], "the failures are listed with their reasons"

    conn.execute("update core.shipment_lines set quantity = %s where shipment_id = %s", (quantity, shipment))
    counts = push("corrected", conn)  # the corrected shipment is a new intent: planned and sent
    assert counts["applied"] == 1
    assert len(shopify_fulfillments(order)) == 1
    assert ledger.retry_failed(conn, SHOP) == 0, "the failed write was superseded by the corrected one"
