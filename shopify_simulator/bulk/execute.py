"""Run a bulk inner query with the ordinary resolvers, one root page at a time.

The inner query names no page sizes (bulk connections need none), so the root connection
is rewritten per page with ``first``/``after`` and executed by graphql-core exactly like a
normal request; ``BulkContext`` changes only what differs in bulk: nested connections
return every child instead of demanding ``first``, and the root page's cursor is kept for
the next page. Memory stays bounded by one page of roots with their children.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

from graphql import (
    ArgumentNode,
    FieldNode,
    GraphQLError,
    GraphQLSchema,
    IntValueNode,
    NameNode,
    OperationDefinitionNode,
    SelectionSetNode,
    StringValueNode,
    execute,
    parse,
)
from graphql.language import DocumentNode

from shopify_simulator.cost import CostCalculator
from shopify_simulator.pagination import encode_cursor
from shopify_simulator.resolvers.context import Context

PAGE_SIZE = 250
WINDOW_ARGUMENTS = frozenset({"first", "last", "after", "before"})


class BulkExecutionError(Exception):
    """The inner query failed while running; ``code`` is the BulkOperationErrorCode."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass
class BulkContext(Context):
    """The request context, except that nested connections are read whole."""

    root_page: dict[str, Any] | None = None

    def connection(self, name: str, args: dict[str, Any], keep: Any = None) -> dict[str, Any]:
        page = super().connection(name, args, keep)
        if self.root_page is None:  # the root resolves before any nested field
            self.root_page = page["pageInfo"]
        return page

    def nested(self, name: str, records: list[Any], args: dict[str, Any], sort_key: str = "ID") -> dict[str, Any]:
        matcher = self.matcher(name, args.get("query"), None) if name in self.resources else None
        kept = [r for r in records if matcher is None or matcher(r)]
        sort_keys = self.resources[name].sort_keys if name in self.resources else {}
        key = sort_keys.get(sort_key) or (lambda r: r.id)
        ordered = sorted(((key(r), r.id), r) for r in kept)
        if args.get("reverse"):
            ordered.reverse()
        edges = [{"cursor": encode_cursor(k), "node": r} for k, r in ordered]
        return {
            "edges": edges,
            "nodes": [r for _, r in ordered],
            "pageInfo": {"hasNextPage": False, "hasPreviousPage": False, "startCursor": None, "endCursor": None},
        }


@dataclass
class Page:
    """One executed page: the root field, its schema type and its response value."""

    field: FieldNode
    parent: Any
    value: Any


def pages(
    schema: GraphQLSchema, text: str, context: BulkContext, page_size: int = PAGE_SIZE, lock: Any = None
) -> Iterator[Page]:
    """Execute the inner query root field by root field, connections page by page."""
    from shopify_simulator.resolvers.dispatch import resolve_field  # dispatch imports the bulk resolvers

    document = parse(text)
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    calc = CostCalculator(schema, document, {})
    root = schema.query_type
    for field in calc.fields(operation.selection_set, root):
        definition = root.fields.get(field.name.value)
        paged = definition is not None and CostCalculator.is_connection(_named(definition.type))
        after: str | None = None
        while True:
            rewritten = _with_window(field, page_size, after) if paged else field
            context.root_page = None
            with lock if lock is not None else nullcontext():
                result = execute(
                    schema,
                    _document(document, operation, rewritten),
                    context_value=context,
                    field_resolver=resolve_field,
                )
            if result.errors:
                raise _failure(result.errors)
            yield Page(field, root, (result.data or {}).get(_key(field)))
            info = context.root_page or {}
            if not paged or not info.get("hasNextPage"):
                break
            after = info.get("endCursor")


def _named(type_: Any) -> Any:
    while hasattr(type_, "of_type"):
        type_ = type_.of_type
    return type_


def _key(field: FieldNode) -> str:
    return field.alias.value if field.alias else field.name.value


def _with_window(field: FieldNode, size: int, after: str | None) -> FieldNode:
    arguments = [a for a in field.arguments or () if a.name.value not in WINDOW_ARGUMENTS]
    arguments.append(ArgumentNode(name=NameNode(value="first"), value=IntValueNode(value=str(size))))
    if after is not None:
        arguments.append(ArgumentNode(name=NameNode(value="after"), value=StringValueNode(value=after)))
    return FieldNode(
        alias=field.alias,
        name=field.name,
        arguments=tuple(arguments),
        directives=field.directives,
        selection_set=field.selection_set,
    )


def _document(document: DocumentNode, operation: OperationDefinitionNode, field: FieldNode) -> DocumentNode:
    single = OperationDefinitionNode(
        operation=operation.operation,
        name=operation.name,
        variable_definitions=operation.variable_definitions,
        directives=operation.directives,
        selection_set=SelectionSetNode(selections=(field,)),
    )
    others = tuple(d for d in document.definitions if not isinstance(d, OperationDefinitionNode))
    return DocumentNode(definitions=(single, *others))


def _failure(errors: list[GraphQLError]) -> BulkExecutionError:
    first = errors[0]
    code = (first.extensions or {}).get("code")
    if code == "ACCESS_DENIED":
        return BulkExecutionError("ACCESS_DENIED", first.message)
    return BulkExecutionError("INTERNAL_SERVER_ERROR", first.message)
