"""Coercion of request variables with Shopify's INVALID_VARIABLE error shape."""

from __future__ import annotations

import re
from typing import Any

from graphql import (
    GraphQLError,
    GraphQLNonNull,
    GraphQLSchema,
    OperationDefinitionNode,
    print_ast,
    type_from_ast,
    value_from_ast,
)
from graphql.utilities import validate_input_value

_NOT_DEFINED = re.compile(
    r"^Expected value of type '(?P<type>[^'!]+)!?' not to include unknown field '(?P<field>[^']+)'"
)


def explanation(message: str) -> str:
    match = _NOT_DEFINED.match(message)
    if match:
        return f"Field is not defined on {match['type']}"
    if "not to be null" in message:
        return "Expected value to not be null"
    return message.rstrip(".")


def invalid_variables(
    schema: GraphQLSchema, operation: OperationDefinitionNode, inputs: dict[str, Any]
) -> list[dict[str, Any]]:
    """Errors for variables that do not coerce; empty when all are valid."""
    errors: list[dict[str, Any]] = []
    for definition in operation.variable_definitions or ():
        name = definition.variable.name.value
        var_type = type_from_ast(schema, definition.type)
        type_text = print_ast(definition.type)
        location = [{"line": definition.loc.source.get_location(definition.loc.start).line,
                     "column": definition.loc.source.get_location(definition.loc.start).column}] \
            if definition.loc else []  # fmt: skip
        if name not in inputs:
            if definition.default_value is not None:
                value_from_ast(definition.default_value, var_type)
            elif isinstance(var_type, GraphQLNonNull):
                problems = [{"path": [], "explanation": "Expected value to not be null"}]
                errors.append(_error(name, type_text, location, None, problems))
            continue
        problems: list[dict[str, Any]] = []

        def on_error(error: GraphQLError, path: list[str | int], sink: list = problems) -> None:
            unknown = _NOT_DEFINED.match(error.message)
            where = [*path, unknown["field"]] if unknown else list(path)
            sink.append({"path": where, "explanation": explanation(error.message)})

        validate_input_value(inputs[name], var_type, on_error, True)
        if problems:
            errors.append(_error(name, type_text, location, inputs[name], problems))
    return errors


def _error(
    name: str, type_text: str, location: list[dict[str, int]], value: Any, problems: list[dict[str, Any]]
) -> dict[str, Any]:
    first = problems[0]
    message = f"Variable ${name} of type {type_text} was provided invalid value"
    if first["path"]:
        dotted = ".".join(str(p) for p in first["path"])
        message += f" for {dotted} ({first['explanation']})"
    return {
        "message": message,
        "locations": location,
        "extensions": {"code": "INVALID_VARIABLE", "value": value, "problems": problems},
    }
