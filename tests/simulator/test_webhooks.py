"""Webhook subscriptions (capture-shaped) and deliveries to a tiny local receiver.

The receiver verifies the HMAC like an app would, dedupes by X-Shopify-Webhook-Id and
answers with scripted statuses so retries, deletion after 8 failures, duplicates and
reordering can be observed. A fast simulated clock makes the 4-hour retry window short.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import requests

from shopify_simulator.server import SimulatorServer
from shopify_simulator.webhooks import WebhookSettings
from shopify_simulator.webhooks.delivery import BACKOFF, sign
from shopify_simulator.webhooks.topics import from_enum

from .conftest import TOKEN, GraphQL, make_client

SECRET = "hush"
CREATE = """mutation Create($topic: WebhookSubscriptionTopic!, $sub: WebhookSubscriptionInput!) {
  webhookSubscriptionCreate(topic: $topic, webhookSubscription: $sub) {
    webhookSubscription { id topic format includeFields metafieldNamespaces filter createdAt updatedAt
      endpoint { __typename ... on WebhookHttpEndpoint { callbackUrl } } }
    userErrors { field message }
  }
}"""
LIST = "{ webhookSubscriptions(first: 10) { nodes { id topic uri } } webhookSubscriptionsCount { count precision } }"
DELETE = """mutation($id: ID!) {
  webhookSubscriptionDelete(id: $id) { deletedWebhookSubscriptionId userErrors { field message } } }"""


def verify(secret: str, body: bytes, header: str) -> bool:
    """What an app does (SHOPIFY_API_NOTES §4): base64 HMAC-SHA256 of the raw body, constant-time compare."""
    digest = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()
    return hmac.compare_digest(digest, header)


class Receiver:
    """A stdlib HTTP endpoint on a thread that records deliveries and answers scripted statuses."""

    def __init__(self, statuses: Callable[[int], int] = lambda n: 200) -> None:
        self.received: list[dict[str, Any]] = []
        self.statuses = statuses
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_: Any) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with receiver.lock:
                    n = len(receiver.received)
                    receiver.received.append({"headers": dict(self.headers), "body": body, "path": self.path})
                status = receiver.statuses(n)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/hooks"

    def unique(self) -> dict[str, dict[str, Any]]:
        """Deliveries deduplicated by X-Shopify-Webhook-Id (first arrival wins)."""
        seen: dict[str, dict[str, Any]] = {}
        for delivery in self.received:
            seen.setdefault(delivery["headers"]["X-Shopify-Webhook-Id"], delivery)
        return seen

    def wait_for(self, count: int, timeout: float = 5.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return list(self.received)

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def start(speed: float = 1.0, **settings: Any) -> SimulatorServer:
    server = SimulatorServer(
        orders=5,
        seed=4,
        token=TOKEN,
        plan="plus",
        clock_speed=speed,
        webhooks=WebhookSettings(secret=SECRET, **settings),
    )
    server.start()
    return server


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def sim() -> Iterator[SimulatorServer]:
    server = start()
    yield server
    server.stop()


def subscribe(gql: GraphQL, uri: str, topic: str = "INVENTORY_LEVELS_UPDATE", **extra: Any) -> dict[str, Any]:
    _, body = gql(CREATE, {"topic": topic, "sub": {"uri": uri, "format": "JSON", **extra}})
    return body["data"]["webhookSubscriptionCreate"]


def stock(server: SimulatorServer, available: int, level: Any = None) -> Any:
    level = level or next(iter(server.store.inventory_levels.values()))
    answer = requests.post(
        f"{server.url}/_simulator/stock",
        json={"inventory_item_id": level.item_id, "location_id": level.location_id, "available": available},
        timeout=5,
    )
    assert answer.status_code == 200, answer.text
    return level


def test_hmac_matches_the_notes_test_vector() -> None:
    body = b'{"id":820982911946154508,"name":"#9999"}'
    assert sign("hush", body) == "YBwnJ9vsibq7srObgXybmGHWuwos+jDEL//7749XS78="
    assert verify("hush", body, "YBwnJ9vsibq7srObgXybmGHWuwos+jDEL//7749XS78=")


def test_topic_names_round_trip() -> None:
    assert from_enum("INVENTORY_LEVELS_UPDATE") == "inventory_levels/update"
    assert from_enum("ORDERS_PARTIALLY_FULFILLED") == "orders/partially_fulfilled"
    assert from_enum("BULK_OPERATIONS_FINISH") == "bulk_operations/finish"
    assert from_enum("FULFILLMENT_ORDERS_CANCELLATION_REQUEST_SUBMITTED") == (
        "fulfillment_orders/cancellation_request_submitted"
    )


def test_subscription_lifecycle_matches_capture(sim: SimulatorServer, receiver: Receiver) -> None:
    gql = make_client(sim)
    created = subscribe(gql, receiver.url, "SHOP_UPDATE", includeFields=["id", "name"], metafieldNamespaces=["custom"])
    assert created["userErrors"] == []
    sub = created["webhookSubscription"]
    assert sub["id"].startswith("gid://shopify/WebhookSubscription/")
    assert sub["filter"] is None  # not sent → null; "" stays ""
    assert sub["endpoint"] == {"__typename": "WebhookHttpEndpoint", "callbackUrl": receiver.url}
    assert sub["createdAt"] == sub["updatedAt"] and sub["createdAt"].endswith("Z")
    assert subscribe(gql, receiver.url + "/2", "SHOP_UPDATE", filter="")["webhookSubscription"]["filter"] == ""
    _, listed = gql(LIST)
    assert listed["data"]["webhookSubscriptionsCount"] == {"count": 2, "precision": "EXACT"}
    _, deleted = gql(DELETE, {"id": sub["id"]})
    assert deleted["data"]["webhookSubscriptionDelete"] == {"deletedWebhookSubscriptionId": sub["id"], "userErrors": []}
    _, again = gql(DELETE, {"id": sub["id"]})
    assert again["data"]["webhookSubscriptionDelete"] == {
        "deletedWebhookSubscriptionId": None,
        "userErrors": [{"field": ["id"], "message": "Webhook subscription does not exist"}],
    }


def test_subscription_validation_matches_capture(sim: SimulatorServer) -> None:
    gql = make_client(sim)
    cases = {
        "": [{"field": ["webhookSubscription", "callbackUrl"], "message": "Address can't be blank"}],
        "http://example.com": [
            {"field": ["webhookSubscription", "callbackUrl"], "message": "Address protocol http:// is not supported"}
        ],
        "pubsub://valid-project:": [
            {"field": ["webhookSubscription", "callbackUrl"], "message": "Address protocol pubsub:// is not supported"},
            {
                "field": ["webhookSubscription", "callbackUrl"],
                "message": "Address is not a valid GCP pub/sub format. Format should be pubsub://project:topic",
            },
        ],
    }
    for uri, errors in cases.items():
        assert subscribe(gql, uri) == {"webhookSubscription": None, "userErrors": errors}
    bad_filter = subscribe(gql, "https://example.com/x", "CUSTOMERS_UPDATE", filter="totally bogus syntax")
    assert bad_filter["userErrors"] == [
        {
            "field": ["webhookSubscription"],
            "message": "The specified filter is invalid, please ensure you specify the field(s) you wish to filter on.",
        }
    ]


def test_delivery_headers_hmac_and_payload(sim: SimulatorServer, receiver: Receiver) -> None:
    subscribe(make_client(sim), receiver.url)
    level = stock(sim, 42)
    (delivery,) = receiver.wait_for(1)
    headers, body = delivery["headers"], delivery["body"]
    assert verify(SECRET, body, headers["X-Shopify-Hmac-Sha256"])
    assert headers["X-Shopify-Topic"] == "inventory_levels/update"
    assert headers["X-Shopify-Shop-Domain"] == "sim-store.myshopify.com"
    assert headers["X-Shopify-API-Version"] == "2026-07"
    assert headers["X-Shopify-Webhook-Id"] and headers["X-Shopify-Event-Id"]
    assert headers["X-Shopify-Triggered-At"].endswith("Z")
    payload = json.loads(body)
    location = sim.store.locations[level.location_id]
    assert payload == {
        "inventory_item_id": level.item_id,
        "location_id": level.location_id,
        "available": 42,
        "updated_at": payload["updated_at"],
        "admin_graphql_api_id": f"gid://shopify/InventoryLevel/{location.inventory_key}?inventory_item_id={level.item_id}",
    }
    assert payload["updated_at"][-6] in "+-"  # shop-local offset, as REST renders it


def test_mutations_and_catalog_changes_publish(sim: SimulatorServer, receiver: Receiver) -> None:
    gql = make_client(sim)
    for topic in (
        "INVENTORY_LEVELS_UPDATE",
        "PRODUCTS_CREATE",
        "PRODUCTS_UPDATE",
        "PRODUCTS_DELETE",
        "CUSTOMERS_CREATE",
    ):
        subscribe(gql, f"{receiver.url}/{topic}", topic)
    level = next(iter(sim.store.inventory_levels.values()))
    mutation = """mutation($input: InventorySetQuantitiesInput!) {
      inventorySetQuantities(input: $input) @idempotent(key: "wh-1") { userErrors { code } } }"""
    ids = {
        "inventoryItemId": f"gid://shopify/InventoryItem/{level.item_id}",
        "locationId": f"gid://shopify/Location/{level.location_id}",
    }
    quantity = {**ids, "quantity": level.quantities["available"] + 1, "changeFromQuantity": None}
    gql(mutation, {"input": {"name": "available", "reason": "correction", "quantities": [quantity]}})
    base = f"{sim.url}/_simulator"
    product = requests.post(
        f"{base}/products", json={"title": "Hook Tee", "variants": [{"sku": "HOOK-1", "price": "19.99"}]}, timeout=5
    ).json()
    number = product["id"].rsplit("/", 1)[1]
    requests.post(f"{base}/products/{number}/update", json={"title": "Hook Tee v2"}, timeout=5)
    assert requests.delete(f"{base}/products/{number}", timeout=5).status_code == 200
    requests.post(f"{base}/customers", json={"first_name": "Ada", "email": "ada@example.com"}, timeout=5)
    received = receiver.wait_for(5)
    topics = sorted(d["headers"]["X-Shopify-Topic"] for d in received)
    assert topics == [
        "customers/create",
        "inventory_levels/update",
        "products/create",
        "products/delete",
        "products/update",
    ]
    by_topic = {d["headers"]["X-Shopify-Topic"]: json.loads(d["body"]) for d in received}
    assert by_topic["products/delete"] == {"id": int(number)}
    assert by_topic["products/update"]["title"] == "Hook Tee v2"
    assert by_topic["products/create"]["variants"][0]["price"] == "19.99"
    assert by_topic["customers/create"]["admin_graphql_api_id"].startswith("gid://shopify/Customer/")


def test_include_fields_trim_the_payload(sim: SimulatorServer, receiver: Receiver) -> None:
    subscribe(make_client(sim), receiver.url, includeFields=["inventory_item_id", "available"])
    level = stock(sim, 7)
    (delivery,) = receiver.wait_for(1)
    assert json.loads(delivery["body"]) == {"inventory_item_id": level.item_id, "available": 7}


def test_retry_after_500_keeps_webhook_id() -> None:
    receiver = Receiver(lambda n: 500 if n == 0 else 200)
    server = start(speed=2_000)  # first back-off ≈ 56 simulated s ≈ 28 ms
    try:
        subscribe(make_client(server), receiver.url)
        stock(server, 9)
        first, retry = receiver.wait_for(2)
        assert first["headers"]["X-Shopify-Webhook-Id"] == retry["headers"]["X-Shopify-Webhook-Id"]
        assert first["body"] == retry["body"]
        assert len(receiver.unique()) == 1
        stats = requests.get(f"{server.url}/_simulator/stats", timeout=5).json()["webhooks"]
        assert (stats["failed"], stats["retried"], stats["delivered"]) == (1, 1, 1)
    finally:
        server.stop()
        receiver.close()


def test_subscription_deleted_after_8_consecutive_failures() -> None:
    receiver = Receiver(lambda n: 302)  # 3xx counts as a failure too
    server = start(speed=50_000)  # the 8 attempts span ≈ 2 simulated hours
    try:
        gql = make_client(server)
        subscribe(gql, receiver.url)
        stock(server, 1)
        deadline = time.monotonic() + 5
        while server.store.webhook_subscriptions and time.monotonic() < deadline:
            time.sleep(0.02)
        assert server.store.webhook_subscriptions == {}
        assert len(receiver.received) == 8
        assert len(receiver.unique()) == 1
        _, listed = gql(LIST)
        assert listed["data"]["webhookSubscriptions"]["nodes"] == []
        assert sum(BACKOFF) == pytest.approx(4 * 3600)
    finally:
        server.stop()
        receiver.close()


def test_duplicates_share_the_webhook_id() -> None:
    receiver = Receiver()
    server = start(duplicate_rate=1.0)
    try:
        subscribe(make_client(server), receiver.url)
        stock(server, 5)
        received = receiver.wait_for(2)
        assert len(received) == 2 and len(receiver.unique()) == 1
        assert received[0]["body"] == received[1]["body"]
    finally:
        server.stop()
        receiver.close()


def test_reordering_lets_a_later_event_arrive_first() -> None:
    receiver = Receiver()
    server = start(reorder_rate=1.0)
    try:
        subscribe(make_client(server), receiver.url)
        level = stock(server, 11)
        time.sleep(0.2)  # the first delivery is now held back
        stock(server, 12, level)
        received = receiver.wait_for(2)
        assert [json.loads(d["body"])["available"] for d in received] == [12, 11]
        assert len({d["headers"]["X-Shopify-Event-Id"] for d in received}) == 2
    finally:
        server.stop()
        receiver.close()
