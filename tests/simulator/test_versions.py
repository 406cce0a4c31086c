"""Every supported API version is served under its own path, with its own schema and contract."""

from __future__ import annotations

import pytest
import requests

from shopify_simulator.schema import load_schema
from shopify_simulator.schema.versions import CAPTURED_SCHEMAS, SUPPORTED_VERSIONS, contract, schema_version
from shopify_simulator.server import SimulatorServer

from .conftest import TOKEN, GraphQL, make_client
from .test_inventory_set_quantities import level_gid, quantities, target

SET = """mutation($input: InventorySetQuantitiesInput!) {
  inventorySetQuantities(input: $input) { inventoryAdjustmentGroup { id } userErrors { field message code } } }"""


@pytest.mark.parametrize("version", SUPPORTED_VERSIONS)
def test_each_supported_version_answers_under_its_own_path(server: SimulatorServer, version: str) -> None:
    response = requests.post(
        f"{server.url}/admin/api/{version}/graphql.json",
        json={"query": "{ shop { name } }"},
        headers={"X-Shopify-Access-Token": TOKEN},
        timeout=5,
    )
    assert response.headers["X-Shopify-API-Version"] == version
    assert response.json()["data"]["shop"]["name"]


def test_versions_without_a_captured_schema_use_the_nearest_one() -> None:
    assert schema_version("2025-07") == "2025-10"
    assert schema_version("2026-10") == "2026-07"
    assert all(schema_version(v) == v for v in CAPTURED_SCHEMAS)
    assert load_schema("2025-07") is not load_schema("2025-10")  # a resolver can tell them apart


def test_fields_follow_the_version(server: SimulatorServer) -> None:
    old, new = load_schema("2025-10"), load_schema("2026-07")
    assert "changeFromQuantity" not in old.type_map["InventoryQuantityInput"].fields
    assert "compareQuantity" in old.type_map["InventoryQuantityInput"].fields
    assert "changeFromQuantity" in new.type_map["InventoryQuantityInput"].fields
    assert contract("2025-10").group_objects_default and not contract("2026-01").group_objects_default


def _input(ids: dict[str, str], quantity: int, **compare: object) -> dict:
    return {
        "name": "available",
        "reason": "correction",
        "quantities": [{**ids, "quantity": quantity, **compare}],
    }


def test_2025_10_uses_compare_quantity_and_needs_no_idempotency_key(fresh_server: SimulatorServer) -> None:
    old: GraphQL = make_client(fresh_server)
    level, ids = target(fresh_server)
    gid = level_gid(old, ids)
    available = quantities(old, gid)["available"]

    _, body = old(SET, {"input": _input(ids, available + 1)}, version="2025-10")
    assert body["data"]["inventorySetQuantities"]["userErrors"] == [
        {
            "field": ["input", "ignoreCompareQuantity"],
            "message": "The compareQuantity argument must be given to each quantity or ignored using "
            "ignoreCompareQuantity.",
            "code": "COMPARE_QUANTITY_REQUIRED",
        }
    ]
    _, body = old(SET, {"input": _input(ids, available + 1, compareQuantity=available - 1)}, version="2025-10")
    assert body["data"]["inventorySetQuantities"]["userErrors"][0]["code"] == "COMPARE_QUANTITY_STALE"
    assert body["data"]["inventorySetQuantities"]["userErrors"][0]["field"] == [
        "input", "quantities", "0", "compareQuantity"
    ]  # fmt: skip
    _, body = old(SET, {"input": _input(ids, available + 1, compareQuantity=available)}, version="2025-10")
    assert body["data"]["inventorySetQuantities"]["userErrors"] == []
    _, body = old(SET, {"input": {**_input(ids, available + 5), "ignoreCompareQuantity": True}}, version="2025-10")
    assert body["data"]["inventorySetQuantities"]["userErrors"] == []
    assert quantities(old, gid)["available"] == available + 5


def test_2026_04_still_requires_the_idempotency_key(fresh_server: SimulatorServer) -> None:
    gql: GraphQL = make_client(fresh_server)
    _, ids = target(fresh_server)
    _, body = gql(SET, {"input": _input(ids, 1, changeFromQuantity=None)}, version="2026-04")
    assert (
        body["errors"][0]["message"] == "The @idempotent directive is required for this mutation but was not provided."
    )
