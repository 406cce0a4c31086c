"""A record deleted in Shopify leaves staging (with what belongs to it) through the events stream."""

from __future__ import annotations

import json
import uuid
from contextlib import closing
from datetime import timedelta

import pytest
import requests

from shopify_elt.ddl import ensure_schema
from shopify_elt.extract import StreamExtractor
from shopify_elt.hooks.shopify import ShopifyHook
from shopify_elt.streams import STREAMS_BY_NAME
from shopify_elt.warehouse import connect
from shopify_simulator.process import SimulatorProcess

pytestmark = pytest.mark.integration

SHOP = "deletions.myshopify.com"


def test_a_deleted_order_leaves_staging_with_its_children(warehouse_url, monkeypatch):
    token = "shpat_del_" + uuid.uuid4().hex
    with SimulatorProcess(seed=5, orders=12, token=token) as sim, closing(connect()) as conn:
        monkeypatch.setenv("AIRFLOW_CONN_SHOPIFY_DELETIONS", json.dumps(sim.connection()))
        ensure_schema(conn)

        def extract(stream: str, run: str) -> dict:
            extractor = StreamExtractor(ShopifyHook("shopify_deletions"), conn, SHOP, run, lag=timedelta(0))
            return extractor.run(STREAMS_BY_NAME[stream])

        extract("orders", "run-1")
        order_id = conn.execute(
            "select _parent_id from staging.shopify_order_line_items where _shop = %s limit 1", (SHOP,)
        ).fetchone()[0]
        number = order_id.rsplit("/", 1)[-1]
        requests.delete(f"{sim.base_url}/_simulator/orders/{number}", timeout=10).raise_for_status()

        counts = extract("deletion_events", "run-2")
        assert counts["deletion_events"]["deleted"] >= 2  # the order and at least one line
        for table, key in [("shopify_orders", "id"), ("shopify_order_line_items", "_parent_id")]:
            left = conn.execute(
                f"select count(*) from staging.{table} where _shop = %s and {key} = %s", (SHOP, order_id)
            )
            assert left.fetchone()[0] == 0, table
        again = extract("deletion_events", "run-3")
        assert again["deletion_events"]["deleted"] == 0  # applied once; the re-run changes nothing
