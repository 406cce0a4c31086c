"""What every resolver needs: the store, its resource table, and connection helpers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from shopify_simulator import search
from shopify_simulator.pagination import check_window, paginate, paginate_list
from shopify_simulator.resolvers import order_extras
from shopify_simulator.resolvers.resources import Resource, build_resources
from shopify_simulator.store import Store

READ_ALL_ORDERS_WINDOW = 60 * 86_400


@dataclass
class Context:
    store: Store
    resources: dict[str, Resource] = field(init=False)

    def __post_init__(self) -> None:
        self.resources = build_resources(self.store) | order_extras.resources(self.store)

    def order_visible(self, order: Any) -> bool:
        """Without read_all_orders only the last 60 days of orders are readable."""
        if "read_all_orders" in self.store.scopes:
            return True
        return order.processed_at >= self.store.now() - READ_ALL_ORDERS_WINDOW

    def connection(self, name: str, args: dict[str, Any], keep: Callable[[Any], bool] | None = None) -> dict[str, Any]:
        """A root connection over a whole resource, sorted, searched and paginated."""
        check_window(args.get("first"), args.get("last"))
        resource = self.resources[name]
        sort_key = args.get("sortKey") or "ID"
        if sort_key not in resource.sort_keys:
            sort_key = "ID"
        index = self.store.index(resource.attribute, sort_key, resource.sort_keys[sort_key])
        matcher = self.matcher(name, args.get("query"), keep)
        return paginate(index, getattr(self.store, resource.attribute).get, matcher, args)

    def nested(self, name: str, records: list[Any], args: dict[str, Any], sort_key: str = "ID") -> dict[str, Any]:
        """A connection over a parent's children (Order.lineItems, Location.inventoryLevels …)."""
        check_window(args.get("first"), args.get("last"))
        matcher = self.matcher(name, args.get("query"), None) if name in self.resources else None
        kept = [r for r in records if matcher is None or matcher(r)]
        sort_keys = self.resources[name].sort_keys if name in self.resources else {}
        key = sort_keys.get(sort_key) or (lambda r: r.id)
        return paginate_list(kept, key, args)

    def matcher(self, name: str, query: str | None, keep: Callable[[Any], bool] | None) -> Callable[[Any], bool]:
        expr = search.parse(query, self.resources[name].search_fields)
        if expr is None and keep is None:
            return lambda _r: True
        return lambda r: (expr is None or expr.matches(r)) and (keep is None or keep(r))

    def count(self, name: str, query: str | None, limit: int | None, keep: Callable[[Any], bool] | None) -> dict:
        matcher = self.matcher(name, query, keep)
        total = sum(1 for r in getattr(self.store, self.resources[name].attribute).values() if matcher(r))
        if limit is not None and total > limit:
            return {"count": limit, "precision": "AT_LEAST"}
        return {"count": total, "precision": "EXACT"}
