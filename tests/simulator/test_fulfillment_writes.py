"""Orders domain writes over HTTP: fulfillments, tracking, cancel/close/open, tags, control plane.

Every userError message is the one captured from real Shopify
(fulfillment-create-preconditions, orderCancel-error-messages), word for word.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from shopify_simulator.events import StoreEvent
from shopify_simulator.server import SimulatorServer

from .conftest import GraphQL, make_client

CREATE = """mutation($fulfillment: FulfillmentInput!, $message: String) {
  fulfillmentCreate(fulfillment: $fulfillment, message: $message) {
    fulfillment { id status displayStatus trackingInfo(first: 5) { number url company }
      fulfillmentLineItems(first: 5) { nodes { id quantity lineItem { id } } } }
    userErrors { field message } } }"""
TRACKING = """mutation($id: ID!, $input: FulfillmentTrackingInput!, $notify: Boolean) {
  fulfillmentTrackingInfoUpdate(fulfillmentId: $id, trackingInfoInput: $input, notifyCustomer: $notify) {
    fulfillment { id status trackingInfo(first: 5) { number url company } } userErrors { field message } } }"""
CANCEL = """mutation($orderId: ID!, $reason: OrderCancelReason!, $restock: Boolean!, $refund: Boolean,
  $refundMethod: OrderCancelRefundMethodInput, $staffNote: String) {
  orderCancel(orderId: $orderId, reason: $reason, restock: $restock, refund: $refund,
    refundMethod: $refundMethod, staffNote: $staffNote) {
    job { id done } orderCancelUserErrors { field message code } userErrors { field message } } }"""
READ = """query($id: ID!) { order(id: $id) { id name closed closedAt cancelledAt cancelReason updatedAt tags
  displayFinancialStatus displayFulfillmentStatus
  totalOutstandingSet { shopMoney { amount } } currentTotalPriceSet { shopMoney { amount } }
  fulfillments { id status displayStatus trackingInfo(first: 5) { number url company } }
  fulfillmentOrders(first: 5) { nodes { id status supportedActions { action }
    lineItems(first: 5) { nodes { id totalQuantity remainingQuantity lineItem { id } } } } } } }"""


@pytest.fixture
def gql_w(fresh_server: SimulatorServer) -> GraphQL:
    return make_client(fresh_server)


@pytest.fixture
def published(fresh_server: SimulatorServer) -> Iterator[list[StoreEvent]]:
    events: list[StoreEvent] = []
    fresh_server.store.events.subscribe(events.append)
    yield events


def control(server: SimulatorServer, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
    response = requests.request(method, f"{server.url}/_simulator/{path}", json=body or {}, timeout=10)
    return response.status_code, response.json()


def new_order(server: SimulatorServer, quantity: int = 3, lines: int = 1) -> tuple[str, Any]:
    skus = sorted(v.sku for v in server.store.variants.values() if v.sku)[:lines]
    status, body = control(server, "POST", "orders", {"line_items": [{"sku": s, "quantity": quantity} for s in skus]})
    assert status == 201, body
    return body["id"], server.store.orders[int(body["id"].rsplit("/", 1)[1])]


def read(gql: GraphQL, order_id: str) -> dict[str, Any]:
    status, body = gql(READ, {"id": order_id})
    assert status == 200 and "errors" not in body, body
    return body["data"]["order"]


def fulfill(gql: GraphQL, fo_id: str, items: list[dict] | None = None, tracking: dict | None = None) -> dict:
    group: dict[str, Any] = {"fulfillmentOrderId": fo_id}
    if items is not None:
        group["fulfillmentOrderLineItems"] = items
    fulfillment = {"notifyCustomer": False, "lineItemsByFulfillmentOrder": [group]}
    if tracking:
        fulfillment["trackingInfo"] = tracking
    status, body = gql(CREATE, {"fulfillment": fulfillment, "message": "sim"})
    assert status == 200 and "errors" not in body, body
    return body["data"]["fulfillmentCreate"]


def test_partial_then_remaining_fulfillment(
    fresh_server: SimulatorServer, gql_w: GraphQL, published: list[StoreEvent]
) -> None:
    order_id, order = new_order(fresh_server, quantity=3)
    before = read(gql_w, order_id)
    (fo,) = before["fulfillmentOrders"]["nodes"]
    assert fo["status"] == "OPEN" and before["displayFulfillmentStatus"] == "UNFULFILLED"
    assert [a["action"] for a in fo["supportedActions"]] == ["CREATE_FULFILLMENT", "MOVE", "HOLD", "SPLIT"]
    line = fo["lineItems"]["nodes"][0]
    first = fulfill(gql_w, fo["id"], [{"id": line["id"], "quantity": 1}], {"number": "1Z1", "company": "UPS"})
    assert first["userErrors"] == [] and first["fulfillment"]["status"] == "SUCCESS"
    assert first["fulfillment"]["fulfillmentLineItems"]["nodes"][0]["quantity"] == 1
    middle = read(gql_w, order_id)
    assert middle["displayFulfillmentStatus"] == "PARTIALLY_FULFILLED"
    assert middle["fulfillmentOrders"]["nodes"][0]["status"] == "IN_PROGRESS"
    assert middle["fulfillmentOrders"]["nodes"][0]["lineItems"]["nodes"][0]["remainingQuantity"] == 2
    assert middle["updatedAt"] >= before["updatedAt"]
    # Omitting the line items fulfills all that remains; several numbers and urls (real capture).
    tracking = {"numbers": ["N-1", "N-2"], "urls": ["https://t.example/1", "https://t.example/2"], "company": "Hermes"}
    second = fulfill(gql_w, fo["id"], None, tracking)
    assert second["fulfillment"]["displayStatus"] == "FULFILLED"
    assert second["fulfillment"]["trackingInfo"] == [
        {"number": "N-1", "url": "https://t.example/1", "company": "Hermes"},
        {"number": "N-2", "url": "https://t.example/2", "company": "Hermes"},
    ]
    after = read(gql_w, order_id)
    assert after["displayFulfillmentStatus"] == "FULFILLED" and len(after["fulfillments"]) == 2
    assert after["fulfillmentOrders"]["nodes"][0]["status"] == "CLOSED"
    topics = [e.topic for e in published]
    assert topics.count("fulfillments/create") == 2
    assert "orders/partially_fulfilled" in topics and "orders/fulfilled" in topics
    payload = next(e.payload for e in published if e.topic == "fulfillments/create")
    assert payload["tracking_number"] == "1Z1" and payload["tracking_numbers"] == ["1Z1"]
    assert payload["admin_graphql_api_id"].startswith("gid://shopify/Fulfillment/")
    assert payload["line_items"][0]["quantity"] == 1
    level = fresh_server.store.level(
        order.location_id, fresh_server.store.variants[order.line_items[0].variant_id].inventory_item_id
    )
    assert level.quantities["on_hand"] == sum(level.quantities[n] for n in ("available", "committed", "reserved",
                                              "damaged", "safety_stock", "quality_control"))  # fmt: skip


def test_fulfillment_create_real_user_errors(fresh_server: SimulatorServer, gql_w: GraphQL) -> None:
    order_id, order = new_order(fresh_server, quantity=1)
    fo = read(gql_w, order_id)["fulfillmentOrders"]["nodes"][0]
    line_id = fo["lineItems"]["nodes"][0]["id"]
    zero = fulfill(gql_w, fo["id"], [{"id": line_id, "quantity": 0}])
    assert zero == {
        "fulfillment": None,
        "userErrors": [
            {
                "field": [
                    "fulfillment",
                    "lineItemsByFulfillmentOrder",
                    "0",
                    "fulfillmentOrderLineItems",
                    "0",
                    "quantity",
                ],
                "message": "Quantity must be greater than 0",
            }
        ],
    }
    over = fulfill(gql_w, fo["id"], [{"id": line_id, "quantity": 2}])
    assert over["userErrors"] == [
        {"field": ["fulfillment"], "message": "Invalid fulfillment order line item quantity requested."}
    ]
    missing = fulfill(gql_w, "gid://shopify/FulfillmentOrder/999999999", [{"id": line_id, "quantity": 1}])
    assert missing["userErrors"] == [{"field": ["fulfillment"], "message": "Fulfillment order does not exist."}]
    assert fulfill(gql_w, fo["id"])["userErrors"] == []
    number = fo["id"].rsplit("/", 1)[1]
    closed = fulfill(gql_w, fo["id"])
    assert closed["userErrors"] == [
        {"field": ["fulfillment"], "message": f"Fulfillment order {number} has an unfulfillable status= closed."}
    ]


def test_on_hold_fulfillment_order_is_refused(fresh_server: SimulatorServer, gql_w: GraphQL) -> None:
    order_id, order = new_order(fresh_server)
    order.hold_reason = "AWAITING_PAYMENT"
    fo = read(gql_w, order_id)["fulfillmentOrders"]["nodes"][0]
    assert fo["status"] == "ON_HOLD"
    result = fulfill(gql_w, fo["id"])
    assert result["fulfillment"] is None
    assert result["userErrors"][0]["message"].endswith("has an unfulfillable status= on_hold.")


def test_tracking_update_replaces_the_list(
    fresh_server: SimulatorServer, gql_w: GraphQL, published: list[StoreEvent]
) -> None:
    order_id, _ = new_order(fresh_server)
    fo = read(gql_w, order_id)["fulfillmentOrders"]["nodes"][0]
    created = fulfill(gql_w, fo["id"], None, {"numbers": ["A", "B"], "company": "Hermes"})["fulfillment"]
    variables = {"id": created["id"], "notify": True, "input": {"numbers": ["U-1", "U-2"], "company": "UPS"}}
    _, body = gql_w(TRACKING, variables)
    result = body["data"]["fulfillmentTrackingInfoUpdate"]
    assert result["userErrors"] == []
    expected = [{"number": "U-1", "url": None, "company": "UPS"}, {"number": "U-2", "url": None, "company": "UPS"}]
    assert result["fulfillment"]["trackingInfo"] == expected
    assert read(gql_w, order_id)["fulfillments"][0]["trackingInfo"] == expected
    assert published[-1].topic == "fulfillments/update" and published[-1].payload["tracking_numbers"] == ["U-1", "U-2"]


def test_order_cancel_and_its_real_errors(
    fresh_server: SimulatorServer, gql_w: GraphQL, published: list[StoreEvent]
) -> None:
    order_id, order = new_order(fresh_server, quantity=2)
    store = fresh_server.store
    item = store.variants[order.line_items[0].variant_id].inventory_item_id
    committed = store.level(order.location_id, item).quantities["committed"]
    base = {"orderId": order_id, "reason": "OTHER", "restock": True}

    def cancel(**extra: Any) -> dict[str, Any]:
        status, body = gql_w(CANCEL, {**base, **extra})
        assert status == 200 and "errors" not in body, body
        return body["data"]["orderCancel"]

    conflict = cancel(refund=False, refundMethod={"originalPaymentMethodsRefund": True})
    message = "Only one of the arguments `refund` or `refund_method` is allowed."
    assert conflict == {
        "job": None,
        "orderCancelUserErrors": [{"field": ["refund"], "message": message, "code": "INVALID"}],
        "userErrors": [{"field": ["refund"], "message": message}],
    }
    too_long = cancel(staffNote="x" * 256)["orderCancelUserErrors"]
    assert too_long == [
        {
            "field": ["staffNote"],
            "message": "Staff note is too long. Maximum length is 255 characters.",
            "code": "INVALID",
        }
    ]
    done = cancel(staffNote="customer changed mind")
    assert done["orderCancelUserErrors"] == [] and done["userErrors"] == []
    assert done["job"]["id"].startswith("gid://shopify/Job/") and done["job"]["done"] is False
    after = read(gql_w, order_id)
    assert after["closed"] is True and after["cancelReason"] == "OTHER"
    assert after["cancelledAt"] == after["closedAt"] is not None
    assert after["currentTotalPriceSet"]["shopMoney"]["amount"] == "0.0"
    assert after["totalOutstandingSet"]["shopMoney"]["amount"] == "0.0"
    assert after["fulfillmentOrders"]["nodes"][0]["status"] == "CLOSED"
    assert store.level(order.location_id, item).quantities["committed"] == committed - 2
    again = cancel()["orderCancelUserErrors"]
    assert again == [
        {"field": ["orderId"], "message": "Cannot cancel an order that has already been canceled", "code": "INVALID"}
    ]
    cancelled = [e for e in published if e.topic == "orders/cancelled"]
    assert cancelled and cancelled[0].payload["cancel_reason"] == "other"
    assert cancelled[0].payload["admin_graphql_api_id"] == order_id


def test_cannot_cancel_with_outstanding_fulfillments(fresh_server: SimulatorServer, gql_w: GraphQL) -> None:
    order_id, _ = new_order(fresh_server)
    fulfill(gql_w, read(gql_w, order_id)["fulfillmentOrders"]["nodes"][0]["id"])
    _, body = gql_w(CANCEL, {"orderId": order_id, "reason": "OTHER", "restock": True})
    assert body["data"]["orderCancel"]["orderCancelUserErrors"] == [
        {"field": ["orderId"], "message": "Cannot cancel an order that has outstanding fulfillments", "code": "INVALID"}
    ]


def test_close_open_and_tags(fresh_server: SimulatorServer, gql_w: GraphQL, published: list[StoreEvent]) -> None:
    order_id, _ = new_order(fresh_server)
    close = """mutation($id: ID!) { orderClose(input: {id: $id}) {
      order { id closed closedAt } userErrors { field message } } }"""
    _, body = gql_w(close, {"id": order_id})
    assert body["data"]["orderClose"]["order"]["closed"] is True
    assert body["data"]["orderClose"]["userErrors"] == []
    reopen = "mutation($id: ID!) { orderOpen(input: {id: $id}) { order { closed closedAt } userErrors { message } } }"
    _, body = gql_w(reopen, {"id": order_id})
    assert body["data"]["orderOpen"]["order"] == {"closed": False, "closedAt": None}
    add = (
        "mutation($id: ID!, $t: [String!]!) { tagsAdd(id: $id, tags: $t) { node { id } userErrors { field message } } }"
    )
    remove = (
        "mutation($id: ID!, $t: [String!]!) { tagsRemove(id: $id, tags: $t) { node { id } userErrors { message } } }"
    )
    _, body = gql_w(add, {"id": order_id, "t": ["vip", "rush, gift"]})
    assert body["data"]["tagsAdd"] == {"node": {"id": order_id}, "userErrors": []}
    assert read(gql_w, order_id)["tags"] == ["gift", "rush", "vip"]
    gql_w(remove, {"id": order_id, "t": ["rush"]})
    assert read(gql_w, order_id)["tags"] == ["gift", "vip"]
    product = next(iter(fresh_server.store.products.values()))
    product_gid = f"gid://shopify/Product/{product.id}"
    _, body = gql_w(add, {"id": product_gid, "t": ["simulated"]})
    assert body["data"]["tagsAdd"]["userErrors"] == [] and "simulated" in product.tags
    _, body = gql_w(add, {"id": "gid://shopify/Order/1", "t": ["x"]})
    assert body["data"]["tagsAdd"]["node"] is None and body["data"]["tagsAdd"]["userErrors"]
    assert {"orders/updated", "products/update"} <= {e.topic for e in published}


def test_control_plane_create_update_cancel_delete(
    fresh_server: SimulatorServer, gql_w: GraphQL, published: list[StoreEvent]
) -> None:
    store = fresh_server.store
    variant = next(v for v in store.variants.values() if v.sku)
    location = min(loc.id for loc in store.locations.values() if loc.is_active)
    level = store.level(location, variant.inventory_item_id)
    committed, available = level.quantities["committed"], level.quantities["available"]
    status, created = control(fresh_server, "POST", "orders", {"line_items": [{"sku": variant.sku, "quantity": 2}]})
    assert status == 201 and created["displayFulfillmentStatus"] == "UNFULFILLED"
    assert (level.quantities["committed"], level.quantities["available"]) == (committed + 2, available - 2)
    assert published[-1].topic == "orders/create"
    order = read(gql_w, created["id"])
    assert order["name"] == created["name"]
    status, updated = control(fresh_server, "POST", f"orders/{created['id'].rsplit('/', 1)[1]}/update", {"tags": ["x"]})
    assert status == 200 and read(gql_w, created["id"])["tags"] == ["x"]
    status, _ = control(
        fresh_server, "POST", f"orders/{created['id'].rsplit('/', 1)[1]}/cancel", {"reason": "customer"}
    )
    assert status == 200 and read(gql_w, created["id"])["cancelReason"] == "CUSTOMER"
    assert (level.quantities["committed"], level.quantities["available"]) == (committed, available)
    status, _ = control(fresh_server, "DELETE", f"orders/{created['id'].rsplit('/', 1)[1]}")
    assert status == 200
    _, body = gql_w("query($id: ID!) { order(id: $id) { id } }", {"id": created["id"]})
    assert body["data"]["order"] is None
    assert published[-1].topic == "orders/delete" and published[-1].payload == {
        "id": int(created["id"].rsplit("/", 1)[1])
    }
    query = """{ events(first: 5, query: "action:destroy AND subject_type:ORDER", sortKey: ID, reverse: true) {
      nodes { action ... on BasicEvent { subjectId subjectType } } } }"""
    _, body = gql_w(query)
    assert body["data"]["events"]["nodes"][0] == {
        "action": "destroy",
        "subjectId": created["id"],
        "subjectType": "ORDER",
    }
