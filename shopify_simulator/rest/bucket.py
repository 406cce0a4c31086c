"""REST's leaky bucket: one slot per request, per access token, on the simulator clock.

SHOPIFY_API_NOTES §2: 40 requests leaking 2/s on standard plans, ×10 on Plus (400, 20/s),
Advanced leaks 4/s (bucket 80 is inferred). "The throttle is a pass or fail operation":
a request that finds the bucket full gets 429 and is not queued. The
``X-Shopify-Shop-Api-Call-Limit`` header reports ``used/size`` after the request.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable

# plan -> (bucket size, leak per second)
PLANS: dict[str, tuple[int, float]] = {
    "standard": (40, 2.0),
    "advanced": (80, 4.0),
    "plus": (400, 20.0),
    "enterprise": (400, 20.0),
}


class RequestBucket:
    def __init__(self, size: int, leak: float, clock: Callable[[], float]) -> None:
        self.size, self.leak, self.clock = size, leak, clock
        self._used = 0.0
        self._stamp = clock()
        self._lock = threading.Lock()

    def _drain(self) -> None:
        now = self.clock()
        self._used = max(0.0, self._used - max(0.0, now - self._stamp) * self.leak)
        self._stamp = now

    def take(self) -> tuple[bool, int]:
        """(passed, requests in the bucket now); a full bucket refuses and keeps its count."""
        with self._lock:
            self._drain()
            if self._used + 1 > self.size:
                return False, self.size
            self._used += 1
            return True, math.ceil(self._used)

    def used(self) -> int:
        with self._lock:
            self._drain()
            return math.ceil(self._used)

    def header(self, used: int) -> str:
        return f"{used}/{self.size}"


class RequestBuckets:
    """One bucket per token, separate from the GraphQL cost buckets."""

    def __init__(self, plan: str, clock: Callable[[], float], limits: tuple[int, float] | None = None) -> None:
        self.limits = limits or PLANS.get(plan, PLANS["standard"])
        self.clock = clock
        self._buckets: dict[str, RequestBucket] = {}
        self._lock = threading.Lock()

    def get(self, token: str) -> RequestBucket:
        with self._lock:
            if token not in self._buckets:
                self._buckets[token] = RequestBucket(*self.limits, clock=self.clock)
            return self._buckets[token]
