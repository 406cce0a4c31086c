"""Near-real-time orders: the simulator's webhook deliveries → the receiver (uvicorn, its own process
on loopback) → ops.webhook_inbox → the merge → staging → the incremental core build.

With duplicates and reordering switched on in the simulator, a receiver killed and restarted while
deliveries are due, and an old payload delivered again last, every order ends in core exactly
once, in its latest state, within seconds of the merge; forged requests get 401, are not stored,
and their payload is not logged; and a load with a restart in the middle loses nothing. Real
PostgreSQL, the simulator over HTTP.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from collections import Counter
from contextlib import closing

import psycopg
import pytest
import requests

from bench.webhooks import ReceiverProcess, RestartHalfWay, deliveries, send_load, stored
from shopify_elt.ddl import ensure_schema
from shopify_elt.extract import lock_stream
from shopify_elt.hooks.shopify import ShopifyHook
from shopify_elt.transform import build_core
from shopify_elt.warehouse import connect
from shopify_elt.webhooks import TOPICS
from shopify_elt.webhooks.merge import InboxMerger
from shopify_elt.webhooks.register import register
from tests.cleanup import forget_shops
from tests.conftest import ROOT, private_simulator
from tests.staging import stage

pytestmark = pytest.mark.integration

CONN_ID = "shopify_webhooks_it"
SHOP = "webhooks-it.myshopify.com"
SECRET = "shpss_it_" + uuid.uuid4().hex
SIM_FLAGS = ["--plan", "plus", "--shop", SHOP, "--webhook-secret", SECRET]


@pytest.fixture(scope="module")
def sim():
    flags = [*SIM_FLAGS, "--webhook-duplicate-rate", "0.5", "--webhook-reorder-rate", "0.5"]
    with private_simulator(CONN_ID, seed=29, orders=20, extra=flags, shop_domain=SHOP) as process:
        yield process


@pytest.fixture(scope="module")
def conn(warehouse_url, sim):
    with closing(connect()) as connection:
        ensure_schema(connection)
        stage(connection, SHOP, "before-webhooks", conn_id=CONN_ID)
        build_core(connection, SHOP, "before-webhooks")
        yield connection
        forget_shops(connection, SHOP)
        connection.execute("delete from ops.webhook_inbox where shop like %s", ("%webhooks-it%",))


@pytest.fixture(scope="module")
def receiver(warehouse_url, conn):
    with ReceiverProcess(warehouse_url, SECRET) as process:
        yield process


@pytest.fixture(scope="module")
def subscribed(sim, receiver):
    """The five topics subscribed to the receiver (what going live does)."""
    assert {s.status for s in register(ShopifyHook(CONN_ID), receiver.url, go_live=True)} == {"created"}
    return receiver


def control(sim, path: str, body: dict | None = None, method: str = "POST") -> dict:
    response = requests.request(method, f"{sim.base_url}/_simulator/{path}", json=body or {}, timeout=10)
    assert response.status_code in (200, 201), response.text
    return response.json()


def settle(sim, conn, expected: list[tuple[str, str]], timeout: float = 30) -> None:
    """Wait until the inbox holds a delivery of each expected (topic, record id) and the simulator
    is quiet: nothing pending, no attempt completing for a while (a duplicate or a retry may be in
    flight once nothing is pending). The simulator's clock is moved on meanwhile, so that retries
    and held-back (reordered) deliveries fall due now rather than in minutes."""
    wanted = Counter((topic, record.rsplit("/", 1)[-1]) for topic, record in expected)
    deadline = time.monotonic() + timeout
    quiet_since, last = None, None
    while True:
        assert time.monotonic() < deadline, (wanted, control(sim, "webhooks", method="GET"))
        rows = conn.execute(
            """select topic, coalesce(body::jsonb ->> 'id', body::jsonb ->> 'inventory_item_id'), count(*)
               from ops.webhook_inbox where shop = %s group by 1, 2""",
            (SHOP,),
        ).fetchall()
        have = Counter({(topic, key): n for topic, key, n in rows})
        stats = control(sim, "stats", method="GET")["webhooks"]
        state = (control(sim, "webhooks", method="GET")["pending"], *sorted(stats.items()))
        if state[0] or wanted - have:
            control(sim, "clock", {"advance_seconds": 120})
            quiet_since = None
        elif state != last or quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since > 0.3:
            return
        last = state
        time.sleep(0.05)


def refused_while_down(sim, timeout: float = 10) -> None:
    """Wait until the simulator has tried a delivery and found nobody answering."""
    deadline = time.monotonic() + timeout
    while not any(a["status"] is None for a in control(sim, "webhooks", method="GET")["attempts"]):
        assert time.monotonic() < deadline, "no delivery was attempted while the receiver was down"
        time.sleep(0.02)


def inbox(conn, shop: str = SHOP) -> dict[str, tuple]:
    rows = conn.execute(
        "select webhook_id, topic, deliveries, processed_at, outcome from ops.webhook_inbox where shop = %s", (shop,)
    ).fetchall()
    return {r[0]: r[1:] for r in rows}


def sales_orders(conn, order_ids: list[str]) -> dict[str, list[str]]:
    rows = conn.execute(
        "select shopify_order_id, status from core.sales_orders where shop = %s and shopify_order_id = any(%s)",
        (SHOP, order_ids),
    ).fetchall()
    found: dict[str, list[str]] = {}
    for order_id, status in rows:
        found.setdefault(order_id, []).append(status)
    return found


def sign(body: bytes, secret: str = SECRET) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def merge_and_build(conn, run_id: str):
    """The DAG's merge_deliveries and build_core, timed."""
    started = time.monotonic()
    result = InboxMerger(ShopifyHook(CONN_ID), conn, SHOP, run_id).run()
    merged = time.monotonic()
    changed = build_core(conn, SHOP, run_id)
    print(f"{run_id}: merge {merged - started:.2f} s, core build {time.monotonic() - merged:.2f} s")
    assert time.monotonic() - started < 20, "in core within seconds of the merge"
    assert result.pending == result.not_found == result.ignored == 0
    return result, changed


