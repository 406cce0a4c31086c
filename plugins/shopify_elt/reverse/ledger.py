"""The outbox of writes to Shopify (``ops.shopify_writes``): planned, sent and settled exactly once.

A write goes through three committed steps:

1. **planned** (``pending``): what it means to do, with a key derived from it. Planning the same
   intent again (a re-run, a retried task) finds the row already there.
2. **sending**: marked (attempts + 1) and committed *before* the request leaves.
3. **settled**: Shopify's answer, and what it means for core (a shipment's fulfillment id), in
   one transaction.

A write found ``sending`` was interrupted after it left: Shopify may or may not have applied it.
Before sending it again, its kind looks at Shopify's state (``find_applied``); only a write
Shopify does not have is sent again. Requests are sent without the client's automatic retry of
timeouts and 5xx answers for the same reason: after one of those, the outcome is unknown and
the state is read instead. ``userErrors`` settle a write as ``failed`` with the errors; it stays
in the ledger, visible, until :func:`retry_failed` puts it back. A pending or failed write the
plan no longer asks for is withdrawn (:func:`withdraw`), never sent.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Protocol

import psycopg
from psycopg.types.json import Jsonb

from shopify_elt.errors import ShopifyQueryError, ShopifyTransientError
from shopify_elt.hooks.shopify import ShopifyHook

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
"""Sends of one write (across runs) before it is settled as failed rather than tried again."""
PREPARE_BATCH = 50
"""Writes whose reads a kind's ``prepare`` does at once: what it reads is at most this many sends old."""


@dataclass(frozen=True)
class Write:
    """One row of ``ops.shopify_writes``."""

    write_id: int
    shop: str
    kind: str
    subject: str
    idempotency_key: str
    payload: dict[str, Any]
    state: str
    attempts: int
    first_sent_at: datetime | None = None
    """When the write first left: what Shopify made of it cannot be older (less clock skew)."""


@dataclass(frozen=True)
class Outcome:
    """What Shopify answered: ``result`` when it applied the write, ``user_errors`` when it refused
    it; ``deferred`` when the write cannot be sent yet (an order on hold) and stays pending."""

    result: dict[str, Any] | None = None
    user_errors: list[dict[str, Any]] = field(default_factory=list)
    request_id: str | None = None
    deferred: str | None = None

    @property
    def applied(self) -> bool:
        return self.result is not None and not self.user_errors


class WriteKind(Protocol):
    """How one kind of write is sent, recognised in Shopify's state, and recorded in core.

    A kind whose ``send`` reads Shopify first may also define ``prepare(hook, writes)``: called
    with each batch of up to :data:`PREPARE_BATCH` writes just before they are sent, it reads what
    their sends need in as few calls as it can.
    """

    kind: str

    def send(self, hook: ShopifyHook, write: Write) -> Outcome:
        """Send the write once (``retry_transient=False``)."""
        ...

    def find_applied(self, hook: ShopifyHook, write: Write) -> dict[str, Any] | None:
        """The result of this write if Shopify already has it (an interrupted send), else None."""
        ...

    def settle(self, conn: psycopg.Connection, write: Write, result: dict[str, Any]) -> None:
        """Record an applied write's result in core (inside the settling transaction)."""
        ...


@dataclass
class DeliveryCounts:
    planned: int = 0
    applied: int = 0
    adopted: int = 0
    failed: int = 0
    deferred: int = 0
    calls: int = 0
    """Requests the delivery sent to Shopify: reads ahead, sends, and the reads before a resend."""

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def write_key(shop: str, kind: str, subject: str, payload: Mapping[str, Any]) -> str:
    """The write's key: the same intent always gives the same key, another intent another."""
    text = json.dumps([shop, kind, subject, payload], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:40]


