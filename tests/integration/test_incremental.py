"""Changes made in the shop between two hourly runs reach staging on the next one, and only they.

The changes go through the simulator's control plane, as a storefront or a merchant would make
them (a new order, an edited one, a cancellation, a renamed product, a customer's new email).
"""

from __future__ import annotations

from contextlib import closing
from datetime import timedelta

import pytest
import requests

from shopify_elt.ddl import ensure_schema
from shopify_elt.extract import StreamExtractor
from shopify_elt.hooks.shopify import ShopifyHook
from shopify_elt.streams import STREAMS_BY_NAME
from shopify_elt.warehouse import connect
from tests.cleanup import forget_shops
from tests.conftest import private_simulator

pytestmark = pytest.mark.integration

SHOP = "incremental.myshopify.com"
CONN_ID = "shopify_incremental"
STREAMS = ("products", "product_variants", "customers", "orders", "order_transactions")


@pytest.fixture(scope="module")
def sim():
    """A simulator of its own: these tests change the shop, which other modules count."""
    with private_simulator(CONN_ID, seed=9, orders=25) as process:
        yield process


@pytest.fixture(scope="module")
def conn(warehouse_url, sim):
    with closing(connect()) as connection:
        ensure_schema(connection)
        yield connection
        forget_shops(connection, SHOP)


def run(conn, run_id: str) -> dict[str, dict[str, int]]:
    extractor = StreamExtractor(ShopifyHook(CONN_ID), conn, SHOP, run_id, lag=timedelta(0))
    counts: dict[str, dict[str, int]] = {}
    for name in STREAMS:
        counts.update(extractor.run(STREAMS_BY_NAME[name]))
    return counts


def control(sim, path: str, body: dict) -> dict:
    response = requests.post(f"{sim.base_url}/_simulator/{path}", json=body, timeout=10)
    assert response.status_code in (200, 201), response.text
    return response.json()


def staged(conn, table: str, record_id: str, column: str):
    row = conn.execute(
        f"select {column} from staging.{table} where _shop = %s and id = %s", (SHOP, record_id)
    ).fetchone()
    return row[0] if row else None


def test_changes_made_in_the_shop_appear_after_the_next_run_and_nothing_else_moves(conn, sim):
    first = run(conn, "run-1")
    assert first["orders"]["inserted"] == 25

    sku = conn.execute(
        "select sku from staging.shopify_product_variants where _shop = %s and sku is not null order by id limit 1",
        (SHOP,),
    ).fetchone()[0]
    edited, cancelled = [
        r[0]
        for r in conn.execute(
            "select id from staging.shopify_orders where _shop = %s and cancelled_at is null order by id limit 2",
            (SHOP,),
        ).fetchall()
    ]
    product = conn.execute("select id from staging.shopify_products where _shop = %s order by id limit 1", (SHOP,))
    product_id = product.fetchone()[0]
    customer_id = conn.execute(
        "select id from staging.shopify_customers where _shop = %s order by id limit 1", (SHOP,)
    ).fetchone()[0]

    placed = control(sim, "orders", {"line_items": [{"sku": sku, "quantity": 2}]})
    control(sim, f"orders/{edited.rsplit('/', 1)[-1]}/update", {"tags": ["rush", "vip"]})
    control(sim, f"orders/{cancelled.rsplit('/', 1)[-1]}/cancel", {"reason": "CUSTOMER"})
    control(sim, f"products/{product_id.rsplit('/', 1)[-1]}/update", {"title": "Renamed in the admin"})
    control(sim, f"customers/{customer_id.rsplit('/', 1)[-1]}/update", {"email": "new.address@example.com"})

    after = run(conn, "run-3")
    assert after["orders"]["inserted"] == 1 and after["orders"]["updated"] == 2
    assert after["products"]["updated"] == 1 and after["products"]["inserted"] == 0
    assert after["customers"]["updated"] == 1 and after["customers"]["inserted"] == 0
    new_id = placed.get("id") or placed["order"]["id"]
    new_gid = new_id if str(new_id).startswith("gid://") else f"gid://shopify/Order/{new_id}"
    assert staged(conn, "shopify_orders", new_gid, "id") == new_gid
    lines = conn.execute(
        "select sku, quantity from staging.shopify_order_line_items where _shop = %s and _parent_id = %s",
        (SHOP, new_gid),
    ).fetchall()
    assert lines == [(sku, 2)]
    assert sorted(staged(conn, "shopify_orders", edited, "_raw->'tags'")) == ["rush", "vip"]
    assert staged(conn, "shopify_orders", cancelled, "cancelled_at") is not None
    assert staged(conn, "shopify_products", product_id, "title") == "Renamed in the admin"
    assert staged(conn, "shopify_customers", customer_id, "email") == "new.address@example.com"

    quiet = run(conn, "run-4")  # the overlap re-reads the last minutes: nothing changes
    assert all(c["inserted"] == c["updated"] == c["deleted"] == 0 for c in quiet.values()), quiet
