"""The webhook receiver: ``POST /webhooks/shopify`` → verified → one row of ``ops.webhook_inbox``.

    SHOPIFY_WEBHOOK_SECRET=… python -m shopify_elt.webhooks.receiver --port 8000 [--conn-id shopify_default …]

What it answers, and why (Shopify's rules: ../shared/SHOPIFY_API_NOTES.md §4):

* **401**, nothing stored, when ``X-Shopify-Hmac-Sha256`` is not the base64 HMAC-SHA256 of the raw
  body under one of the app's secrets (compared with ``hmac.compare_digest``: constant time). The
  rejection is logged with the shop, topic and webhook id it claimed — never the payload, which
  an attacker chose, nor the secret.
* **400** for a signed request without the headers a delivery must carry (topic, shop, webhook
  id) or whose body is not UTF-8 text: storing it could never help, and Shopify's retries would
  not change it. **413** above ``--max-body-mb``.
* **200** once the row is committed: ``insert … on conflict (shop, webhook_id)`` counts a retry or
  a duplicate send in ``deliveries`` instead of storing it twice.
* **503** when the row cannot be committed within ``--db-timeout`` (database down, pool
  exhausted): Shopify retries (8 times over 4 hours), so a delivery is never acknowledged
  unstored. A request cut off after its commit (a crash) is retried by Shopify and counted as a
  duplicate.

Nothing else happens here — no parsing, no API call — so answers come in milliseconds, far inside
Shopify's 5 s, and the receiver stays up whatever the rest of the pipeline does. A few pooled
connections suffice: each request holds one for a single-row insert.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import hmac
import logging
import re
from collections.abc import Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

import psycopg
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from shopify_elt.webhooks import WEBHOOK_PATH
from shopify_elt.webhooks.settings import Secrets, load_secrets, warehouse_conninfo

log = logging.getLogger("shopify_elt.webhooks.receiver")

INSERT = """
insert into ops.webhook_inbox (shop, webhook_id, topic, event_id, api_version, triggered_at, body)
values (%s, %s, %s, %s, %s, %s, %s)
on conflict (shop, webhook_id) do update
set deliveries = ops.webhook_inbox.deliveries + 1, last_received_at = clock_timestamp()
returning (xmax = 0) as inserted
"""
DB_TIMEOUT = 3.0
"""Seconds to commit a row before answering 503: Shopify gives up on the request after 5."""
MAX_BODY = 16 * 1024 * 1024
_TRIGGERED_AT = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:?\d\d)?$")


def signature(secret: bytes, body: bytes) -> bytes:
    """``X-Shopify-Hmac-Sha256``: base64 of HMAC-SHA256(secret, raw body)."""
    return base64.b64encode(hmac.new(secret, body, hashlib.sha256).digest())


def verify(body: bytes, header: str | None, secrets: Sequence[bytes]) -> bool:
    """Whether ``header`` signs ``body`` under one of ``secrets`` (constant time per secret).

    An empty body or a missing header fails, as in Shopify's own library."""
    if not header or not body or not secrets:
        return False
    given = header.strip().encode("utf-8", "replace")
    return any(hmac.compare_digest(signature(secret, body), given) for secret in secrets)


def parse_triggered_at(value: str | None) -> datetime | None:
    """``2023-03-29T18:00:27.877041743Z`` (nanoseconds) → datetime; None when absent or malformed,
    so an odd header can never make the insert fail (and Shopify retry forever)."""
    match = _TRIGGERED_AT.match((value or "").strip())
    if match is None:
        return None
    seconds, fraction, zone = match.groups()
    zone = "+00:00" if zone in (None, "Z") else zone
    try:
        return datetime.fromisoformat(f"{seconds}.{(fraction or '0')[:6]:0<6}{zone}").astimezone(UTC)
    except ValueError:
        return None


@dataclass(frozen=True)
class Delivery:
    """One verified delivery, as the inbox stores it (the shop lower-cased, the body as received)."""

    shop: str
    webhook_id: str
    topic: str
    event_id: str | None
    api_version: str | None
    triggered_at: datetime | None
    body: str

    def params(self) -> tuple[object, ...]:
        """The values of ``INSERT``, in its column order."""
        return (self.shop, self.webhook_id, self.topic, self.event_id, self.api_version, self.triggered_at, self.body)


class Inbox(Protocol):
    async def store(self, delivery: Delivery) -> bool:
        """Commit the delivery; True when new, False when its webhook id was already stored."""

    async def close(self) -> None: ...


class PostgresInbox:
    """``ops.webhook_inbox`` through a small pool of autocommit connections.

    A connection that failed, or whose request was cancelled by the timeout, is closed rather
    than reused: its state is unknown. A failure on a reused idle connection is retried once on
    a fresh one, so a database restart costs no 503 once it is back.
    """

    def __init__(self, conninfo: str, size: int = 4, connect_timeout: int = 2) -> None:
        self._conninfo, self._connect_timeout = conninfo, connect_timeout
        self._idle: list[psycopg.AsyncConnection] = []
        self._slots = asyncio.Semaphore(size)

    async def store(self, delivery: Delivery) -> bool:
        async with self._slots:
            for attempt in (1, 2):
                reused = bool(self._idle)
                conn = self._idle.pop() if reused else await self._connect()
                try:
                    cursor = await conn.execute(INSERT, delivery.params(), prepare=True)
                    row = await cursor.fetchone()
                except psycopg.OperationalError:
                    await _discard(conn)
                    if reused and attempt == 1:
                        continue
                    raise
                except BaseException:
                    await _discard(conn)
                    raise
                self._idle.append(conn)
                return bool(row and row[0])
        raise AssertionError("unreachable")

    async def _connect(self) -> psycopg.AsyncConnection:
        return await psycopg.AsyncConnection.connect(
            self._conninfo, autocommit=True, connect_timeout=self._connect_timeout, application_name="webhook-receiver"
        )

    async def close(self) -> None:
        while self._idle:
            await _discard(self._idle.pop())


