"""Estimate a GraphQL document's requested cost before sending it, the way Shopify documents it.

Shopify charges 1 point per object, 0 per scalar or enum, and for a connection 2 points plus
``first`` (or ``last``) times the cost of one node; nested connections multiply. The estimate
only needs to be a safe upper bound for pacing: once Shopify has answered, its own
``requestedQueryCost`` replaces it.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from graphql import parse
from graphql.language import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
)
from graphql.utilities import value_from_ast_untyped

MUTATION_COST = 10


@lru_cache(maxsize=128)
def _parse(document: str) -> DocumentNode:
    return parse(document)


def estimate_cost(document: str, variables: dict[str, Any] | None = None) -> int:
    """Requested cost of the document's first operation with these variables."""
    doc = _parse(document)
    fragments = {d.name.value: d for d in doc.definitions if isinstance(d, FragmentDefinitionNode)}
    operation = next(d for d in doc.definitions if isinstance(d, OperationDefinitionNode))
    cost = _selection_cost(operation.selection_set, fragments, variables or {})
    if operation.operation.value == "mutation":
        return MUTATION_COST + max(0, cost - len(operation.selection_set.selections))
    return max(1, cost)


def _selection_cost(
    selection_set: SelectionSetNode | None,
    fragments: dict[str, FragmentDefinitionNode],
    variables: dict[str, Any],
) -> int:
    if selection_set is None:
        return 0
    total = 0
    for selection in selection_set.selections:
        if isinstance(selection, FragmentSpreadNode):
            total += _selection_cost(fragments[selection.name.value].selection_set, fragments, variables)
        elif isinstance(selection, InlineFragmentNode):
            total += _selection_cost(selection.selection_set, fragments, variables)
        elif isinstance(selection, FieldNode):
            total += _field_cost(selection, fragments, variables)
    return total


def _field_cost(node: FieldNode, fragments: dict[str, FragmentDefinitionNode], variables: dict[str, Any]) -> int:
    if node.selection_set is None:
        return 0  # scalar or enum
    size = _page_size(node, variables)
    if size is None:
        return 1 + _selection_cost(node.selection_set, fragments, variables)
    per_node = 0  # cost of a node's selection; the node object itself adds 1
    for child in node.selection_set.selections:
        if isinstance(child, FieldNode) and child.name.value in ("nodes", "edges"):
            inner = child.selection_set
            if child.name.value == "edges" and inner is not None:
                inner = next(
                    (s.selection_set for s in inner.selections if isinstance(s, FieldNode) and s.name.value == "node"),
                    None,
                )
            per_node = max(per_node, _selection_cost(inner, fragments, variables))
    return 2 + size * (1 + per_node)


def _page_size(node: FieldNode, variables: dict[str, Any]) -> int | None:
    for argument in node.arguments or ():
        if argument.name.value in ("first", "last"):
            value = argument.value
            if isinstance(value, VariableNode):
                return int(variables.get(value.name.value) or 0)
            return int(value_from_ast_untyped(value))
    return None
