"""Webhook receiver benchmark (run by hand, not a test): signed deliveries on loopback, zero loss.

    .venv/bin/python bench/webhooks.py --deliveries 20000 --concurrency 32 [--restart]

Starts the receiver (``python -m shopify_elt.webhooks.receiver``, uvicorn) as its own process on
a fresh PostgreSQL database and sends it N distinct, signed, order-sized deliveries from
``--concurrency`` keep-alive connections, re-sending a share of them as Shopify's duplicates do.
Like Shopify, a sender retries a delivery that got no 2xx (a refused connection, a 5xx). With
``--restart`` the receiver is killed (SIGKILL) half-way and started again, under load. Prints
deliveries/s held, request latency, and the proof of zero loss: every distinct delivery stored
exactly once, every duplicate counted, nothing acknowledged that is not stored. Figures are
appended to ``bench/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import hmac
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import requests

ROOT = Path(__file__).resolve().parents[1]
SERVER = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
DATABASE = "shopify_elt_bench_webhooks"
SHOP = "bench-webhooks.myshopify.com"
PATH = "/webhooks/shopify"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ReceiverProcess:
    """The receiver under uvicorn as a child process, on a fixed port so it can be restarted."""

    def __init__(self, dsn: str, secret: str, port: int | None = None, extra: list[str] | None = None) -> None:
        self.dsn, self.secret, self.extra = dsn, secret, extra or []
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None
        self.log_path = Path(tempfile.mkstemp(prefix="webhook-receiver-", suffix=".log")[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{PATH}"

    def start(self, timeout: float = 30) -> ReceiverProcess:
        command = [
            sys.executable, "-m", "shopify_elt.webhooks.receiver",
            "--port", str(self.port), "--dsn", self.dsn, *self.extra,
        ]  # fmt: skip
        env = {**os.environ, "SHOPIFY_WEBHOOK_SECRET": self.secret, "PYTHONPATH": str(ROOT / "plugins")}
        with self.log_path.open("a") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"receiver exited ({self.process.returncode}):\n{self.log()[-3000:]}")
            try:
                if requests.get(f"http://127.0.0.1:{self.port}/healthz", timeout=1).ok:
                    return self
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"receiver did not answer within {timeout}s:\n{self.log()[-3000:]}")
            time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL: a crash, with requests in flight."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def __enter__(self) -> ReceiverProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
        self.log_path.unlink(missing_ok=True)


def order_body(n: int) -> bytes:
    """About the size of a small ``orders/updated`` payload (~2 KB)."""
    order_id = 820_982_911_946_154_508 + n
    lines = [
        {"id": order_id * 10 + k, "sku": f"SKU-{k:04d}", "quantity": 1 + k % 3, "price": "19.99", "title": "Item"}
        for k in range(6)
    ]
    payload = {
        "id": order_id,
        "admin_graphql_api_id": f"gid://shopify/Order/{order_id}",
        "name": f"#{1000 + n}",
        "email": f"buyer{n}@example.com",
        "updated_at": "2026-07-01T12:00:00-04:00",
        "financial_status": "paid",
        "total_price": "119.94",
        "line_items": lines,
        "note": "x" * 800,
    }
    return json.dumps(payload, separators=(",", ":")).encode()


@dataclass
class Delivery:
    webhook_id: str
    body: bytes
    headers: bytes


def deliveries(secret: str, count: int, shop: str = SHOP, topic: str = "orders/updated") -> list[Delivery]:
    """``count`` distinct signed deliveries, with Shopify's headers."""
    made = []
    for n in range(count):
        body = order_body(n)
        webhook_id = str(uuid.uuid4())
        signature = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()
        head = (
            f"Content-Type: application/json\r\nX-Shopify-Topic: {topic}\r\nX-Shopify-Hmac-Sha256: {signature}\r\n"
            f"X-Shopify-Shop-Domain: {shop}\r\nX-Shopify-API-Version: 2026-07\r\nX-Shopify-Webhook-Id: {webhook_id}\r\n"
            f"X-Shopify-Event-Id: {uuid.uuid4()}\r\nX-Shopify-Triggered-At: 2026-07-01T16:00:00.123456789Z\r\n"
            f"Content-Length: {len(body)}\r\n"
        )
        made.append(Delivery(webhook_id, body, head.encode()))
    return made


