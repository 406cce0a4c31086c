"""Client-side model of Shopify's GraphQL leaky bucket, fed by ``extensions.cost.throttleStatus``.

Shopify refuses a query whose *requested* cost exceeds the points currently available. Rather
than sending and waiting for THROTTLED answers, we keep the last throttle status Shopify sent,
let it refill at the restore rate, and wait only as long as the next query's expected cost needs.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

PLAN_BY_RESTORE_RATE = {100: "standard", 200: "advanced", 1000: "plus", 2000: "enterprise"}
"""Shopify's documented restore rate (points per second) per plan tier."""
RESTORE_RATE_BY_PLAN = {plan: rate for rate, plan in PLAN_BY_RESTORE_RATE.items()}
BUCKET_SECONDS = 20
"""Every observed bucket holds 20 seconds of restore (2000/100 standard, 20000/1000 Plus)."""


@dataclass
class ThrottleBucket:
    """What we know of the (app, shop) bucket: its size, restore rate and level at a point in time."""

    maximum: float = 1000.0
    restore_rate: float = 50.0
    available: float = 1000.0
    observed_at: float = 0.0
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)
    points_spent: float = 0.0
    seconds_waited: float = 0.0
    throttled_answers: int = 0

    @property
    def observed(self) -> bool:
        """Whether Shopify has told us the bucket's state yet (a fresh hook only guesses)."""
        return self.observed_at > 0.0

    def level_now(self) -> float:
        """The points available now, extrapolated from the last status at the restore rate."""
        elapsed = max(0.0, self.clock() - self.observed_at)
        return min(self.maximum, self.available + elapsed * self.restore_rate)

    def wait_seconds(self, cost: float) -> float:
        """How long to wait before a query of ``cost`` points will be accepted."""
        cost = min(cost, self.maximum)
        missing = cost - self.level_now()
        return 0.0 if missing <= 0 else missing / self.restore_rate

    def update(self, cost: dict[str, Any] | None) -> None:
        """Record the ``extensions.cost`` block of an answer (ints or floats, both seen)."""
        if not cost:
            return
        status = cost.get("throttleStatus") or {}
        if "currentlyAvailable" in status:
            self.maximum = float(status["maximumAvailable"])
            self.restore_rate = float(status["restoreRate"])
            self.available = float(status["currentlyAvailable"])
            self.observed_at = self.clock()
        actual = cost.get("actualQueryCost")
        if actual is not None:
            self.points_spent += float(actual)

    @classmethod
    def for_plan(cls, plan: str, clock: Callable[[], float] = time.monotonic) -> ThrottleBucket:
        """The bucket a plan tier starts with, before Shopify's first answer says otherwise."""
        rate = float(RESTORE_RATE_BY_PLAN.get(plan, 50))
        size = rate * BUCKET_SECONDS
        return cls(maximum=size, restore_rate=rate, available=size, clock=clock)

    @property
    def plan(self) -> str:
        """The plan tier implied by the restore rate (``unknown`` for undocumented rates)."""
        return PLAN_BY_RESTORE_RATE.get(int(self.restore_rate), "unknown")


def page_size_for(node_cost: float, budget: float, maximum: int = 250, fixed_cost: float = 2) -> int:
    """The largest page (≤ ``maximum``) whose requested cost, ``fixed_cost + n × node_cost``, stays
    within ``budget`` points (Shopify charges a connection 2 plus its nodes)."""
    if node_cost <= 0:
        return maximum
    return max(1, min(maximum, int((budget - fixed_cost) // node_cost)))
