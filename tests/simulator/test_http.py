"""The HTTP contract: auth, versions, bad bodies, validation errors, control plane."""

from __future__ import annotations

import requests

from shopify_simulator.server import SimulatorServer

from .conftest import TOKEN, GraphQL


def test_wrong_token_gets_shopify_401(server: SimulatorServer) -> None:
    response = requests.post(
        f"{server.url}/admin/api/2026-07/graphql.json",
        json={"query": "{ shop { name } }"},
        headers={"X-Shopify-Access-Token": "nope"},
        timeout=5,
    )
    assert response.status_code == 401
    assert response.json() == {"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"}


def test_missing_token_gets_401(server: SimulatorServer) -> None:
    response = requests.post(f"{server.url}/admin/api/2026-07/graphql.json", json={"query": "{ shop { name } }"})
    assert response.status_code == 401


def test_unknown_version_falls_forward(server: SimulatorServer) -> None:
    response = requests.post(
        f"{server.url}/admin/api/2019-04/graphql.json",
        json={"query": "{ shop { name } }"},
        headers={"X-Shopify-Access-Token": TOKEN},
        timeout=5,
    )
    assert response.status_code == 200
    assert response.headers["X-Shopify-API-Version"] == "2025-07"  # the oldest supported version
    assert response.json()["data"]["shop"]["name"]


def test_malformed_body_is_400(server: SimulatorServer) -> None:
    response = requests.post(
        f"{server.url}/admin/api/2026-07/graphql.json",
        data=b"not json",
        headers={"X-Shopify-Access-Token": TOKEN, "Content-Type": "application/json"},
        timeout=5,
    )
    assert response.status_code == 400
    assert response.json() == {"errors": {"query": "Required parameter missing or invalid"}}


def test_undefined_field_matches_real_capture_shape(gql: GraphQL) -> None:
    status, body = gql("mutation M($i: InventorySetQuantitiesInput!) {\n  inventorySetQuantities(input: $i) {\n"
                       "    userErrors {\n      code\n      nope\n    }\n  }\n}\n")  # fmt: skip
    assert status == 200
    assert set(body) == {"errors"}  # no data, no cost
    assert body["errors"] == [
        {
            "message": "Field 'nope' doesn't exist on type 'InventorySetQuantitiesUserError'",
            "locations": [{"line": 5, "column": 7}],
            "path": ["mutation M", "inventorySetQuantities", "userErrors", "nope"],
            "extensions": {
                "code": "undefinedField",
                "typeName": "InventorySetQuantitiesUserError",
                "fieldName": "nope",
            },
        }
    ]


def test_every_response_carries_cost(gql: GraphQL) -> None:
    _, body = gql("{ shop { name } }")
    cost = body["extensions"]["cost"]
    assert cost["requestedQueryCost"] == 1 and cost["actualQueryCost"] == 1
    assert cost["throttleStatus"]["maximumAvailable"] == 20000
    assert cost["throttleStatus"]["restoreRate"] == 1000


def test_control_plane(fresh_server: SimulatorServer) -> None:
    base = f"{fresh_server.url}/_simulator"
    assert requests.get(f"{base}/health", timeout=5).json() == {"status": "ok"}
    before = max(o.updated_at for o in fresh_server.store.orders.values())
    touched = requests.post(f"{base}/touch_orders", json={"count": 3}, timeout=5).json()
    assert touched["touched"] == 3
    assert sum(o.updated_at >= before for o in fresh_server.store.orders.values()) >= 3
    stats = requests.get(f"{base}/stats", timeout=5).json()
    assert {"requests", "throttled", "pointsSpent"} <= set(stats)  # plus grouped counters (test_clock_and_stats)


def test_access_scopes_served(gql: GraphQL) -> None:
    _, body = gql("{ currentAppInstallation { accessScopes { handle } } }")
    handles = {s["handle"] for s in body["data"]["currentAppInstallation"]["accessScopes"]}
    assert {"read_all_orders", "read_orders", "write_inventory"} <= handles


def test_missing_scope_is_access_denied() -> None:
    sim = SimulatorServer(orders=5, token=TOKEN, scopes=("read_products",))
    sim.start()
    try:
        response = requests.post(
            f"{sim.url}/admin/api/2026-07/graphql.json",
            json={"query": "{ orders(first: 1) { nodes { id } } }"},
            headers={"X-Shopify-Access-Token": TOKEN},
            timeout=5,
        )
    finally:
        sim.stop()
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "ACCESS_DENIED"
    assert error["path"] == ["orders"]
