"""Cost arithmetic and the leaky bucket (unit tests with an injected clock), plus THROTTLED over HTTP."""

from __future__ import annotations

import requests
from graphql import get_operation_ast, parse

from shopify_simulator.cost import actual_cost, requested_cost
from shopify_simulator.schema import load_schema
from shopify_simulator.server import SimulatorServer
from shopify_simulator.throttle import LeakyBucket

from .conftest import TOKEN


def requested(query: str, variables: dict | None = None) -> int:
    document = parse(query)
    return requested_cost(load_schema("2026-07"), document, get_operation_ast(document), variables or {})


def test_scalars_are_free_and_node_objects_cost_one() -> None:
    assert requested("{ shop { name } }") == 1
    assert requested('{ order(id: "x") { id totalPriceSet { shopMoney { amount } } customer { id } } }') == 2


def test_connections_are_two_plus_first_times_node() -> None:
    assert requested("{ orders(first: 10) { nodes { id } pageInfo { hasNextPage } } }") == 2 + 10 * 1
    assert requested("query($n: Int) { orders(first: $n) { edges { node { id } } } }", {"n": 5}) == 7


def test_nested_connections_multiply() -> None:
    query = "{ orders(first: 10) { nodes { id lineItems(first: 5) { nodes { id variant { id } } } } } }"
    assert requested(query) == 2 + 10 * (1 + 2 + 5 * (1 + 1))


def test_mutation_costs_ten_plus_selection() -> None:
    query = """mutation { inventorySetQuantities(input: {name: "available", reason: "correction", quantities: []})
      @idempotent(key: "k") { inventoryAdjustmentGroup { changes { item { id } location { id name } } }
      userErrors { field message code } } }"""
    assert requested(query) == 13  # the real capture's requestedQueryCost


def test_actual_cost_counts_returned_nodes() -> None:
    query = "{ orders(first: 10) { nodes { id customer { id } } } }"
    document = parse(query)
    schema, operation = load_schema("2026-07"), get_operation_ast(document)
    data = {"orders": {"nodes": [{"id": "a", "customer": None}, {"id": "b", "customer": {"id": "c"}}]}}
    assert requested_cost(schema, document, operation, {}) == 2 + 10 * 2
    assert actual_cost(schema, document, operation, {}, data) == 2 + 1 + 2


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_bucket_restores_over_time() -> None:
    clock = FakeClock()
    bucket = LeakyBucket(2000, 100, clock)
    assert bucket.take(1500)
    assert not bucket.take(600)  # only 500 left
    assert bucket.status().currently_available == 500
    clock.now += 1.0
    assert bucket.status().currently_available == 600
    assert bucket.take(600)
    clock.now += 1000
    assert bucket.status().currently_available == 2000  # never above the maximum
    bucket.take(100)
    bucket.refund(40)
    assert bucket.status().currently_available == 1940


def test_burst_gets_throttled_with_the_real_shape() -> None:
    clock = FakeClock()  # frozen: nothing restores during the burst
    sim = SimulatorServer(orders=30, token=TOKEN, clock=clock, bucket=(20, 1))
    sim.start()
    query = "{ orders(first: 5) { nodes { id } } }"  # requested = actual = 7
    try:
        bodies = [
            requests.post(
                f"{sim.url}/admin/api/2026-07/graphql.json",
                json={"query": query},
                headers={"X-Shopify-Access-Token": TOKEN},
                timeout=10,
            )
            for _ in range(4)
        ]
    finally:
        sim.stop()
    throttled = [r.json() for r in bodies if "data" not in r.json()]
    assert all(r.status_code == 200 for r in bodies)
    assert len(throttled) == 2, "a frozen 20-point bucket serves two 7-point requests, not four"
    body = throttled[0]
    assert body["errors"] == [
        {
            "message": "Throttled",
            "extensions": {"code": "THROTTLED", "documentation": "https://shopify.dev/api/usage/rate-limits"},
        }
    ]
    cost = body["extensions"]["cost"]
    assert cost["actualQueryCost"] is None
    assert cost["requestedQueryCost"] > cost["throttleStatus"]["currentlyAvailable"]
    assert cost == {
        "requestedQueryCost": 7,
        "actualQueryCost": None,
        "throttleStatus": {"maximumAvailable": 20, "currentlyAvailable": 6, "restoreRate": 1},
    }


def test_single_query_over_1000_is_max_cost_exceeded() -> None:
    sim = SimulatorServer(orders=5, token=TOKEN)
    sim.start()
    try:
        body = requests.post(
            f"{sim.url}/admin/api/2026-07/graphql.json",
            json={"query": "{ orders(first: 250) { nodes { id lineItems(first: 250) { nodes { id } } } } }"},
            headers={"X-Shopify-Access-Token": TOKEN},
            timeout=10,
        ).json()
    finally:
        sim.stop()
    extensions = body["errors"][0]["extensions"]
    assert extensions["code"] == "MAX_COST_EXCEEDED" and extensions["maxCost"] == 1000
    assert body["errors"][0]["message"].startswith(f"Query cost is {extensions['cost']}, which exceeds")
