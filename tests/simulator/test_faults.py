"""Fault injection over real HTTP: each armed fault looks the way Shopify would show it."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from shopify_simulator.server import SimulatorServer

from .conftest import TOKEN, VERSION

QUERY = "{ products(first: 3) { nodes { id title updatedAt } } }"


@pytest.fixture(scope="module")
def sim() -> Iterator[SimulatorServer]:
    server = SimulatorServer(orders=10, seed=5, token=TOKEN, plan="plus")
    server.start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def disarm(sim: SimulatorServer) -> Iterator[None]:
    yield
    requests.delete(f"{sim.url}/_simulator/faults", timeout=5)


def arm(sim: SimulatorServer, kind: str, count: int = 1, **params: Any) -> None:
    response = requests.post(f"{sim.url}/_simulator/faults", json={"kind": kind, "count": count, **params}, timeout=5)
    assert response.status_code == 200, response.text


def call(sim: SimulatorServer, query: str = QUERY, timeout: float = 5) -> requests.Response:
    return requests.post(
        f"{sim.url}/admin/api/{VERSION}/graphql.json",
        json={"query": query},
        headers={"X-Shopify-Access-Token": TOKEN},
        timeout=timeout,
    )


def test_throttled_is_shopifys_throttled_body(sim: SimulatorServer) -> None:
    arm(sim, "throttled")
    body = call(sim).json()
    assert "data" not in body
    assert body["errors"] == [
        {
            "message": "Throttled",
            "extensions": {"code": "THROTTLED", "documentation": "https://shopify.dev/api/usage/rate-limits"},
        }
    ]
    assert body["extensions"]["cost"]["actualQueryCost"] is None
    assert body["extensions"]["cost"]["throttleStatus"]["maximumAvailable"] == 20000
    assert "data" in call(sim).json()  # fired once, then disarmed


def test_http_429_has_retry_after_and_rest_body(sim: SimulatorServer) -> None:
    arm(sim, "http_429")
    response = call(sim)
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "2.0"
    assert response.json() == {
        "errors": "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service."
    }
    assert response.headers["X-Shopify-API-Version"] == VERSION


def test_http_500_json_and_gateway_errors_html(sim: SimulatorServer) -> None:
    arm(sim, "http_500")
    response = call(sim)
    assert response.status_code == 500 and response.json() == {"errors": "Internal Server Error"}
    assert response.headers["X-Request-Id"]
    for kind, status in (("http_502", 502), ("http_503", 503)):
        arm(sim, kind)
        response = call(sim)
        assert response.status_code == status
        assert response.headers["Content-Type"].startswith("text/html")
        assert "Shopify/error-pages" in response.text
        with pytest.raises(ValueError):
            response.json()


def test_count_fires_n_times_then_disarms(sim: SimulatorServer) -> None:
    arm(sim, "http_503", count=2)
    assert [call(sim).status_code for _ in range(3)] == [503, 503, 200]
    listed = requests.get(f"{sim.url}/_simulator/faults", timeout=5).json()
    assert listed["armed"] == {}
    assert listed["fired"]["http_503"] >= 2


def test_slow_delays_the_answer(sim: SimulatorServer) -> None:
    arm(sim, "slow", seconds=0.3)
    started = time.monotonic()
    assert call(sim).status_code == 200
    assert time.monotonic() - started >= 0.3


def test_timeout_holds_until_client_gives_up(sim: SimulatorServer) -> None:
    arm(sim, "timeout")
    with pytest.raises(requests.exceptions.ReadTimeout):
        call(sim, timeout=0.4)
    assert call(sim).status_code == 200


def test_reset_closes_without_answer(sim: SimulatorServer) -> None:
    arm(sim, "reset")
    with pytest.raises(requests.exceptions.ConnectionError):
        call(sim)
    assert call(sim).status_code == 200


def test_malformed_record_breaks_one_node_only(sim: SimulatorServer) -> None:
    arm(sim, "malformed_record")
    nodes = call(sim).json()["data"]["products"]["nodes"]
    assert nodes[0]["updatedAt"] == "not-a-date"
    assert all(n["updatedAt"].endswith("Z") for n in nodes[1:])


def test_malformed_quantity_becomes_a_string(sim: SimulatorServer) -> None:
    level = next(iter(sim.store.inventory_levels.values()))
    query = (
        f'{{ inventoryItem(id: "gid://shopify/InventoryItem/{level.item_id}") {{ id '
        f'inventoryLevel(locationId: "gid://shopify/Location/{level.location_id}") '
        '{ id quantities(names: ["available"]) { name quantity } } } }'
    )
    arm(sim, "malformed_record", field="quantity")
    item = call(sim, query).json()["data"]["inventoryItem"]
    assert item["inventoryLevel"]["quantities"][0]["quantity"] == str(level.quantities["available"])


def test_unknown_field_appears_on_every_node(sim: SimulatorServer) -> None:
    arm(sim, "unknown_field")
    body = call(sim).json()
    assert all(n["someNewField"] == "simulated" for n in body["data"]["products"]["nodes"])
    assert "someNewField" not in call(sim).json()["data"]["products"]["nodes"][0]


def test_control_plane_rejects_unknown_kind(sim: SimulatorServer) -> None:
    response = requests.post(f"{sim.url}/_simulator/faults", json={"kind": "nope"}, timeout=5)
    assert response.status_code == 400 and "unknown fault" in response.json()["error"]
    arm(sim, "http_500", count=3)
    assert requests.get(f"{sim.url}/_simulator/faults", timeout=5).json()["armed"] == {"http_500": 3}
    assert requests.delete(f"{sim.url}/_simulator/faults", timeout=5).json() == {"armed": {}}
