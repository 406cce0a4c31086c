"""Order status to Shopify as tags, and seller cancellations exactly once, through the write
ledger: status tags follow the mapped status, a cancellation survives a run killed at every point
of its send, Shopify's refusals stay failed with its message, and the cancelled order comes back
through the next extraction. Real PostgreSQL, the simulator over HTTP, its state read back
through its GraphQL API."""

from __future__ import annotations

import csv
import shutil
from contextlib import closing

import pytest
import requests
from psycopg.types.json import Jsonb

from shopify_elt.ddl import ensure_schema
from shopify_elt.errors import ShopifyTransientError
from shopify_elt.hooks.shopify import ShopifyHook
from shopify_elt.reverse import orders
from shopify_elt.reverse.fulfillments import push_shipments
from shopify_elt.reverse.orders import plan_orders, push_orders
from shopify_elt.transform import MAPPINGS_DIR, build_core, load_mappings
from shopify_elt.warehouse import connect
from tests.cleanup import forget_shops
from tests.conftest import private_simulator
from tests.kill_points import KILL_POINTS, Killed, kill_at
from tests.staging import stage

pytestmark = pytest.mark.integration

CONN_ID = "shopify_order_writes"
SHOP = "order-writes.myshopify.com"
PREFIX = "erp:"
ORDER_STATE = "query OrderState($id: ID!) { order(id: $id) { tags cancelledAt cancelReason } }"
BUILT_WITH: list = []
"""The mapping directory of this module's builds (status tags on), set by the ``conn`` fixture."""


@pytest.fixture(scope="module")
def sim():
    with private_simulator(CONN_ID, seed=23, orders=30) as process:
        yield process


@pytest.fixture(scope="module")
def mappings(tmp_path_factory):
    """The project's mapping files with status tags switched on (``status_tag_prefix`` = erp:)."""
    directory = tmp_path_factory.mktemp("mappings")
    shutil.copytree(MAPPINGS_DIR, directory, dirs_exist_ok=True)
    path = directory / "settings.csv"
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert any(row["setting"] == "status_tag_prefix" and row["value"] == "" for row in rows), "off by default"
    for row in rows:
        if row["setting"] == "status_tag_prefix":
            row["value"] = PREFIX
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return directory


@pytest.fixture(scope="module")
def conn(warehouse_url, sim, mappings):
    with closing(connect()) as connection:
        ensure_schema(connection)
        BUILT_WITH.append(mappings)
        extract_and_build(connection, "stage")
        yield connection
        forget_shops(connection, SHOP)
        with connection.transaction():  # the settings are the warehouse's: give the project's back
            load_mappings(connection)


def extract_and_build(conn, run_id: str) -> None:
    stage(conn, SHOP, run_id, conn_id=CONN_ID)
    build_core(conn, SHOP, run_id, BUILT_WITH[-1])


def push(conn, run_id: str) -> dict[str, dict[str, int]]:
    """What the DAG's push_order_writes does: shipments, then cancellations and status tags."""
    hook = ShopifyHook(CONN_ID)
    return {"shipments": push_shipments(conn, hook, SHOP, run_id), **push_orders(conn, hook, SHOP, run_id)}


def nothing_sent(counts: dict[str, dict[str, int]]) -> bool:
    return all(c["calls"] == 0 and c["planned"] == 0 for c in counts.values())


def shopify_order(order_id: str) -> dict:
    return ShopifyHook(CONN_ID).graphql(ORDER_STATE, {"id": order_id}).data["order"]


def status_tags(order_id: str) -> list[str]:
    return sorted(t for t in shopify_order(order_id)["tags"] if t.lower().startswith(PREFIX))


def open_orders(conn, order_status: str | None = None) -> list[tuple[str, int]]:
    """Imported orders, open, unfulfilled, without a cancellation request: (order id, sales order id)."""
    return conn.execute(
        """select so.shopify_order_id, so.sales_order_id from core.sales_orders as so
           where so.shop = %s and so.status = 'open' and so.fulfillment_status = 'UNFULFILLED'
             and so.cancel_requested_at is null and so.order_status = coalesce(%s, so.order_status)
             and not exists (select 1 from core.shipments as sh where sh.sales_order_id = so.sales_order_id)
           order by 1""",
        (SHOP, order_status),
    ).fetchall()


