"""The delivery worker: turns store events into signed HTTP POSTs, with Shopify's retry policy.

Rules (SHOPIFY_API_NOTES §4, shopify.dev webhooks docs):

* one delivery per (event, matching subscription); headers ``X-Shopify-Topic``,
  ``-Hmac-Sha256`` (base64 HMAC-SHA256 of the raw body with the app secret),
  ``-Shop-Domain``, ``-API-Version``, ``-Webhook-Id`` (per delivery, the same on every retry),
  ``-Event-Id`` (per event, shared by all its deliveries), ``-Triggered-At``, ``-Name``;
* 1 s to connect, 5 s for the whole request; any status outside 200-299 (3xx included),
  a timeout or a refused connection is a failure;
* a failed delivery is retried 8 times over 4 hours with exponential back-off on the
  simulator clock; a subscription is deleted after 8 consecutive failed attempts;
* deliveries may be duplicated (same webhook id, delivered twice) or reordered (held back
  until the next delivery to the same subscription has gone out) at seeded, configurable
  rates — both 0 by default so ordinary runs are orderly.
"""

from __future__ import annotations

import base64
import hashlib
import heapq
import hmac
import http.client
import itertools
import json
import logging
import random
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol
from urllib.parse import urlsplit

from shopify_simulator.clock import SimClock
from shopify_simulator.events import StoreEvent
from shopify_simulator.store import Store
from shopify_simulator.webhooks import subscriptions as subs
from shopify_simulator.webhooks.topics import to_enum

log = logging.getLogger(__name__)

DEFAULT_SECRET = "shpss_simulator_webhook_secret"
MAX_RETRIES = 8
RETRY_WINDOW = 4 * 3600.0
# 8 exponential steps that add up to the documented 4 hours: base × (1 + 2 + … + 128).
BACKOFF = tuple(RETRY_WINDOW / 255 * 2**k for k in range(MAX_RETRIES))
FAILURES_BEFORE_DELETION = 8
CONNECT_TIMEOUT, TOTAL_TIMEOUT = 1.0, 5.0
LOG_SIZE = 1000
REORDER_HOLD = 10.0  # simulated seconds a held-back delivery waits for an overtaker at most


class Counter(Protocol):
    def incr(self, name: str, amount: int = 1) -> None: ...


@dataclass
class WebhookSettings:
    secret: str = DEFAULT_SECRET
    duplicate_rate: float = 0.0
    reorder_rate: float = 0.0
    seed: int = 1
    allow_http: bool = False  # http:// to any host (loopback is always allowed)


@dataclass(order=True)
class Delivery:
    due: float
    order: int
    subscription_id: int = field(compare=False)
    topic: str = field(compare=False)
    body: bytes = field(compare=False)
    webhook_id: str = field(compare=False)
    event_id: str = field(compare=False)
    triggered_at: float = field(compare=False)
    attempt: int = field(default=0, compare=False)
    duplicate: bool = field(default=False, compare=False)