def plan(conn: psycopg.Connection, shop: str, run_id: str, kind: str, subject: str, payload: dict[str, Any]) -> bool:
    """Plan a write; returns whether the ledger changed.

    The same intent planned again changes nothing (even when it failed: a failed write waits for
    :func:`retry_failed`); a different intent for the subject replaces its pending or failed
    write (``superseded``); a write being sent is never replaced.
    """
    key = write_key(shop, kind, subject, payload)
    with conn.transaction(), conn.cursor() as cur:
        cur.execute(
            """select idempotency_key, state from ops.shopify_writes
               where shop = %s and kind = %s and subject = %s and state in ('pending', 'sending')
               for update""",
            (shop, kind, subject),
        )
        open_write = cur.fetchone()
        if open_write is not None and (open_write[0] == key or open_write[1] == "sending"):
            return False
        cur.execute("select 1 from ops.shopify_writes where idempotency_key = %s", (key,))
        if cur.fetchone() is not None:  # this very intent was planned before (it may have failed)
            return False
        cur.execute(  # a new intent replaces what is pending or failed for the subject
            """update ops.shopify_writes set state = 'superseded', settled_at = now()
               where shop = %s and kind = %s and subject = %s and state in ('pending', 'failed')""",
            (shop, kind, subject),
        )
        cur.execute(
            """insert into ops.shopify_writes (shop, kind, subject, idempotency_key, payload, run_id)
               values (%s, %s, %s, %s, %s, %s)
               on conflict (idempotency_key) do nothing""",
            (shop, kind, subject, key, Jsonb(payload), run_id),
        )
        return cur.rowcount > 0


def withdraw(conn: psycopg.Connection, shop: str, kind: str, wanted: Iterable[str]) -> int:
    """Supersede the pending and failed writes of ``kind`` whose subject the plan no longer asks
    for (a cancellation request taken back, a status changed back before it was sent); returns
    how many. A write being sent is left alone: Shopify may have it already."""
    with conn.transaction(), conn.cursor() as cur:
        cur.execute(
            """update ops.shopify_writes set state = 'superseded', settled_at = now()
               where shop = %s and kind = %s and state in ('pending', 'failed') and subject <> all(%s)""",
            (shop, kind, list(wanted)),
        )
        return cur.rowcount


def open_writes(conn: psycopg.Connection, shop: str, kind: str) -> list[Write]:
    with conn.cursor() as cur:
        cur.execute(
            """select write_id, shop, kind, subject, idempotency_key, payload, state, attempts, first_sent_at
               from ops.shopify_writes
               where shop = %s and kind = %s and state in ('pending', 'sending')
               order by write_id""",
            (shop, kind),
        )
        return [Write(*row) for row in cur.fetchall()]


def deliver(
    conn: psycopg.Connection, hook: ShopifyHook, shop: str, kinds: Iterable[WriteKind], planned: int = 0
) -> DeliveryCounts:
    """Send every open write of these kinds, oldest first; each settles in its own transaction.

    :param planned: how many writes the caller's plan just added, for the counts it reports.
    """
    counts = DeliveryCounts(planned=planned)
    requests_before = hook.requests_sent
    for kind in kinds:
        prepare = getattr(kind, "prepare", None)
        writes = open_writes(conn, shop, kind.kind)
        for start in range(0, len(writes), PREPARE_BATCH):
            batch = writes[start : start + PREPARE_BATCH]
            if prepare is not None:
                prepare(hook, batch)
            for write in batch:
                _deliver_one(conn, hook, kind, write, counts)
    counts.calls = hook.requests_sent - requests_before
    log.info("%s to Shopify: %s", ", ".join(kind.kind for kind in kinds), counts.as_dict())
    return counts


def _deliver_one(
    conn: psycopg.Connection, hook: ShopifyHook, kind: WriteKind, write: Write, counts: DeliveryCounts
) -> None:
    if write.state == "sending":  # interrupted after it left: does Shopify have it?
        found = kind.find_applied(hook, write)
        if found is not None:
            log.info("%s %s: Shopify already has it (an interrupted send); adopted", write.kind, write.subject)
            _settle(conn, kind, write, Outcome(result=found))
            counts.adopted += 1
            return
    if write.attempts >= MAX_ATTEMPTS:
        _fail(conn, write, f"gave up after {write.attempts} sends whose outcome was unknown")
        counts.failed += 1
        return
    with conn.transaction(), conn.cursor() as cur:
        cur.execute(
            """update ops.shopify_writes
               set state = 'sending', attempts = attempts + 1, sent_at = now(),
                   first_sent_at = coalesce(first_sent_at, now())
               where write_id = %s
               returning first_sent_at""",
            (write.write_id,),
        )
        (first_sent_at,) = cur.fetchone()
    sending = replace(write, state="sending", attempts=write.attempts + 1, first_sent_at=first_sent_at)
    try:
        outcome = kind.send(hook, sending)
    except ShopifyQueryError as error:  # refused before anything happened: a definite failure
        _fail(conn, sending, str(error)[:1000], error.errors)
        counts.failed += 1
        return
    except ShopifyTransientError as error:
        # Unknown outcome: the write stays `sending`, so the next delivery reads Shopify's state first.
        _note(conn, sending, f"outcome unknown ({error}); Shopify's state is checked before a resend")
        raise
    if outcome.deferred is not None:
        with conn.transaction(), conn.cursor() as cur:
            cur.execute(
                # nothing left: the send does not count against the write's attempts
                """update ops.shopify_writes set state = 'pending', attempts = attempts - 1, last_error = %s
                   where write_id = %s""",
                (outcome.deferred, write.write_id),
            )
        counts.deferred += 1
    elif outcome.applied:
        _settle(conn, kind, sending, outcome)
        counts.applied += 1
    else:
        _fail(conn, sending, "; ".join(str(e.get("message")) for e in outcome.user_errors)[:1000], outcome.user_errors)
        counts.failed += 1