def ship_everything(conn, sales_order_id: int) -> None:
    """A back-office shipment of every line of the order."""
    shipment = conn.execute(
        "insert into core.shipments (sales_order_id, status, shipped_at, notify_customer)"
        " values (%s, 'shipped', now(), false) returning shipment_id",
        (sales_order_id,),
    ).fetchone()[0]
    conn.execute(
        """insert into core.shipment_lines (shipment_id, sales_order_id, sales_order_line_id, quantity)
           select %s, sales_order_id, sales_order_line_id, quantity from core.sales_order_lines
           where sales_order_id = %s and quantity > 0 and shopify_line_item_id like 'gid://shopify/LineItem/%%'""",
        (shipment, sales_order_id),
    )


def request_cancel(conn, sales_order_id: int, reason: str = "STAFF") -> None:
    """A cancellation as the back office asks for it."""
    conn.execute(
        "update core.sales_orders set cancel_requested_at = now(), cancel_request_reason = %s"
        " where sales_order_id = %s",
        (reason, sales_order_id),
    )


def cancel_writes(conn, order_id: str) -> list[tuple]:
    """The order's cancellation writes, oldest first: (state, last error, result)."""
    return conn.execute(
        """select state, last_error, result from ops.shopify_writes
           where shop = %s and kind = 'order_cancel' and subject = %s order by write_id""",
        (SHOP, f"order:{order_id}"),
    ).fetchall()


def count_cancels_sent(monkeypatch) -> list[dict]:
    """Every orderCancel that reaches Shopify from now on (its variables)."""
    sent: list[dict] = []
    real = ShopifyHook.graphql

    def graphql(self, document, variables=None, **kwargs):
        if document is orders.CANCEL:
            sent.append(variables)
        return real(self, document, variables, **kwargs)

    monkeypatch.setattr(ShopifyHook, "graphql", graphql)
    return sent


def test_status_tags_follow_the_mapped_status_and_are_sent_once(conn):
    live = conn.execute(
        "select shopify_order_id, order_status, secondary_status from core.sales_orders"
        " where shop = %s and deleted_at is null order by 1",
        (SHOP,),
    ).fetchall()
    others = {order: [t for t in shopify_order(order)["tags"] if not t.startswith(PREFIX)] for order, _, _ in live}

    counts = push(conn, "tags-1")
    assert counts["order_tags"]["applied"] == len(live) and counts["order_tags"]["failed"] == 0
    for order, status, secondary in live:
        tags = shopify_order(order)["tags"]
        assert sorted(t for t in tags if t.startswith(PREFIX)) == sorted(
            {PREFIX + status, *([PREFIX + secondary] if secondary else [])}
        )
        assert [t for t in tags if not t.startswith(PREFIX)] == others[order], "the shop's own tags stay"

    assert nothing_sent(push(conn, "tags-2")), "Shopify has what it was told"
    extract_and_build(conn, "tags-reread")
    assert nothing_sent(push(conn, "tags-3")), "and the tags read back agree"

    # The order is fulfilled: its mapped status becomes Closed, and its tag follows.
    order, so_id = open_orders(conn, "Approved")[0]
    ship_everything(conn, so_id)
    assert push(conn, "ship")["shipments"]["applied"] == 1
    extract_and_build(conn, "shipped")
    status = conn.execute("select order_status from core.sales_orders where sales_order_id = %s", (so_id,))
    assert status.fetchone()[0] == "Closed"
    counts = push(conn, "tags-4")
    assert counts["order_tags"]["planned"] == 1 and counts["order_tags"]["applied"] == 1
    assert status_tags(order) == ["erp:Closed"], "the old status tag is removed"
    assert nothing_sent(push(conn, "tags-5"))


