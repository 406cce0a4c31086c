"""inventoryAdjustQuantities: name allowlist, ledger documents, on_hand mirroring, 2026-04+ contract."""

from __future__ import annotations

from typing import Any

import pytest

from shopify_simulator.server import SimulatorServer

from .conftest import GraphQL, make_client

ADJUST = """mutation Adjust($input: InventoryAdjustQuantitiesInput!, $key: String!) {
  inventoryAdjustQuantities(input: $input) @idempotent(key: $key) {
    inventoryAdjustmentGroup { id reason referenceDocumentUri
      changes { name delta quantityAfterChange ledgerDocumentUri item { id } location { id } } }
    userErrors { field message code }
  }
}"""
NAME_MESSAGE = (
    "The specified quantity name is invalid. Valid values are: "
    "available, damaged, incoming, quality_control, reserved, safety_stock."
)


@pytest.fixture
def gql_w(fresh_server: SimulatorServer) -> GraphQL:
    return make_client(fresh_server)


def first_level(server: SimulatorServer) -> tuple[Any, dict[str, str]]:
    level = next(iter(server.store.inventory_levels.values()))
    ids = {
        "inventoryItemId": f"gid://shopify/InventoryItem/{level.item_id}",
        "locationId": f"gid://shopify/Location/{level.location_id}",
    }
    return level, ids


def adjust(gql: GraphQL, name: str, changes: list[dict[str, Any]], key: str = "k1") -> dict[str, Any]:
    payload = {"name": name, "reason": "correction", "referenceDocumentUri": "logistics://test/1", "changes": changes}
    status, body = gql(ADJUST, {"input": payload, "key": key})
    assert status == 200
    return body


def test_available_delta_mirrors_on_hand(fresh_server: SimulatorServer, gql_w: GraphQL) -> None:
    level, ids = first_level(fresh_server)
    before = dict(level.quantities)
    body = adjust(gql_w, "available", [{**ids, "delta": 2, "changeFromQuantity": before["available"]}])
    result = body["data"]["inventoryAdjustQuantities"]
    assert result["userErrors"] == []
    group = result["inventoryAdjustmentGroup"]
    assert group["reason"] == "correction" and group["referenceDocumentUri"] == "logistics://test/1"
    assert [(c["name"], c["delta"], c["quantityAfterChange"]) for c in group["changes"]] == [
        ("available", 2, None),
        ("on_hand", 2, None),
    ]
    assert group["changes"][0]["item"]["id"] == ids["inventoryItemId"]
    assert level.quantities["available"] == before["available"] + 2
    assert level.quantities["on_hand"] == before["on_hand"] + 2
    assert body["extensions"]["cost"]["actualQueryCost"] is not None


@pytest.mark.parametrize("name", ["on_hand", "committed"])
def test_name_allowlist_matches_capture(fresh_server: SimulatorServer, gql_w: GraphQL, name: str) -> None:
    _, ids = first_level(fresh_server)
    change = {**ids, "delta": 1, "changeFromQuantity": 0, "ledgerDocumentUri": "ledger://x/1"}
    result = adjust(gql_w, name, [change])["data"]["inventoryAdjustQuantities"]
    assert result["inventoryAdjustmentGroup"] is None
    assert result["userErrors"] == [
        {"field": ["input", "name"], "message": NAME_MESSAGE, "code": "INVALID_QUANTITY_NAME"}
    ]


def test_ledger_document_rules(fresh_server: SimulatorServer, gql_w: GraphQL) -> None:
    level, ids = first_level(fresh_server)
    missing = adjust(gql_w, "damaged", [{**ids, "delta": 1, "changeFromQuantity": None}], "a")
    errors = missing["data"]["inventoryAdjustQuantities"]["userErrors"]
    assert [(e["field"], e["code"]) for e in errors] == [
        (["input", "changes", "0", "ledgerDocumentUri"], "INVALID_QUANTITY_DOCUMENT")
    ]
    forbidden = adjust(
        gql_w, "available", [{**ids, "delta": 1, "changeFromQuantity": None, "ledgerDocumentUri": "ledger://x"}], "b"
    )
    assert forbidden["data"]["inventoryAdjustQuantities"]["userErrors"][0]["code"] == "INVALID_AVAILABLE_DOCUMENT"
    on_hand = level.quantities["on_hand"]
    ok = adjust(
        gql_w, "damaged", [{**ids, "delta": 3, "changeFromQuantity": None, "ledgerDocumentUri": "ledger://x/9"}], "c"
    )
    changes = ok["data"]["inventoryAdjustQuantities"]["inventoryAdjustmentGroup"]["changes"]
    assert [(c["name"], c["delta"], c["ledgerDocumentUri"]) for c in changes] == [
        ("damaged", 3, "ledger://x/9"),
        ("on_hand", 3, None),
    ]
    assert level.quantities["on_hand"] == on_hand + 3


