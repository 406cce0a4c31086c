"""What every resolver needs: the store, its resource table, and connection helpers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from shopify_simulator import search
from shopify_simulator.pagination import check_window, paginate, paginate_list
from shopify_simulator.resolvers import narrow, order_extras
from shopify_simulator.resolvers.resources import Resource, build_resources
from shopify_simulator.store import Store

READ_ALL_ORDERS_WINDOW = 60 * 86_400


def _EVERYTHING(_record: Any) -> bool:  # noqa: N802 - a constant matcher, compared by identity
    return True


@dataclass
class Context:
    store: Store
    resources: dict[str, Resource] = field(init=False)
    _positions: list[tuple[Any, dict[int, int]]] = field(init=False, default_factory=list)

    def __post_init__(self) -> None:
        self.resources = build_resources(self.store) | order_extras.resources(self.store)

    def order_visible(self, order: Any) -> bool:
        """Without read_all_orders only the last 60 days of orders are readable."""
        if "read_all_orders" in self.store.scopes:
            return True
        return order.processed_at >= self.store.now() - READ_ALL_ORDERS_WINDOW

    def connection(self, name: str, args: dict[str, Any], keep: Callable[[Any], bool] | None = None) -> dict[str, Any]:
        """A root connection over a whole resource, sorted, searched and paginated.

        Filters run on cheap rows (``store.row_getter``) and only the page is rendered;
        a comparison on the sort key narrows the walk (``narrow.bounds``).
        """
        check_window(args.get("first"), args.get("last"))
        resource = self.resources[name]
        sort_key = args.get("sortKey") or "ID"
        if sort_key not in resource.sort_keys:
            sort_key = "ID"
        index = self.store.index(resource.attribute, sort_key, resource.sort_keys[sort_key])
        expr = search.parse(args.get("query"), resource.search_fields)
        matcher = self._combine(expr, keep)
        records = getattr(self.store, resource.attribute)
        render = records.__getitem__ if hasattr(records, "row") else None
        fetch = self.store.row_getter(resource.attribute)
        named = narrow.id_set(expr)
        if named is not None:  # walk only the named records, at their places in the sorted index
            return paginate(self._entries(index, named), fetch, matcher, args, render)
        window = narrow.bounds(expr, sort_key, index)
        if window is None:  # another sorted field may narrow it: skip ids outside its range unrendered
            allowed = narrow.candidates(
                expr, sort_key, list(resource.sort_keys),
                lambda key: self.store.index(resource.attribute, key, resource.sort_keys[key]),
            )  # fmt: skip
            if allowed is not None:
                fetch = _only(fetch, allowed)
        return paginate(index, fetch, matcher, args, render, window)

    def nested(self, name: str, records: list[Any], args: dict[str, Any], sort_key: str = "ID") -> dict[str, Any]:
        """A connection over a parent's children (Order.lineItems, Location.inventoryLevels …)."""
        check_window(args.get("first"), args.get("last"))
        matcher = self.matcher(name, args.get("query"), None) if name in self.resources else None
        kept = [r for r in records if matcher is None or matcher(r)]
        sort_keys = self.resources[name].sort_keys if name in self.resources else {}
        key = sort_keys.get(sort_key) or (lambda r: r.id)
        return paginate_list(kept, key, args)

    def matcher(self, name: str, query: str | None, keep: Callable[[Any], bool] | None) -> Callable[[Any], bool]:
        return self._combine(search.parse(query, self.resources[name].search_fields), keep)

    def _combine(self, expr: search.Node | None, keep: Callable[[Any], bool] | None) -> Callable[[Any], bool]:
        if keep == self.order_visible and "read_all_orders" in self.store.scopes:
            keep = None  # every order is visible: skip the per-row call (and let counts use len)
        if expr is None and keep is None:
            return _EVERYTHING
        return lambda r: (expr is None or expr.matches(r)) and (keep is None or keep(r))

    def count(self, name: str, query: str | None, limit: int | None, keep: Callable[[Any], bool] | None) -> dict:
        """Count matches, stopping once past `limit`; rows only, narrowed like pages."""
        resource = self.resources[name]
        expr = search.parse(query, resource.search_fields)
        records = getattr(self.store, resource.attribute)
        if expr is None and (keep is None or (keep == self.order_visible and "read_all_orders" in self.store.scopes)):
            total = len(records)
        elif (exact := self._bounded_count(resource, expr, keep)) is not None:
            total = exact
        else:
            matcher, total = self._combine(expr, keep), 0
            for row in self._candidates(resource, expr):
                if row is not None and matcher(row):
                    total += 1
                    if limit is not None and total > limit:
                        break
        if limit is not None and total > limit:
            return {"count": limit, "precision": "AT_LEAST"}
        return {"count": total, "precision": "EXACT"}

    def _bounded_count(self, resource: Resource, expr: search.Node | None, keep: Callable | None) -> int | None:
        """The width of the narrowed range when the query is nothing but sort-key comparisons."""
        if self._combine(None, keep) is not _EVERYTHING or not narrow.only_sort_terms(expr):
            return None
        sort_key = narrow.sort_key_for(expr, list(resource.sort_keys))
        if sort_key is None:
            return None
        index = self.store.index(resource.attribute, sort_key, resource.sort_keys[sort_key])
        found = narrow.bounds(expr, sort_key, index)
        return None if found is None else found[1] - found[0]

    def _candidates(self, resource: Resource, expr: search.Node | None) -> Iterator[Any]:
        sort_key = narrow.sort_key_for(expr, list(resource.sort_keys))
        if sort_key is None:
            return self.store.rows(resource.attribute)
        index = self.store.index(resource.attribute, sort_key, resource.sort_keys[sort_key])
        lo, hi = narrow.bounds(expr, sort_key, index) or (0, len(index))
        fetch = self.store.row_getter(resource.attribute)
        return (fetch(index[i][1]) for i in range(lo, hi))

    def _entries(self, index: Any, ids: set[int]) -> list[tuple[Any, int]]:
        """The entries of ``index`` for ``ids``, in its order: an index of their own, with the same cursors.

        Each sorted index gets an id -> position map on first use, kept while the index lives
        (indexes are rebuilt after writes, so only the few newest maps are kept)."""
        found = next((positions for kept, positions in self._positions if kept is index), None)
        if found is None:
            found = {record_id: n for n, (_, record_id) in enumerate(index)}
            self._positions = [(index, found), *self._positions[:3]]
        return [index[n] for n in sorted(found[i] for i in ids if i in found)]


def _only(fetch: Callable[[int], Any], allowed: set[int]) -> Callable[[int], Any]:
    """``fetch`` for the ids in ``allowed``; ``None`` (no match) for the others."""
    return lambda record_id: fetch(record_id) if record_id in allowed else None