def test_every_order_reaches_core_once_in_its_latest_state(sim, conn, subscribed):
    receiver = subscribed
    skus = [r[0] for r in conn.execute("select sku from staging.shopify_product_variants where _shop = %s", (SHOP,))]
    emails = [r[0] for r in conn.execute("select email from staging.shopify_customers where _shop = %s", (SHOP,))]
    open_orders = "select shopify_order_id from core.sales_orders where shop = %s and status = 'open' order by 1"
    old_order, old_cancelled = [r[0] for r in conn.execute(open_orders, (SHOP,)).fetchall()[:2]]
    number = lambda gid: gid.rsplit("/", 1)[-1]  # noqa: E731

    def place(n: int) -> str:
        line_items = [{"sku": skus[n % len(skus)], "quantity": 1 + n % 2}]
        return control(sim, "orders", {"line_items": line_items, "customer_email": emails[n % len(emails)]})["id"]

    # New orders, some while the receiver is down (Shopify retries; 8 failures in a row would drop
    # a subscription, so only a few), order edits, a stock change and a product change.
    placed = [place(n) for n in range(4)]
    receiver.kill()
    placed += [place(n) for n in range(4, 7)]
    refused_while_down(sim)
    receiver.start()
    placed += [place(n) for n in range(7, 10)]
    for order in placed[:3] + [old_order]:
        control(sim, f"orders/{number(order)}/update", {"tags": ["rush", "webhook"]})
    level = conn.execute(
        "select inventory_item_id, location_id from staging.shopify_inventory_levels where _shop = %s order by id"
        " limit 1",
        (SHOP,),
    ).fetchone()
    control(sim, "stock", {"inventory_item_id": level[0], "location_id": level[1], "available": 4321})
    product = conn.execute("select id from staging.shopify_products where _shop = %s order by id limit 1", (SHOP,))
    product_id = product.fetchone()[0]
    control(sim, f"products/{number(product_id)}/update", {"title": "Renamed by a webhook test"})
    expected = [("orders/create", o) for o in placed] + [("orders/updated", o) for o in placed[:3] + [old_order]]
    expected += [("inventory_levels/update", level[0]), ("products/update", product_id)]
    settle(sim, conn, expected)

    first, changed = merge_and_build(conn, "webhooks-1")
    assert first.records == {"orders": len(placed) + 1, "products": 1, "inventory_levels": 1}
    assert first.merged == first.received == len(inbox(conn))
    assert changed["sales_orders"] == len(placed), "the new ones (a tag changes no core row)"
    core = sales_orders(conn, [*placed, old_order])
    assert core == dict.fromkeys([*placed, old_order], ["open"]), "every order, exactly once"
    tags = conn.execute(
        "select id, _raw -> 'tags' from staging.shopify_orders where _shop = %s and id = any(%s)",
        (SHOP, placed[:3] + [old_order]),
    ).fetchall()
    assert len(tags) == 4 and all(sorted(t) == ["rush", "webhook"] for _, t in tags), "in their latest state"
    lines = conn.execute(
        "select count(*) from staging.shopify_order_line_items where _shop = %s and _parent_id = any(%s)",
        (SHOP, placed),
    ).fetchone()[0]
    assert lines == len(placed), "each new order came with its line"
    assert conn.execute(
        "select available from staging.shopify_inventory_levels where _shop = %s and inventory_item_id = %s"
        " and location_id = %s",
        (SHOP, level[0], level[1]),
    ).fetchone() == (4321,)
    title = conn.execute("select title from staging.shopify_products where _shop = %s and id = %s", (SHOP, product_id))
    assert title.fetchone() == ("Renamed by a webhook test",)

    # Customers cancel: the orders are cancelled in core, still once each.
    for order in placed[3:5] + [old_cancelled]:
        control(sim, f"orders/{number(order)}/cancel", {"reason": "CUSTOMER"})
    cancelled = placed[3:5] + [old_cancelled]
    settle(sim, conn, [(topic, o) for o in cancelled for topic in ("orders/cancelled", "orders/updated")])
    second, changed = merge_and_build(conn, "webhooks-2")
    assert second.records == {"orders": 3} and changed["sales_orders"] == 3
    core = sales_orders(conn, [*placed, old_order, old_cancelled])
    assert set(core) == {*placed, old_order, old_cancelled}
    assert {order: statuses for order, statuses in core.items() if statuses != ["open"]} == dict.fromkeys(
        [*placed[3:5], old_cancelled], ["cancelled"]
    )

    # What the simulator did and what the inbox holds: every delivery it saw acknowledged, once,
    # duplicates counted, none pending; the restart made deliveries fail and be retried.
    attempts = control(sim, "webhooks", method="GET")["attempts"]
    stats = control(sim, "stats", method="GET")["webhooks"]
    assert stats["retried"] and any(a["status"] is None for a in attempts)
    assert stats["duplicated"] and stats["reordered"], "the simulator duplicated and held back deliveries"
    assert stats.get("subscriptionsDeleted", 0) == 0
    stored_rows = inbox(conn)
    assert set(stored_rows) == {a["webhookId"] for a in attempts if a["status"] == 200}
    assert sum(r[1] for r in stored_rows.values()) >= sum(1 for a in attempts if a["status"] == 200)
    assert first.duplicates + second.duplicates == sum(r[1] - 1 for r in stored_rows.values())
    assert {r[0] for r in stored_rows.values()} == set(TOPICS)
    assert all(r[2] is not None and r[3] == "merged" for r in stored_rows.values())

    # An old delivery arriving last (the create of an order since cancelled) changes nothing.
    cancelled = placed[3]
    body = conn.execute(
        "select body from ops.webhook_inbox where shop = %s and topic = 'orders/create' and body::jsonb ->> 'id' = %s",
        (SHOP, cancelled.rsplit("/", 1)[-1]),
    ).fetchone()[0]
    assert json.loads(body)["cancelled_at"] is None
    before = conn.execute(
        "select _raw, updated_at from staging.shopify_orders where _shop = %s and id = %s", (SHOP, cancelled)
    ).fetchone()
    late = {
        "X-Shopify-Topic": "orders/create",
        "X-Shopify-Hmac-Sha256": sign(body.encode()),
        "X-Shopify-Shop-Domain": SHOP,
        "X-Shopify-Webhook-Id": str(uuid.uuid4()),
        "X-Shopify-Triggered-At": "2020-01-01T00:00:00Z",
    }
    assert requests.post(receiver.url, data=body.encode(), headers=late, timeout=5).status_code == 200
    again = InboxMerger(ShopifyHook(CONN_ID), conn, SHOP, "webhooks-2").run()
    assert again.merged == 1 and again.streams["orders"].updated == 0
    assert build_core(conn, SHOP, "webhooks-2")["sales_orders"] == 0
    after = conn.execute(
        "select _raw, updated_at from staging.shopify_orders where _shop = %s and id = %s", (SHOP, cancelled)
    ).fetchone()
    assert after == before and sales_orders(conn, [cancelled]) == {cancelled: ["cancelled"]}
    assert InboxMerger(ShopifyHook(CONN_ID), conn, SHOP, "webhooks-3").run().received == 0


