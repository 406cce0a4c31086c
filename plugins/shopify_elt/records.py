"""Turn one raw Shopify record into a staging row, or into a reason why it cannot be one.

Validation happens here, per record, so one malformed record goes to ``ops.rejects`` with its
reason while the rest of the page loads.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from shopify_elt.streams import POSITION, Column, Stream

_PICK = re.compile(r"^(?P<field>\w+)\[(?P<key>\w+)=(?P<value>[^\]]+)\]$")


class RecordError(ValueError):
    """A record that cannot be staged; the message is the reason stored with the reject."""


def dig(record: Any, path: tuple[str, ...]) -> Any:
    """Follow ``path`` into nested dicts (and ``list[key=value]`` picks); ``None`` if absent."""
    value = record
    for step in path:
        if value is None:
            return None
        match = _PICK.match(step)
        if match:
            items = value.get(match["field"]) or []
            value = next((i for i in items if str(i.get(match["key"])) == match["value"]), None)
        else:
            value = value.get(step) if isinstance(value, dict) else None
    return value


def parse_timestamp(value: Any) -> datetime:
    """Shopify's ISO-8601 timestamps (``2026-06-16T08:06:19Z``) as aware datetimes."""
    if not isinstance(value, str):
        raise RecordError(f"expected an ISO-8601 timestamp, got {value!r}")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise RecordError(f"expected an ISO-8601 timestamp, got {value!r}") from None
    if parsed.tzinfo is None:
        raise RecordError(f"timestamp without a time zone: {value!r}")
    return parsed


def coerce(value: Any, column: Column) -> Any:
    """Check ``value`` fits the column's PostgreSQL type; returns the value to COPY."""
    if value is None:
        return None
    kind = column.pg_type
    try:
        if kind == "timestamptz":
            return parse_timestamp(value).isoformat()
        if kind == "numeric":
            number = Decimal(str(value))
            if not number.is_finite():
                raise InvalidOperation
            return str(number)
        if kind in ("integer", "bigint"):
            if isinstance(value, bool) or int(value) != float(value):
                raise ValueError
            number = int(value)
            if kind == "integer" and not -(2**31) <= number < 2**31:
                raise ValueError
            return number
        if kind == "boolean":
            if not isinstance(value, bool):
                raise ValueError
            return value
        if kind == "jsonb":
            return json.dumps(value)
        if isinstance(value, dict | list):
            raise ValueError
        return str(value)
    except (ValueError, TypeError, InvalidOperation, RecordError):
        raise RecordError(f"{column.name}: {value!r} is not a valid {kind}") from None


def truncated_connection(value: Any, path: str = "") -> str | None:
    """The path of a nested connection that has a next page (it would be staged incomplete)."""
    if isinstance(value, dict):
        if (value.get("pageInfo") or {}).get("hasNextPage"):
            return path or "(root)"
        for key, child in value.items():
            found = truncated_connection(child, f"{path}.{key}" if path else key)
            if found:
                return found
    elif isinstance(value, list):
        for child in value:
            found = truncated_connection(child, path)
            if found:
                return found
    return None


class TruncatedList(ValueError):
    """A connection on the way to nested records has another page: the set would be incomplete."""


def nested_items(node: dict[str, Any], path: tuple[str, ...]) -> list[tuple[Any, int, Any]]:
    """The records at ``path`` below ``node``, each with the id of the record whose list holds
    it and its position in that list. Every step is a list or a connection (its ``nodes``);
    a connection with another page raises ``TruncatedList`` naming the step."""
    found: list[tuple[Any, int, Any]] = []
    holders = [node]
    for depth, step in enumerate(path):
        below = []
        for holder in holders:
            value = holder.get(step) if isinstance(holder, dict) else None
            if isinstance(value, dict):
                if (value.get("pageInfo") or {}).get("hasNextPage"):
                    raise TruncatedList(".".join(path[: depth + 1]))
                value = value.get("nodes")
            for index, item in enumerate(value or []):
                if depth == len(path) - 1:
                    found.append((holder.get("id"), index, item))
                else:
                    below.append(item)
        holders = below
    return found


def mark_holder(stream: Stream, item: Any, holder: str, index: int) -> None:
    """Note in a nested record what its key and lineage need: the record whose list holds it
    (``__parentId``: a line item, a refund; the order itself for a synthetically keyed list)
    and, for a position key, its position. Paged and bulk reads mark alike, so their rows match."""
    if isinstance(item, dict) and (len(stream.nested_path) > 1 or stream.key is not None):
        item["__parentId"] = holder
        if stream.key is not None and stream.key.uses_position:
            item["__index"] = index


def record_key(stream: Stream, record: Any, parent_id: str | None = None) -> str | None:
    """The record's key: its ``id``, or the stream's synthetic key (``None`` if it cannot be made).

    A synthetic key is ``<owner id>#<list field>[<parts>]``; the owner is ``__parentId``, else
    the parent (a list directly under it)."""
    if not isinstance(record, dict):
        return None
    if stream.key is None:
        return record.get("id") if isinstance(record.get("id"), str) else None
    owner = record.get("__parentId") or parent_id
    parts = [record.get("__index") if p == POSITION else dig(record, tuple(p.split("."))) for p in stream.key.parts]
    if not isinstance(owner, str) or any(p is None or isinstance(p, dict | list | bool) for p in parts):
        return None
    return f"{owner}#{stream.nested_path[-1]}[{','.join(map(str, parts))}]"


def to_row(stream: Stream, record: dict[str, Any], parent_id: str | None = None) -> dict[str, Any]:
    """The staging row of ``record``: key, parent, promoted columns. Raises RecordError."""
    if not isinstance(record, dict):
        raise RecordError(f"record is not an object: {record!r}")
    record_id = record_key(stream, record, parent_id)
    if stream.key is not None and record_id is None:
        wanted = ", ".join("position" if part == POSITION else part for part in stream.key.parts)
        raise RecordError(f"no key: the id of the record holding it or its {wanted} is missing")
    if not isinstance(record_id, str) or not record_id.startswith("gid://shopify/"):
        raise RecordError(f"missing or malformed id: {record_id if stream.key else record.get('id')!r}")
    if stream.cursor_field is not None and stream.nested_in is None and dig(record, stream.cursor_path) is None:
        raise RecordError(f"missing cursor field {stream.cursor_field}")
    truncated = truncated_connection(record)
    if truncated:
        raise RecordError(f"nested connection {truncated} has more than one page: raise its page size")
    row: dict[str, Any] = {"id": record_id}
    if stream.parent is not None:
        row["_parent_id"] = parent_id
    for column in stream.columns:
        row[column.name] = coerce(dig(record, column.path), column)
    return row
