"""In-process publish/subscribe of store changes (the source of webhooks and deletion events).

Writers (mutations, the control plane, bulk operations) publish what happened with
Shopify's webhook topic names (``orders/updated``, ``inventory_levels/update``,
``bulk_operations/finish`` …) and the REST-shaped payload; subscribers (webhook delivery)
decide what to do with it. Publishing never fails the write that caused it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StoreEvent:
    """One change: its webhook topic, REST-shaped payload, the resource's gid, when (epoch s)."""

    topic: str
    payload: dict[str, Any]
    resource_gid: str
    occurred_at: float


Subscriber = Callable[[StoreEvent], None]


@dataclass
class EventBus:
    _subscribers: list[Subscriber] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    published: int = 0

    def subscribe(self, subscriber: Subscriber) -> None:
        with self._lock:
            self._subscribers.append(subscriber)

    def publish(self, event: StoreEvent) -> None:
        with self._lock:
            subscribers = list(self._subscribers)
            self.published += 1
        for subscriber in subscribers:
            try:
                subscriber(event)
            except Exception:  # a broken subscriber must not undo the write
                log.exception("subscriber failed on %s", event.topic)