def test_the_merge_leaves_deliveries_pending_while_the_hourly_run_holds_a_stream(sim, conn, subscribed, warehouse_url):
    """The hourly extraction of orders holds its stream lock: the merge does not wait behind it (a
    backfill may hold it for long) and does not write beside it; the next run merges."""
    sku = conn.execute("select sku from staging.shopify_product_variants where _shop = %s limit 1", (SHOP,)).fetchone()
    order = control(sim, "orders", {"line_items": [{"sku": sku[0]}]})["id"]
    settle(sim, conn, [("orders/create", order)])
    with psycopg.connect(warehouse_url) as hourly, hourly.transaction():
        lock_stream(hourly, SHOP, "orders")
        busy = InboxMerger(ShopifyHook(CONN_ID), conn, SHOP, "webhooks-busy").run()
    assert busy.busy == ["orders"] and busy.merged == 0 and busy.pending == busy.received >= 1
    assert "orders/create" in {topic for topic, _, processed_at, _ in inbox(conn).values() if processed_at is None}
    assert sales_orders(conn, [order]) == {}
    later, _ = merge_and_build(conn, "webhooks-after-busy")
    assert later.merged >= 1 and sales_orders(conn, [order]) == {order: ["open"]}


def test_forged_deliveries_get_401_are_not_stored_and_not_logged(conn, receiver):
    marker = "FORGED-" + uuid.uuid4().hex
    body = json.dumps({"id": 1, "note": marker}).encode()
    for webhook_id, signature in (("forged-1", sign(body, "guess")), ("forged-2", None), ("forged-3", "=")):
        headers = {
            "X-Shopify-Topic": "orders/create",
            "X-Shopify-Shop-Domain": SHOP,
            "X-Shopify-Webhook-Id": webhook_id,
            **({"X-Shopify-Hmac-Sha256": signature} if signature else {}),
        }
        assert requests.post(receiver.url, data=body, headers=headers, timeout=5).status_code == 401
    assert not {"forged-1", "forged-2", "forged-3"} & set(inbox(conn))
    log = receiver.log()
    assert all(f"'forged-{n}'" in log for n in (1, 2, 3)), "each rejection is logged with its webhook id"
    assert marker not in log and SECRET not in log, "never the payload, never the secret"


