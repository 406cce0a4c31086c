"""Query-parameter parsing shared by the REST list routes."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from shopify_simulator.rest.paging import ParamError


def time_param(params: dict[str, str], name: str) -> int | None:
    """Epoch seconds of an ISO 8601 parameter (``2005-07-31T15:57:11-04:00``, ``2008-01-10 12:30:00+00:00``).

    A value without an offset is read as UTC (guess: Shopify reads it in the shop's zone).
    """
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    try:
        text = re.sub(r"(:\d\d(?:\.\d+)?) (\d\d:?\d\d)$", r"\1+\2", raw.strip())  # an unencoded "+" arrives as a space
        parsed = datetime.fromisoformat(text.replace(" ", "T", 1).replace("Z", "+00:00"))
    except ValueError as exc:
        raise ParamError(name) from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return int(parsed.timestamp())


def int_list(params: dict[str, str], name: str) -> set[int] | None:
    raw = params.get(name)
    if raw is None:
        return None
    try:
        return {int(part) for part in raw.split(",") if part.strip()}
    except ValueError as exc:
        raise ParamError(name) from exc


def int_param(params: dict[str, str], name: str) -> int | None:
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    try:
        return int(raw)
    except ValueError as exc:
        raise ParamError(name) from exc
