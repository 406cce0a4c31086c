"""The simulated clock (speed, jumps) driving buckets and stamps, and the counters of /_simulator/stats."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from shopify_simulator.clock import SimClock
from shopify_simulator.server import SimulatorServer

from .conftest import TOKEN, make_client

SHOP = "{ shop { name } }"  # costs 1


class RealTime:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_clock_speed_and_jumps() -> None:
    real = RealTime()
    clock = SimClock(speed=10, start=1_000.0, real=real)
    real.now += 2
    assert clock() == pytest.approx(1_020.0)
    clock.set_speed(1)  # elapsed time keeps its value
    assert clock() == pytest.approx(1_020.0)
    real.now += 2
    assert clock() == pytest.approx(1_022.0)
    clock.advance(3600)
    assert clock() == pytest.approx(4_622.0)
    with pytest.raises(ValueError):
        clock.advance(-1)
    with pytest.raises(ValueError):
        clock.set_speed(0)


@pytest.fixture
def tiny() -> Iterator[SimulatorServer]:
    """A bucket of 20 points restoring 1 point per simulated second."""
    server = SimulatorServer(orders=5, seed=2, token=TOKEN, bucket=(20, 1))
    server.start()
    yield server
    server.stop()


def test_advancing_the_clock_restores_the_bucket(tiny: SimulatorServer) -> None:
    gql = make_client(tiny)
    bodies = [gql(SHOP)[1] for _ in range(25)]
    assert any("errors" in b and b["errors"][0]["extensions"]["code"] == "THROTTLED" for b in bodies)
    response = requests.post(f"{tiny.url}/_simulator/clock", json={"advance_seconds": 30}, timeout=5)
    assert response.status_code == 200
    _, body = gql(SHOP)
    assert body["data"]["shop"]["name"]
    assert body["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"] == 19


def test_clock_speed_is_steerable_and_stamps_follow_it(tiny: SimulatorServer) -> None:
    base = f"{tiny.url}/_simulator"
    assert requests.post(f"{base}/clock", json={"speed": 50}, timeout=5).json()["speed"] == 50
    assert requests.post(f"{base}/clock", json={"speed": -1}, timeout=5).status_code == 400
    before = requests.get(f"{base}/clock", timeout=5).json()["now"]
    requests.post(f"{base}/clock", json={"advance_seconds": 86_400}, timeout=5)
    level = next(iter(tiny.store.inventory_levels.values()))
    answer = requests.post(
        f"{base}/stock",
        json={"inventory_item_id": level.item_id, "location_id": level.location_id, "available": 3},
        timeout=5,
    ).json()
    assert answer["available"] == 3
    assert level.updated_at >= int(before) + 86_400


def test_stats_count_calls_points_mutations_and_faults(tiny: SimulatorServer) -> None:
    base = f"{tiny.url}/_simulator"
    gql = make_client(tiny)
    gql(SHOP)
    requests.post(f"{base}/faults", json={"kind": "throttled"}, timeout=5)
    gql(SHOP)
    level = next(iter(tiny.store.inventory_levels.values()))
    mutation = """mutation($input: InventoryAdjustQuantitiesInput!) {
      inventoryAdjustQuantities(input: $input) @idempotent(key: "stats-1") { userErrors { code } } }"""
    change = {
        "inventoryItemId": f"gid://shopify/InventoryItem/{level.item_id}",
        "locationId": f"gid://shopify/Location/{level.location_id}",
        "delta": 1,
        "changeFromQuantity": None,
    }
    requests.post(f"{base}/clock", json={"advance_seconds": 60}, timeout=5)  # room for a 10-point mutation
    _, body = gql(mutation, {"input": {"name": "available", "reason": "correction", "changes": [change]}})
    assert body["data"]["inventoryAdjustQuantities"]["userErrors"] == []
    stats = requests.get(f"{base}/stats", timeout=5).json()
    assert stats["calls"]["graphql"] == stats["requests"] == 3
    assert stats["calls"]["control"] >= 3
    assert stats["calls"]["bulkDownload"] == 0
    assert stats["throttled"] == 1
    assert stats["pointsSpent"] >= 11
    assert stats["mutationsApplied"] == 1
    assert stats["faultsFired"] == {"total": 1, "throttled": 1}
    assert set(stats["webhooks"]) >= {"delivered", "failed", "retried"}
