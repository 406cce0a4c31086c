"""Data faults on the next GraphQL answer: a wrong-typed value, or a field the client never asked for.

They model what a pipeline meets when Shopify changes under it (a new field appears in
a response, a value arrives in an unexpected type) without breaking the envelope: the
status stays 200 and ``extensions.cost`` is untouched. Only the JSON ``data`` is edited,
after execution, so the simulator's own records stay correct.

* ``malformed_record`` – one node (the first object with an ``id``) gets a wrong-typed
  value: ``updatedAt``/``createdAt`` → ``"not-a-date"``, an integer such as ``quantity``
  → its string (``12`` → ``"12"``). Params: ``field`` (which key), ``value`` (what to put).
* ``unknown_field`` – every node carries an extra key. Params: ``field`` (default
  ``someNewField``) and ``value`` (default ``"simulated"``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from shopify_simulator.faults import Faults

DATE_FIELDS = ("updatedAt", "createdAt", "processedAt")


def apply(faults: Faults, data: dict[str, Any] | None) -> dict[str, Any] | None:
    """Edit ``data`` in place for the record faults that are armed (each consumed once)."""
    if not isinstance(data, dict) or not data:
        return data
    nodes = list(_nodes(data)) or [v for v in data.values() if isinstance(v, dict)]
    if not nodes:
        return data
    params = faults.take("unknown_field")
    if params is not None:
        name, value = params.get("field", "someNewField"), params.get("value", "simulated")
        for node in nodes:
            node[name] = value
    params = faults.take("malformed_record")
    if params is not None:
        _corrupt(nodes, params)
    return data


def _nodes(value: Any) -> Iterator[dict[str, Any]]:
    """Objects with an ``id`` (records), outermost first, depth-first."""
    if isinstance(value, dict):
        if "id" in value:
            yield value
        for child in value.values():
            yield from _nodes(child)
    elif isinstance(value, list):
        for child in value:
            yield from _nodes(child)


def _corrupt(nodes: list[dict[str, Any]], params: dict[str, Any]) -> None:
    wanted = params.get("field")
    for node in nodes:
        for target in _own_objects(node):
            key = (wanted if wanted in target else None) if wanted else _pick(target)
            if key is None:
                continue
            target[key] = params["value"] if "value" in params else _wrong_type(key, target[key])
            return
    # Nothing typed to corrupt (e.g. a node of only an id): break the id itself.
    if nodes and "id" in nodes[0]:
        nodes[0]["id"] = params.get("value", 12345)


def _own_objects(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The node, then objects nested in it that are not records themselves (quantities, money)."""
    yield node
    for value in node.values():
        children = value if isinstance(value, list) else [value]
        for child in children:
            if isinstance(child, dict) and "id" not in child:
                yield from _own_objects(child)


def _pick(node: dict[str, Any]) -> str | None:
    for key in DATE_FIELDS:
        if isinstance(node.get(key), str):
            return key
    for key, value in node.items():
        if isinstance(value, int) and not isinstance(value, bool):
            return key
    for key, value in node.items():
        if key != "id" and isinstance(value, str):
            return key
    return None


def _wrong_type(key: str, value: Any) -> Any:
    if key in DATE_FIELDS or (isinstance(value, str) and key.endswith("At")):
        return "not-a-date"
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str):
        return 12345
    return "not-a-value"
