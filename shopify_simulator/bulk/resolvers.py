"""Root fields of bulk operations: run, cancel, and the three ways to poll.

Argument errors follow the 2026-04 capture ``bulk-operations-read-arg-validation``:
``bulkOperations`` needs exactly one of ``first``/``last`` and a parseable ``created_at``.
``bulkOperations`` lists newest first unless ``reverse`` (as the draft-proxy twin observed).
"""

from __future__ import annotations

import re
from typing import Any

from graphql import GraphQLError, GraphQLResolveInfo

from shopify_simulator import search
from shopify_simulator.bulk import operations, validate
from shopify_simulator.formatting import parse_gid
from shopify_simulator.pagination import bad_request, check_window, paginate
from shopify_simulator.schema import version_of

Info = GraphQLResolveInfo
_GID = re.compile(r"^gid://shopify/[A-Za-z]+/\d+")
_CREATED_AT = re.compile(r"created_at:(?:<=|>=|<|>|=)?(?P<value>\"[^\"]*\"|'[^']*'|\S+)")
SORT_VALUES = {
    "CREATED_AT": lambda op: op["createdAt"],
    "COMPLETED_AT": lambda op: op["completedAt"] or 0,
}
SEARCH_FIELDS: dict[str, search.Matcher] = {
    "status": lambda op, _o, value: op["status"] == value.upper(),
    "operation_type": lambda op, _o, value: op["type"] == value.upper(),
    "type": lambda op, _o, value: op["type"] == value.upper(),
    "created_at": search.timestamp(lambda op: op["createdAt"]),
    "id": search.number(lambda op: int(op["id"].rsplit("/", 1)[-1])),
}


def _version(info: Info) -> str:
    return version_of(info.schema)


def _number(value: str) -> int:
    number = parse_gid(value, "BulkOperation")
    if number is not None:
        return number
    if _GID.match(value or ""):
        raise GraphQLError(f"Invalid id: {value}", extensions={"code": "RESOURCE_NOT_FOUND"})
    raise GraphQLError(
        f"Invalid global id '{value}'", extensions={"code": "argumentLiteralsIncompatible", "typeName": "CoercionError"}
    )


def _bulk_operation(_root: Any, info: Info, id: str, **_: Any) -> dict[str, Any] | None:
    return operations(info.context.store).get(_number(id))


def _node(_root: Any, info: Info, id: str, **_: Any) -> dict[str, Any] | None:
    """Only BulkOperation ids resolve here; other records are read through their own fields."""
    number = parse_gid(id, "BulkOperation")
    return None if number is None else operations(info.context.store).get(number)


def _current(_root: Any, info: Info, type: str = "QUERY", **_: Any) -> dict[str, Any] | None:
    return operations(info.context.store).current(type)


def _list(_root: Any, info: Info, **args: Any) -> dict[str, Any]:
    if args.get("first") is not None and args.get("last") is not None:
        raise bad_request("providing both first and last is not supported")
    check_window(args.get("first"), args.get("last"))
    query = args.get("query")
    for match in _CREATED_AT.finditer(query or ""):
        if search.parse_time(search.unquote(match["value"])) is None:
            raise bad_request("Invalid timestamp for query filter `created_at`.")
    rows = {int(op["id"].rsplit("/", 1)[-1]): op for op in operations(info.context.store).all()}
    value = SORT_VALUES.get(args.get("sortKey") or "CREATED_AT", SORT_VALUES["CREATED_AT"])
    index = sorted((value(op), number) for number, op in rows.items())
    expr = search.parse(query, SEARCH_FIELDS)
    keep = (lambda _op: True) if expr is None else expr.matches
    return paginate(index, rows.get, keep, {**args, "reverse": not args.get("reverse")})


def _run_query(_root: Any, info: Info, query: str, groupObjects: bool = False, **_: Any) -> dict[str, Any]:  # noqa: N803
    problems = validate.check(info.schema, query)
    if problems:
        return {"bulkOperation": None, "userErrors": problems}
    view, problems = operations(info.context.store).create(query, groupObjects, _version(info))
    return {"bulkOperation": view, "userErrors": problems}


def _cancel(_root: Any, info: Info, id: str, **_: Any) -> dict[str, Any]:
    number = parse_gid(id, "BulkOperation")
    if number is None:
        return {"bulkOperation": None, "userErrors": [{"field": ["id"], "message": "Bulk operation does not exist"}]}
    view, problems = operations(info.context.store).cancel(number)
    return {"bulkOperation": view, "userErrors": problems}


QUERY: dict[str, Any] = {
    "bulkOperation": _bulk_operation,
    "bulkOperations": _list,
    "currentBulkOperation": _current,
    "node": _node,
}
MUTATION: dict[str, Any] = {
    "bulkOperationRunQuery": _run_query,
    "bulkOperationCancel": _cancel,
}
