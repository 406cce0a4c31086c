"""REST's leaky bucket: one slot per request, per access token, on the simulator clock.

SHOPIFY_API_NOTES §2: 40 requests leaking 2/s on standard plans, ×10 on Plus (400, 20/s),
Advanced leaks 4/s (bucket 80 is inferred). "The throttle is a pass or fail operation":
a request that finds the bucket full gets 429 and is not queued. The
``X-Shopify-Shop-Api-Call-Limit`` header reports ``used/size`` after the request.

It is the GraphQL cost bucket (``shopify_simulator.throttle``) with every request costing one
point; only the plan sizes and the used-count view differ.
"""

from __future__ import annotations

from collections.abc import Callable

from shopify_simulator.throttle import Buckets, LeakyBucket

# plan -> (bucket size, leak per second)
PLANS: dict[str, tuple[int, float]] = {
    "standard": (40, 2.0),
    "advanced": (80, 4.0),
    "plus": (400, 20.0),
    "enterprise": (400, 20.0),
}


class RequestBucket:
    """A token's REST bucket, counted as requests used (what the call-limit header shows)."""

    def __init__(self, bucket: LeakyBucket) -> None:
        self.bucket = bucket

    @property
    def size(self) -> int:
        return int(self.bucket.maximum)

    def take(self) -> tuple[bool, int]:
        """(passed, requests in the bucket now); a full bucket refuses and keeps its count."""
        passed = self.bucket.take(1)
        return passed, self.used()

    def used(self) -> int:
        # status() floors the points available, so this is the used count rounded up.
        return self.size - self.bucket.status().currently_available

    def header(self, used: int) -> str:
        return f"{used}/{self.size}"


class RequestBuckets:
    """One bucket per token, separate from the GraphQL cost buckets."""

    def __init__(self, plan: str, clock: Callable[[], float], limits: tuple[int, float] | None = None) -> None:
        self._buckets = Buckets(plan, clock, limits or PLANS.get(plan, PLANS["standard"]))

    def get(self, token: str) -> RequestBucket:
        return RequestBucket(self._buckets.get(token))
