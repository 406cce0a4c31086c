"""Fault injection: arm a fault for the next N matching calls, and let the code paths take it.

The control plane arms faults (``POST /_simulator/faults``); the HTTP layer, the GraphQL
engine, bulk operations and record rendering each ``take`` the kinds they implement. A
fault armed with ``count`` fires that many times, then disarms itself.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

KINDS: dict[str, str] = {
    "throttled": "GraphQL THROTTLED answers even when the bucket could pay",
    "http_429": "HTTP 429 with Retry-After",
    "http_500": "HTTP 500",
    "http_502": "HTTP 502",
    "http_503": "HTTP 503",
    "slow": "answer after `seconds` (param) of delay",
    "timeout": "accept the request, never answer until the client gives up",
    "reset": "close the connection without an answer",
    "malformed_record": "one record of the next answer gets an invalid value",
    "unknown_field": "records of the next answer carry a field the schema does not have",
    "bulk_failed": "the next bulk operation FAILS after writing part of its file (partialDataUrl)",
    "bulk_truncated": "the next bulk JSONL download is cut off mid-line",
    "bulk_slow": "the next bulk operation stays RUNNING `seconds` (param, default 60) before writing",
}


@dataclass
class Faults:
    _armed: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    fired: dict[str, int] = field(default_factory=dict)

    def arm(self, kind: str, count: int = 1, **params: Any) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown fault {kind!r}; known: {', '.join(sorted(KINDS))}")
        with self._lock:
            self._armed.setdefault(kind, []).extend(dict(params) for _ in range(max(0, count)))

    def take(self, kind: str) -> dict[str, Any] | None:
        """The params of one armed ``kind`` fault (consuming it), or ``None`` if none is armed."""
        with self._lock:
            queue = self._armed.get(kind)
            if not queue:
                return None
            self.fired[kind] = self.fired.get(kind, 0) + 1
            return queue.pop(0)

    def clear(self) -> None:
        with self._lock:
            self._armed.clear()

    def armed(self) -> dict[str, int]:
        with self._lock:
            return {kind: len(queue) for kind, queue in self._armed.items() if queue}
