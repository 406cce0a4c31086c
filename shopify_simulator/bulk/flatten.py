"""Turn an executed page into Shopify's JSONL lines.

Real output (capture ``bulk-result.products-with-variants-media-metafields``): one compact
JSON object per line, no ``edges``/``node`` wrappers, every node of a nested connection on
its own line after its parent with ``__parentId`` = the parent's ``id`` (added last),
non-connection objects and lists inline, ``/`` written as ``\\/``. A connection reached
through an inline object (``variant { inventoryItem { inventoryLevels … } }``) belongs to
the nearest enclosing connection node, whose ``id`` the validator guarantees.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from graphql import FieldNode, GraphQLSchema, get_named_type, is_leaf_type
from graphql.language import DocumentNode

from shopify_simulator.cost import CostCalculator, key

Line = tuple[bytes, bool]  # (encoded line with newline, is a root object)


def encode(record: dict[str, Any]) -> bytes:
    """Compact JSON, UTF-8, with Shopify's escaped solidus and JS-safe line separators."""
    text = json.dumps(record, separators=(",", ":"), ensure_ascii=False)
    text = text.replace("/", "\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return text.encode() + b"\n"


class Flattener:
    def __init__(self, schema: GraphQLSchema, document: DocumentNode) -> None:
        self.calc = CostCalculator(schema, document, {})

    def page(self, field: FieldNode, parent: Any, value: Any) -> Iterator[Line]:
        """Lines of one root field's page: its connection nodes are the root objects."""
        if value is None:
            return
        definition = parent.fields.get(field.name.value)
        named = get_named_type(definition.type)
        if CostCalculator.is_connection(named):
            yield from self.connection(field, named, value, None)
            return
        # A root object that is not a connection (e.g. `location(id:)`): its connections give the roots.
        _, children = self.strip(value, field, named)
        for child_field, child_type, child_value in children:
            yield from self.connection(child_field, child_type, child_value, None)

    def connection(self, field: FieldNode, named: Any, value: dict[str, Any], parent_id: str | None) -> Iterator[Line]:
        for selection, node_type in self.calc.node_fields(field, named):
            if selection.name.value != "node":
                continue
            for edge_list in _edge_lists(field, value):
                for edge in edge_list:
                    node = edge.get(key(selection)) if isinstance(edge, dict) else None
                    if isinstance(node, dict):
                        yield from self.node(selection, node_type, node, parent_id)

    def node(self, field: FieldNode, named: Any, value: dict[str, Any], parent_id: str | None) -> Iterator[Line]:
        record, children = self.strip(value, field, named)
        if parent_id is not None:
            record["__parentId"] = parent_id
        yield encode(record), parent_id is None
        own_id = value.get("id")
        for child_field, child_type, child_value in children:
            yield from self.connection(child_field, child_type, child_value, own_id)

    def strip(self, value: dict[str, Any], field: FieldNode, named: Any) -> tuple[dict[str, Any], list[Any]]:
        """The object without its connection fields, and those connections (field, type, value)."""
        record: dict[str, Any] = {}
        children: list[Any] = []
        for child in self.calc.fields(field.selection_set, named):
            response_key = key(child)
            if response_key not in value or response_key in record:
                continue
            child_value = value[response_key]
            definition = getattr(named, "fields", {}).get(child.name.value)
            child_type = get_named_type(definition.type) if definition is not None else None
            if child_type is not None and CostCalculator.is_connection(child_type):
                if child_value is not None:
                    children.append((child, child_type, child_value))
                continue
            if isinstance(child_value, dict) and child_type is not None and not is_leaf_type(child_type):
                child_value, nested = self.strip(child_value, child, child_type)
                children.extend(nested)
            record[response_key] = child_value
        return record, children


def _edge_lists(field: FieldNode, value: dict[str, Any]) -> Iterator[list[Any]]:
    for child in field.selection_set.selections if field.selection_set else ():
        if isinstance(child, FieldNode) and child.name.value == "edges":
            yield value.get(key(child)) or []