def test_a_status_changing_back_and_forth_is_sent_each_time(conn):
    order, so_id = open_orders(conn, "Approved")[0]
    steps = [("On Credit Hold", None), ("Approved", "Partially refunded"), ("On Credit Hold", None), ("Approved", None)]
    for run, (status, secondary) in enumerate(steps):
        conn.execute(  # as a build would map a change of the order's statuses
            "update core.sales_orders set order_status = %s, secondary_status = %s where sales_order_id = %s",
            (status, secondary, so_id),
        )
        counts = push(conn, f"flip-{run}")
        assert counts["order_tags"]["applied"] == 1, (status, counts)
        assert status_tags(order) == sorted(PREFIX + s for s in (status, secondary) if s)
    assert nothing_sent(push(conn, "flip-after"))


def test_tags_with_the_prefix_that_shopify_has_from_elsewhere_are_removed(conn, sim):
    order, _ = open_orders(conn, "Approved")[0]
    current = shopify_order(order)["tags"]
    control = f"{sim.base_url}/_simulator/orders/{order.rsplit('/', 1)[-1]}/update"
    answer = requests.post(control, json={"tags": [*current, "ERP:Legacy status", "vip"]}, timeout=10)
    assert answer.status_code == 200
    extract_and_build(conn, "tagged-elsewhere")

    counts = push(conn, "clean-up")
    assert counts["order_tags"]["applied"] == 1
    assert status_tags(order) == ["erp:Approved"]
    assert "vip" in shopify_order(order)["tags"], "tags without the prefix are the shop's"
    extract_and_build(conn, "cleaned")
    assert nothing_sent(push(conn, "clean-after"))


@pytest.mark.parametrize("point", KILL_POINTS)
def test_a_seller_cancellation_cancels_the_order_once_even_when_a_run_is_killed(conn, monkeypatch, point):
    order, so_id = open_orders(conn)[0]
    request_cancel(conn, so_id)
    if point == "after planning":
        assert plan_orders(conn, SHOP, "killed")["order_cancel"] == 1
    else:
        kill_at(point, orders.CANCEL, monkeypatch)
        with pytest.raises((Killed, ShopifyTransientError)):
            push(conn, "killed")
    sent = count_cancels_sent(monkeypatch)  # what the rerun sends

    counts = push(conn, "rerun")["order_cancel"]  # Airflow's retry of the task, or the next run
    monkeypatch.undo()
    assert shopify_order(order)["cancelledAt"] is not None
    assert shopify_order(order)["cancelReason"] == "STAFF"
    if "applied" in point:
        assert sent == [], "found cancelled in Shopify, not sent again"
        assert counts["adopted"] == 1 and counts["applied"] == 0
        assert "found cancelled" in cancel_writes(conn, order)[-1][2]["note"]
    else:
        assert len(sent) == 1 and counts["applied"] == 1
        assert sent[0]["reason"] == "STAFF" and sent[0]["restock"] is True
    assert [state for state, _, _ in cancel_writes(conn, order)] == ["applied"]
    assert push(conn, "after")["order_cancel"]["calls"] == 0


def test_an_order_someone_else_cancelled_settles_the_request(conn, sim):
    order, so_id = open_orders(conn)[0]
    control = f"{sim.base_url}/_simulator/orders/{order.rsplit('/', 1)[-1]}/cancel"
    assert requests.post(control, json={"reason": "CUSTOMER"}, timeout=10).status_code == 200
    request_cancel(conn, so_id)

    counts = push(conn, "cancelled-elsewhere")["order_cancel"]
    assert counts["applied"] == 1 and counts["failed"] == 0
    ((state, _, result),) = cancel_writes(conn, order)
    assert state == "applied"
    assert result["cancelReason"] == "CUSTOMER" and "someone else" in result["note"]


