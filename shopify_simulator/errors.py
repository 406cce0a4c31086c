"""Shopify's error envelopes, built to match real captured responses.

graphql-core produces spec-style errors; Shopify words and decorates them
differently (``undefinedField`` with ``typeName``/``fieldName`` and a path that
starts with the operation, e.g. ``"mutation Name"``). This module translates.
"""

from __future__ import annotations

import re
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)

UNAUTHORIZED = {"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"}
BAD_BODY = {"errors": {"query": "Required parameter missing or invalid"}}
THROTTLED = {
    "message": "Throttled",
    "extensions": {"code": "THROTTLED", "documentation": "https://shopify.dev/api/usage/rate-limits"},
}
MAX_COST = 1000
MAX_COST_MESSAGE = (
    "Query cost is {cost}, which exceeds the single query max cost limit (1000).\n\n"
    "See https://shopify.dev/concepts/about-apis/rate-limits for more information on how the\n"
    "cost of a query is calculated.\n\n"
    "To query larger amounts of data with fewer limits, bulk operations should be used instead.\n"
    "See https://shopify.dev/tutorials/perform-bulk-operations-with-admin-api for usage details.\n"
)
_UNDEFINED_FIELD = re.compile(r"^Cannot query field '(?P<field>[^']+)' on type '(?P<type>[^']+)'")
_UNKNOWN_ARGUMENT = re.compile(r"^Unknown argument '(?P<arg>[^']+)' on field '(?P<type>[^'.]+)\.(?P<field>[^']+)'")


def max_cost_exceeded(cost: int) -> dict[str, Any]:
    return {
        "errors": [
            {
                "message": MAX_COST_MESSAGE.format(cost=cost),
                "extensions": {
                    "code": "MAX_COST_EXCEEDED",
                    "cost": cost,
                    "maxCost": MAX_COST,
                    "documentation": "https://shopify.dev/api/usage/limits#rate-limits",
                },
            }
        ]
    }


def locations(error: GraphQLError) -> list[dict[str, int]] | None:
    if not error.locations:
        return None
    return [{"line": loc.line, "column": loc.column} for loc in error.locations]


def execution_error(error: GraphQLError) -> dict[str, Any]:
    """An error raised while executing, keyed in Shopify's order."""
    original = error.original_error
    if original is not None and not isinstance(original, GraphQLError):
        return {
            "message": "Internal error. Looks like something went wrong on our end.",
            "extensions": {"code": "INTERNAL_SERVER_ERROR", "requestId": "simulator"},
        }
    out: dict[str, Any] = {"message": error.message}
    if error.locations:
        out["locations"] = locations(error)
    if error.extensions:
        out["extensions"] = error.extensions
    if error.path:
        out["path"] = [str(p) if isinstance(p, int) else p for p in error.path]
    return out


def field_paths(document: DocumentNode) -> dict[int, list[str]]:
    """Shopify's validation path of every field node: operation label, then field names."""
    paths: dict[int, list[str]] = {}

    def walk(selection_set: SelectionSetNode | None, prefix: list[str]) -> None:
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                path = [*prefix, selection.name.value]
                paths[id(selection)] = path
                walk(selection.selection_set, path)
            elif isinstance(selection, InlineFragmentNode):
                walk(selection.selection_set, prefix)

    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            label = definition.operation.value
            if definition.name:
                label = f"{label} {definition.name.value}"
            walk(definition.selection_set, [label])
        elif isinstance(definition, FragmentDefinitionNode):
            walk(definition.selection_set, [f"fragment {definition.name.value}"])
    return paths


def validation_error(error: GraphQLError, paths: dict[int, list[str]]) -> dict[str, Any]:
    """A static validation failure in Shopify's shape (real capture: undefinedField)."""
    node = error.nodes[0] if error.nodes else None
    path = paths.get(id(node)) if node is not None else None
    undefined = _UNDEFINED_FIELD.match(error.message)
    if undefined:
        out: dict[str, Any] = {
            "message": f"Field '{undefined['field']}' doesn't exist on type '{undefined['type']}'",
            "locations": locations(error),
            "path": path,
            "extensions": {"code": "undefinedField", "typeName": undefined["type"], "fieldName": undefined["field"]},
        }
        return {k: v for k, v in out.items() if v is not None}
    unknown = _UNKNOWN_ARGUMENT.match(error.message)
    if unknown:
        out = {
            "message": f"Field '{unknown['field']}' doesn't accept argument '{unknown['arg']}'",
            "locations": locations(error),
            "extensions": {
                "code": "argumentNotAccepted",
                "name": unknown["field"],
                "typeName": "Field",
                "argumentName": unknown["arg"],
            },
        }
        return {k: v for k, v in out.items() if v is not None}
    out = {"message": error.message, "locations": locations(error)}
    return {k: v for k, v in out.items() if v is not None}
