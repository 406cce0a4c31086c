"""The simulator's one clock: wall time at start, then running ``speed`` times faster.

Throttle buckets restore points, ``updatedAt`` stamps advance and webhook retries
come due on this clock, so a test or benchmark can speed time up (``--clock-speed``,
``POST /_simulator/clock``) or jump it forward instead of sleeping for real. It is a
plain callable returning epoch seconds, so it slots in wherever ``time.time`` did.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class SimClock:
    """Epoch seconds as ``start + (elapsed real seconds × speed) + advanced``; thread-safe."""

    def __init__(self, speed: float = 1.0, start: float | None = None, real: Callable[[], float] = time.monotonic):
        if speed <= 0:
            raise ValueError("clock speed must be positive")
        self._real = real
        self._lock = threading.Lock()
        self._base = time.time() if start is None else start  # simulated time at the last rebase
        self._real_base = real()
        self._speed = float(speed)
        self._listeners: list[Callable[[], None]] = []

    def __call__(self) -> float:
        with self._lock:
            return self._base + (self._real() - self._real_base) * self._speed

    @property
    def speed(self) -> float:
        return self._speed

    def set_speed(self, speed: float) -> None:
        """Change the rate from now on; time already elapsed keeps its value."""
        if speed <= 0:
            raise ValueError("clock speed must be positive")
        with self._lock:
            self._rebase()
            self._speed = float(speed)
        self._notify()

    def advance(self, seconds: float) -> None:
        """Jump forward (never backward: buckets and stamps assume monotonic time)."""
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        with self._lock:
            self._rebase()
            self._base += seconds
        self._notify()

    def real_seconds_until(self, target: float) -> float:
        """How long to really wait until the clock reads ``target`` at the current speed."""
        return max(0.0, (target - self()) / self._speed)

    def on_change(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` after every speed change or jump (waiters re-plan their sleep)."""
        self._listeners.append(listener)

    def as_json(self) -> dict[str, float]:
        return {"now": round(self(), 3), "speed": self._speed}

    def _rebase(self) -> None:
        now_real = self._real()
        self._base += (now_real - self._real_base) * self._speed
        self._real_base = now_real

    def _notify(self) -> None:
        for listener in list(self._listeners):
            listener()
