"""Query cost: the static *requested* cost before execution and the *actual* cost after.

Shopify's documented method [RL-GQL]: scalars and enums 0, objects 1, connections
``2 + size × (cost of one node)`` where size is ``first``/``last``, nested
connections multiply, mutations 10. Refinement inferred from real captures
(SHOPIFY_API_NOTES §1): objects that are not ``Node`` types (MoneyBag, MoneyV2,
PageInfo, edges, user errors, InventoryChange, …) cost 0. With it the simulator
reproduces the captured ``{ shop { name } }`` = 1, the order read with money bags
= 3, and ``inventorySetQuantities`` = 13 requested / 13 actual (10 when only
``userErrors`` come back). The actual cost walks the response instead: connections
count the nodes really returned and null objects cost nothing.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    get_named_type,
    is_leaf_type,
    is_list_type,
    value_from_ast_untyped,
)
from graphql.language import DocumentNode

MUTATION_COST = 10
# Captured at a flat 10 whatever the payload selects (bulk-run-query-*, bulk-cancel-* captures).
FLAT_MUTATIONS = frozenset({"bulkOperationRunQuery", "bulkOperationCancel"})


class CostCalculator:
    """Walks one operation of a document against the schema."""

    def __init__(self, schema: GraphQLSchema, document: DocumentNode, variables: dict[str, Any]) -> None:
        self.schema, self.variables = schema, variables
        self.fragments = {d.name.value: d for d in document.definitions if hasattr(d, "type_condition")}
        self.node = schema.type_map.get("Node")

    # --- shared helpers ------------------------------------------------------------

    def fields(self, selection_set: SelectionSetNode | None, parent: Any) -> list[FieldNode]:
        """Fields selected on `parent`, with fragments whose condition applies expanded."""
        found: list[FieldNode] = []
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                found.append(selection)
                continue
            if isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments.get(selection.name.value)
                if fragment is None:
                    continue
                condition, inner = fragment.type_condition, fragment.selection_set
            else:
                assert isinstance(selection, InlineFragmentNode)
                condition, inner = selection.type_condition, selection.selection_set
            if condition is None or self.applies(condition.name.value, parent):
                found.extend(self.fields(inner, parent))
        return found

    def applies(self, condition: str, parent: Any) -> bool:
        if condition == parent.name or isinstance(parent, GraphQLInterfaceType | GraphQLUnionType):
            return True
        return isinstance(parent, GraphQLObjectType) and condition in {i.name for i in parent.interfaces}

    def object_cost(self, named: Any) -> int:
        if isinstance(named, GraphQLObjectType) and self.node is not None:
            return 1 if self.node in named.interfaces else 0
        return 1 if isinstance(named, GraphQLInterfaceType) and named.name == "Node" else 0

    def page_size(self, field: FieldNode) -> int:
        for argument in field.arguments or ():
            if argument.name.value in ("first", "last"):
                value = value_from_ast_untyped(argument.value, self.variables)
                if isinstance(value, int):
                    return max(0, value)
        return 0

    def node_fields(self, field: FieldNode, connection: Any) -> list[tuple[FieldNode, Any]]:
        """(selection, node type) pairs reached via ``nodes { … }`` and ``edges { node { … } }``."""
        pairs: list[tuple[FieldNode, Any]] = []
        for child in self.fields(field.selection_set, connection):
            name = child.name.value
            if name == "nodes":
                pairs.append((child, get_named_type(connection.fields["nodes"].type)))
            elif name == "edges":
                edge = get_named_type(connection.fields["edges"].type)
                for grandchild in self.fields(child.selection_set, edge):
                    if grandchild.name.value == "node":
                        pairs.append((grandchild, get_named_type(edge.fields["node"].type)))
        return pairs

    @staticmethod
    def is_connection(named: Any) -> bool:
        return isinstance(named, GraphQLObjectType) and named.name.endswith("Connection")

    # --- requested ---------------------------------------------------------------

    def requested(self, operation: OperationDefinitionNode) -> int:
        root = self.schema.get_root_type(operation.operation)
        total = 0
        for field in self.fields(operation.selection_set, root):
            cost = self.field_requested(field, root)
            if operation.operation == OperationType.MUTATION and not field.name.value.startswith("__"):
                flat = field.name.value in FLAT_MUTATIONS
                cost = MUTATION_COST + (0 if flat else self.selection_requested(field, root))
            total += cost
        return total

    def selection_requested(self, field: FieldNode, parent: Any) -> int:
        definition = parent.fields.get(field.name.value)
        if definition is None:
            return 0
        named = get_named_type(definition.type)
        return sum(self.field_requested(child, named) for child in self.fields(field.selection_set, named))

    def field_requested(self, field: FieldNode, parent: Any) -> int:
        definition = getattr(parent, "fields", {}).get(field.name.value)
        if definition is None:
            return 0
        named = get_named_type(definition.type)
        if is_leaf_type(named):
            return 0
        if self.is_connection(named):
            per_node = max((self.node_requested(sel, typ) for sel, typ in self.node_fields(field, named)), default=0)
            return 2 + self.page_size(field) * per_node
        return self.object_cost(named) + self.selection_requested(field, parent)

    def node_requested(self, field: FieldNode, named: Any) -> int:
        children = self.fields(field.selection_set, named)
        return self.object_cost(named) + sum(self.field_requested(c, named) for c in children)

    # --- actual ------------------------------------------------------------------

    def actual(self, operation: OperationDefinitionNode, data: dict[str, Any] | None) -> int:
        root = self.schema.get_root_type(operation.operation)
        total = 0
        for field in self.fields(operation.selection_set, root):
            if operation.operation == OperationType.MUTATION and not field.name.value.startswith("__"):
                value = (data or {}).get(key(field))
                flat = field.name.value in FLAT_MUTATIONS
                total += MUTATION_COST + (0 if flat else self.children_actual(field, root, value))
            else:
                total += self.field_actual(field, root, (data or {}).get(key(field)))
        return total

    def children_actual(self, field: FieldNode, parent: Any, value: Any) -> int:
        definition = parent.fields.get(field.name.value)
        if definition is None or not isinstance(value, dict):
            return 0
        named = get_named_type(definition.type)
        return sum(self.field_actual(c, named, value.get(key(c))) for c in self.fields(field.selection_set, named))

    def field_actual(self, field: FieldNode, parent: Any, value: Any) -> int:
        definition = getattr(parent, "fields", {}).get(field.name.value)
        if definition is None:
            return 0
        named = get_named_type(definition.type)
        if value is None:
            # A connection nulled by an error (e.g. missing first/last) still costs its 2 (real capture).
            return 2 if self.is_connection(named) else 0
        if is_leaf_type(named):
            return 0
        if self.is_connection(named):
            return 2 + self.connection_actual(field, named, value)
        if is_list_type(getattr(definition.type, "of_type", definition.type)) or isinstance(value, list):
            costs = [self.object_actual(field, named, item) for item in value if item is not None]
            return max(costs, default=0)
        return self.object_actual(field, named, value)

    def object_actual(self, field: FieldNode, named: Any, value: Any) -> int:
        if not isinstance(value, dict):
            return 0
        children = self.fields(field.selection_set, named)
        return self.object_cost(named) + sum(self.field_actual(c, named, value.get(key(c))) for c in children)

    def connection_actual(self, field: FieldNode, connection: Any, value: dict[str, Any]) -> int:
        best = 0
        for selection, named in self.node_fields(field, connection):
            if selection.name.value == "nodes":
                items = value.get(key(selection)) or []
            else:
                items = [e.get(key(selection)) for edges in _edges(field, value) for e in edges]
            best = max(best, sum(self.object_actual(selection, named, item) for item in items))
        return best


def key(field: FieldNode) -> str:
    return field.alias.value if field.alias else field.name.value


def _edges(field: FieldNode, value: dict[str, Any]) -> list[list[dict[str, Any]]]:
    return [
        value.get(key(child)) or []
        for child in (field.selection_set.selections if field.selection_set else ())
        if isinstance(child, FieldNode) and child.name.value == "edges"
    ]


def requested_cost(
    schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: dict[str, Any]
) -> int:
    return CostCalculator(schema, document, variables).requested(operation)


def actual_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: dict[str, Any],
    data: dict[str, Any] | None,
) -> int:
    return CostCalculator(schema, document, variables).actual(operation, data)