def _settle(conn: psycopg.Connection, kind: WriteKind, write: Write, outcome: Outcome) -> None:
    assert outcome.result is not None
    with conn.transaction(), conn.cursor() as cur:
        kind.settle(conn, write, outcome.result)
        cur.execute(
            """update ops.shopify_writes
               set state = 'applied', result = %s, request_id = coalesce(%s, request_id),
                   user_errors = null, last_error = null, settled_at = now()
               where write_id = %s""",
            (Jsonb(outcome.result), outcome.request_id, write.write_id),
        )


def _fail(conn: psycopg.Connection, write: Write, reason: str, errors: list[dict[str, Any]] | None = None) -> None:
    with conn.transaction(), conn.cursor() as cur:
        cur.execute(
            """update ops.shopify_writes
               set state = 'failed', last_error = %s, user_errors = %s, settled_at = now()
               where write_id = %s""",
            (reason, Jsonb(errors) if errors else None, write.write_id),
        )


def _note(conn: psycopg.Connection, write: Write, reason: str) -> None:
    with conn.transaction(), conn.cursor() as cur:
        cur.execute("update ops.shopify_writes set last_error = %s where write_id = %s", (reason, write.write_id))


def retry_failed(conn: psycopg.Connection, shop: str, kind: str | None = None) -> int:
    """Put failed writes back to pending (after the cause was fixed); returns how many."""
    with conn.transaction(), conn.cursor() as cur:
        cur.execute(
            """update ops.shopify_writes as w
               set state = 'pending', attempts = 0, settled_at = null
               where w.shop = %s and w.state = 'failed' and (%s::text is null or w.kind = %s)
                 and not exists (  -- a newer write of the same subject is open
                     select 1 from ops.shopify_writes as o
                     where o.shop = w.shop and o.kind = w.kind and o.subject = w.subject
                       and o.state in ('pending', 'sending'))""",
            (shop, kind, kind),
        )
        return cur.rowcount


def failed_writes(conn: psycopg.Connection, shop: str) -> list[tuple[int, str, str, int, str | None]]:
    """The shop's failed writes: id, kind, subject, sends, and Shopify's (or our) reason."""
    with conn.cursor() as cur:
        cur.execute(
            """select write_id, kind, subject, attempts, last_error from ops.shopify_writes
               where shop = %s and state = 'failed' order by write_id""",
            (shop,),
        )
        return cur.fetchall()


def main(argv: list[str] | None = None) -> int:
    """``python -m shopify_elt.reverse.ledger failed|retry <shop> [--kind K]``: list the failed
    writes with their reasons, or put them back to be sent by the next reverse sync."""
    import argparse
    from contextlib import closing

    from shopify_elt.warehouse import WAREHOUSE_CONN_ID, connect

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("action", choices=("failed", "retry"))
    parser.add_argument("shop", help="the shop's domain, e.g. my-shop.myshopify.com")
    parser.add_argument("--kind", help="only writes of this kind (fulfillment_create, order_cancel …)")
    parser.add_argument("--warehouse-conn-id", default=WAREHOUSE_CONN_ID)
    args = parser.parse_args(argv)
    with closing(connect(args.warehouse_conn_id)) as conn:
        if args.action == "retry":
            print(f"{retry_failed(conn, args.shop, args.kind)} failed writes put back to pending")
            return 0
        for write_id, kind, subject, attempts, reason in failed_writes(conn, args.shop):
            if args.kind in (None, kind):
                print(f"{write_id:>8}  {kind:<20} {subject:<32} {attempts} sends  {reason}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
