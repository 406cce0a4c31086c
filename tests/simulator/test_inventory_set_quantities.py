"""inventorySetQuantities: 2026-04+ contract, compare-and-set and idempotency."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from shopify_simulator.server import SimulatorServer

from .conftest import GraphQL, make_client

MUTATION = (
    Path(__file__).resolve().parents[2] / "plugins" / "shopify_elt" / "queries" / "inventory_set_quantities.graphql"
).read_text()
READ = """query($id: ID!) { inventoryLevel(id: $id) { id updatedAt
  quantities(names: ["available", "on_hand", "committed"]) { name quantity } } }"""


@pytest.fixture
def gql_w(fresh_server: SimulatorServer) -> GraphQL:
    return make_client(fresh_server)


def target(server: SimulatorServer) -> tuple[Any, dict[str, str]]:
    level = next(iter(server.store.inventory_levels.values()))
    return level, {
        "inventoryItemId": f"gid://shopify/InventoryItem/{level.item_id}",
        "locationId": f"gid://shopify/Location/{level.location_id}",
    }


def set_input(ids: dict[str, str], quantity: int, change_from: int | None, name: str = "available") -> dict:
    return {
        "name": name,
        "reason": "correction",
        "referenceDocumentUri": "gid://inventory-pipeline/Push/1",
        "quantities": [{**ids, "quantity": quantity, "changeFromQuantity": change_from}],
    }


def quantities(gql: GraphQL, level_gid: str) -> dict[str, int]:
    _, body = gql(READ, {"id": level_gid})
    return {q["name"]: q["quantity"] for q in body["data"]["inventoryLevel"]["quantities"]}


def level_gid(gql: GraphQL, ids: dict[str, str]) -> str:
    query = "query($id: ID!, $loc: ID!) { inventoryItem(id: $id) { inventoryLevel(locationId: $loc) { id } } }"
    _, body = gql(query, {"id": ids["inventoryItemId"], "loc": ids["locationId"]})
    return body["data"]["inventoryItem"]["inventoryLevel"]["id"]


def test_set_available_moves_on_hand_and_is_read_back(fresh_server: SimulatorServer, gql_w: GraphQL) -> None:
    level, ids = target(fresh_server)
    gid = level_gid(gql_w, ids)
    before = quantities(gql_w, gid)
    _, body = gql_w(
        MUTATION, {"input": set_input(ids, before["available"] + 7, before["available"]), "idempotencyKey": "a"}
    )
    result = body["data"]["inventorySetQuantities"]
    assert result["userErrors"] == []
    changes = result["inventoryAdjustmentGroup"]["changes"]
    assert [(c["name"], c["delta"], c["quantityAfterChange"]) for c in changes] == [
        ("available", 7, None),
        ("on_hand", 7, None),
    ]
    assert body["extensions"]["cost"]["requestedQueryCost"] == 13  # as in the real capture
    after = quantities(gql_w, gid)
    assert after["available"] == before["available"] + 7
    assert after["on_hand"] == before["on_hand"] + 7
    assert after["committed"] == before["committed"]


def test_stale_change_from_quantity_changes_nothing(fresh_server: SimulatorServer, gql_w: GraphQL) -> None:
    level, ids = target(fresh_server)
    current = level.quantities["available"]
    _, body = gql_w(MUTATION, {"input": set_input(ids, 500, current + 1), "idempotencyKey": "stale"})
    result = body["data"]["inventorySetQuantities"]
    assert result["inventoryAdjustmentGroup"] is None
    assert result["userErrors"] == [
        {
            "field": ["input", "quantities", "0", "changeFromQuantity"],
            "message": "The changeFromQuantity value does not match persisted value.",
            "code": "CHANGE_FROM_QUANTITY_STALE",
        }
    ]
    assert body["extensions"]["cost"]["actualQueryCost"] == 10
    assert level.quantities["available"] == current


def test_null_change_from_quantity_skips_compare(fresh_server: SimulatorServer, gql_w: GraphQL) -> None:
    level, ids = target(fresh_server)
    _, body = gql_w(MUTATION, {"input": set_input(ids, 3, None), "idempotencyKey": "blind"})
    assert body["data"]["inventorySetQuantities"]["userErrors"] == []
    assert level.quantities["available"] == 3


def test_missing_idempotent_directive_is_the_real_error(fresh_server: SimulatorServer, gql_w: GraphQL) -> None:
    _, ids = target(fresh_server)
    document = MUTATION.replace(" @idempotent(key: $idempotencyKey)", "").replace(", $idempotencyKey: String!", "")
    _, body = gql_w(document, {"input": set_input(ids, 1, None)})
    assert body["data"] == {"inventorySetQuantities": None}
    error = body["errors"][0]
    assert error["message"] == "The @idempotent directive is required for this mutation but was not provided."
    assert error["extensions"] == {"code": "BAD_REQUEST"}
    assert error["path"] == ["inventorySetQuantities"]


def test_omitted_change_from_quantity_is_invalid_field_arguments(fresh_server: SimulatorServer, gql_w: GraphQL) -> None:
    _, ids = target(fresh_server)
    payload = set_input(ids, 1, None)
    del payload["quantities"][0]["changeFromQuantity"]
    _, body = gql_w(MUTATION, {"input": payload, "idempotencyKey": "omit"})
    error = body["errors"][0]
    assert error["message"] == "InventoryQuantityInput must include the following argument: changeFromQuantity."
    assert error["extensions"] == {"code": "INVALID_FIELD_ARGUMENTS"}
    assert len(error["locations"]) == 2  # the field and the $input definition, as captured


def test_idempotent_replay_and_parameter_mismatch(fresh_server: SimulatorServer, gql_w: GraphQL) -> None:
    level, ids = target(fresh_server)
    start = level.quantities["available"]
    variables = {"input": set_input(ids, start + 2, start), "idempotencyKey": "same-key"}
    _, first = gql_w(MUTATION, variables)
    _, again = gql_w(MUTATION, variables)
    assert first["data"] == again["data"]
    assert level.quantities["available"] == start + 2  # applied once
    other = {"input": set_input(ids, start + 9, start + 2), "idempotencyKey": "same-key"}
    _, mismatch = gql_w(MUTATION, other)
    errors = mismatch["data"]["inventorySetQuantities"]["userErrors"]
    assert [e["code"] for e in errors] == ["IDEMPOTENCY_KEY_PARAMETER_MISMATCH"]
    assert level.quantities["available"] == start + 2


@pytest.mark.parametrize(
    ("name", "quantity", "code", "field"),
    [
        ("committed", 1, "INVALID_NAME", ["input", "name"]),
        ("on_hand", -1, "INVALID_QUANTITY_NEGATIVE", ["input", "quantities", "0", "quantity"]),
        ("available", -2_000_000_000, "INVALID_QUANTITY_TOO_LOW", ["input", "quantities", "0", "quantity"]),
        ("available", 1_000_000_001, "INVALID_QUANTITY_TOO_HIGH", ["input", "quantities", "0", "quantity"]),
    ],
)
def test_user_errors(
    fresh_server: SimulatorServer, gql_w: GraphQL, name: str, quantity: int, code: str, field: list[str]
) -> None:
    _, ids = target(fresh_server)
    _, body = gql_w(MUTATION, {"input": set_input(ids, quantity, None, name), "idempotencyKey": code})
    assert [(e["code"], e["field"]) for e in body["data"]["inventorySetQuantities"]["userErrors"]] == [(code, field)]


def test_unknown_item_and_reason(fresh_server: SimulatorServer, gql_w: GraphQL) -> None:
    _, ids = target(fresh_server)
    payload = set_input({**ids, "inventoryItemId": "gid://shopify/InventoryItem/999999999999"}, 1, None)
    payload["reason"] = "not_a_reason"
    _, body = gql_w(MUTATION, {"input": payload, "idempotencyKey": "unknown"})
    codes = [e["code"] for e in body["data"]["inventorySetQuantities"]["userErrors"]]
    assert codes == ["INVALID_REASON", "INVALID_INVENTORY_ITEM"]


def test_more_than_250_quantities_is_rejected_before_execution(fresh_server: SimulatorServer, gql_w: GraphQL) -> None:
    _, ids = target(fresh_server)
    payload = set_input(ids, 1, None)
    payload["quantities"] = payload["quantities"] * 251
    _, body = gql_w(MUTATION, {"input": payload, "idempotencyKey": "big"})
    assert "data" not in body
    assert body["errors"][0]["extensions"] == {"code": "MAX_INPUT_SIZE_EXCEEDED"}
    assert body["errors"][0]["path"] == ["inventorySetQuantities", "input", "quantities"]
    assert body["extensions"]["cost"]["actualQueryCost"] is None