def test_all_zero_deltas_give_null_group_and_no_errors(fresh_server: SimulatorServer, gql_w: GraphQL) -> None:
    _, ids = first_level(fresh_server)
    result = adjust(gql_w, "available", [{**ids, "delta": 0, "changeFromQuantity": None}])
    assert result["data"]["inventoryAdjustQuantities"] == {"inventoryAdjustmentGroup": None, "userErrors": []}


def test_stale_change_from_and_unknown_item(fresh_server: SimulatorServer, gql_w: GraphQL) -> None:
    level, ids = first_level(fresh_server)
    stale = adjust(gql_w, "available", [{**ids, "delta": 1, "changeFromQuantity": level.quantities["available"] + 5}])
    assert stale["data"]["inventoryAdjustQuantities"]["userErrors"] == [
        {
            "field": ["input", "changes", "0", "changeFromQuantity"],
            "message": "The changeFromQuantity value does not match persisted value.",
            "code": "CHANGE_FROM_QUANTITY_STALE",
        }
    ]
    unknown = {**ids, "inventoryItemId": "gid://shopify/InventoryItem/999999999999"}
    body = adjust(gql_w, "available", [{**unknown, "delta": 1, "changeFromQuantity": 0}], "k2")
    assert body["data"]["inventoryAdjustQuantities"]["userErrors"] == [
        {
            "field": ["input", "changes", "0", "inventoryItemId"],
            "message": "The specified inventory item could not be found.",
            "code": "INVALID_INVENTORY_ITEM",
        }
    ]


def test_2026_04_contract_errors_match_captures(fresh_server: SimulatorServer, gql_w: GraphQL) -> None:
    _, ids = first_level(fresh_server)
    no_directive = ADJUST.replace(" @idempotent(key: $key)", "").replace(", $key: String!", "")
    payload = {"name": "available", "reason": "correction", "changes": [{**ids, "delta": 1, "changeFromQuantity": 0}]}
    _, body = gql_w(no_directive, {"input": payload})
    assert body["data"] == {"inventoryAdjustQuantities": None}
    assert (
        body["errors"][0]["message"] == "The @idempotent directive is required for this mutation but was not provided."
    )
    assert body["errors"][0]["extensions"] == {"code": "BAD_REQUEST"}
    payload["changes"] = [{**ids, "delta": 1}]
    _, body = gql_w(ADJUST, {"input": payload, "key": "x"})
    assert (
        body["errors"][0]["message"] == "InventoryChangeInput must include the following argument: changeFromQuantity."
    )
    assert body["errors"][0]["extensions"] == {"code": "INVALID_FIELD_ARGUMENTS"}


def test_idempotent_replay_applies_once(fresh_server: SimulatorServer, gql_w: GraphQL) -> None:
    level, ids = first_level(fresh_server)
    before = level.quantities["available"]
    change = [{**ids, "delta": 4, "changeFromQuantity": None}]
    first = adjust(gql_w, "available", change, "same")
    again = adjust(gql_w, "available", change, "same")
    group = first["data"]["inventoryAdjustQuantities"]["inventoryAdjustmentGroup"]
    assert group["id"] == again["data"]["inventoryAdjustQuantities"]["inventoryAdjustmentGroup"]["id"]
    assert level.quantities["available"] == before + 4
    other = adjust(gql_w, "available", [{**ids, "delta": 5, "changeFromQuantity": None}], "same")
    assert other["data"]["inventoryAdjustQuantities"]["userErrors"][0]["code"] == "IDEMPOTENCY_KEY_PARAMETER_MISMATCH"
