"""Webhook subscriptions made through the Admin API: the record, its validation, its filter.

Validation messages and fields are the real ones from
``webhook-subscription-conformance.2026-04.json``: blank address, unsupported protocol,
malformed Pub/Sub address, bad filter, unknown id (plain ``UserError``: field and message,
no code). One deliberate deviation: ``http://`` is refused as Shopify does *except* for
loopback hosts (or every host with ``--webhook-allow-http``), because test receivers
cannot terminate TLS.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

BLANK = "Address can't be blank"
PROTOCOL = "Address protocol {scheme}:// is not supported"
PUBSUB_FORMAT = "Address is not a valid GCP pub/sub format. Format should be pubsub://project:topic"
BAD_FILTER = "The specified filter is invalid, please ensure you specify the field(s) you wish to filter on."
# Not in the captures; Shopify's long-standing wording for a duplicate topic + address.
TAKEN = "Address for this topic has already been taken"
NOT_FOUND = "Webhook subscription does not exist"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
_PUBSUB = re.compile(r"^pubsub://(?P<project>[^:/]+):(?P<topic>[^:/]+)$")
_ARN = re.compile(r"^arn:aws:events:[a-z0-9-]+::event-source/aws\.partner/shopify\.com")
_TERM = re.compile(r"^(?P<path>[A-Za-z_][\w.]*):(?P<op>>=|<=|>|<)?(?P<value>.+)$")


@dataclass
class Subscription:
    id: int
    topic: str  # GraphQL enum value, e.g. INVENTORY_LEVELS_UPDATE
    uri: str
    format: str
    include_fields: list[str]
    metafield_namespaces: list[str]
    filter: str | None
    name: str | None
    api_version: str
    created_at: int
    updated_at: int
    consecutive_failures: int = 0
    metafields: list[dict[str, str]] = field(default_factory=list)

    @property
    def is_http(self) -> bool:
        return self.uri.startswith(("https://", "http://"))


def uri_errors(uri: str | None, allow_http: bool) -> list[dict[str, Any]]:
    """UserErrors of an endpoint address (field ``["webhookSubscription", "callbackUrl"]``)."""
    path = ["webhookSubscription", "callbackUrl"]
    if not uri or not uri.strip():
        return [{"field": path, "message": BLANK}]
    if uri.startswith("arn:aws:events:"):
        return [] if _ARN.match(uri) else [{"field": path, "message": "Address is not a valid AWS ARN"}]
    scheme = uri.split("://", 1)[0] if "://" in uri else uri.split(":", 1)[0]
    if scheme == "https":
        return []
    if scheme == "http" and (allow_http or urlsplit(uri).hostname in LOOPBACK):
        return []
    if scheme == "pubsub":
        errors = [{"field": path, "message": PROTOCOL.format(scheme=scheme)}]
        if _PUBSUB.match(uri):
            return []
        return [*errors, {"field": path, "message": PUBSUB_FORMAT}]
    return [{"field": path, "message": PROTOCOL.format(scheme=scheme)}]


def filter_terms(text: str | None) -> list[tuple[str, str | None, str]] | None:
    """Parse ``field:value`` terms joined by spaces/AND; None when the syntax is invalid."""
    if text is None or not text.strip():
        return []
    terms = []
    for word in text.split():
        if word.upper() in ("AND", "OR"):
            continue
        match = _TERM.match(word)
        if match is None:
            return None
        terms.append((match["path"], match["op"], match["value"].strip("'\"")))
    return terms


def matches(text: str | None, payload: dict[str, Any]) -> bool:
    """Every term holds on the payload (dotted paths; lists match when any element does)."""
    for path, op, expected in filter_terms(text) or []:
        if not any(_compare(value, op, expected) for value in _lookup(payload, path.split("."))):
            return False
    return True


def _lookup(value: Any, parts: list[str]) -> list[Any]:
    if not parts:
        return value if isinstance(value, list) else [value]
    if isinstance(value, list):
        return [found for item in value for found in _lookup(item, parts)]
    if isinstance(value, dict) and parts[0] in value:
        return _lookup(value[parts[0]], parts[1:])
    return []


def _compare(actual: Any, op: str | None, expected: str) -> bool:
    if op is None:
        return str(actual).lower() == expected.lower()
    try:
        left, right = float(actual), float(expected)
    except (TypeError, ValueError):
        return False
    return {">": left > right, ">=": left >= right, "<": left < right, "<=": left <= right}[op]


def include(payload: dict[str, Any], fields: list[str]) -> dict[str, Any]:
    """``includeFields``: keep only the listed keys (dotted paths keep nested keys)."""
    if not fields:
        return payload
    out: dict[str, Any] = {}
    for path in fields:
        head, _, rest = path.partition(".")
        if head not in payload:
            continue
        value = payload[head]
        if rest and isinstance(value, dict):
            nested = include(value, [rest])
            out[head] = {**out.get(head, {}), **nested}
        elif rest and isinstance(value, list):
            out[head] = [include(v, [rest]) if isinstance(v, dict) else v for v in value]
        else:
            out[head] = value
    return out
