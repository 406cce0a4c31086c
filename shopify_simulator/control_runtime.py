"""Control endpoints for the simulator's runtime: faults, the clock and webhook deliveries.

``POST /_simulator/faults {"kind": "http_503", "count": 2, ...params}`` arms faults,
``GET`` lists what is armed and what fired, ``DELETE`` disarms everything.
``POST /_simulator/clock {"speed": 50}`` or ``{"advance_seconds": 3600}`` steers the one
simulated clock; ``GET /_simulator/webhooks`` shows delivery attempts and what is pending.
"""

from __future__ import annotations

import json
from typing import Any

from shopify_simulator.faults import KINDS

Answer = tuple[int, dict[str, Any]]


def handle(engine: Any, method: str, route: str, body: bytes) -> Answer | None:
    if route == "/_simulator/faults":
        return _faults(engine, method, body)
    if route == "/_simulator/clock":
        return _clock(engine, method, body)
    if route == "/_simulator/webhooks" and method == "GET":
        worker = getattr(engine, "webhooks", None)
        if worker is None:
            return 404, {"error": "no webhook worker"}
        return 200, {"pending": worker.pending(), "attempts": list(worker.log)}
    return None


def read_json(body: bytes) -> dict[str, Any] | None:
    try:
        value = json.loads(body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return None
    return value if isinstance(value, dict) else None


def _faults(engine: Any, method: str, body: bytes) -> Answer:
    faults = engine.store.faults
    if method == "GET":
        return 200, {"armed": faults.armed(), "fired": dict(faults.fired), "kinds": KINDS}
    if method == "DELETE":
        faults.clear()
        return 200, {"armed": {}}
    request = read_json(body)
    if request is None or not isinstance(request.get("kind"), str):
        return 400, {"error": 'body must be JSON like {"kind": "http_503", "count": 1}'}
    params = {k: v for k, v in request.items() if k not in ("kind", "count")}
    try:
        faults.arm(request["kind"], int(request.get("count", 1)), **params)
    except (ValueError, TypeError) as exc:
        return 400, {"error": str(exc)}
    return 200, {"armed": faults.armed()}


def _clock(engine: Any, method: str, body: bytes) -> Answer:
    clock = getattr(engine, "clock", None)
    if clock is None:
        return 404, {"error": "this simulator runs without a steerable clock"}
    if method == "GET":
        return 200, clock.as_json()
    request = read_json(body)
    if request is None:
        return 400, {"error": 'body must be JSON like {"speed": 10} or {"advance_seconds": 60}'}
    try:
        if "speed" in request:
            clock.set_speed(float(request["speed"]))
        if "advance_seconds" in request:
            clock.advance(float(request["advance_seconds"]))
    except (ValueError, TypeError) as exc:
        return 400, {"error": str(exc)}
    return 200, clock.as_json()