def test_going_live_is_explicit_and_a_shop_signing_with_another_secret_is_refused(conn, receiver):
    """Registration changes nothing without --go-live and creates nothing twice. Then the
    simulator's --webhook-secret set to a secret the receiver does not know: Shopify's own
    deliveries, correctly shaped, are refused one by one and nothing reaches the inbox."""
    shop = "webhooks-it-wrong.myshopify.com"
    flags = ["--shop", shop, "--webhook-secret", "shpss_not_ours"]
    with private_simulator("shopify_webhooks_it_wrong", seed=31, orders=3, extra=flags, shop_domain=shop) as other:
        hook = ShopifyHook("shopify_webhooks_it_wrong")
        assert {s.status for s in register(hook, receiver.url)} == {"missing"}, "a dry run by default"
        assert [s.status for s in register(hook, receiver.url, go_live=True)] == ["created"] * len(TOPICS)
        again = register(hook, receiver.url, go_live=True)
        assert [s.status for s in again] == ["subscribed"] * len(TOPICS), "a re-run creates nothing twice"

        sku = other.graphql("{ productVariants(first: 1) { nodes { sku } } }")["productVariants"]["nodes"][0]["sku"]
        control(other, "orders", {"line_items": [{"sku": sku}]})
        deadline = time.monotonic() + 10
        while not control(other, "webhooks", method="GET")["attempts"]:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        (attempt,) = control(other, "webhooks", method="GET")["attempts"]
    assert attempt["status"] == 401
    assert inbox(conn, shop) == {}
    assert f"'{shop}'" in receiver.log() and "bad signature" in receiver.log()