def test_an_order_with_fulfillments_is_refused_and_stays_failed_with_shopifys_message(conn):
    order, so_id = open_orders(conn)[0]
    ship_everything(conn, so_id)
    assert push(conn, "shipped-first")["shipments"]["applied"] == 1
    request_cancel(conn, so_id, "INVENTORY")

    counts = push(conn, "refused")["order_cancel"]
    assert counts["failed"] == 1 and counts["applied"] == 0
    ((state, error, _),) = cancel_writes(conn, order)
    assert state == "failed" and error == "Cannot cancel an order that has outstanding fulfillments"
    user_errors = conn.execute(
        "select user_errors from ops.shopify_writes where shop = %s and kind = 'order_cancel' and subject = %s",
        (SHOP, f"order:{order}"),
    ).fetchone()[0]
    assert user_errors[0]["field"] == ["orderId"] and user_errors[0]["code"] == "INVALID"
    assert push(conn, "refused-again")["order_cancel"]["calls"] == 0, "a failed write is not resent by itself"
    assert shopify_order(order)["cancelledAt"] is None


def test_a_request_taken_back_before_it_was_sent_is_withdrawn(conn, monkeypatch):
    order, so_id = open_orders(conn)[0]
    request_cancel(conn, so_id)
    assert plan_orders(conn, SHOP, "asked")["order_cancel"] == 1
    conn.execute("update core.sales_orders set cancel_requested_at = null where sales_order_id = %s", (so_id,))

    sent = count_cancels_sent(monkeypatch)
    assert push(conn, "taken-back")["order_cancel"]["calls"] == 0
    assert sent == []
    assert [state for state, _, _ in cancel_writes(conn, order)] == ["superseded"]
    assert shopify_order(order)["cancelledAt"] is None


def test_a_cancellation_whose_job_did_not_cancel_the_order_is_asked_again(conn):
    """orderCancel answers with a job; an order read well after it and still not cancelled is asked again."""
    order, so_id = open_orders(conn)[0]
    request_cancel(conn, so_id, "OTHER")
    conn.execute(  # Shopify accepted a cancellation an hour ago, but its job never cancelled the order
        """insert into ops.shopify_writes (shop, kind, subject, idempotency_key, payload, state, run_id,
                                           settled_at, result)
           values (%s, 'order_cancel', %s, 'job-failed', %s, 'applied', 'earlier', now() - interval '1 hour', %s)""",
        (SHOP, f"order:{order}", Jsonb({"orderId": order}), Jsonb({"job": {"id": "gid://shopify/Job/1"}})),
    )
    counts = push(conn, "asked-again")["order_cancel"]
    assert counts["planned"] == 1 and counts["applied"] == 1
    assert shopify_order(order)["cancelReason"] == "OTHER"


def test_the_cancelled_orders_come_back_cancelled_by_the_seller(conn):
    requested = conn.execute(
        """select so.sales_order_id, so.shopify_order_id, so.cancel_request_reason from core.sales_orders as so
           where so.shop = %s and so.cancel_requested_at is not null
             and exists (select 1 from ops.shopify_writes as w where w.shop = so.shop and w.kind = 'order_cancel'
                         and w.subject = 'order:' || so.shopify_order_id and w.state = 'applied')""",
        (SHOP,),
    ).fetchall()
    extract_and_build(conn, "after-cancels")
    by_seller = 0
    for so_id, order, reason in requested:
        shopify_reason = shopify_order(order)["cancelReason"]  # CUSTOMER where the customer was first
        row = conn.execute(
            """select status, cancel_reason, cancelled_by, cancel_requested_at is not null, cancel_request_reason
               from core.sales_orders where sales_order_id = %s""",
            (so_id,),
        ).fetchone()
        cancelled_by = "customer" if shopify_reason == "CUSTOMER" else "seller"
        assert row == ("cancelled", shopify_reason, cancelled_by, True, reason), "the build keeps the request"
        by_seller += cancelled_by == "seller"
    assert by_seller == len(KILL_POINTS) + 1  # the killed runs' and the re-asked one

    counts = push(conn, "after-cancels")
    assert counts["order_cancel"]["calls"] == 0 and counts["order_cancel"]["planned"] == 0
    assert counts["order_tags"]["applied"] >= len(requested), "the cancelled orders' status tags follow"
    for _, order, _ in requested:
        assert status_tags(order) == ["erp:Voided"]
    assert nothing_sent(push(conn, "settled"))