@dataclass
class LoadResult:
    sent: int = 0  # requests, duplicates and retries included
    acknowledged: set[str] = field(default_factory=set)  # webhook ids answered 2xx at least once
    acks: int = 0  # 2xx answers (a duplicate acknowledged again counts again)
    statuses: dict[int, int] = field(default_factory=dict)
    connection_errors: int = 0
    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0


async def _load(
    port: int,
    items: list[Delivery],
    concurrency: int,
    duplicate_rate: float,
    seed: int,
    on_ack: Callable[[int], None] | None,
    retry_delay: float,
    deadline: float,
) -> LoadResult:
    result = LoadResult()
    rng = random.Random(seed)
    queue: asyncio.Queue[tuple[Delivery, bool]] = asyncio.Queue()
    for item in items:
        queue.put_nowait((item, False))
    outstanding = [len(items)]  # first sends (and their duplicates) not yet acknowledged
    done = asyncio.Event()

    async def worker() -> None:
        reader = writer = None
        while not done.is_set():
            try:
                item, duplicate = await asyncio.wait_for(queue.get(), 0.05)
            except TimeoutError:
                continue
            status = None
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                started = time.perf_counter()
                writer.write(b"POST " + PATH.encode() + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n" + item.headers + b"\r\n")
                writer.write(item.body)
                result.sent += 1
                status_line = await reader.readline()
                if not status_line:
                    raise ConnectionError("closed")
                status = int(status_line.split()[1])
                length = 0
                while (line := await reader.readline()) not in (b"\r\n", b""):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                if length:
                    await reader.readexactly(length)
                result.latencies.append(time.perf_counter() - started)
            except (OSError, ConnectionError, asyncio.IncompleteReadError, ValueError, IndexError):
                result.connection_errors += 1
                if writer is not None:
                    writer.close()
                reader = writer = None
            if status is not None:
                result.statuses[status] = result.statuses.get(status, 0) + 1
            if status is not None and 200 <= status < 300:
                result.acks += 1
                if not duplicate:
                    result.acknowledged.add(item.webhook_id)
                    if rng.random() < duplicate_rate:  # Shopify sends some deliveries twice
                        outstanding[0] += 1
                        queue.put_nowait((item, True))
                outstanding[0] -= 1
                if on_ack is not None:
                    on_ack(len(result.acknowledged))
                if outstanding[0] == 0:
                    done.set()
            else:  # like Shopify: the same delivery again, after a pause
                if time.monotonic() > deadline:
                    done.set()
                    break
                await asyncio.sleep(retry_delay)
                queue.put_nowait((item, duplicate))
        if writer is not None:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    result.seconds = time.perf_counter() - started
    return result


def send_load(
    port: int,
    items: list[Delivery],
    *,
    concurrency: int = 16,
    duplicate_rate: float = 0.1,
    seed: int = 1,
    on_ack: Callable[[int], None] | None = None,
    retry_delay: float = 0.05,
    timeout: float = 120,
) -> LoadResult:
    """Send every delivery until acknowledged (retrying like Shopify), some twice; blocking."""
    deadline = time.monotonic() + timeout
    return asyncio.run(_load(port, items, concurrency, duplicate_rate, seed, on_ack, retry_delay, deadline))


def stored(dsn: str, shop: str) -> tuple[int, int]:
    """(distinct deliveries stored, deliveries counted including duplicates) for ``shop``."""
    with psycopg.connect(dsn) as conn:
        row = conn.execute(
            "select count(*), coalesce(sum(deliveries), 0) from ops.webhook_inbox where shop = %s", (shop,)
        ).fetchone()
    return int(row[0]), int(row[1])


class RestartHalfWay:
    """``on_ack`` for ``send_load``: once half the deliveries are acknowledged, kills the receiver
    (SIGKILL) and starts it again, on a thread, so the senders keep sending into the outage."""

    def __init__(self, receiver: ReceiverProcess, total: int) -> None:
        self.receiver, self.total = receiver, total
        self.thread = threading.Thread(target=self._restart, daemon=True)
        self.downtime: float | None = None

    def on_ack(self, acknowledged: int) -> None:
        if acknowledged >= self.total // 2 and self.thread.ident is None:
            self.thread.start()

    def _restart(self) -> None:
        started = time.monotonic()
        self.receiver.kill()
        self.receiver.start()
        self.downtime = time.monotonic() - started

    def wait(self) -> float | None:
        """The seconds the receiver was down (None: it never was)."""
        if self.thread.ident is not None:
            self.thread.join()
        return self.downtime


def main() -> int:
    sys.path[:0] = [str(ROOT), str(ROOT / "plugins")]
    os.environ.setdefault("AIRFLOW_HOME", f"/tmp/shopify-elt-bench-{os.getpid()}")
    from bench.figures import print_figures, record

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--deliveries", type=int, default=20_000)
    parser.add_argument("--concurrency", type=int, default=32, help="keep-alive connections sending at once")
    parser.add_argument("--duplicate-rate", type=float, default=0.05)
    parser.add_argument("--pool-size", type=int, default=4, help="the receiver's database connections")
    parser.add_argument("--restart", action="store_true", help="kill -9 and restart the receiver half-way")
    parser.add_argument("--no-record", action="store_true", help="do not append to bench/RESULTS.md")
    args = parser.parse_args()

    with psycopg.connect(SERVER, autocommit=True) as admin:
        admin.execute(f"drop database if exists {DATABASE} with (force)")
        admin.execute(f"create database {DATABASE}")
    dsn = SERVER.rsplit("/", 1)[0] + f"/{DATABASE}"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("create schema if not exists ops")
        conn.execute((ROOT / "include" / "sql" / "ddl" / "050_webhooks.sql").read_text())
    secret = "shpss_bench_" + uuid.uuid4().hex
    items = deliveries(secret, args.deliveries)
    with ReceiverProcess(dsn, secret, extra=["--pool-size", str(args.pool_size)]) as receiver:
        restart = RestartHalfWay(receiver, len(items)) if args.restart else None
        print(f"sending {len(items)} deliveries over {args.concurrency} connections …", flush=True)
        load = send_load(
            receiver.port,
            items,
            concurrency=args.concurrency,
            duplicate_rate=args.duplicate_rate,
            on_ack=restart.on_ack if restart else None,
        )
        downtime = restart.wait() if restart else None
        distinct, counted = stored(dsn, SHOP)
    with psycopg.connect(SERVER, autocommit=True) as admin:
        admin.execute(f"drop database if exists {DATABASE} with (force)")

    latencies = sorted(load.latencies)

    def percentile(p: float) -> float:
        return round(1000 * latencies[min(len(latencies) - 1, int(p * len(latencies)))], 1) if latencies else 0.0

    lost = len(items) - distinct
    per_second = round(len(load.acknowledged) / load.seconds)
    figures = [
        ("distinct deliveries acknowledged", f"{len(load.acknowledged)} of {len(items)}", len(items), None),
        ("deliveries/s held (distinct, acknowledged)", per_second, None, None),
        ("requests/s (duplicates and retries included)", round(load.sent / load.seconds), None, None),
        ("wall time, s", round(load.seconds, 2), None, None),
        ("latency p50 / p99 / max, ms", f"{percentile(0.5)} / {percentile(0.99)} / {percentile(1.0)}", 5000, None),
        ("distinct deliveries stored", distinct, len(items), round(distinct / len(items), 4)),
        ("lost (acknowledged or sent, not stored; goal 0)", lost, 0, None),
        ("stored twice (goal 0: one row per webhook id)", "0 (primary key)", 0, None),
        ("duplicates in the inbox / sends acked again", f"{counted - distinct} / {load.acks - distinct}", None, None),
        ("answers by status", json.dumps(dict(sorted(load.statuses.items()))), None, None),
        ("refused or cut connections (retried)", load.connection_errors, None, None),
        ("receiver database connections", args.pool_size, None, None),
    ]
    if downtime is not None:
        figures.append(("receiver down (kill -9 → answering again), s", round(downtime, 2), None, None))
    title = f"Webhook receiver on loopback: {len(items)} deliveries, {args.concurrency} connections"
    print_figures(title + (", restarted half-way" if args.restart else ""), figures)
    if not args.no_record:
        flags = " --restart" if args.restart else ""
        record(f"webhooks --deliveries {args.deliveries} --concurrency {args.concurrency}{flags}", figures)
    return 0 if lost == 0 and len(load.acknowledged) == len(items) and counted >= load.acks else 1


if __name__ == "__main__":
    raise SystemExit(main())
