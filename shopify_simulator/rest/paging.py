"""Cursor pagination of REST lists: opaque ``page_info`` and the ``Link`` header.

Per https://shopify.dev/docs/api/usage/pagination-rest (SHOPIFY_API_NOTES §2): the first
request carries the filters; the answer's ``Link`` header offers ``rel="previous"`` and
``rel="next"`` URLs whose ``page_info`` encodes those filters and the position, so a
follow-up may only add ``limit`` and ``fields``. A single page gets no ``Link`` at all.
Records are keyset-paginated by id ascending, so writes between pages never repeat or
skip a record that stays in the result.
"""

from __future__ import annotations

import base64
import json
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

DEFAULT_LIMIT = 50
MAX_LIMIT = 250
FOLLOW_UP_PARAMS = ("page_info", "limit", "fields")


class ParamError(Exception):
    """A bad query parameter: answered 400 with ``{"errors": {param: message}}``."""

    def __init__(self, param: str, message: str = "Invalid value.") -> None:
        super().__init__(f"{param}: {message}")
        self.param, self.message = param, message


@dataclass(frozen=True)
class Cursor:
    filters: dict[str, str]
    direction: str  # "next" or "previous"
    last_id: int  # the id the page starts after ("next") or before ("previous")


def encode(cursor: Cursor) -> str:
    raw = json.dumps({"f": cursor.filters, "d": cursor.direction, "k": cursor.last_id}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode(token: str) -> Cursor:
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        if data["d"] not in ("next", "previous") or not isinstance(data["f"], dict):
            raise ValueError
        return Cursor({str(k): str(v) for k, v in data["f"].items()}, data["d"], int(data["k"]))
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise ParamError("page_info") from exc


def limit_of(params: dict[str, str]) -> int:
    """``limit`` defaults to 50; over 250 is capped (guess: the docs only state the maximum)."""
    raw = params.get("limit")
    if raw is None or raw == "":
        return DEFAULT_LIMIT
    try:
        value = int(raw)
    except ValueError as exc:
        raise ParamError("limit") from exc
    if value < 1:
        raise ParamError("limit")
    return min(value, MAX_LIMIT)


def resolve_filters(params: dict[str, str]) -> tuple[dict[str, str], Cursor | None]:
    """(filters, cursor): a follow-up request takes its filters from the cursor, never the URL."""
    token = params.get("page_info")
    if token is None:
        return {k: v for k, v in params.items() if k not in FOLLOW_UP_PARAMS}, None
    extra = [k for k in params if k not in FOLLOW_UP_PARAMS]
    if extra:
        raise ParamError(
            extra[0],
            f"{extra[0]} cannot be passed when page_info is present. "
            "See https://shopify.dev/api/usage/pagination-rest for more information.",
        )
    cursor = decode(token)
    return cursor.filters, cursor


@dataclass
class Page:
    items: list[Any]
    link: str | None


def paginate(
    records: Sequence[Any], params: dict[str, str], filters: dict[str, str], cursor: Cursor | None, url: str
) -> Page:
    """One page of id-sorted ``records`` and the ``Link`` header value (None on a single page)."""
    limit = limit_of(params)
    ids = [r.id for r in records]
    if cursor is None:
        start, end = 0, min(limit, len(ids))
    elif cursor.direction == "next":
        start = bisect_right(ids, cursor.last_id)
        end = min(start + limit, len(ids))
    else:  # the `limit` records just before the cursor
        end = bisect_left(ids, cursor.last_id)
        start = max(0, end - limit)
    return Page(list(records[start:end]), _link(url, params, filters, ids, start, end, limit))


def _link(
    url: str, params: dict[str, str], filters: dict[str, str], ids: list[int],
    start: int, end: int, limit: int,
) -> str | None:  # fmt: skip
    parts = []
    extra = {"limit": str(limit)}
    if "fields" in params:
        extra["fields"] = params["fields"]
    if start > 0 and end > start:
        token = encode(Cursor(filters, "previous", ids[start]))
        parts.append(f'<{url}?{urlencode({**extra, "page_info": token})}>; rel="previous"')
    if end < len(ids) and end > start:
        token = encode(Cursor(filters, "next", ids[end - 1]))
        parts.append(f'<{url}?{urlencode({**extra, "page_info": token})}>; rel="next"')
    return ", ".join(parts) or None
