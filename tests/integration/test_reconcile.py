"""Reconciliation against the simulator's counts: exact when staging is complete, both numbers when not."""

from __future__ import annotations

from contextlib import closing
from datetime import UTC, datetime, timedelta

import pytest

from shopify_elt.ddl import ensure_schema
from shopify_elt.extract import StreamExtractor
from shopify_elt.hooks.shopify import ShopifyHook
from shopify_elt.reconcile import mismatches, reconcile
from shopify_elt.streams import STREAMS_BY_NAME
from shopify_elt.tasks import ReconciliationMismatch, check_reconciliation
from shopify_elt.warehouse import connect
from tests.cleanup import forget_shops

pytestmark = pytest.mark.integration

SHOP = "reconcile.myshopify.com"


@pytest.fixture()
def conn(warehouse_url, simulator):
    with closing(connect()) as connection:
        ensure_schema(connection)
        yield connection
        forget_shops(connection, SHOP)


def test_a_lost_order_fails_the_check_with_both_numbers_and_new_orders_do_not(conn, simulator):
    hook = ShopifyHook()
    StreamExtractor(hook, conn, SHOP, "reconcile", lag=timedelta(0)).run(STREAMS_BY_NAME["orders"])
    cutoff = datetime.now(UTC)
    assert reconcile(hook, conn, SHOP, cutoff)["orders"]["matches"]

    staged = conn.execute("select count(*) from staging.shopify_orders where _shop = %s", (SHOP,)).fetchone()[0]
    conn.execute(
        "delete from staging.shopify_orders where _shop = %s and id = (select min(id) from staging.shopify_orders"
        " where _shop = %s)",
        (SHOP, SHOP),
    )
    result = {"orders": reconcile(hook, conn, SHOP, cutoff)["orders"]}  # only orders were extracted here
    assert mismatches(result) == [f"orders: Shopify counts {staged}, staging has {staged - 1} and 0 rejected"]
    with pytest.raises(ReconciliationMismatch, match=f"Shopify counts {staged}, staging has {staged - 1}"):
        check_reconciliation({"reconciliation": result})

    # Records created before the cutoff only: an order placed after it is on neither side.
    early = reconcile(hook, conn, SHOP, datetime(2000, 1, 1, tzinfo=UTC))["orders"]
    assert early["shopify"] == early["staged"] == 0
