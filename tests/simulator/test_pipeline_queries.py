"""Acceptance: every GraphQL document of the pipeline validates and executes with data.

The documents are read as files (the pipeline package is never imported).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from shopify_simulator.server import SimulatorServer

from .conftest import GraphQL

QUERIES = Path(__file__).resolve().parents[2] / "plugins" / "shopify_elt" / "queries"
DOCUMENTS = sorted(
    p
    for p in QUERIES.glob("*.graphql")
    if p.name.startswith("bulk_") or not p.read_text().lstrip().startswith("mutation")
)
"""Queries, and the bulk mutations; the writes change the shared store and have tests of their own."""


def with_fragments(text: str) -> str:
    """The document plus the shared fragment files it spreads, transitively (``queries/fragments/<Name>.graphql``)."""
    used: dict[str, str] = {}
    pending = re.findall(r"\.\.\.\s*([A-Z]\w*)", text)
    while pending:
        name = pending.pop()
        if name not in used:
            used[name] = (QUERIES / "fragments" / f"{name}.graphql").read_text()
            pending += re.findall(r"\.\.\.\s*([A-Z]\w*)", used[name])
    return "\n".join([text, *used.values()])


def variables_for(name: str, server: SimulatorServer) -> dict[str, Any]:
    store = server.store
    values: dict[str, Any] = {"first": 5, "lineItemsFirst": 3, "refundLinesFirst": 5, "fulfillmentLinesFirst": 5}
    values.update(shippingLinesFirst=5, addressesFirst=5, discountApplicationsFirst=5)
    values["query"] = "updated_at:>='2000-01-01T00:00:00Z'"
    if name in ("inventory_levels.graphql", "sweep_inventory_levels.graphql"):
        values["parentId"] = f"gid://shopify/Location/{min(store.locations)}"
    if name in ("order_line_items.graphql", "order_line_adjustment_pages.graphql"):
        biggest = max(store.orders.values(), key=lambda o: len(o.line_items))
        values["parentId"] = f"gid://shopify/Order/{biggest.id}"
    if name in ("order_fulfillment_orders.graphql", "order_fulfillments_made.graphql", "order_cancel_state.graphql"):
        fulfilled = next(o for o in store.orders.values() if o.fulfillment_ids)
        values.update(id=f"gid://shopify/Order/{fulfilled.id}", linesFirst=5)
    if name == "orders_fulfillment_orders.graphql":
        values["linesFirst"] = 5
    if name == "inventory_available.graphql":
        values.update(locationId=f"gid://shopify/Location/{min(store.locations)}", query="")
    if name == "customer_address_pages.graphql":
        most = max(store.customers.values(), key=lambda c: len(c.addresses))
        values.update(parentId=f"gid://shopify/Customer/{most.id}", first=1)
    return values


def bulk_operation_id(gql: GraphQL) -> str:
    inner = "{ products { edges { node { id } } } }"
    mutation = f'mutation {{ bulkOperationRunQuery(query: "{inner}") {{ bulkOperation {{ id }} }} }}'
    _, body = gql(mutation)
    return body["data"]["bulkOperationRunQuery"]["bulkOperation"]["id"]


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: p.stem)
def test_pipeline_query_executes(document: Path, server: SimulatorServer, gql: GraphQL) -> None:
    variables = variables_for(document.name, server)
    if document.name in ("bulk_operation.graphql", "bulk_cancel.graphql"):
        variables["id"] = bulk_operation_id(gql)
    if document.name == "bulk_run_query.graphql":
        variables.update(query="{ products { edges { node { id } } } }", groupObjects=True)
    for name, field in [
        ("fulfillment_order_line_items", "fulfillmentOrders"),
        ("draft_order_line_items", "draftOrders"),
    ]:
        if document.stem == name:
            variables["parentId"] = gql(f"{{ {field}(first: 1) {{ nodes {{ id }} }} }}")[1]["data"][field]["nodes"][0][
                "id"
            ]
    status, body = gql(with_fragments(document.read_text()), variables)
    assert status == 200
    assert "errors" not in body, body.get("errors")
    assert body["extensions"]["cost"]["actualQueryCost"] <= body["extensions"]["cost"]["requestedQueryCost"]
    root = next(iter(body["data"].values()))
    assert root, f"{document.name} returned no data"


NESTED_ROWS = {
    "order_tax_lines": ("orders", "taxLines"),
    "order_line_tax_lines": ("orders", "lineItems", "taxLines"),
    "order_line_discount_allocations": ("orders", "lineItems", "discountAllocations"),
    "order_discount_applications": ("orders", "discountApplications"),
    "order_refund_line_items": ("orders", "refunds", "refundLineItems"),
    "customer_addresses": ("customers", "addressesV2"),
    "order_line_adjustment_pages": ("order", "lineItems", "taxLines"),
    "customer_address_pages": ("customer", "addressesV2"),
}
"""Documents whose rows sit in lists of lists: the seeded store must give each some rows."""


def _items(value: Any, path: tuple[str, ...]) -> list[Any]:
    if isinstance(value, list):
        return [i for v in value for i in _items(v, path)]
    if not path:
        return [value]
    inner = value.get(path[0]) if isinstance(value, dict) else None
    if isinstance(inner, dict) and "nodes" in inner:
        inner = inner["nodes"]
    return _items(inner, path[1:]) if inner is not None else []


@pytest.mark.parametrize("name", sorted(NESTED_ROWS))
def test_nested_documents_find_rows_in_the_seeded_store(name: str, server: SimulatorServer, gql: GraphQL) -> None:
    variables = {**variables_for(f"{name}.graphql", server), "first": 20, "lineItemsFirst": 10}
    status, body = gql(with_fragments((QUERIES / f"{name}.graphql").read_text()), variables)
    assert status == 200 and "errors" not in body, body.get("errors")
    found = _items(body["data"], NESTED_ROWS[name])
    assert found and all(isinstance(item, dict) and item for item in found), name


def test_pipeline_documents_found() -> None:
    assert len(DOCUMENTS) >= 10, QUERIES