def test_the_receiver_answers_503_when_the_database_cannot_take_the_delivery(warehouse_url):
    body = b'{"id": 1}'
    headers = {
        "X-Shopify-Topic": "orders/create",
        "X-Shopify-Hmac-Sha256": sign(body),
        "X-Shopify-Shop-Domain": SHOP,
        "X-Shopify-Webhook-Id": "no-database",
    }
    nowhere = warehouse_url.rsplit("/", 1)[0] + "/no_such_database_" + uuid.uuid4().hex[:8]
    with ReceiverProcess(nowhere, SECRET) as down:
        assert requests.post(down.url, data=body, headers=headers, timeout=10).status_code == 503
        assert "not stored (503" in down.log()


def test_a_load_with_a_receiver_restart_in_the_middle_loses_nothing(warehouse_url, conn):
    """The benchmark's load (bench/webhooks.py), small: distinct signed deliveries from 16 keep-alive
    connections, some sent twice, the receiver killed (SIGKILL) once half are acknowledged and
    started again, senders retrying like Shopify. Nothing about speed is asserted."""
    shop = "webhooks-it-load.myshopify.com"
    items = deliveries(SECRET, 400, shop=shop)
    with ReceiverProcess(warehouse_url, SECRET) as process:
        restart = RestartHalfWay(process, len(items))
        load = send_load(process.port, items, concurrency=16, duplicate_rate=0.2, on_ack=restart.on_ack)
        assert restart.wait() is not None, "the receiver was restarted under load"
    distinct, counted = stored(warehouse_url, shop)
    assert load.acknowledged == {d.webhook_id for d in items}
    assert distinct == len(items), "every delivery stored, once"
    assert counted >= load.acks, "every acknowledged send was committed (a send cut by the kill may be too)"
    with psycopg.connect(warehouse_url, autocommit=True) as db:
        db.execute("delete from ops.webhook_inbox where shop = %s", (shop,))


def test_the_dag_merges_builds_and_reports(sim, conn, subscribed, airflow_db):
    """``shopify_webhooks`` under real Airflow (``dag.test()``): a run with a delivery pending
    merges it, rebuilds core and stores its report; a run with nothing pending skips the build."""
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(ROOT / "dags" / "shopify_webhooks.py"))
    assert not bag.import_errors
    dag = bag.dags["shopify_webhooks"]
    sku = conn.execute("select sku from staging.shopify_product_variants where _shop = %s limit 1", (SHOP,)).fetchone()
    order = control(sim, "orders", {"line_items": [{"sku": sku[0]}]})["id"]
    settle(sim, conn, [("orders/create", order)])

    reports = []
    for _ in range(2):
        run = dag.test(run_conf={"shopify_conn_id": CONN_ID})
        assert run.state == "success", f"run {run.run_id} ended {run.state}"
        reports.append(
            conn.execute(
                "select report from ops.sync_runs where dag_id = 'shopify_webhooks' and shop = %s and run_id = %s",
                (SHOP, run.run_id),
            ).fetchone()[0]
        )
    first, quiet = reports
    assert first["kind"] == "webhooks" and first["deliveries"]["merged"] >= 1 and first["core_built"]
    assert first["records"]["orders"] >= 1 and first["streams"]["orders"]["inserted"] >= 1
    assert first["rows_by_path_24h"]["webhooks"]["orders"] >= 1 and first["latency_seconds"]["deliveries"] >= 1
    assert sales_orders(conn, [order]) == {order: ["open"]}
    assert quiet["deliveries"]["received"] == 0 and not quiet["core_built"], "nothing pending: no build"
