"""Generated-on-demand orders: columns, rendering and the API agree; writes overlay generation."""

from __future__ import annotations

import requests

from shopify_simulator.order_columns import Row
from shopify_simulator.order_gen import render
from shopify_simulator.order_table import OrderTable
from shopify_simulator.seed import generate
from shopify_simulator.server import SimulatorServer

from .conftest import make_client

COLUMN_FIELDS = (
    "id", "number", "processed_at", "created_at", "updated_at", "closed_at", "cancelled_at", "test", "tags",
    "financial_status", "fulfillment_status", "source_name", "location_id", "customer_id", "email",
)  # fmt: skip
ORDER = """query($id: ID!) { order(id: $id) { id name updatedAt closed cancelledAt displayFinancialStatus
  displayFulfillmentStatus tags lineItems(first: 100) { nodes { id quantity unfulfilledQuantity } } } }"""


def test_columns_match_rendered_orders_and_generation_is_deterministic() -> None:
    store = generate(9, 50, now=1_800_000_000)
    table = store.orders
    assert isinstance(table, OrderTable) and len(table) == 50
    again = generate(9, 50, now=1_800_000_000).orders
    for order_id in list(table)[::7]:
        n = table.position(order_id)
        order, row = table[order_id], Row(table, n)
        assert {f: getattr(row, f) for f in COLUMN_FIELDS} == {f: getattr(order, f) for f in COLUMN_FIELDS}
        fresh = render(table.facts, n).order
        assert fresh == order == again[order_id]  # dataclass equality: every field, lines and addresses
    updated = store.index("orders", "UPDATED_AT", lambda o: o.updated_at)
    assert [oid for _, oid in updated] == [o.id for o in sorted(table.values(), key=lambda o: (o.updated_at, o.id))]
    assert sum(1 for o in table.values() if len(o.line_items) > 20) == 1


def test_api_shows_generated_orders(fresh_server: SimulatorServer) -> None:
    gql, table = make_client(fresh_server), fresh_server.store.orders
    for order_id in list(table)[:5]:
        expected = render(table.facts, table.position(order_id)).order
        _, body = gql(ORDER, {"id": f"gid://shopify/Order/{order_id}"})
        node = body["data"]["order"]
        assert node["name"] == f"#{expected.number}"
        assert node["displayFinancialStatus"] == expected.financial_status
        assert node["displayFulfillmentStatus"] == expected.fulfillment_status
        lines = [(int(li["id"].rsplit("/", 1)[1]), li["quantity"]) for li in node["lineItems"]["nodes"]]
        assert lines == [(li.id, li.quantity) for li in expected.line_items]


def test_writes_overlay_generation_and_survive_cache_eviction(fresh_server: SimulatorServer) -> None:
    gql, store = make_client(fresh_server), fresh_server.store
    table: OrderTable = store.orders
    ids = list(table)
    open_ids = [oid for oid in ids if table[oid].closed_at is None]
    cancel_id, close_id, tag_id = open_ids[:3]
    untouched = ids[-1]
    before = gql(ORDER, {"id": f"gid://shopify/Order/{untouched}"})[1]["data"]
    response = requests.post(f"{fresh_server.url}/_simulator/orders/{cancel_id}/cancel", json={}, timeout=5)
    assert response.status_code == 200, response.text
    close = "mutation($id: ID!) { orderClose(input: {id: $id}) { userErrors { message } } }"
    assert gql(close, {"id": f"gid://shopify/Order/{close_id}"})[1]["data"]["orderClose"]["userErrors"] == []
    tags = 'mutation($id: ID!) { tagsAdd(id: $id, tags: ["vip-x"]) { userErrors { message } } }'
    assert gql(tags, {"id": f"gid://shopify/Order/{tag_id}"})[1]["data"]["tagsAdd"]["userErrors"] == []
    table._cache.clear()  # what a large store's LRU would do: only the overlay may remember the writes
    read = {oid: gql(ORDER, {"id": f"gid://shopify/Order/{oid}"})[1]["data"]["order"] for oid in open_ids[:3]}
    assert read[cancel_id]["cancelledAt"] and read[cancel_id]["closed"]
    assert all(li["unfulfilledQuantity"] == 0 for li in read[cancel_id]["lineItems"]["nodes"])
    assert read[close_id]["closed"] and read[close_id]["cancelledAt"] is None
    assert "vip-x" in read[tag_id]["tags"]
    assert gql(ORDER, {"id": f"gid://shopify/Order/{untouched}"})[1]["data"] == before
    assert set(table.pinned) >= {table.position(oid) for oid in (cancel_id, close_id, tag_id)}
    latest = "{ orders(first: 3, sortKey: UPDATED_AT, reverse: true) { nodes { id } } }"
    newest = {int(n["id"].rsplit("/", 1)[1]) for n in gql(latest)[1]["data"]["orders"]["nodes"]}
    assert newest == {cancel_id, close_id, tag_id}
    counted = gql('{ ordersCount(query: "status:cancelled") { count } }')[1]["data"]["ordersCount"]["count"]
    assert counted == sum(1 for o in table.values() if o.cancelled_at is not None)
