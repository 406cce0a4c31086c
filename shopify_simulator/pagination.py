"""Relay cursor pagination over a sorted index, as Shopify's connections behave.

The index is an ascending list of ``(sort value, id)``; ``reverse`` walks it
backwards. ``first/after`` and ``last/before`` are positions found with ``bisect``,
and filtering happens while walking, so a page costs what it returns plus the
look-ahead needed for ``hasNextPage``/``hasPreviousPage``. Callers may narrow the walk
to ``bounds`` (ascending positions outside which nothing can match, e.g. from an
``updated_at:>=`` term on the sort key) and match cheap rows, rendering (``render``)
only the records that make the page.
"""

from __future__ import annotations

import base64
import json
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from typing import Any

from graphql import GraphQLError

MAX_PAGE_SIZE = 250
Index = list[tuple[Any, int]]


def bad_request(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": "BAD_REQUEST"})


def encode_cursor(key: tuple[Any, int]) -> str:
    """Opaque cursor in Shopify's observed shape: base64 of ``{last_id, last_value}``."""
    payload = {"last_id": key[1], "last_value": str(key[0]) if key[0] is not None else None}
    return base64.b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode()


def decode_cursor(cursor: str, sample: tuple[Any, int] | None) -> tuple[Any, int]:
    try:
        payload = json.loads(base64.b64decode(cursor, validate=True))
        last_id, raw = int(payload["last_id"]), payload["last_value"]
    except (ValueError, KeyError, TypeError) as exc:
        raise bad_request(f"Invalid cursor for current pagination sort: {cursor}") from exc
    value: Any = raw
    if sample is not None and isinstance(sample[0], int) and raw is not None:
        value = int(raw)
    return (value, last_id)


def check_window(first: int | None, last: int | None) -> None:
    """Shopify's argument rules for page sizes (checked before any work is done)."""
    if first is None and last is None:
        raise bad_request("you must provide one of first or last")
    for name, size in (("first", first), ("last", last)):
        if size is not None and size > MAX_PAGE_SIZE:
            # Unverified wording: no captured response for an oversized page was available.
            raise bad_request(f"The {name} argument must be less than or equal to {MAX_PAGE_SIZE}.")
        if size is not None and size < 0:
            raise bad_request(f"The {name} argument must be greater than or equal to 0.")


def paginate(
    index: Index,
    fetch: Callable[[int], Any],
    keep: Callable[[Any], bool],
    args: dict[str, Any],
    render: Callable[[int], Any] | None = None,
    bounds: tuple[int, int] | None = None,
) -> dict[str, Any]:
    """One page of a connection as a ``{edges, nodes, pageInfo}`` dict."""
    first, last = args.get("first"), args.get("last")
    check_window(first, last)
    reverse = bool(args.get("reverse"))
    n = len(index)
    sample = index[0] if index else None

    def asc(e: int) -> int:
        return n - 1 - e if reverse else e

    floor, ceiling = 0, n  # walk positions (reversed when `reverse`) that can match at all
    if bounds is not None:
        floor, ceiling = (n - bounds[1], n - bounds[0]) if reverse else bounds
    lo, hi = floor, ceiling
    if args.get("after"):
        key = decode_cursor(args["after"], sample)
        lo = max(lo, n - bisect_left(index, key) if reverse else bisect_right(index, key))
    if args.get("before"):
        key = decode_cursor(args["before"], sample)
        hi = min(hi, n - bisect_right(index, key) if reverse else bisect_left(index, key))

    def matching(e: int) -> Any | None:
        record = fetch(index[asc(e)][1])
        return record if record is not None and keep(record) else None

    picked: list[tuple[int, Any]] = []
    if first is not None:
        e = lo
        while e < hi and len(picked) < first:
            record = matching(e)
            if record is not None:
                picked.append((e, record))
            e += 1
        if last is not None:
            picked = picked[-last:] if last else []
    else:
        e = hi - 1
        while e >= lo and len(picked) < last:
            record = matching(e)
            if record is not None:
                picked.append((e, record))
            e -= 1
        picked.reverse()
    start = picked[0][0] if picked else lo
    end = picked[-1][0] + 1 if picked else lo
    has_next = bool(picked) and any(matching(e) is not None for e in range(end, ceiling))
    has_previous = any(matching(e) is not None for e in range(min(start, ceiling) - 1, floor - 1, -1))
    edges = [
        {"cursor": encode_cursor(index[asc(e)]), "node": record if render is None else render(index[asc(e)][1])}
        for e, record in picked
    ]
    return {
        "edges": edges,
        "nodes": [edge["node"] for edge in edges],
        "pageInfo": {
            "hasNextPage": has_next,
            "hasPreviousPage": has_previous,
            "startCursor": edges[0]["cursor"] if edges else None,
            "endCursor": edges[-1]["cursor"] if edges else None,
        },
    }


def paginate_list(records: list[Any], key: Callable[[Any], Any], args: dict[str, Any]) -> dict[str, Any]:
    """Paginate a small in-memory list (nested connections such as Order.lineItems)."""
    by_id = {r.id: r for r in records}
    index = sorted((key(r), r.id) for r in records)
    return paginate(index, by_id.get, lambda _r: True, args)
