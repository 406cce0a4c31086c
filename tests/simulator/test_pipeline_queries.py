"""Acceptance: every GraphQL document of the pipeline validates and executes with data.

The documents are read as files (the pipeline package is never imported).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from shopify_simulator.server import SimulatorServer

from .conftest import GraphQL

QUERIES = Path(__file__).resolve().parents[2] / "plugins" / "shopify_elt" / "queries"
DOCUMENTS = sorted(p for p in QUERIES.glob("*.graphql") if not p.name.startswith("inventory_set_"))


def with_fragments(text: str) -> str:
    """The document plus the shared fragment files it spreads (``queries/fragments/<Name>.graphql``)."""
    fragments = [f for f in sorted((QUERIES / "fragments").glob("*.graphql")) if f"...{f.stem}" in text]
    return "\n".join([text, *(f.read_text() for f in fragments)])


def variables_for(name: str, server: SimulatorServer) -> dict[str, Any]:
    store = server.store
    values: dict[str, Any] = {"first": 5, "lineItemsFirst": 3, "refundLinesFirst": 5, "fulfillmentLinesFirst": 5}
    values["shippingLinesFirst"] = 5
    values["query"] = "updated_at:>='2000-01-01T00:00:00Z'"
    if name == "inventory_levels.graphql":
        values["parentId"] = f"gid://shopify/Location/{min(store.locations)}"
    if name == "order_line_items.graphql":
        biggest = max(store.orders.values(), key=lambda o: len(o.line_items))
        values["parentId"] = f"gid://shopify/Order/{biggest.id}"
    return values


def bulk_operation_id(gql: GraphQL) -> str:
    inner = "{ products { edges { node { id } } } }"
    mutation = f'mutation {{ bulkOperationRunQuery(query: "{inner}") {{ bulkOperation {{ id }} }} }}'
    _, body = gql(mutation)
    return body["data"]["bulkOperationRunQuery"]["bulkOperation"]["id"]


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: p.stem)
def test_pipeline_query_executes(document: Path, server: SimulatorServer, gql: GraphQL) -> None:
    variables = variables_for(document.name, server)
    if document.name == "bulk_operation.graphql":
        variables["id"] = bulk_operation_id(gql)
    status, body = gql(with_fragments(document.read_text()), variables)
    assert status == 200
    assert "errors" not in body, body.get("errors")
    assert body["extensions"]["cost"]["actualQueryCost"] <= body["extensions"]["cost"]["requestedQueryCost"]
    root = next(iter(body["data"].values()))
    assert root, f"{document.name} returned no data"


def test_pipeline_documents_found() -> None:
    assert len(DOCUMENTS) >= 10, QUERIES
