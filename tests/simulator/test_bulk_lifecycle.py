"""A bulk query's life: CREATED response, polls, the JSONL file, concurrency, cancel, finish event.

Shapes follow the 2026-04 captures ``bulk-run-poll-complete-download``,
``bulk-run-query-concurrency-limit`` and ``bulk-cancel-preserves-fields``.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator

import pytest
import requests

from shopify_simulator.bulk.manager import concurrency_limit
from shopify_simulator.events import StoreEvent
from shopify_simulator.server import SimulatorServer

from .bulk_support import CANCEL, FIELDS, ORDERS, PRODUCTS, lines, paginated, regroup, run, run_to_end, start, wait
from .conftest import GraphQL, make_client

GID = re.compile(r"^gid://shopify/BulkOperation/\d+$")
STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


@pytest.fixture(scope="module")
def sim() -> Iterator[SimulatorServer]:
    server = start(page_size=2)  # several root pages even in a small shop
    yield server
    server.stop()


@pytest.fixture(scope="module")
def gql(sim: SimulatorServer) -> GraphQL:
    return make_client(sim)


def test_run_answers_created_like_the_capture(gql: GraphQL) -> None:
    body = run(gql, PRODUCTS)
    created = body["data"]["bulkOperationRunQuery"]
    assert created["userErrors"] == []
    operation = created["bulkOperation"]
    assert list(operation) == FIELDS.split()
    assert GID.match(operation["id"]) and STAMP.match(operation["createdAt"])
    assert {k: v for k, v in operation.items() if k not in ("id", "createdAt")} == {
        "status": "CREATED",
        "type": "QUERY",
        "errorCode": None,
        "completedAt": None,
        "objectCount": "0",
        "rootObjectCount": "0",
        "fileSize": None,
        "url": None,
        "partialDataUrl": None,
        "query": PRODUCTS,
    }
    assert body["extensions"]["cost"]["requestedQueryCost"] == 10
    wait(gql, operation["id"])


def test_terminal_poll_shape_and_file(gql: GraphQL, sim: SimulatorServer) -> None:
    done = run_to_end(gql, PRODUCTS)
    assert done["status"] == "COMPLETED" and done["errorCode"] is None and done["partialDataUrl"] is None
    assert STAMP.match(done["completedAt"])
    url = done["url"]
    assert url.startswith(f"{sim.url}/_bulk/")
    assert re.search(r"/bulk-\d+\.jsonl\?GoogleAccessId=[^&]+&Expires=\d+&Signature=[^&]+&", url)
    assert "response-content-type=application%2Fjsonl" in url
    raw = requests.get(url, timeout=5)
    assert raw.headers["Content-Type"] == "application/jsonl"
    assert done["fileSize"] == str(len(raw.content)) == raw.headers["Content-Length"]
    records = lines(url)
    assert done["objectCount"] == str(len(records))
    assert done["rootObjectCount"] == str(sum("__parentId" not in r for r in records))
    assert b'"gid:\\/\\/shopify\\/Product\\/' in raw.content  # `/` escaped as in the real file
    assert b"edges" not in raw.content and b'"node"' not in raw.content


def test_products_with_variants_round_trip_to_paginated_reads(gql: GraphQL) -> None:
    done = run_to_end(gql, PRODUCTS)
    records = lines(done["url"])
    expected = paginated(gql, "products", "id title", "variants", "id sku")
    assert regroup(records, "variants") == expected
    assert len(expected) > 2  # more than one root page was read


def test_orders_with_line_items_round_trip_to_paginated_reads(gql: GraphQL) -> None:
    done = run_to_end(gql, ORDERS)
    records = lines(done["url"])
    assert regroup(records, "lineItems") == paginated(gql, "orders", "id name", "lineItems", "id sku quantity")


def test_parent_id_links_follow_their_parent(gql: GraphQL) -> None:
    records = lines(run_to_end(gql, PRODUCTS)["url"])
    seen: set[str] = set()
    for record in records:
        if "__parentId" in record:
            assert record["__parentId"] in seen  # parent written before its children
            assert record["id"].startswith("gid://shopify/ProductVariant/")
            assert list(record)[-1] == "__parentId"
        else:
            assert record["id"].startswith("gid://shopify/Product/")
            seen.add(record["id"])


def test_empty_result_has_no_url(gql: GraphQL) -> None:
    done = run_to_end(gql, '{ products(query: "title:no-such-product-anywhere") { edges { node { id } } } }')
    assert done["status"] == "COMPLETED"
    assert (done["url"], done["objectCount"], done["rootObjectCount"], done["fileSize"]) == (None, "0", "0", None)


def test_poll_fields_agree(gql: GraphQL) -> None:
    done = run_to_end(gql, "{ products { edges { node { id } } } }")
    _, body = gql(
        "query($id: ID!) { currentBulkOperation { id status } node(id: $id) { id ... on BulkOperation { status } }"
        " bulkOperations(first: 1) { nodes { id status } } }",
        {"id": done["id"]},
    )
    data = body["data"]
    assert data["currentBulkOperation"] == data["node"] == {"id": done["id"], "status": "COMPLETED"}
    assert data["bulkOperations"]["nodes"] == [{"id": done["id"], "status": "COMPLETED"}]  # newest first


def test_bulk_operations_argument_errors_match_capture(gql: GraphQL) -> None:
    cases = {
        "{ bulkOperations { nodes { id } } }": "you must provide one of first or last",
        "{ bulkOperations(first: 1, last: 1) { nodes { id } } }": "providing both first and last is not supported",
        '{ bulkOperations(first: 1, query: "created_at:not-a-date") { nodes { id } } }': (
            "Invalid timestamp for query filter `created_at`."
        ),
    }
    for query, message in cases.items():
        _, body = gql(query)
        assert body["data"] is None
        assert body["errors"][0]["message"] == message
        assert body["errors"][0]["extensions"] == {"code": "BAD_REQUEST"}
        assert body["errors"][0]["path"] == ["bulkOperations"]


def test_bulk_operations_filters_by_status(gql: GraphQL) -> None:
    run_to_end(gql, "{ products { edges { node { id } } } }")
    _, body = gql('{ bulkOperations(first: 50, query: "status:COMPLETED operation_type:QUERY") { nodes { status } } }')
    assert {n["status"] for n in body["data"]["bulkOperations"]["nodes"]} == {"COMPLETED"}
    _, body = gql('{ bulkOperations(first: 5, query: "status:FAILED") { nodes { id } } }')
    assert body["data"]["bulkOperations"]["nodes"] == []


def test_concurrency_limit_by_version() -> None:
    assert concurrency_limit("2025-10") == 1
    assert concurrency_limit("2026-01") == concurrency_limit("2026-07") == 5


def test_sixth_concurrent_run_is_operation_in_progress_then_cancel() -> None:
    sim = start(start_delay=30)  # operations stay CREATED until canceled
    gql = make_client(sim)
    try:
        ids = [run(gql, "{ products { edges { node { id } } } }")["data"]["bulkOperationRunQuery"] for _ in range(5)]
        assert all(r["userErrors"] == [] for r in ids)
        sixth = run(gql, "{ products { edges { node { id } } } }")["data"]["bulkOperationRunQuery"]
        listed = ", ".join(r["bulkOperation"]["id"] for r in ids)
        assert sixth == {
            "bulkOperation": None,
            "userErrors": [
                {
                    "field": None,
                    "message": f"A bulk query operation for this app and shop is already in progress: {listed}.",
                    "code": "OPERATION_IN_PROGRESS",
                }
            ],
        }
        for created in ids:
            _, body = gql(CANCEL, {"id": created["bulkOperation"]["id"]})
            canceled = body["data"]["bulkOperationCancel"]
            assert canceled["userErrors"] == []
            assert canceled["bulkOperation"] == {**created["bulkOperation"], "status": "CANCELING"}
            assert body["extensions"]["cost"]["actualQueryCost"] == 10
        final = wait(gql, ids[0]["bulkOperation"]["id"])
        assert final["status"] == "CANCELED" and final["url"] is None
        _, again = gql(CANCEL, {"id": final["id"]})
        assert again["data"]["bulkOperationCancel"]["userErrors"] == [
            {"field": None, "message": "A bulk operation cannot be canceled when it is canceled"}
        ]
    finally:
        sim.stop()


def test_cancel_while_running_preserves_counters() -> None:
    sim = start(page_size=1, page_delay=0.3)
    gql = make_client(sim)
    try:
        operation = run(gql, PRODUCTS)["data"]["bulkOperationRunQuery"]["bulkOperation"]
        _, polled = gql(f"query($id: ID!) {{ bulkOperation(id: $id) {{ {FIELDS} }} }}", {"id": operation["id"]})
        deadline_polls = 100
        while polled["data"]["bulkOperation"]["objectCount"] == "0" and deadline_polls:
            _, polled = gql(f"query($id: ID!) {{ bulkOperation(id: $id) {{ {FIELDS} }} }}", {"id": operation["id"]})
            deadline_polls -= 1
        running = polled["data"]["bulkOperation"]
        assert running["status"] == "RUNNING" and running["objectCount"] != "0"
        _, body = gql(CANCEL, {"id": operation["id"]})
        canceling = body["data"]["bulkOperationCancel"]["bulkOperation"]
        assert canceling["status"] == "CANCELING"
        assert (canceling["objectCount"], canceling["rootObjectCount"]) == (
            running["objectCount"],
            running["rootObjectCount"],
        )
        final = wait(gql, operation["id"])
        assert final["status"] == "CANCELED"
        assert (final["objectCount"], final["rootObjectCount"]) == (running["objectCount"], running["rootObjectCount"])
    finally:
        sim.stop()


def test_cancel_unknown_operation() -> None:
    sim = start()
    try:
        _, body = make_client(sim)(CANCEL, {"id": "gid://shopify/BulkOperation/1"})
        assert body["data"]["bulkOperationCancel"] == {
            "bulkOperation": None,
            "userErrors": [{"field": ["id"], "message": "Bulk operation does not exist"}],
        }
    finally:
        sim.stop()


def test_finish_event_is_published() -> None:
    sim = start()
    events: list[StoreEvent] = []
    arrived = threading.Event()

    def listen(event: StoreEvent) -> None:
        if event.topic == "bulk_operations/finish":
            events.append(event)
            arrived.set()

    sim.store.events.subscribe(listen)
    try:
        done = run_to_end(make_client(sim), "{ products { edges { node { id } } } }")
        assert arrived.wait(5)
        [event] = events
        assert event.resource_gid == done["id"]
        payload = event.payload
        assert list(payload) == ["admin_graphql_api_id", "completed_at", "created_at", "error_code", "status", "type"]
        assert payload["admin_graphql_api_id"] == done["id"]
        assert (payload["status"], payload["type"], payload["error_code"]) == ("completed", "query", None)
        assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$", payload["completed_at"])
    finally:
        sim.stop()
