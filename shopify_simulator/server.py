"""HTTP front door: Shopify's URL, token check and version header, plus the control plane.

``SimulatorServer`` runs the standard-library threading HTTP server on a thread so
tests can start a simulator in-process (``start()`` returns the base URL).
"""

from __future__ import annotations

import json
import re
import sys
import threading
import traceback
import uuid
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from shopify_simulator import control, errors, http_faults, rest
from shopify_simulator.bulk import download as bulk_download
from shopify_simulator.bulk import operations as bulk_operations
from shopify_simulator.clock import SimClock
from shopify_simulator.engine import Engine
from shopify_simulator.rest import RestApi
from shopify_simulator.schema import resolve_version
from shopify_simulator.seed import DEFAULT_SCOPES, SPAN_DAYS, generate
from shopify_simulator.store import Store
from shopify_simulator.throttle import Buckets
from shopify_simulator.webhooks import WebhookSettings, WebhookWorker

GRAPHQL_PATH = re.compile(r"^/admin/api/(?P<version>[^/]+)/graphql\.json$")
MAX_BODY = 10 * 1024 * 1024


class Handler(BaseHTTPRequestHandler):
    server: SimulatorHTTPServer
    protocol_version = "HTTP/1.1"
    # An answer leaves as two writes (headers, then body). With Nagle's algorithm the body waits
    # for the ACK of the headers, which the client delays by up to 40 ms: every keep-alive
    # request took 40 ms more than Shopify would (measured: fulfillments pushed 10/s).
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        if self.server.verbose:
            super().log_message(format, *args)

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(min(length, MAX_BODY)) if length else b""

    def _send(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload, separators=(",", ":")).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        headers = {"X-Request-Id": str(uuid.uuid4()), **(headers or {})}  # as on every Shopify answer
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        self._dispatch("GET")

    def do_POST(self) -> None:  # noqa: N802 - stdlib naming
        self._dispatch("POST")

    def do_DELETE(self) -> None:  # noqa: N802 - stdlib naming
        self._dispatch("DELETE")

    def _dispatch(self, method: str) -> None:
        body = self._body() if method in ("POST", "DELETE") else b""
        if self.path.startswith("/_simulator/"):
            self.server.engine.stats.incr("calls.control")
            self._send(*control.handle(self.server.engine, method, self.path, body))
            return
        if method == "GET" and self.path.startswith("/_bulk/"):  # signed bulk result links, no token
            self.server.engine.stats.incr("calls.bulkDownload")
            bulk_download.serve(self, bulk_operations(self.server.engine.store))
            return
        path, _, query = self.path.partition("?")
        match = GRAPHQL_PATH.match(path)
        rest_match = rest.PATH.match(path) if match is None else None
        if match is None and rest_match is None:
            self._send(404, {"errors": "Not Found"})
            return
        requested = (match or rest_match)["version"]  # None only for the unversioned oauth/access_scopes
        version = resolve_version(requested) if requested is not None else None
        headers = {"X-Shopify-API-Version": version} if version is not None else {}
        if http_faults.intercept(self, self.server.engine.store.faults, headers):
            return
        token = self.headers.get("X-Shopify-Access-Token", "")
        if token != self.server.token:
            self._send(401, errors.UNAUTHORIZED, headers)
            return
        if rest_match is not None:
            self._serve_rest(method, rest_match, query, body, token, headers)
            return
        if method != "POST":
            self._send(400, errors.BAD_BODY, headers)
            return
        try:
            status, payload = self.server.engine.handle(version, token, body)
        except Exception as exc:  # a simulator bug must still answer like Shopify's 500
            traceback.print_exception(exc, file=sys.stderr)
            status, payload = 500, {"errors": "Internal Server Error"}
        self._send(status, payload, headers)

    def _serve_rest(
        self, method: str, match: re.Match[str], query: str, body: bytes, token: str, headers: dict[str, str]
    ) -> None:
        """REST Admin API (``shopify_simulator.rest``); its Link URLs use the host the client called."""
        self.server.engine.stats.incr("calls.rest")
        host = self.headers.get("Host") or "{}:{}".format(*self.server.server_address[:2])
        base = f"http://{host}/admin/api/{headers.get('X-Shopify-API-Version', '')}"
        resource = match["resource"] or match["oauth"]
        status, payload, extra = self.server.engine.rest.handle(method, resource, query, body, token, base)
        self._send(status, payload, {**headers, **extra})


class SimulatorHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # idle keep-alive connections must not hold up shutdown

    def __init__(self, address: tuple[str, int], engine: Engine, token: str, verbose: bool = False) -> None:
        super().__init__(address, Handler)
        self.engine, self.token, self.verbose = engine, token, verbose


class SimulatorServer:
    """A seeded simulator on a background thread (for tests and the CLI)."""

    def __init__(
        self,
        *,
        port: int = 0,
        host: str = "127.0.0.1",
        seed: int = 1,
        orders: int = 50,
        plan: str = "standard",
        token: str = "shpat_simulator",
        shop: str = "sim-store.myshopify.com",
        scopes: tuple[str, ...] = DEFAULT_SCOPES,
        store: Store | None = None,
        clock: Callable[[], float] | None = None,
        bucket: tuple[int, int] | None = None,
        throttled_status: int = 200,
        verbose: bool = False,
        clock_speed: float = 1.0,
        webhooks: WebhookSettings | None = None,
        products: int | None = None,
        customers: int | None = None,
        locations: int = 3,
        history_days: int = SPAN_DAYS,
    ) -> None:
        # One simulated clock for stamps, buckets and webhook retries; an injected `clock`
        # (unit tests) drives the buckets only, as before.
        self.clock = SimClock(clock_speed)
        self.store = store or generate(
            seed, orders, shop_domain=shop, plan=plan, scopes=scopes,
            products=products, customers=customers, locations=locations, history_days=history_days,
        )  # fmt: skip
        if store is None:
            self.store.clock = self.clock
        buckets = Buckets(plan, clock or self.clock, bucket)
        self.engine = Engine(self.store, buckets, throttled_status)
        self.httpd = SimulatorHTTPServer((host, port), self.engine, token, verbose)
        bulk_operations(self.store).base_url = self.url  # bulk result links point back here
        self.engine.clock = self.clock  # the control plane steers it (POST /_simulator/clock)
        self.engine.rest = RestApi(self.store, plan, clock or self.clock)  # REST routes, own call-limit bucket
        self.webhooks = WebhookWorker(self.store, self.clock, self.engine.stats, webhooks or WebhookSettings(seed=seed))
        self.engine.webhooks = self.webhooks  # GET /_simulator/webhooks
        self.plan, self.orders, self.shop = plan, orders, shop
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self.httpd.server_address[1]

    @property
    def url(self) -> str:
        return f"http://{self.httpd.server_address[0]}:{self.port}"

    def start(self) -> str:
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="shopify-simulator", daemon=True
        )
        self._thread.start()
        self.webhooks.start()
        return self.url

    def stop(self) -> None:
        self.webhooks.stop()
        self.httpd.shutdown()
        self.httpd.server_close()
        bulk_operations(self.store).close()
        if self._thread is not None:
            self._thread.join(timeout=5)