async def _discard(conn: psycopg.AsyncConnection) -> None:
    try:
        await conn.close()
    except Exception:  # closing a broken connection may fail too; it is gone either way
        pass


def _shown(value: str | None) -> str:
    """A header value as logs show it: attacker-chosen, so quoted and cut short."""
    return repr((value or "")[:120])


def create_app(
    secrets: Secrets,
    inbox: Inbox,
    *,
    path: str = WEBHOOK_PATH,
    db_timeout: float = DB_TIMEOUT,
    max_body: int = MAX_BODY,
) -> Starlette:
    """The ASGI app: ``POST <path>`` (deliveries) and ``GET /healthz`` (liveness, no database)."""

    async def receive(request: Request) -> Response:
        headers = request.headers  # case-insensitive, as HTTP/2 lowercases them
        shop = headers.get("x-shopify-shop-domain", "").strip().lower()
        topic = headers.get("x-shopify-topic", "").strip()
        webhook_id = headers.get("x-shopify-webhook-id", "").strip()
        claimed = f"shop={_shown(shop)} topic={_shown(topic)} webhook_id={_shown(webhook_id)}"
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_body:
            log.warning("webhook refused (413, body of %s bytes): %s", declared, claimed)
            return Response(status_code=413)
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > max_body:
                log.warning("webhook refused (413, body above %d bytes): %s", max_body, claimed)
                return Response(status_code=413)
        raw = bytes(body)
        if not verify(raw, headers.get("x-shopify-hmac-sha256"), secrets.for_shop(shop)):
            reason = "no signature" if not headers.get("x-shopify-hmac-sha256") else "bad signature"
            log.warning("webhook rejected (401, %s): %s", reason, claimed)
            return Response(status_code=401)
        missing = [name for name, value in (("topic", topic), ("shop", shop), ("webhook id", webhook_id)) if not value]
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        if missing or text is None or "\x00" in text:
            problem = f"missing {', '.join(missing)}" if missing else "body is not UTF-8 text"
            log.warning("webhook refused (400, %s): %s", problem, claimed)
            return Response(status_code=400)
        delivery = Delivery(
            shop=shop,
            webhook_id=webhook_id,
            topic=topic,
            event_id=headers.get("x-shopify-event-id") or None,
            api_version=headers.get("x-shopify-api-version") or None,
            triggered_at=parse_triggered_at(headers.get("x-shopify-triggered-at")),
            body=text,
        )
        try:
            new = await asyncio.wait_for(inbox.store(delivery), db_timeout)
        except Exception as error:  # TimeoutError included: Shopify retries a 5xx
            log.error("webhook not stored (503, %s: %s): %s", type(error).__name__, str(error)[:200], claimed)
            return Response(status_code=503)
        log.debug("webhook %s: %s", "stored" if new else "duplicate", claimed)
        return Response(status_code=200)

    async def healthz(_: Request) -> Response:
        return JSONResponse({"status": "ok"})

    @asynccontextmanager
    async def lifespan(_: Starlette):
        yield
        await inbox.close()

    return Starlette(
        routes=[Route(path, receive, methods=["POST"]), Route("/healthz", healthz, methods=["GET"])],
        lifespan=lifespan,
    )


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m shopify_elt.webhooks.receiver", description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1", help="0.0.0.0 behind a reverse proxy terminating TLS")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument(
        "--conn-id",
        action="append",
        default=[],
        help="a shop's Shopify connection whose extra webhook_secret signs its deliveries (repeatable); "
        "SHOPIFY_WEBHOOK_SECRET signs every shop's",
    )
    parser.add_argument("--dsn", help="warehouse URI; default SHOPIFY_WEBHOOK_DATABASE_URL, else the connection")
    parser.add_argument("--warehouse-conn-id", default="warehouse_default")
    parser.add_argument("--pool-size", type=int, default=4, help="database connections")
    parser.add_argument("--db-timeout", type=float, default=DB_TIMEOUT, help="seconds to store before answering 503")
    parser.add_argument("--max-body-mb", type=float, default=MAX_BODY / 2**20)
    parser.add_argument("--path", default=WEBHOOK_PATH)
    parser.add_argument("--access-log", action="store_true", help="log every request line (never bodies)")
    parser.add_argument("--log-level", default="info")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    import uvicorn

    args = parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    secrets = load_secrets(args.conn_id)
    if not secrets:
        raise SystemExit("no webhook secret: set SHOPIFY_WEBHOOK_SECRET or give --conn-id with extra webhook_secret")
    inbox = PostgresInbox(warehouse_conninfo(args.dsn, args.warehouse_conn_id), size=args.pool_size)
    app = create_app(secrets, inbox, path=args.path, db_timeout=args.db_timeout, max_body=int(args.max_body_mb * 2**20))
    log.info("webhook receiver on http://%s:%d%s", args.host, args.port, args.path)
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        log_config=None,
        log_level=args.log_level,
        access_log=args.access_log,
        timeout_graceful_shutdown=5,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
