"""Subscribe a shop's webhooks to the receiver — only when told to go live.

    python -m shopify_elt.webhooks.register --conn-id shopify_default --callback-url https://hooks.example.com/webhooks/shopify
    python -m shopify_elt.webhooks.register --conn-id shopify_default --callback-url https://… --go-live

Without ``--go-live`` it only says what it would do: which of the five topics already deliver
to that address and which it would subscribe. With it, each missing one is created with
``webhookSubscriptionCreate`` (JSON, the connection's API version). Re-running is harmless: topics
already subscribed to the address are left alone, so it is also how a subscription Shopify
deleted (after 8 failed deliveries in a row) comes back. The callback URL may instead be the
connection's extra ``webhook_callback_url``. Going live also means unpausing ``shopify_webhooks``.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from urllib.parse import urlsplit

from shopify_elt.hooks.shopify import ShopifyHook
from shopify_elt.streams import load_document
from shopify_elt.webhooks import TOPICS

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def topic_enum(topic: str) -> str:
    """``orders/create`` → ``ORDERS_CREATE`` (GraphQL's ``WebhookSubscriptionTopic``)."""
    return topic.replace("/", "_").upper()


def check_callback_url(url: str) -> str:
    """Shopify delivers to https only; plain http is accepted for loopback (the simulator, tests)."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return url
    if parts.scheme == "http" and parts.hostname in LOOPBACK:
        return url
    raise ValueError(f"the callback URL must be https://… (http only on loopback), got {url!r}")


@dataclass(frozen=True)
class Subscription:
    topic: str
    status: str  # subscribed (already), missing (dry run), created, failed
    id: str | None = None
    error: str | None = None


def existing(hook: ShopifyHook, callback_url: str) -> dict[str, str]:
    """Topic enum → subscription id of the subscriptions delivering to ``callback_url``."""
    found: dict[str, str] = {}
    document = load_document("webhook_subscriptions")
    for nodes in hook.paginate(document, {"uri": callback_url}, ("webhookSubscriptions",), page_size=100):
        for node in nodes:
            if node.get("uri") == callback_url:
                found[node["topic"]] = node["id"]
    return found


def register(
    hook: ShopifyHook, callback_url: str, *, go_live: bool = False, topics: tuple[str, ...] = TOPICS
) -> list[Subscription]:
    """Subscribe the ``topics`` missing for ``callback_url`` (only with ``go_live``); per topic, what happened."""
    callback_url = check_callback_url(callback_url)
    have = existing(hook, callback_url)
    outcome: list[Subscription] = []
    document = load_document("webhook_subscription_create")
    for topic in topics:
        enum = topic_enum(topic)
        if enum in have:
            outcome.append(Subscription(topic, "subscribed", have[enum]))
            continue
        if not go_live:
            outcome.append(Subscription(topic, "missing"))
            continue
        variables = {"topic": enum, "webhookSubscription": {"uri": callback_url, "format": "JSON"}}
        # Not retried blindly: after a timeout nobody knows whether it was created; a re-run lists first.
        answer = hook.graphql(document, variables, retry_transient=False).data["webhookSubscriptionCreate"]
        errors = answer.get("userErrors") or []
        if errors or not answer.get("webhookSubscription"):
            message = "; ".join(e.get("message", "") for e in errors) or "no subscription returned"
            outcome.append(Subscription(topic, "failed", error=message))
        else:
            outcome.append(Subscription(topic, "created", answer["webhookSubscription"]["id"]))
    return outcome


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shopify_elt.webhooks.register", description=__doc__.split("\n")[0])
    parser.add_argument("--conn-id", default=ShopifyHook.default_conn_name, help="the shop's Shopify connection")
    parser.add_argument("--callback-url", help="https://…/webhooks/shopify (default: the connection's extra)")
    parser.add_argument("--topic", action="append", choices=TOPICS, help="only these topics (repeatable)")
    parser.add_argument("--go-live", action="store_true", help="create the subscriptions (without it: only show)")
    args = parser.parse_args(argv)

    from shopify_elt.webhooks.settings import CALLBACK_EXTRA

    hook = ShopifyHook(args.conn_id)
    url = args.callback_url or hook.get_connection(args.conn_id).extra_dejson.get(CALLBACK_EXTRA)
    if not url:
        parser.error(f"give --callback-url or set the connection's extra {CALLBACK_EXTRA}")
    try:
        outcome = register(hook, url, go_live=args.go_live, topics=tuple(args.topic or TOPICS))
    except ValueError as error:
        parser.error(str(error))
    shop = hook.settings.shop_domain
    for s in outcome:
        detail = s.id or s.error or ("would subscribe (add --go-live)" if s.status == "missing" else "")
        print(f"{shop}  {s.topic:<26}{s.status:<12}{detail}")
    if not args.go_live and any(s.status == "missing" for s in outcome):
        print(f"Nothing was changed. When the receiver answers at {url}, re-run with --go-live.")
    return 1 if any(s.status == "failed" for s in outcome) else 0


if __name__ == "__main__":
    sys.exit(main())
