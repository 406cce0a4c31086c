"""Extraction against the simulator over HTTP into a real PostgreSQL: pagination, idempotency,
rejects, and a failed run that re-runs to the same state as a clean one."""

from __future__ import annotations

import json
from contextlib import closing
from dataclasses import replace
from datetime import timedelta

import pytest
import requests

from shopify_elt.ddl import ensure_schema
from shopify_elt.extract import StreamExtractor
from shopify_elt.hooks.shopify import ShopifyHook
from shopify_elt.load import StagingWriter
from shopify_elt.streams import STREAMS_BY_NAME
from shopify_elt.warehouse import connect
from tests.shopify_view import all_nodes, list_rows

pytestmark = pytest.mark.integration

SHOP = "integration.myshopify.com"  # rows of these tests are tagged apart from the e2e runs


@pytest.fixture()
def conn(warehouse_url, simulator):
    with closing(connect()) as connection:
        ensure_schema(connection)
        yield connection
        connection.execute("delete from staging.shopify_orders where _shop = %s", (SHOP,))
        connection.execute("delete from staging.shopify_order_line_items where _shop = %s", (SHOP,))
        connection.execute("delete from ops.stream_state where shop = %s", (SHOP,))
        connection.execute("delete from ops.rejects where shop = %s", (SHOP,))


def extractor(conn, run_id: str, hook: ShopifyHook | None = None) -> StreamExtractor:
    return StreamExtractor(hook or ShopifyHook(), conn, SHOP, run_id, lag=timedelta(0), page_size=5)


def staged(conn, table: str) -> dict[str, str]:
    rows = conn.execute(f"select id, _raw::text from staging.{table} where _shop = %s", (SHOP,)).fetchall()
    return dict(rows)


def test_orders_paginate_and_a_second_run_changes_nothing(conn, simulator):
    orders = STREAMS_BY_NAME["orders"]
    first = extractor(conn, "run-1").run(orders)
    expected = list(all_nodes(simulator, "orders", "id lineItems(first: 100) { nodes { id } }", first=5))
    assert first["orders"]["inserted"] == len(expected)
    assert first["order_line_items"]["inserted"] == sum(len(o["lineItems"]["nodes"]) for o in expected)
    assert max(len(o["lineItems"]["nodes"]) for o in expected) > orders.extra_variables["lineItemsFirst"], (
        "the seeded store must have an order whose lines need a second page"
    )
    hook = ShopifyHook()
    second = extractor(conn, "run-2", hook).run(orders)
    assert second["orders"]["inserted"] == second["orders"]["updated"] == 0
    assert second["order_line_items"] == {k: 0 for k in second["order_line_items"]}
    watermark = conn.execute(
        "select watermark, last_run_id from ops.stream_state where shop = %s and stream = 'orders'", (SHOP,)
    ).fetchone()
    assert watermark[1] == "run-2" and watermark[0] is not None
    assert hook.bucket.throttled_answers == 0 and hook.requests_sent >= 1


def test_a_malformed_record_is_rejected_with_its_reason_and_the_rest_loads(conn):
    good = {"id": "gid://shopify/Order/900001", "name": "#9001", "updatedAt": "2026-01-01T00:00:00Z"}
    bad = {"id": "gid://shopify/Order/900002", "name": "#9002", "updatedAt": "2026-01-01T00:00:00Z", "test": "yes"}
    with conn.transaction():
        writer = StagingWriter(conn, STREAMS_BY_NAME["orders"], SHOP, "run-rejects")
        for record in (good, bad, {"name": "no id"}):
            writer.add(record)
        writer.flush()
    assert set(staged(conn, "shopify_orders")) == {good["id"]}
    rejects = conn.execute(
        "select record_key, reason, record from ops.rejects where shop = %s order by record_key", (SHOP,)
    ).fetchall()
    reasons = {key: reason for key, reason, _ in rejects}
    assert reasons[bad["id"]] == "is_test: 'yes' is not a valid boolean"
    assert any("missing or malformed id" in r for r in reasons.values())
    assert {json.dumps(r[2], sort_keys=True) for r in rejects} >= {json.dumps(bad, sort_keys=True)}
    assert writer.counts.as_dict() == {"extracted": 3, "inserted": 1, "updated": 0, "deleted": 0, "rejected": 2}


class _DropsAfter(ShopifyHook):
    """The real client, cut off after a few requests (a network failure mid-extraction)."""

    def __init__(self, requests: int) -> None:
        super().__init__()
        self.budget = requests

    def graphql(self, *args, **kwargs):
        if self.budget == 0:
            raise ConnectionError("connection dropped")
        self.budget -= 1
        return super().graphql(*args, **kwargs)


def test_a_failed_run_leaves_nothing_half_done_and_its_rerun_equals_a_clean_run(conn):
    orders = STREAMS_BY_NAME["orders"]
    with pytest.raises(ConnectionError):
        extractor(conn, "run-fails", _DropsAfter(requests=3)).run(orders)
    assert staged(conn, "shopify_orders") == {}
    assert conn.execute("select count(*) from ops.stream_state where shop = %s", (SHOP,)).fetchone()[0] == 0
    extractor(conn, "run-retry").run(orders)
    after_retry = (staged(conn, "shopify_orders"), staged(conn, "shopify_order_line_items"))
    conn.execute("delete from staging.shopify_orders where _shop = %s", (SHOP,))
    conn.execute("delete from staging.shopify_order_line_items where _shop = %s", (SHOP,))
    conn.execute("delete from ops.stream_state where shop = %s", (SHOP,))
    extractor(conn, "run-clean").run(orders)
    assert (staged(conn, "shopify_orders"), staged(conn, "shopify_order_line_items")) == after_retry


