"""Shopify's checks of a ``bulkOperationRunQuery`` inner query, with the real userError wording.

Every message, its order and the pairing rules (a top-level ``node`` also reports "at least
one connection"; a ``nodes`` selection suppresses it) come from real 2026-04 captures
(``bulk-run-query-validators``, ``bulk-run-query-user-error-codes``) and the rule order of
the draft-proxy twin that was checked against them. Shape checks run first and use the
served schema where it knows a field; a field outside the served subset is judged from the
query text alone (it selects ``edges``/``nodes`` → connection), so the captured
messages come out even for fields the simulator does not serve. Only a query that passes
the shape checks is validated against the schema, each failure becoming
``Invalid bulk query: <Shopify's validation message>``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLList,
    GraphQLNonNull,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    get_named_type,
    parse,
    validate,
)
from graphql.language import DocumentNode

from shopify_simulator import errors
from shopify_simulator.cost import CostCalculator

MAX_QUERY_BYTES = 65_535
MAX_CONNECTIONS = 5
MAX_DEPTH = 2
# List fields of the real schema that hold connections, for when the served subset lacks
# the field (real SDL: Order.fulfillments is [Fulfillment!]!, Fulfillment.events a connection).
KNOWN_LIST_FIELDS = frozenset({"fulfillments"})

NODES_MESSAGE = (
    "All connection fields in a bulk query must select their contents using 'edges' > 'node', "
    "e.g: '{example} {{ edges {{ node {{'. Selecting via 'nodes' is not supported. "
    "Invalid connection fields: '{names}'."
)
TOP_LEVEL_NODE = "Bulk queries cannot contain a top level `node` field."
TOO_DEEP = f"Bulk queries cannot contain connections with a nesting depth greater than {MAX_DEPTH}."
TOO_MANY = f"Bulk queries cannot contain more than {MAX_CONNECTIONS} connections."
PARENT_ID = (
    "The parent 'node' field for a nested connection must select the 'id' field without an alias "
    "and must be of 'ID' return type. Connection fields without 'id': {names}."
)
IN_LIST = "Queries that contain a connection field within a list field are not currently supported."
NO_CONNECTION = "Bulk queries must contain at least one connection."
NOT_QUERY = "Invalid operation type. Only `query` operations are supported."
TOO_LARGE = "Query is too large ({size} bytes; maximum is {limit} bytes)"


def user_error(message: str) -> dict[str, Any]:
    return {"field": ["query"], "message": message, "code": "INVALID"}


@dataclass
class Shape:
    """What the walk found, in the terms of Shopify's rules."""

    connections: int = 0
    max_depth: int = 0
    top_level_node: bool = False
    connection_in_list: bool = False
    nodes_fields: list[str] = field(default_factory=list)
    without_parent_id: list[str] = field(default_factory=list)


