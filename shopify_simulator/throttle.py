"""Shopify's leaky bucket of query-cost points, one per access token (app/shop pair).

A request must find its *requested* cost in the bucket before it runs; afterwards
``requested − actual`` is refunded. The bucket refills at the plan's restore rate.
The clock is injectable so tests can move time instead of sleeping.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

# plan -> (maximumAvailable, restoreRate); SHOPIFY_API_NOTES §1.
PLANS: dict[str, tuple[int, int]] = {
    "standard": (2000, 100),
    "advanced": (4000, 200),
    "plus": (20000, 1000),
    "enterprise": (40000, 2000),
}


@dataclass(frozen=True)
class ThrottleStatus:
    maximum_available: int
    currently_available: int
    restore_rate: int

    def as_json(self) -> dict[str, int]:
        return {
            "maximumAvailable": self.maximum_available,
            "currentlyAvailable": self.currently_available,
            "restoreRate": self.restore_rate,
        }


class LeakyBucket:
    def __init__(self, maximum: int, restore_rate: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.maximum, self.restore_rate, self.clock = maximum, restore_rate, clock
        self._available = float(maximum)
        self._stamp = clock()
        self._lock = threading.Lock()

    @classmethod
    def for_plan(cls, plan: str, clock: Callable[[], float] = time.monotonic) -> LeakyBucket:
        maximum, rate = PLANS[plan]
        return cls(maximum, rate, clock)

    def _refill(self) -> None:
        now = self.clock()
        self._available = min(self.maximum, self._available + (now - self._stamp) * self.restore_rate)
        self._stamp = now

    def take(self, cost: int) -> bool:
        """Reserve `cost` points; False (and nothing taken) when the bucket holds fewer."""
        with self._lock:
            self._refill()
            if cost > self._available:
                return False
            self._available -= cost
            return True

    def refund(self, points: int) -> None:
        with self._lock:
            self._refill()
            self._available = min(self.maximum, self._available + max(0, points))

    def status(self) -> ThrottleStatus:
        with self._lock:
            self._refill()
            return ThrottleStatus(self.maximum, int(self._available), self.restore_rate)


class Buckets:
    """One bucket per token, created on first use."""

    def __init__(
        self, plan: str, clock: Callable[[], float] = time.monotonic, limits: tuple[int, float] | None = None
    ) -> None:
        """`limits` = (maximumAvailable, restoreRate) overrides the plan (tiny buckets for tests)."""
        self.plan, self.clock = plan, clock
        self.limits = limits or PLANS[plan]
        self._buckets: dict[str, LeakyBucket] = {}
        self._lock = threading.Lock()

    def get(self, token: str) -> LeakyBucket:
        with self._lock:
            if token not in self._buckets:
                self._buckets[token] = LeakyBucket(*self.limits, clock=self.clock)
            return self._buckets[token]
