"""Missing access scopes: GraphQL ACCESS_DENIED per root field / mutation, REST 403 with Shopify's wording."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from shopify_simulator.server import SimulatorServer

from .conftest import TOKEN, GraphQL, make_client
from .rest_support import rest_url, session

NARROW = ("read_orders", "read_products")  # no fulfillment-order, draft, discount, customer or write scopes


@pytest.fixture(scope="module")
def narrow() -> Iterator[SimulatorServer]:
    sim = SimulatorServer(orders=4, seed=9, token=TOKEN, scopes=NARROW)
    sim.start()
    yield sim
    sim.stop()


def _denied(gql: GraphQL, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    status, body = gql(query, variables)
    assert status == 200
    errors = [e for e in body.get("errors", []) if e.get("extensions", {}).get("code") == "ACCESS_DENIED"]
    assert errors, body
    return errors[0]


def _gid(server: SimulatorServer, attribute: str, type_name: str) -> str:
    return f"gid://shopify/{type_name}/{min(getattr(server.store, attribute))}"


@pytest.mark.parametrize(
    ("query", "field", "scope"),
    [
        ("{ draftOrders(first: 1) { nodes { id } } }", "draftOrders", "`read_draft_orders` access scope"),
        ("{ discountNodes(first: 1) { nodes { id } } }", "discountNodes", "`read_discounts` access scope"),
        ("{ customersCount { count } }", "customersCount", "`read_customers` access scope"),
        (
            "{ fulfillmentOrders(first: 1) { nodes { id } } }",
            "fulfillmentOrders",
            "`read_assigned_fulfillment_orders` access scope, `read_merchant_managed_fulfillment_orders` access "
            "scope or `read_third_party_fulfillment_orders` access scope",
        ),
    ],
)
def test_read_fields_need_their_scope(narrow: SimulatorServer, query: str, field: str, scope: str) -> None:
    error = _denied(make_client(narrow), query)
    assert error["message"] == f"Access denied for {field} field. Required access: {scope}."
    assert error["path"] == [field]


def test_events_need_no_scope(narrow: SimulatorServer) -> None:
    _, body = make_client(narrow)("{ events(first: 1) { nodes { id } } }")
    assert "errors" not in body


def test_mutations_need_write_scopes(narrow: SimulatorServer) -> None:
    gql = make_client(narrow)
    order = _gid(narrow, "orders", "Order")
    error = _denied(
        gql, "mutation($id: ID!) { orderClose(input: {id: $id}) { userErrors { message } } }", {"id": order}
    )
    assert error["message"].endswith("Required access: `write_orders` access scope.")
    error = _denied(
        gql,
        "mutation { fulfillmentCreate(fulfillment: {lineItemsByFulfillmentOrder: []}) { userErrors { message } } }",
    )
    assert "`write_merchant_managed_fulfillment_orders` access scope" in error["message"]
    product = _gid(narrow, "products", "Product")
    tags = 'mutation($id: ID!) { tagsAdd(id: $id, tags: ["x"]) { userErrors { message } } }'
    assert _denied(gql, tags, {"id": product})["message"].endswith("`write_products` access scope.")
    assert _denied(gql, tags, {"id": order})["message"].endswith("`write_orders` access scope.")


def test_webhook_topics_need_their_resource_scope(narrow: SimulatorServer) -> None:
    gql = make_client(narrow)
    create = (
        "mutation($topic: WebhookSubscriptionTopic!) { webhookSubscriptionCreate(topic: $topic,"
        ' webhookSubscription: {uri: "https://example.com/hook"}) { userErrors { message } } }'
    )
    error = _denied(gql, create, {"topic": "INVENTORY_LEVELS_UPDATE"})
    assert error["message"].endswith("Required access: `read_inventory` access scope.")
    _, body = gql(create, {"topic": "PRODUCTS_UPDATE"})  # read_products is held
    assert body["data"]["webhookSubscriptionCreate"]["userErrors"] == []


def test_write_scope_implies_read(fresh_server: SimulatorServer) -> None:
    assert "read_inventory" in fresh_server.store.scopes or "write_inventory" in fresh_server.store.scopes
    _, body = make_client(fresh_server)(
        "{ draftOrders(first: 1) { nodes { id } } fulfillmentOrders(first: 1) { nodes { id } } }"
    )
    assert "errors" not in body


@pytest.mark.parametrize(
    ("path", "scope"),
    [
        ("customers.json", "read_customers"),
        ("draft_orders.json", "read_draft_orders"),
        ("locations.json", "read_locations"),
        ("inventory_levels.json?location_ids=1", "read_inventory"),
    ],
)
def test_rest_routes_answer_403(narrow: SimulatorServer, path: str, scope: str) -> None:
    response = session().get(rest_url(narrow, path), timeout=10)
    assert response.status_code == 403
    assert response.json() == {"errors": f"[API] This action requires merchant approval for {scope} scope."}
    assert "X-Shopify-Shop-Api-Call-Limit" in response.headers


def test_rest_write_needs_write_scope(narrow: SimulatorServer) -> None:
    body = {"location_id": 1, "inventory_item_id": 1, "available": 1}
    response = session().post(rest_url(narrow, "inventory_levels/set.json"), json=body, timeout=10)
    assert response.status_code == 403
    assert "write_inventory" in response.json()["errors"]
    assert session().get(rest_url(narrow, "orders.json"), timeout=10).status_code == 200
