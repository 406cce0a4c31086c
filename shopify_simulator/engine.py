"""One GraphQL request, from body bytes to (status, JSON body), the way Shopify orders it.

Order of checks (each with its real envelope): body → syntax → validation against
the served schema (no cost) → variables (INVALID_VARIABLE, no cost) → requested
cost over 1000 (MAX_COST_EXCEEDED) → bucket (THROTTLED, ``data`` absent,
``actualQueryCost: null``) → input arrays over 250 (MAX_INPUT_SIZE_EXCEEDED,
points kept) → execution → actual cost, refund, ``extensions.cost``.
"""

from __future__ import annotations

import json
import sys
import threading
from contextlib import nullcontext
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from graphql import (
    DocumentNode,
    GraphQLError,
    OperationDefinitionNode,
    execute,
    get_operation_ast,
    parse,
    validate,
)

from shopify_simulator import errors
from shopify_simulator.cost import actual_cost, requested_cost
from shopify_simulator.counters import applied_mutations, stats_json
from shopify_simulator.faults import Faults
from shopify_simulator.limits import oversized_input
from shopify_simulator.record_faults import apply as apply_record_faults
from shopify_simulator.resolvers.context import Context
from shopify_simulator.resolvers.dispatch import resolve_field
from shopify_simulator.schema import load_schema
from shopify_simulator.store import Store
from shopify_simulator.throttle import Buckets, LeakyBucket
from shopify_simulator.variables import invalid_variables


@dataclass
class Stats:
    requests: int = 0
    throttled: int = 0
    points_spent: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    # Named counters other parts bump (calls.control, calls.bulkDownload, webhooks.delivered, …).
    counters: dict[str, int] = field(default_factory=dict)
    faults: Faults | None = field(default=None, repr=False)

    def incr(self, name: str, amount: int = 1) -> None:
        with self.lock:
            self.counters[name] = self.counters.get(name, 0) + amount

    def as_json(self) -> dict[str, Any]:
        with self.lock:
            out: dict[str, Any] = {
                "requests": self.requests,
                "throttled": self.throttled,
                "pointsSpent": self.points_spent,
            }
            counters = dict(self.counters)
        return stats_json(out, counters, self.faults)


class Engine:
    def __init__(self, store: Store, buckets: Buckets, throttled_status: int = 200) -> None:
        self.store, self.buckets, self.throttled_status = store, buckets, throttled_status
        self.context = Context(store)
        self.stats = Stats(faults=store.faults)

    def handle(self, version: str, token: str, body: bytes) -> tuple[int, dict[str, Any]]:
        with self.stats.lock:
            self.stats.requests += 1
        request = _parse_body(body)
        if request is None:
            return 400, errors.BAD_BODY
        query, variables, operation_name = request
        schema = load_schema(version)
        try:
            document, problems = _checked(version, query)
        except GraphQLError as exc:
            return 200, {"errors": [{"message": exc.message, "locations": errors.locations(exc)}]}
        if problems:
            paths = errors.field_paths(document)
            return 200, {"errors": [errors.validation_error(e, paths) for e in problems]}
        operation = get_operation_ast(document, operation_name)
        if operation is None:
            message = f"No operation named '{operation_name}'" if operation_name else "An operation name is required"
            return 200, {"errors": [{"message": message}]}
        bad_variables = invalid_variables(schema, operation, variables)
        if bad_variables:
            return 200, {"errors": bad_variables}
        coerced = _with_defaults(operation, variables)
        requested = requested_cost(schema, document, operation, coerced)
        if requested > errors.MAX_COST:
            return 200, errors.max_cost_exceeded(requested)
        bucket = self.buckets.get(token)
        if self.store.faults.take("throttled") is not None or not bucket.take(requested):
            with self.stats.lock:
                self.stats.throttled += 1
            return self.throttled_status, {"errors": [errors.THROTTLED], "extensions": _cost(bucket, requested, None)}
        oversized = oversized_input(operation, coerced)
        if oversized is not None:
            self._spent(requested)
            return 200, {"errors": [oversized], "extensions": _cost(bucket, requested, None)}
        return 200, self._execute(schema, document, operation, variables, coerced, bucket, requested)

    def _execute(
        self,
        schema: Any,
        document: Any,
        operation: OperationDefinitionNode,
        variables: dict[str, Any],
        coerced: dict[str, Any],
        bucket: LeakyBucket,
        requested: int,
    ) -> dict[str, Any]:
        writing = self.store.writing() if operation.operation.value == "mutation" else nullcontext()
        with self.store.lock, writing:
            result = execute(
                schema,
                document,
                context_value=self.context,
                variable_values=variables,
                operation_name=operation.name.value if operation.name else None,
                field_resolver=resolve_field,
            )
        actual = min(requested, actual_cost(schema, document, operation, coerced, result.data))
        bucket.refund(requested - actual)
        self._spent(actual)
        body: dict[str, Any] = {}
        if result.errors:
            for error in result.errors:
                if error.original_error is not None and not isinstance(error.original_error, GraphQLError):
                    print(f"shopify-simulator: resolver failed: {error!r}", file=sys.stderr)
            body["errors"] = [errors.execution_error(e) for e in result.errors]
        if operation.operation.value == "mutation":
            self.stats.incr("mutationsApplied", applied_mutations(result))
        body["data"] = apply_record_faults(self.store.faults, result.data)
        body["extensions"] = _cost(bucket, requested, actual)
        return body

    def _spent(self, points: int) -> None:
        with self.stats.lock:
            self.stats.points_spent += points


@lru_cache(maxsize=512)
def _checked(version: str, query: str) -> tuple[DocumentNode, tuple[GraphQLError, ...]]:
    """The parsed document and its validation errors, once per query text and version: a client
    sends the same few documents again and again, and validating one costs more than running it
    (most of the simulator's time per request before this cache). A syntax error is raised."""
    document = parse(query)
    return document, tuple(validate(load_schema(version), document))


def _parse_body(body: bytes) -> tuple[str, dict[str, Any], str | None] | None:
    """(query, variables, operationName), or None for Shopify's 400 'parameter missing'."""
    try:
        payload = json.loads(body or b"null")
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("query"), str) or not payload["query"].strip():
        return None
    variables = payload.get("variables") or {}
    if isinstance(variables, str):
        try:
            variables = json.loads(variables) or {}
        except ValueError:
            return None
    if not isinstance(variables, dict):
        return None
    name = payload.get("operationName")
    return payload["query"], variables, name if isinstance(name, str) and name else None


def _with_defaults(operation: OperationDefinitionNode, variables: dict[str, Any]) -> dict[str, Any]:
    """Raw variables plus literal defaults, enough for cost and input-size checks."""
    from graphql import value_from_ast_untyped

    values = dict(variables)
    for definition in operation.variable_definitions or ():
        name = definition.variable.name.value
        if name not in values and definition.default_value is not None:
            values[name] = value_from_ast_untyped(definition.default_value)
    return values


def _cost(bucket: LeakyBucket, requested: int, actual: int | None) -> dict[str, Any]:
    return {
        "cost": {
            "requestedQueryCost": requested,
            "actualQueryCost": actual,
            "throttleStatus": bucket.status().as_json(),
        }
    }
