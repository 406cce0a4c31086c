"""Helpers shared by the bulk-operation tests: run, poll, download, read paginated."""

from __future__ import annotations

import json
import time
from typing import Any

import requests

from shopify_simulator.bulk import operations
from shopify_simulator.server import SimulatorServer

from .conftest import GraphQL

FIELDS = "id status type errorCode createdAt completedAt objectCount rootObjectCount fileSize url partialDataUrl query"
RUN = (
    "mutation BulkRun($query: String!) { bulkOperationRunQuery(query: $query) {"
    f" bulkOperation {{ {FIELDS} }} userErrors {{ field message code }} }} }}"
)
POLL = f"query Poll($id: ID!) {{ bulkOperation(id: $id) {{ {FIELDS} }} }}"
CANCEL = (
    "mutation Cancel($id: ID!) { bulkOperationCancel(id: $id) {"
    f" bulkOperation {{ {FIELDS} }} userErrors {{ field message }} }} }}"
)
PRODUCTS = "{ products { edges { node { id title variants { edges { node { id sku } } } } } } }"
ORDERS = "{ orders { edges { node { id name lineItems { edges { node { id sku quantity } } } } } } }"


def start(**pacing: Any) -> SimulatorServer:
    """A small private simulator; `pacing` sets the bulk knobs (page_size, page_delay, start_delay)."""
    sim = SimulatorServer(orders=8, seed=5, token="shpat_test_token", plan="plus")
    sim.start()
    manager = operations(sim.store)
    for name, value in pacing.items():
        setattr(manager, name, value)
    return sim


def run(gql: GraphQL, query: str, version: str = "2026-07") -> dict[str, Any]:
    status, body = gql(RUN, {"query": query}, version=version)
    assert status == 200, body
    return body


def wait(gql: GraphQL, operation_id: str, timeout: float = 10.0) -> dict[str, Any]:
    """Poll until the operation leaves CREATED/RUNNING/CANCELING; returns the final object."""
    deadline = time.monotonic() + timeout
    while True:
        _, body = gql(POLL, {"id": operation_id})
        operation = body["data"]["bulkOperation"]
        if operation["status"] not in ("CREATED", "RUNNING", "CANCELING"):
            return operation
        assert time.monotonic() < deadline, operation
        time.sleep(0.02)


def run_to_end(gql: GraphQL, query: str) -> dict[str, Any]:
    body = run(gql, query)
    created = body["data"]["bulkOperationRunQuery"]
    assert created["userErrors"] == [], created
    return wait(gql, created["bulkOperation"]["id"])


def lines(url: str) -> list[dict[str, Any]]:
    response = requests.get(url, timeout=10)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "application/jsonl"
    text = response.text
    assert text == "" or text.endswith("\n")
    return [json.loads(line) for line in text.splitlines()]


def paginated(gql: GraphQL, root: str, selection: str, child: str, child_selection: str) -> list[dict[str, Any]]:
    """Every root node with all its children, read the ordinary way (pages of 3, children 250)."""
    found: list[dict[str, Any]] = []
    after: str | None = None
    query = (
        f"query P($after: String) {{ {root}(first: 3, after: $after) {{ pageInfo {{ hasNextPage endCursor }}"
        f" nodes {{ {selection} {child}(first: 250) {{ nodes {{ {child_selection} }} }} }} }} }}"
    )
    while True:
        status, body = gql(query, {"after": after})
        assert status == 200 and "errors" not in body, body
        page = body["data"][root]
        found.extend(page["nodes"])
        if not page["pageInfo"]["hasNextPage"]:
            return found
        after = page["pageInfo"]["endCursor"]


def regroup(records: list[dict[str, Any]], child: str) -> list[dict[str, Any]]:
    """JSONL lines back into nested records, by `__parentId` (order of parents kept)."""
    roots: dict[str, dict[str, Any]] = {}
    children: list[dict[str, Any]] = []
    for record in records:
        if "__parentId" in record:
            children.append(record)
        else:
            roots[record["id"]] = {**record, child: {"nodes": []}}
    for record in children:
        parent = record.pop("__parentId")
        roots[parent][child]["nodes"].append(record)
    return list(roots.values())
