"""A cheap, keyed random stream for per-order generation.

``random.Random(key)`` costs ~13 µs to seed (it fills 624 words of state), which is
13 s for a million orders before a single value is drawn. Orders are generated on
demand from ``(seed, order position, stream)``, so seeding must be nearly free: a
splitmix64 hash of the key starts a 64-bit LCG whose top 53 bits are the output.
Statistical quality is ample for fake shop data; it is not for anything else.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")
M64 = (1 << 64) - 1
_INV53 = 1.0 / (1 << 53)


def mix(value: int) -> int:
    """splitmix64 finaliser: a well-spread 64-bit hash of an integer."""
    z = (value + 0x9E3779B97F4A7C15) & M64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


class Stream:
    """Deterministic draws keyed by integers (e.g. ``Stream(seed, n, 0)``)."""

    __slots__ = ("s",)

    def __init__(self, *key: int) -> None:
        state = 0x2545F4914F6CDD1D
        for part in key:
            state = mix(state ^ (part & M64))
        self.s = state

    def random(self) -> float:
        self.s = s = (self.s * 6364136223846793005 + 1442695040888963407) & M64
        return (s >> 11) * _INV53

    def below(self, k: int) -> int:
        return int(self.random() * k)

    def randint(self, low: int, high: int) -> int:
        return low + int(self.random() * (high - low + 1))

    def choice(self, seq: Sequence[T]) -> T:
        return seq[int(self.random() * len(seq))]

    def weighted(self, values: Sequence[T], cumulative: Sequence[float]) -> T:
        """``values[i]`` with probability proportional to its weight (``cumulative`` sums them)."""
        return values[bisect_right(cumulative, self.random() * cumulative[-1])]

    def distinct(self, k: int, n: int) -> list[int]:
        """`k` distinct indices below `n` (with repeats when k > n), in draw order."""
        if k > n:
            return [self.below(n) for _ in range(k)]
        seen: dict[int, None] = {}
        while len(seen) < k:
            seen[self.below(n)] = None
        return list(seen)