class Walker:
    """Walks selections with schema types when known, by syntax when not."""

    def __init__(self, schema: GraphQLSchema, document: DocumentNode) -> None:
        self.calc = CostCalculator(schema, document, {})
        self.fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        self.shape = Shape()

    def children(self, selection_set: SelectionSetNode | None, parent: Any) -> list[FieldNode]:
        if parent is not None:
            return self.calc.fields(selection_set, parent)
        found: list[FieldNode] = []
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                found.append(selection)
            elif isinstance(selection, InlineFragmentNode):
                found.extend(self.children(selection.selection_set, None))
            elif selection.name.value in self.fragments:
                found.extend(self.children(self.fragments[selection.name.value].selection_set, None))
        return found

    def lookup(self, node: FieldNode, parent: Any) -> tuple[Any, bool, bool]:
        """(named type or None, is connection, is list) of a selected field."""
        definition = getattr(parent, "fields", {}).get(node.name.value) if parent is not None else None
        if definition is None:
            names = {c.name.value for c in self.children(node.selection_set, None)}
            return None, bool(names & {"edges", "nodes"}), node.name.value in KNOWN_LIST_FIELDS
        named = get_named_type(definition.type)
        inner = definition.type.of_type if isinstance(definition.type, GraphQLNonNull) else definition.type
        is_connection = CostCalculator.is_connection(named)
        return named, is_connection, isinstance(inner, GraphQLList) and not is_connection

    def walk(
        self, node: FieldNode, parent: Any, depth: int, in_list: bool, parent_connection: str | None, parent_id: bool
    ) -> None:
        named, is_connection, is_list = self.lookup(node, parent)
        name = node.name.value
        selected = self.children(node.selection_set, named)
        if not is_connection:
            for child in selected:
                self.walk(child, named, depth, in_list or is_list, parent_connection, parent_id)
            return
        self.shape.connections += 1
        self.shape.max_depth = max(self.shape.max_depth, depth + 1)
        self.shape.connection_in_list |= in_list
        if parent_connection is not None and not parent_id and parent_connection not in self.shape.without_parent_id:
            self.shape.without_parent_id.append(parent_connection)
        edges = [c for c in selected if c.name.value == "edges"]
        if not edges:
            if name not in self.shape.nodes_fields:
                self.shape.nodes_fields.append(name)
            return
        edge_type = get_named_type(named.fields["edges"].type) if named is not None else None
        for edge in edges:
            for inner in self.children(edge.selection_set, edge_type):
                if inner.name.value != "node":
                    continue
                node_type = get_named_type(edge_type.fields["node"].type) if edge_type is not None else None
                fields = self.children(inner.selection_set, node_type)
                has_id = any(f.name.value == "id" and f.alias is None and not f.selection_set for f in fields)
                for child in fields:
                    self.walk(child, node_type, depth + 1, in_list, name, has_id)


def check(schema: GraphQLSchema, text: str) -> list[dict[str, Any]]:
    """The userErrors Shopify answers for this inner query (empty when it may run)."""
    try:
        document = parse(text)
    except GraphQLError as exc:
        return [user_error(f"Invalid bulk query: {_syntax(exc.message)}")]
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if any(op.operation != OperationType.QUERY for op in operations):
        return [user_error(NOT_QUERY)]
    found = _shape_errors(schema, document, operations)
    if found:
        return found
    problems = validate(schema, document)
    if problems:
        paths = errors.field_paths(document)
        return [user_error(f"Invalid bulk query: {errors.validation_error(e, paths)['message']}") for e in problems]
    size = len(text.encode())
    if size > MAX_QUERY_BYTES:
        return [user_error(TOO_LARGE.format(size=size, limit=MAX_QUERY_BYTES))]
    return []


def _shape_errors(
    schema: GraphQLSchema, document: DocumentNode, operations: list[OperationDefinitionNode]
) -> list[dict[str, Any]]:
    walker = Walker(schema, document)
    for operation in operations:
        for node in walker.children(operation.selection_set, schema.query_type):
            walker.shape.top_level_node |= node.name.value == "node"
            walker.walk(node, schema.query_type, 0, False, None, False)
    shape = walker.shape
    found: list[str] = []
    if shape.nodes_fields:
        found.append(NODES_MESSAGE.format(example=shape.nodes_fields[0], names="', '".join(shape.nodes_fields)))
    if shape.top_level_node:
        found.append(TOP_LEVEL_NODE)
    if shape.max_depth > MAX_DEPTH:
        found.append(TOO_DEEP)
    if shape.connections > MAX_CONNECTIONS:
        found.append(TOO_MANY)
    if shape.without_parent_id:
        found.append(PARENT_ID.format(names=", ".join(shape.without_parent_id)))
    if shape.connection_in_list:
        found.append(IN_LIST)
    if shape.connections == 0 and (not found or found == [TOP_LEVEL_NODE]):
        found.append(NO_CONNECTION)
    return [user_error(message) for message in found]


def _syntax(message: str) -> str:
    """graphql-core's wording in the Ruby parser's words Shopify answers with (EOF case captured)."""
    if "<EOF>" in message:
        return "syntax error, unexpected end of file"
    token = message.split("found ", 1)[-1] if "found " in message else message.split("Unexpected ", 1)[-1]
    return f"syntax error, unexpected {token.rstrip('.')}"
