"""Cursor pagination, sort keys and search filters over HTTP."""

from __future__ import annotations

from shopify_simulator.formatting import iso
from shopify_simulator.server import SimulatorServer

from .conftest import GraphQL

ORDERS = """query($first: Int, $after: String, $last: Int, $before: String, $query: String,
  $reverse: Boolean, $sortKey: OrderSortKeys) {
  orders(first: $first, after: $after, last: $last, before: $before, query: $query,
    reverse: $reverse, sortKey: $sortKey) {
    edges { cursor node { id updatedAt } }
    nodes { id }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}"""


def walk(gql: GraphQL, **variables: object) -> list[dict]:
    seen: list[dict] = []
    after = None
    while True:
        _, body = gql(ORDERS, {"first": 7, "after": after, **variables})
        page = body["data"]["orders"]
        assert [e["node"]["id"] for e in page["edges"]] == [n["id"] for n in page["nodes"]]
        seen += [e["node"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return seen
        assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]
        after = page["pageInfo"]["endCursor"]


def test_small_pages_cover_every_order_once(gql: GraphQL, server: SimulatorServer) -> None:
    seen = walk(gql, sortKey="UPDATED_AT")
    assert len(seen) == len(server.store.orders)
    assert len({n["id"] for n in seen}) == len(seen)
    stamps = [n["updatedAt"] for n in seen]
    assert stamps == sorted(stamps)


def test_reverse_walks_backwards(gql: GraphQL, server: SimulatorServer) -> None:
    forward = [n["id"] for n in walk(gql, sortKey="ID")]
    backward = [n["id"] for n in walk(gql, sortKey="ID", reverse=True)]
    assert backward == forward[::-1]


def test_last_before_pages_backwards(gql: GraphQL) -> None:
    _, body = gql(ORDERS, {"first": 10, "sortKey": "ID"})
    tenth = body["data"]["orders"]["edges"][9]["cursor"]
    _, body = gql(ORDERS, {"last": 3, "before": tenth, "sortKey": "ID"})
    page = body["data"]["orders"]
    ids = [n["id"] for n in page["nodes"]]
    _, first_ten = gql(ORDERS, {"first": 10, "sortKey": "ID"})
    assert ids == [n["id"] for n in first_ten["data"]["orders"]["nodes"]][6:9]
    assert page["pageInfo"]["hasPreviousPage"] and page["pageInfo"]["hasNextPage"]


def test_updated_at_filter(gql: GraphQL, server: SimulatorServer) -> None:
    stamps = sorted(o.updated_at for o in server.store.orders.values())
    cut = stamps[len(stamps) // 2]
    seen = walk(gql, sortKey="UPDATED_AT", query=f"updated_at:>='{iso(cut)}'")
    assert len(seen) == sum(s >= cut for s in stamps)
    assert all(n["updatedAt"] >= iso(cut) for n in seen)
    below = walk(gql, sortKey="UPDATED_AT", query=f"updated_at:<'{iso(cut)}'")
    assert len(below) + len(seen) == len(stamps)


def test_named_ids_page_in_sort_order_like_the_full_walk(gql: GraphQL, server: SimulatorServer) -> None:
    """``… AND (id:1 OR id:2 …)`` is answered from the named ids alone: the same records, order,
    cursors and page flags as filtering the whole sorted walk (a term it cannot narrow: ``NOT``)."""
    everything = walk(gql, sortKey="UPDATED_AT")
    named = [n["id"] for n in everything[::5]][:12]
    stamps = sorted(o.created_at for o in server.store.orders.values())
    since = f"created_at:>='{iso(stamps[0])}'"
    ids = " OR ".join(f"id:{gid.rsplit('/', 1)[-1]}" for gid in named) + " OR id:999999999"  # one unknown
    for reverse in (False, True):
        narrowed = walk(gql, sortKey="UPDATED_AT", reverse=reverse, query=f"{since} AND ({ids})")
        filtered = walk(gql, sortKey="UPDATED_AT", reverse=reverse, query=f"{since} AND NOT NOT ({ids})")
        assert narrowed == filtered
        assert [n["id"] for n in narrowed] == (named[::-1] if reverse else named)
    first_id = named[0].rsplit("/", 1)[-1]
    _, page = gql(ORDERS, {"first": 5, "sortKey": "UPDATED_AT", "query": f"({ids}) AND id:{first_id}"})
    assert [n["id"] for n in page["data"]["orders"]["nodes"]] == named[:1]  # id sets intersect
    _, page = gql(ORDERS, {"last": 3, "sortKey": "UPDATED_AT", "query": ids})
    assert [n["id"] for n in page["data"]["orders"]["nodes"]] == named[-3:]
    assert page["data"]["orders"]["pageInfo"]["hasPreviousPage"]


def test_status_filters(gql: GraphQL, server: SimulatorServer) -> None:
    cancelled = walk(gql, query="status:cancelled")
    assert len(cancelled) == sum(o.cancelled_at is not None for o in server.store.orders.values())
    assert walk(gql, query="nonsense_field:1") == walk(gql)  # unknown fields are ignored


def test_missing_first_and_last_is_bad_request(gql: GraphQL) -> None:
    _, body = gql("{ orders { nodes { id } } }")
    assert body["data"] is None
    assert body["errors"][0]["message"] == "you must provide one of first or last"
    assert body["errors"][0]["extensions"] == {"code": "BAD_REQUEST"}
    assert body["errors"][0]["path"] == ["orders"]


def test_page_size_over_250_is_rejected(gql: GraphQL) -> None:
    _, body = gql("{ orders(first: 251) { nodes { id } } }")
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


def test_line_items_paginate_on_the_big_order(gql: GraphQL, server: SimulatorServer) -> None:
    order = max(server.store.orders.values(), key=lambda o: len(o.line_items))
    assert len(order.line_items) == 60
    query = """query($id: ID!, $after: String) { order(id: $id) { lineItems(first: 25, after: $after) {
      nodes { id } pageInfo { hasNextPage endCursor } } } }"""
    ids, after = [], None
    while True:
        _, body = gql(query, {"id": f"gid://shopify/Order/{order.id}", "after": after})
        page = body["data"]["order"]["lineItems"]
        ids += [n["id"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(ids) == len(set(ids)) == 60


def test_locations_hide_inactive_unless_asked(gql: GraphQL) -> None:
    query = "query($all: Boolean) { locations(first: 10, includeInactive: $all) { nodes { name isActive } } }"
    _, active = gql(query, {"all": False})
    _, everything = gql(query, {"all": True})
    assert [n["isActive"] for n in active["data"]["locations"]["nodes"]] == [True, True]
    assert len(everything["data"]["locations"]["nodes"]) == 3
    names = [n["name"] for n in active["data"]["locations"]["nodes"]]
    assert names == sorted(names)  # NAME is the default sort key


def test_counts(gql: GraphQL, server: SimulatorServer) -> None:
    _, body = gql("{ ordersCount { count precision } limited: ordersCount(limit: 5) { count precision } }")
    assert body["data"]["ordersCount"] == {"count": len(server.store.orders), "precision": "EXACT"}
    assert body["data"]["limited"] == {"count": 5, "precision": "AT_LEAST"}
