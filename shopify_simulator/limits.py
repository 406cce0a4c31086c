"""Shopify's cap on input arrays: no list argument may hold more than 250 items."""

from __future__ import annotations

from typing import Any

from graphql import FieldNode, OperationDefinitionNode, value_from_ast_untyped

MAX_INPUT_ITEMS = 250
# Larger caps for particular arrays: productSet takes 2048 variants (real capture, 2025-01).
CAPS = {("productSet", "input", "variants"): 2048}


def oversized_input(operation: OperationDefinitionNode, variables: dict[str, Any]) -> dict[str, Any] | None:
    """The MAX_INPUT_SIZE_EXCEEDED error for the first oversized input array, if any."""
    for selection in operation.selection_set.selections:
        if not isinstance(selection, FieldNode):
            continue
        for argument in selection.arguments or ():
            value = value_from_ast_untyped(argument.value, variables)
            found = _find(value, [selection.name.value, argument.name.value])
            if found is not None:
                path, size, cap = found
                loc = selection.loc.source.get_location(selection.loc.start) if selection.loc else None
                message = f"The input array size of {size} is greater than the maximum allowed of {cap}."
                error: dict[str, Any] = {"message": message}
                if loc is not None:
                    error["locations"] = [{"line": loc.line, "column": loc.column}]
                error["path"] = path
                error["extensions"] = {"code": "MAX_INPUT_SIZE_EXCEEDED"}
                return error
    return None


def _find(value: Any, path: list[str]) -> tuple[list[str], int, int] | None:
    if isinstance(value, list):
        cap = CAPS.get(tuple(path), MAX_INPUT_ITEMS)
        if len(value) > cap:
            return path, len(value), cap
        for item in value:
            found = _find(item, path)
            if found is not None:
                return found
    elif isinstance(value, dict):
        for name, item in value.items():
            found = _find(item, [*path, name])
            if found is not None:
                return found
    return None
