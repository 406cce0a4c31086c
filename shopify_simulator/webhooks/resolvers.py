"""GraphQL roots of webhook subscriptions: create / update / delete, one, many, count.

Shapes follow ``webhook-subscription-conformance.2026-04.json``: ``filter`` stays ``null``
when not sent and ``""`` when sent empty, ``endpoint`` is a ``WebhookHttpEndpoint`` with
``callbackUrl``, user errors are plain ``UserError`` (field, message).
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLResolveInfo

from shopify_simulator.formatting import gid, parse_gid
from shopify_simulator.pagination import paginate_list
from shopify_simulator.schema import version_of
from shopify_simulator.store import Store
from shopify_simulator.webhooks import subscriptions as subs
from shopify_simulator.webhooks.subscriptions import Subscription

Info = GraphQLResolveInfo
ALLOW_HTTP_ATTRIBUTE = "webhook_allow_http"  # set on the store by the server (--webhook-allow-http)


def _store(info: Info) -> Store:
    return info.context.store


def _uri(spec: dict[str, Any]) -> str | None:
    return spec.get("uri") if spec.get("uri") is not None else spec.get("callbackUrl")


def _validate(store: Store, spec: dict[str, Any], topic: str, own_id: int | None) -> list[dict[str, Any]]:
    uri = _uri(spec)
    errors = subs.uri_errors(uri, bool(getattr(store, ALLOW_HTTP_ATTRIBUTE, False)))
    if subs.filter_terms(spec.get("filter")) is None:
        errors.append({"field": ["webhookSubscription"], "message": subs.BAD_FILTER})
    taken = any(s.topic == topic and s.uri == uri and s.id != own_id for s in store.webhook_subscriptions.values())
    if not errors and taken:
        errors.append({"field": ["webhookSubscription", "callbackUrl"], "message": subs.TAKEN})
    return errors


def create(_root: Any, info: Info, topic: str, webhookSubscription: dict[str, Any]) -> dict[str, Any]:
    store, spec = _store(info), webhookSubscription
    with store.lock:
        errors = _validate(store, spec, topic, None)
        if errors:
            return {"webhookSubscription": None, "userErrors": errors}
        now = store.now()
        record = Subscription(
            id=store.next_id(),
            topic=topic,
            uri=_uri(spec) or "",
            format=spec.get("format") or "JSON",
            include_fields=list(spec.get("includeFields") or []),
            metafield_namespaces=list(spec.get("metafieldNamespaces") or []),
            filter=spec.get("filter"),
            name=spec.get("name"),
            api_version=version_of(info.schema),  # deliveries use the version that subscribed
            created_at=now,
            updated_at=now,
            metafields=list(spec.get("metafields") or []),
        )
        store.webhook_subscriptions[record.id] = record
        return {"webhookSubscription": record, "userErrors": []}


def update(_root: Any, info: Info, id: str, webhookSubscription: dict[str, Any]) -> dict[str, Any]:
    store, spec = _store(info), webhookSubscription
    with store.lock:
        record = store.webhook_subscriptions.get(parse_gid(id, "WebhookSubscription") or -1)
        if record is None:
            return {"webhookSubscription": None, "userErrors": [{"field": ["id"], "message": subs.NOT_FOUND}]}
        merged = {"uri": record.uri, "filter": record.filter, **{k: v for k, v in spec.items() if k != "callbackUrl"}}
        if spec.get("callbackUrl") is not None and spec.get("uri") is None:
            merged["uri"] = spec["callbackUrl"]
        errors = _validate(store, merged, record.topic, record.id)
        if errors:
            return {"webhookSubscription": None, "userErrors": errors}
        record.uri = merged["uri"]
        record.filter = merged.get("filter")
        if "format" in spec and spec["format"]:
            record.format = spec["format"]
        for key, attribute in (("includeFields", "include_fields"), ("metafieldNamespaces", "metafield_namespaces")):
            if key in spec and spec[key] is not None:
                setattr(record, attribute, list(spec[key]))
        if "name" in spec:
            record.name = spec["name"]
        # Real capture: updatedAt moved only when the update changed something the store keeps.
        record.updated_at = store.now()
        return {"webhookSubscription": record, "userErrors": []}


def delete(_root: Any, info: Info, id: str) -> dict[str, Any]:
    store = _store(info)
    with store.lock:
        number = parse_gid(id, "WebhookSubscription")
        if number is None or store.webhook_subscriptions.pop(number, None) is None:
            return {"deletedWebhookSubscriptionId": None, "userErrors": [{"field": ["id"], "message": subs.NOT_FOUND}]}
        return {"deletedWebhookSubscriptionId": gid("WebhookSubscription", number), "userErrors": []}


def _listed(info: Info, args: dict[str, Any]) -> list[Subscription]:
    uri = args.get("uri") or args.get("callbackUrl")
    topics, fmt = args.get("topics"), args.get("format")
    return [
        s
        for s in _store(info).webhook_subscriptions.values()
        if (uri is None or s.uri == uri) and (not topics or s.topic in topics) and (fmt is None or s.format == fmt)
    ]


def many(_root: Any, info: Info, **args: Any) -> dict[str, Any]:
    key = (lambda s: s.id) if args.get("sortKey") == "ID" else (lambda s: s.created_at)
    return paginate_list(_listed(info, args), key, args)


def one(_root: Any, info: Info, id: str, **_: Any) -> Subscription | None:
    number = parse_gid(id, "WebhookSubscription")
    return None if number is None else _store(info).webhook_subscriptions.get(number)


def count(_root: Any, info: Info, limit: int | None = 10000, **args: Any) -> dict[str, Any]:
    total = len(_listed(info, args))
    if limit is not None and total > limit:
        return {"count": limit, "precision": "AT_LEAST"}
    return {"count": total, "precision": "EXACT"}


def _endpoint(s: Subscription, info: Info, **_: Any) -> dict[str, Any]:
    if s.uri.startswith("pubsub://"):
        project, _, topic = s.uri[len("pubsub://") :].partition(":")
        return {"__typename": "WebhookPubSubEndpoint", "pubSubProject": project, "pubSubTopic": topic}
    if s.uri.startswith("arn:"):
        return {"__typename": "WebhookEventBridgeEndpoint", "arn": s.uri}
    return {"__typename": "WebhookHttpEndpoint", "callbackUrl": s.uri}


MUTATIONS: dict[str, Any] = {
    "webhookSubscriptionCreate": create,
    "webhookSubscriptionUpdate": update,
    "webhookSubscriptionDelete": delete,
}
QUERIES: dict[str, Any] = {
    "webhookSubscription": one,
    "webhookSubscriptions": many,
    "webhookSubscriptionsCount": count,
}
SUBSCRIPTION: dict[str, Any] = {
    "endpoint": _endpoint,
    "callbackUrl": lambda s, info, **_: s.uri,
    "uri": lambda s, info, **_: s.uri,
    "includeFields": lambda s, info, **_: s.include_fields,
    "metafieldNamespaces": lambda s, info, **_: s.metafield_namespaces,
    "metafields": lambda s, info, **_: s.metafields,
    "apiVersion": lambda s, info, **_: {
        "handle": s.api_version,
        "displayName": s.api_version,
        "supported": True,
    },
}
