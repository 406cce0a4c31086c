"""The simulator's own control plane under ``/_simulator/`` (not part of Shopify).

It lets tests and demos steer the fake shop: check health, read counters, and bump
``updatedAt`` of some orders so an incremental run has something to pick up.
"""

from __future__ import annotations

import json
from typing import Any

from shopify_simulator import control_catalog, control_orders, control_runtime
from shopify_simulator.engine import Engine


def handle(engine: Engine, method: str, path: str, body: bytes) -> tuple[int, dict[str, Any]]:
    route = path.split("?", 1)[0].rstrip("/")
    if method == "GET" and route == "/_simulator/health":
        return 200, {"status": "ok"}
    if method == "GET" and route == "/_simulator/stats":
        return 200, engine.stats.as_json()
    if method == "POST" and route == "/_simulator/touch_orders":
        try:
            count = int((json.loads(body or b"{}") or {}).get("count", 1))
        except (ValueError, TypeError, AttributeError):
            return 400, {"error": 'body must be JSON like {"count": 5}'}
        touched = engine.store.touch_orders(max(0, count))
        return 200, {"touched": len(touched), "ids": [f"gid://shopify/Order/{oid}" for oid in touched]}
    for extension in (control_runtime.handle, control_catalog.handle, control_orders.handle):
        answer = extension(engine, method, route, body)
        if answer is not None:
            return answer
    return 404, {"error": f"no control endpoint {method} {route}"}
