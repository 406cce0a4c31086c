"""bulkOperationRunQuery's userErrors, word for word as Shopify answered them (2026-04 captures).

Inner queries and expected answers come from ``bulk-run-query-validators.2026-04.json`` and
``bulk-run-query-user-error-codes.2026-04.json``; every error has ``field: ["query"]``,
``code: INVALID`` and ``bulkOperation: null``, and the mutation costs 10.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from shopify_simulator.server import SimulatorServer

from .bulk_support import run, start
from .conftest import GraphQL, make_client


def _nest(*names: str, leaf: str = "id") -> str:
    body = leaf
    for name in reversed(names):
        body = f"{name} {{ edges {{ node {{ id {body} }} }} }}"
    return body


CAPTURED: dict[str, tuple[str, list[str]]] = {
    "nodesInsteadOfEdges": (
        "#graphql\n{\n  products {\n    nodes {\n      id\n      title\n    }\n  }\n}",
        [
            "All connection fields in a bulk query must select their contents using 'edges' > 'node', e.g: "
            "'products { edges { node {'. Selecting via 'nodes' is not supported. Invalid connection fields: "
            "'products'."
        ],
    ),
    "ordersNodesInsteadOfEdges": (
        "#graphql\n{\n  orders {\n    nodes {\n      id\n    }\n  }\n}",
        [
            "All connection fields in a bulk query must select their contents using 'edges' > 'node', e.g: "
            "'orders { edges { node {'. Selecting via 'nodes' is not supported. Invalid connection fields: 'orders'."
        ],
    ),
    "topLevelNode": (
        '#graphql\n{\n  node(id: "gid://shopify/Product/0") {\n    id\n  }\n}',
        ["Bulk queries cannot contain a top level `node` field.", "Bulk queries must contain at least one connection."],
    ),
    "depthThreeNesting": (
        "{ " + _nest("collections", "products", "variants", "metafields") + " }",
        ["Bulk queries cannot contain connections with a nesting depth greater than 2."],
    ),
    "sixConnections": (
        "{ products { edges { node { id "
        + " ".join(_nest(c) for c in ("variants", "metafields", "collections", "media", "sellingPlanGroups"))
        + " } } } }",
        ["Bulk queries cannot contain more than 5 connections."],
    ),
    "nestedWithoutParentId": (
        "#graphql\n{\n  products {\n    edges {\n      node {\n        title\n        variants {\n          edges {\n"
        "            node {\n              id\n            }\n          }\n        }\n      }\n    }\n  }\n}",
        [
            "The parent 'node' field for a nested connection must select the 'id' field without an alias and must "
            "be of 'ID' return type. Connection fields without 'id': products."
        ],
    ),
    "invalidOperationType": (
        '#graphql\nmutation {\n  productCreate(input: { title: "Bulk validator invalid operation type" }) {\n'
        "    product {\n      id\n    }\n  }\n}",
        ["Invalid operation type. Only `query` operations are supported."],
    ),
    "connectionWithinList": (
        "#graphql\n{\n  orders {\n    edges {\n      node {\n        id\n        fulfillments {\n          events {\n"
        "            edges {\n              node {\n                id\n              }\n            }\n          }\n"
        "        }\n      }\n    }\n  }\n}",
        ["Queries that contain a connection field within a list field are not currently supported."],
    ),
    "noConnectionWithCode": ("{ shop { id } }", ["Bulk queries must contain at least one connection."]),
    "emptyQuery": ("", ["Invalid bulk query: syntax error, unexpected end of file"]),
}


@pytest.fixture(scope="module")
def sim() -> Iterator[SimulatorServer]:
    server = start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def gql(sim: SimulatorServer) -> GraphQL:
    return make_client(sim)


@pytest.mark.parametrize("case", sorted(CAPTURED))
def test_captured_validator_messages(gql: GraphQL, case: str) -> None:
    query, messages = CAPTURED[case]
    body = run(gql, query)
    assert body["data"]["bulkOperationRunQuery"] == {
        "bulkOperation": None,
        "userErrors": [{"field": ["query"], "message": m, "code": "INVALID"} for m in messages],
    }
    assert body["extensions"]["cost"]["requestedQueryCost"] == 10
    assert body["extensions"]["cost"]["actualQueryCost"] == 10


def test_unknown_field_in_inner_query_reports_shopify_validation_message(gql: GraphQL) -> None:
    body = run(gql, "{ products { edges { node { id fulfillmentLineItem } } } }")
    assert body["data"]["bulkOperationRunQuery"]["userErrors"] == [
        {
            "field": ["query"],
            "message": "Invalid bulk query: Field 'fulfillmentLineItem' doesn't exist on type 'Product'",
            "code": "INVALID",
        }
    ]


def test_query_over_65535_bytes_is_too_large(gql: GraphQL) -> None:
    query = "{ products { edges { node { id } } } }" + " " * 70_000
    body = run(gql, query)
    size = len(query.encode())
    assert body["data"]["bulkOperationRunQuery"]["userErrors"] == [
        {"field": ["query"], "message": f"Query is too large ({size} bytes; maximum is 65535 bytes)", "code": "INVALID"}
    ]


def test_aliased_parent_id_does_not_count(gql: GraphQL) -> None:
    body = run(gql, "{ products { edges { node { pid: id variants { edges { node { id } } } } } } }")
    [error] = body["data"]["bulkOperationRunQuery"]["userErrors"]
    assert error["message"].endswith("Connection fields without 'id': products.")


def test_group_objects_defaults_to_false_in_2026_07(gql: GraphQL) -> None:
    status, body = gql(
        '{ __type(name: "Mutation") { fields { name args { name defaultValue } } } }',
    )
    assert status == 200
    field = next(f for f in body["data"]["__type"]["fields"] if f["name"] == "bulkOperationRunQuery")
    assert {"name": "groupObjects", "defaultValue": "false"} in field["args"]
