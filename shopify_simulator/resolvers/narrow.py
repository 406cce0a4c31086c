"""Narrow a sorted walk by the search terms on its own sort key.

``orders(sortKey: UPDATED_AT, query: "updated_at:>=…")`` must not test every order
below the bound one by one: on a million orders that is a second per page. A top-level
(AND-ed) comparison on the field the index is sorted by is a necessary condition, so
the positions outside its ``bisect`` range can be skipped, for pages and for counts.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from typing import Any

from shopify_simulator import search

SORT_FIELDS = {"ID": "id", "UPDATED_AT": "updated_at", "CREATED_AT": "created_at", "PROCESSED_AT": "processed_at"}


def terms(expr: search.Node | None) -> list[search.Term]:
    """The known comparison terms every match must satisfy (top level of an AND)."""
    parts = [expr] if isinstance(expr, search.Term) else expr.parts if isinstance(expr, search.And) else []
    return [t for t in parts if isinstance(t, search.Term) and t.known]


def _value(field: str, text: str) -> int | None:
    if field == "id":
        digits = text.rsplit("/", 1)[-1]
        return int(digits) if digits.isdigit() else None
    return search.parse_time(text)


def bounds(expr: search.Node | None, sort_key: str, index: Sequence[tuple[Any, int]]) -> tuple[int, int] | None:
    """Ascending positions ``[lo, hi)`` of `index` outside which nothing can match."""
    field = SORT_FIELDS.get(sort_key)
    found = [t for t in terms(expr) if t.field == field]
    if not found or not index or not isinstance(index[0][0], int):
        return None
    lo, hi = 0, len(index)
    for term in found:
        value = _value(term.field, term.value)
        if value is None:
            continue
        if term.op in (">=", "="):
            lo = max(lo, bisect_left(index, (value, -1)))
        if term.op == ">":
            lo = max(lo, bisect_left(index, (value + 1, -1)))
        if term.op in ("<=", "="):
            hi = min(hi, bisect_left(index, (value + 1, -1)))
        if term.op == "<":
            hi = min(hi, bisect_left(index, (value, -1)))
    return lo, max(lo, hi)


def candidates(expr: search.Node | None, sort_key: str, sort_keys: Sequence[str], index_for: Any) -> set[int] | None:
    """Ids that can match, from the narrowest range on another sorted field (``created_at``
    bounds of a walk sorted by ``UPDATED_AT``), or ``None`` when no other index narrows ``expr``.
    The walk then skips every other id without rendering its row."""
    fields = {t.field for t in terms(expr)}
    best: tuple[int, Sequence[tuple[Any, int]], tuple[int, int]] | None = None
    for key in sort_keys:
        if key == sort_key or SORT_FIELDS.get(key) not in fields:
            continue
        index = index_for(key)
        found = bounds(expr, key, index)
        if found is not None and (best is None or found[1] - found[0] < best[0]):
            best = (found[1] - found[0], index, found)
    if best is None:
        return None
    _, index, (lo, hi) = best
    return {record_id for _, record_id in index[lo:hi]}


def id_set(expr: search.Node | None) -> set[int] | None:
    """The ids a match must have, when the query names them (``… AND (id:1 OR id:2 …)``).

    Shopify answers such a query from its id index, whatever the sort: a walk over the whole
    sorted index testing the ``OR`` on each record costs a store's size per page instead.
    ``None`` when no top-level part of the AND is an id term or an ``OR`` of nothing else."""
    parts = [expr] if isinstance(expr, search.Term | search.Or) else expr.parts if isinstance(expr, search.And) else []
    found: set[int] | None = None
    for part in parts:
        alternatives = part.parts if isinstance(part, search.Or) else [part]
        if not all(isinstance(t, search.Term) and t.field == "id" and t.op == "=" and t.known for t in alternatives):
            continue
        ids = {_value("id", t.value) for t in alternatives}  # type: ignore[union-attr]
        named = {i for i in ids if i is not None}
        found = named if found is None else found & named
    return found


def sort_key_for(expr: search.Node | None, sort_keys: Sequence[str]) -> str | None:
    """A sort key whose index can narrow `expr` (for counting), if any."""
    fields = {t.field for t in terms(expr)}
    return next((k for k in SORT_FIELDS if k in sort_keys and SORT_FIELDS[k] in fields), None)


def only_sort_terms(expr: search.Node | None) -> bool:
    """True when `expr` is an AND of comparisons on one sortable field (a count is a range width)."""
    parts = [expr] if isinstance(expr, search.Term) else expr.parts if isinstance(expr, search.And) else []
    found = terms(expr)
    fields = {t.field for t in found}
    if not found or len(found) != len(parts) or len(fields) != 1 or not fields <= set(SORT_FIELDS.values()):
        return False
    return all(t.op in (">", ">=", "<", "<=", "=") and _value(t.field, t.value) is not None for t in found)
