"""REST front: match the route, charge the call-limit bucket, check the scope, answer.

The HTTP layer (``server.py``) has already applied transport faults, the token check and
version fall-forward; ``RestApi.handle`` does the rest in Shopify's order: bucket (429 with
``Retry-After: 2.0`` and the documented body) → route (404 ``{"errors":"Not Found"}``) →
scope (403) → handler. ``X-Shopify-Shop-Api-Call-Limit`` rides on every answer.
"""

from __future__ import annotations

import re
import sys
import traceback
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

from shopify_simulator.http_faults import RATE_LIMIT_BODY
from shopify_simulator.rest import routes as r
from shopify_simulator.rest.bucket import RequestBuckets
from shopify_simulator.rest.paging import ParamError
from shopify_simulator.rest.scopes import denied, granted
from shopify_simulator.store import Store

# /admin/api/<version>/<resource>.json, or the one unversioned route.
PATH = re.compile(r"^/admin/(?:api/(?P<version>[^/]+)/(?P<resource>[a-z_/0-9]+)|(?P<oauth>oauth/access_scopes))\.json$")
ID = r"(?P<id>\d+)"
Handler = Callable[[r.Request], r.Answer]
ROUTES: list[tuple[str, re.Pattern[str], str | None, Handler]] = [
    (method, re.compile(f"^{pattern}$"), scope, handler)
    for method, pattern, scope, handler in (
        ("GET", "shop", None, r.shop),
        ("GET", "locations", "read_locations", r.locations),
        ("GET", "locations/count", "read_locations", r.locations_count),
        ("GET", f"locations/{ID}", "read_locations", r.location),
        ("GET", "customers", "read_customers", r.customers),
        ("GET", "customers/count", "read_customers", r.customers_count),
        ("GET", f"customers/{ID}", "read_customers", r.customer),
        ("GET", "orders", "read_orders", r.orders),
        ("GET", "orders/count", "read_orders", r.orders_count),
        ("GET", f"orders/{ID}", "read_orders", r.order),
        ("GET", "draft_orders", "read_draft_orders", r.draft_orders),
        ("GET", "draft_orders/count", "read_draft_orders", r.draft_orders_count),
        ("GET", f"draft_orders/{ID}", "read_draft_orders", r.draft_order),
        ("GET", "events", None, r.events),
        ("GET", "events/count", None, r.events_count),
        ("GET", f"events/{ID}", None, r.event),
        ("GET", "products", "read_products", r.products),
        ("GET", "products/count", "read_products", r.products_count),
        ("GET", f"products/{ID}", "read_products", r.product),
        ("GET", "inventory_levels", "read_inventory", r.inventory_levels),
        ("POST", "inventory_levels/set", "write_inventory", r.inventory_levels_set),
        ("GET", "oauth/access_scopes", None, r.access_scopes),
    )
]


class RestApi:
    def __init__(self, store: Store, plan: str, clock: Callable[[], float], limits: tuple[int, float] | None = None):
        self.store = store
        self.buckets = RequestBuckets(plan, clock, limits)

    def handle(
        self, method: str, resource: str, query: str, body: bytes, token: str, base: str
    ) -> tuple[int, Any, dict[str, str]]:
        """``resource`` is the path between the version and ``.json`` (``orders/123``)."""
        bucket = self.buckets.get(token)
        passed, used = bucket.take()
        headers = {"X-Shopify-Shop-Api-Call-Limit": bucket.header(used)}
        if not passed:
            return 429, RATE_LIMIT_BODY, {**headers, "Retry-After": "2.0"}
        status, payload, extra = self._route(method, resource, query, body, base)
        return status, payload, {**headers, **extra}

    def _route(self, method: str, resource: str, query: str, body: bytes, base: str) -> r.Answer:
        for route_method, pattern, scope, handler in ROUTES:
            match = pattern.match(resource)
            if match is None or route_method != method:
                continue
            if scope is not None and not granted(scope, self.store.scopes):
                return (*denied(scope), {})
            params = {k: v[-1] for k, v in parse_qs(query, keep_blank_values=True).items()}
            request = r.Request(self.store, params, body, match.groupdict(), base)
            try:
                with self.store.lock:
                    return handler(request)
            except ParamError as exc:
                return 400, {"errors": {exc.param: exc.message}}, {}
            except Exception as exc:  # a simulator bug still answers like Shopify's 500
                traceback.print_exception(exc, file=sys.stderr)
                return 500, {"errors": "Internal Server Error"}, {}
        return r.NOT_FOUND
