"""``python -m shopify_simulator``: serve a seeded fake shop until SIGTERM/SIGINT."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import threading
from pathlib import Path

from shopify_simulator.seed import DEFAULT_SCOPES
from shopify_simulator.server import SimulatorServer
from shopify_simulator.throttle import PLANS
from shopify_simulator.webhooks import DEFAULT_SECRET, WebhookSettings


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m shopify_simulator", description=__doc__)
    parser.add_argument("--port", type=int, default=8787, help="0 picks a free port")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--orders", type=int, default=50, help="generated on demand; 1000000 builds in about a minute")
    parser.add_argument("--products", type=int, help="default min(max(5, orders // 5), 5000); each has 1-3 variants")
    parser.add_argument("--customers", type=int, help="default min(max(1, orders // 3), 25000)")
    parser.add_argument("--locations", type=int, default=3, help="the last one is inactive when there are two or more")
    parser.add_argument(
        "--history-days", type=int, default=90, help="orders are processed over this many days before now"
    )
    parser.add_argument("--plan", choices=sorted(PLANS), default="standard")
    parser.add_argument("--token", required=True, help="the only accepted X-Shopify-Access-Token")
    parser.add_argument("--shop", default="sim-store.myshopify.com", help="myshopifyDomain")
    parser.add_argument("--scopes", default=",".join(DEFAULT_SCOPES), help="comma-separated access scopes")
    parser.add_argument("--port-file", type=Path, help="write the bound port here once listening")
    parser.add_argument("--throttled-status", type=int, default=200, choices=(200, 429))
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    parser.add_argument(
        "--clock-speed", type=float, default=1.0, help="simulated seconds per real second (buckets, stamps, retries)"
    )
    parser.add_argument(
        "--webhook-secret", default=DEFAULT_SECRET, help=f"app secret signing X-Shopify-Hmac-Sha256 ({DEFAULT_SECRET})"
    )
    parser.add_argument("--webhook-duplicate-rate", type=float, default=0.0, help="share of deliveries sent twice")
    parser.add_argument("--webhook-reorder-rate", type=float, default=0.0, help="share of deliveries held back")
    parser.add_argument(
        "--webhook-allow-http",
        action="store_true",
        help="accept http:// webhook addresses on any host, not just loopback",
    )
    return parser.parse_args(argv)


def write_atomically(path: Path, text: str) -> None:
    """Readers never see a half-written port file."""
    fd, tmp = tempfile.mkstemp(dir=path.parent or Path("."), prefix=f".{path.name}.")
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    os.replace(tmp, path)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    scopes = tuple(s.strip() for s in args.scopes.split(",") if s.strip())
    server = SimulatorServer(
        port=args.port, host=args.host, seed=args.seed, orders=args.orders, plan=args.plan,
        token=args.token, shop=args.shop, scopes=scopes, throttled_status=args.throttled_status,
        verbose=args.verbose, clock_speed=args.clock_speed,
        products=args.products, customers=args.customers, locations=args.locations,
        history_days=args.history_days,
        webhooks=WebhookSettings(
            secret=args.webhook_secret, duplicate_rate=args.webhook_duplicate_rate,
            reorder_rate=args.webhook_reorder_rate, seed=args.seed, allow_http=args.webhook_allow_http,
        ),
    )  # fmt: skip
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    url = server.start()
    if args.port_file:
        write_atomically(args.port_file, f"{server.port}\n")
    print(
        f"shopify-simulator listening on {url} (shop {args.shop}, plan {args.plan}, orders {args.orders})",
        flush=True,
    )
    while not stop.wait(0.2):  # short waits keep the main thread responsive to signals
        pass
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