def sign(secret: str, body: bytes) -> str:
    """``X-Shopify-Hmac-Sha256``: base64 of HMAC-SHA256(secret, raw body)."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def triggered_at(epoch: float) -> str:
    """RFC 3339 with nanoseconds, as in the docs' header sample (``…T18:00:27.877041743Z``)."""
    moment = datetime.fromtimestamp(epoch, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f") + "000Z"


class WebhookWorker:
    """Subscribes to ``store.events``; a background thread posts due deliveries in order."""

    def __init__(self, store: Store, clock: SimClock, stats: Counter, settings: WebhookSettings) -> None:
        self.store, self.clock, self.stats, self.settings = store, clock, stats, settings
        self.rng = random.Random(settings.seed)
        self._queue: list[Delivery] = []
        self._held: dict[int, Delivery] = {}
        self._order = itertools.count()
        self._wake = threading.Condition()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.log: deque[dict[str, Any]] = deque(maxlen=LOG_SIZE)  # recent attempts, for GET /_simulator/webhooks
        store.webhook_allow_http = settings.allow_http  # type: ignore[attr-defined]  # read by resolvers
        store.events.subscribe(self.on_event)
        clock.on_change(self._poke)

    # --- producer side (called on the writer's thread) -------------------------------

    def on_event(self, event: StoreEvent) -> None:
        topic = to_enum(event.topic)
        event_id = self._uuid()
        with self.store.lock:
            targets = [s for s in self.store.webhook_subscriptions.values() if s.topic == topic and s.is_http]
        for subscription in targets:
            if not subs.matches(subscription.filter, event.payload):
                continue
            payload = subs.include(event.payload, subscription.include_fields)
            body = json.dumps(payload, separators=(",", ":")).encode()
            delivery = Delivery(
                self.clock(), 0, subscription.id, event.topic, body, self._uuid(), event_id, event.occurred_at
            )
            self._push(delivery)

    def _uuid(self) -> str:
        with self._wake:
            return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def _push(self, delivery: Delivery) -> None:
        with self._wake:
            delivery.order = next(self._order)
            heapq.heappush(self._queue, delivery)
            self._wake.notify()

    def _poke(self) -> None:
        with self._wake:
            self._wake.notify()

    # --- the worker thread ------------------------------------------------------------

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="shopify-simulator-webhooks", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._poke()
        if self._thread is not None:
            self._thread.join(timeout=TOTAL_TIMEOUT + 1)

    def pending(self) -> int:
        with self._wake:
            return len(self._queue) + len(self._held)

    def _run(self) -> None:
        while not self._stop.is_set():
            delivery = self._next_due()
            if delivery is not None:
                try:
                    self._dispatch(delivery)
                except Exception:  # a bug here must not kill deliveries for the rest of the run
                    log.exception("webhook dispatch failed")

    def _next_due(self) -> Delivery | None:
        with self._wake:
            now = self.clock()
            for sub_id, held in list(self._held.items()):
                if held.due <= now:  # nobody overtook it in time: release it
                    del self._held[sub_id]
                    return held
            if self._queue and self._queue[0].due <= now:
                return heapq.heappop(self._queue)
            waits = [d.due for d in self._queue] + [h.due for h in self._held.values()]
            timeout = min(self.clock.real_seconds_until(min(waits)), 0.1) if waits else 0.5
            self._wake.wait(timeout)
            return None

    def _dispatch(self, delivery: Delivery) -> None:
        if delivery.attempt == 0 and not delivery.duplicate:
            with self._wake:
                held = self._held.pop(delivery.subscription_id, None)
                hold_this = held is None and self.rng.random() < self.settings.reorder_rate
                if hold_this:
                    delivery.due = self.clock() + REORDER_HOLD
                    self._held[delivery.subscription_id] = delivery
                    self.stats.incr("webhooks.reordered")
                    return
            self._attempt(delivery)
            if held is not None:
                self._attempt(held)  # the held-back one arrives after the one that overtook it
            return
        self._attempt(delivery)

    def _attempt(self, delivery: Delivery) -> None:
        with self.store.lock:
            subscription = self.store.webhook_subscriptions.get(delivery.subscription_id)
        if subscription is None:
            return  # deleted meanwhile: Shopify stops delivering
        status, error = self._post(subscription, delivery)
        ok = status is not None and 200 <= status < 300
        self.log.append(
            {
                "webhookId": delivery.webhook_id,
                "eventId": delivery.event_id,
                "topic": delivery.topic,
                "subscriptionId": subscription.id,
                "attempt": delivery.attempt,
                "status": status,
                "error": error,
                "at": self.clock(),
            }
        )
        if ok:
            subscription.consecutive_failures = 0
            self.stats.incr("webhooks.delivered")
            if not delivery.duplicate and self.rng.random() < self.settings.duplicate_rate:
                copy = Delivery(**{**delivery.__dict__, "due": self.clock(), "duplicate": True})
                self.stats.incr("webhooks.duplicated")
                self._push(copy)
            return
        self.stats.incr("webhooks.failed")
        subscription.consecutive_failures += 1
        if subscription.consecutive_failures >= FAILURES_BEFORE_DELETION:
            with self.store.lock:
                self.store.webhook_subscriptions.pop(subscription.id, None)
            self.stats.incr("webhooks.subscriptionsDeleted")
            return
        if delivery.attempt < MAX_RETRIES:
            retry = Delivery(**{**delivery.__dict__, "attempt": delivery.attempt + 1})
            retry.due = self.clock() + BACKOFF[delivery.attempt]
            self.stats.incr("webhooks.retried")
            self._push(retry)

    def _post(self, subscription: subs.Subscription, delivery: Delivery) -> tuple[int | None, str | None]:
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "Shopify-Captain-Hook",
            "X-Shopify-Topic": delivery.topic,
            "X-Shopify-Hmac-Sha256": sign(self.settings.secret, delivery.body),
            "X-Shopify-Shop-Domain": self.store.shop.myshopify_domain,
            "X-Shopify-API-Version": subscription.api_version,
            "X-Shopify-Webhook-Id": delivery.webhook_id,
            "X-Shopify-Event-Id": delivery.event_id,
            "X-Shopify-Triggered-At": triggered_at(delivery.triggered_at),
        }
        if subscription.name:
            headers["X-Shopify-Name"] = subscription.name
        return post(subscription.uri, delivery.body, headers)


def post(uri: str, body: bytes, headers: dict[str, str]) -> tuple[int | None, str | None]:
    """(status, None) or (None, error): 1 s to connect, 5 s in total, no redirects followed."""
    parts = urlsplit(uri)
    secure = parts.scheme == "https"
    port = parts.port or (443 if secure else 80)
    deadline = time.monotonic() + TOTAL_TIMEOUT
    connection_class = http.client.HTTPSConnection if secure else http.client.HTTPConnection
    connection = connection_class(parts.hostname or "", port, timeout=CONNECT_TIMEOUT)
    try:
        connection.connect()
        connection.sock.settimeout(max(0.01, deadline - time.monotonic()))
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        connection.request("POST", path, body=body, headers=headers)
        connection.sock.settimeout(max(0.01, deadline - time.monotonic()))
        response = connection.getresponse()
        response.read()
        return response.status, None
    except (OSError, http.client.HTTPException) as exc:  # TimeoutError is an OSError
        return None, f"{type(exc).__name__}: {exc}"
    finally:
        connection.close()
