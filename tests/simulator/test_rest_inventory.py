"""REST inventory levels: list, and `set.json` (last write wins) that GraphQL then reads and the bus hears."""

from __future__ import annotations

from shopify_simulator.server import SimulatorServer

from .conftest import make_client
from .rest_support import example, rest_url, session, type_mismatches


def test_set_then_graphql_reads_it(fresh_server: SimulatorServer) -> None:
    http, gql = session(), make_client(fresh_server)
    level = next(iter(fresh_server.store.inventory_levels.values()))
    before = level.updated_at
    heard: list[str] = []
    fresh_server.store.events.subscribe(lambda event: heard.append(event.topic))
    listed = http.get(
        rest_url(
            fresh_server, f"inventory_levels.json?inventory_item_ids={level.item_id}&location_ids={level.location_id}"
        ),
        timeout=10,
    ).json()["inventory_levels"]
    assert len(listed) == 1 and listed[0]["available"] == level.quantities["available"]
    assert set(listed[0]) == set(example("inventory_level", "test_3")["inventory_levels"][0])
    fresh_server.clock.advance(5)
    body = {"location_id": level.location_id, "inventory_item_id": level.item_id, "available": 42}
    response = http.post(rest_url(fresh_server, "inventory_levels/set.json"), json=body, timeout=10)
    assert response.status_code == 200, response.text
    answer, reference = response.json(), example("inventory_level", "test_7")
    assert set(answer) == set(reference) and set(answer["inventory_level"]) == set(reference["inventory_level"])
    assert type_mismatches(answer["inventory_level"], reference["inventory_level"]) == []
    assert answer["inventory_level"]["available"] == 42 and level.updated_at > before
    assert "inventory_levels/update" in heard
    _, data = gql(
        "query($id: ID!) { inventoryItem(id: $id) { inventoryLevels(first: 10) { nodes {"
        ' location { id } quantities(names: ["available"]) { quantity } } } } }',
        {"id": f"gid://shopify/InventoryItem/{level.item_id}"},
    )
    nodes = data["data"]["inventoryItem"]["inventoryLevels"]["nodes"]
    mine = next(n for n in nodes if n["location"]["id"] == f"gid://shopify/Location/{level.location_id}")
    assert mine["quantities"][0]["quantity"] == 42


def test_set_rejects_bad_bodies(fresh_server: SimulatorServer) -> None:
    http = session()
    missing = http.post(rest_url(fresh_server, "inventory_levels/set.json"), json={"available": 1}, timeout=10)
    assert missing.status_code == 400
    assert missing.json() == {"errors": {"inventory_item_id": "Required parameter missing or invalid"}}
    unknown = http.post(
        rest_url(fresh_server, "inventory_levels/set.json"),
        json={"location_id": 1, "inventory_item_id": 2, "available": 3},
        timeout=10,
    )
    assert (unknown.status_code, unknown.json()) == (404, {"errors": "Not Found"})
