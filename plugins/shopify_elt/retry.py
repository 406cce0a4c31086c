"""When to try a Shopify request again, and how long to wait first.

Exponential back-off with full jitter (so parallel tasks hitting the same shop do not retry in
lock-step), ``Retry-After`` honoured when Shopify sends it, and only for errors that a retry
can fix: throttling, 5xx, timeouts, dropped connections.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RetryPolicy:
    """:param max_retries: attempts after the first; 0 disables retries (the Test button).
    :param max_throttled: THROTTLED answers (and 429s) ridden out per request. Shopify refused them
        before doing anything, and another task of the same shop spending the bucket is normal,
        so they get a budget of their own, larger than that of real failures.
    """

    max_retries: int = 6
    max_throttled: int = 30
    base_seconds: float = 1.0
    cap_seconds: float = 60.0
    rng: random.Random = field(default_factory=random.Random, compare=False, repr=False)

    def jitter(self, attempt: int) -> float:
        """A random extra wait growing with the attempt: tasks sharing a bucket stop colliding."""
        return self.rng.uniform(0, min(self.cap_seconds, self.base_seconds * 2 ** (attempt - 1)))

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait before retry number ``attempt`` (1-based)."""
        if retry_after is not None and retry_after >= 0:
            return retry_after
        ceiling = min(self.cap_seconds, self.base_seconds * 2 ** (attempt - 1))
        return self.rng.uniform(ceiling / 2, ceiling)