def test_fault_storms_are_ridden_out_with_exact_data(conn, simulator):
    """THROTTLED, 429, 5xx and dropped connections mid-extraction: retried, and the data is exact."""
    import requests

    from shopify_elt.retry import RetryPolicy

    orders = STREAMS_BY_NAME["orders"]
    extractor(conn, "run-clean").run(orders)
    clean = (staged(conn, "shopify_orders"), staged(conn, "shopify_order_line_items"))
    conn.execute("delete from staging.shopify_orders where _shop = %s", (SHOP,))
    conn.execute("delete from staging.shopify_order_line_items where _shop = %s", (SHOP,))
    conn.execute("delete from ops.stream_state where shop = %s", (SHOP,))

    control = f"{simulator.base_url}/_simulator/faults"
    for kind, count in [("throttled", 2), ("http_429", 1), ("http_500", 1), ("http_503", 1), ("reset", 1)]:
        requests.post(control, json={"kind": kind, "count": count}, timeout=5).raise_for_status()
    hook = ShopifyHook(retry=RetryPolicy(max_retries=8, base_seconds=0.05, cap_seconds=0.2))
    hook.bucket.restore_rate = 1000.0  # unknown until the first answer; keep waits short
    try:
        extractor(conn, "run-storm", hook).run(orders)
        armed = requests.get(control, timeout=5).json()
    finally:
        requests.delete(control, timeout=5)
    assert (staged(conn, "shopify_orders"), staged(conn, "shopify_order_line_items")) == clean
    assert not armed["armed"], f"every armed fault fired: {armed}"
    assert hook.bucket.throttled_answers >= 3  # two THROTTLED answers and one 429


LISTS = (
    "order_tax_lines",
    "order_line_tax_lines",
    "order_discount_applications",
    "order_line_discount_allocations",
    "order_refund_line_items",
    "customer_addresses",
    "discounts",
)


def test_lists_without_ids_and_lists_of_lists_land_whole_and_a_second_run_changes_nothing(conn, simulator):
    """Every tax line, discount application and allocation, refund line, address and discount the
    shop shows is staged exactly once, keyed the same way on every run; the 60-line order's
    lists and the customers' second addresses need a continuation page (addresses: 1 a page)."""
    streams = {name: STREAMS_BY_NAME[name] for name in LISTS}
    streams["customer_addresses"] = replace(streams["customer_addresses"], extra_variables={"addressesFirst": 1})
    try:
        first = {name: extractor(conn, "run-lists-1").run(stream)[name] for name, stream in streams.items()}
        expected = list_rows(simulator)
        assert {name: counts["inserted"] for name, counts in first.items()} == expected
        assert all(expected.values()), expected
        assert not any(counts["rejected"] for counts in first.values()), first
        conn.execute("delete from ops.stream_state where shop = %s", (SHOP,))  # read it all again: same keys
        second = {name: extractor(conn, "run-lists-2").run(stream)[name] for name, stream in streams.items()}
        for name, counts in second.items():
            assert (counts["inserted"], counts["updated"], counts["deleted"], counts["rejected"]) == (0, 0, 0, 0), name
            assert counts["extracted"] == first[name]["extracted"], name
        lines = conn.execute(
            """select id, line_item_id, _parent_id, (_raw->>'__index')::int from staging.shopify_order_line_tax_lines
               where _shop = %s""",
            (SHOP,),
        ).fetchall()
        assert all(key == f"{line}#taxLines[{index}]" for key, line, _, index in lines)
        owners = dict(conn.execute("select id, _parent_id from staging.shopify_order_line_items").fetchall())
        assert all(owners.get(line) in (None, order) for _, line, order, _ in lines)  # a line's order is its parent
        # A new order: the next (incremental) run adds its order-level and per-line tax lines.
        variants = simulator.graphql("{ productVariants(first: 10) { nodes { sku } } }")["productVariants"]["nodes"]
        skus = [v["sku"] for v in variants if v["sku"]][:2]
        created = requests.post(
            f"{simulator.base_url}/_simulator/orders", json={"line_items": [{"sku": s, "quantity": 2} for s in skus]},
            timeout=10,
        )  # fmt: skip
        created.raise_for_status()
        for name, rows in [("order_tax_lines", 1), ("order_line_tax_lines", len(skus))]:
            counts = extractor(conn, "run-lists-3").run(streams[name])[name]
            assert (counts["inserted"], counts["deleted"], counts["rejected"]) == (rows, 0, 0), (name, counts)
        refunds = conn.execute(
            "select count(*) from staging.shopify_order_refund_line_items where _shop = %s and refund_id is null",
            (SHOP,),
        ).fetchone()[0]
        assert refunds == 0
    finally:
        for name in LISTS:
            conn.execute(f"delete from staging.shopify_{name} where _shop = %s", (SHOP,))
