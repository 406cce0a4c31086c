"""Read one HTTP answer of the Admin API: its data, or the typed error it stands for.

Kept apart from the hook so the mapping from Shopify's answers (status codes, GraphQL error
codes, headers) to our errors can be tested against captured answers without a network.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import requests

from shopify_elt.errors import (
    ShopifyAuthError,
    ShopifyQueryError,
    ShopifyScopeError,
    ShopifyServerError,
    ShopifyThrottled,
    ShopifyUnavailableError,
)


@dataclass(frozen=True)
class GraphQLResponse:
    """One answer of the GraphQL endpoint: its data, its cost block and the version served."""

    data: dict[str, Any]
    cost: dict[str, Any] = field(default_factory=dict)
    api_version: str | None = None
    deprecation: str | None = None
    request_id: str | None = None
    """Shopify's ``X-Request-Id``: what its support asks for about a write that went wrong."""


def raise_for_status(response: requests.Response) -> None:
    """Map HTTP failures to typed errors (the body is quoted, shortened; it never holds the token)."""
    status = response.status_code
    if status < 400:
        return
    detail = response.text[:300]
    if status in (401, 403):
        raise ShopifyAuthError(
            f"HTTP {status}: the shop rejected the access token — check the connection's token ({detail})"
        )
    if status in (402, 404, 423):
        raise ShopifyUnavailableError(f"HTTP {status}: the shop is unavailable (frozen, locked or unknown): {detail}")
    if status == 429:
        raise ShopifyThrottled("HTTP 429 Too Many Requests", retry_after=_retry_after(response))
    if status >= 500:
        raise ShopifyServerError(f"HTTP {status} from Shopify", retry_after=_retry_after(response))
    raise ShopifyQueryError(f"HTTP {status}: {detail}")


def _retry_after(response: requests.Response) -> float | None:
    try:
        return float(response.headers["Retry-After"])
    except (KeyError, ValueError):
        return None


def parse_graphql(response: requests.Response) -> tuple[dict[str, Any], GraphQLResponse | None, Exception | None]:
    """The payload's cost block, and either the response or the error it stands for.

    The cost block is returned even with an error, because a THROTTLED answer's throttle
    status is exactly what pacing needs next.
    """
    raise_for_status(response)
    try:
        payload = response.json()
    except ValueError:
        return {}, None, ShopifyServerError(f"HTTP {response.status_code} with a body that is not JSON")
    if not isinstance(payload, dict):
        return {}, None, ShopifyServerError("answer is not a JSON object")
    cost = (payload.get("extensions") or {}).get("cost") or {}
    errors = payload.get("errors")
    if errors:
        return cost, None, graphql_error(errors)
    if payload.get("data") is None:
        return cost, None, ShopifyQueryError("GraphQL answer without data")
    served = response.headers.get("X-Shopify-API-Version")
    deprecation = response.headers.get("X-Shopify-API-Deprecated-Reason")
    request_id = response.headers.get("X-Request-Id")
    return cost, GraphQLResponse(payload["data"], cost, served, deprecation, request_id), None


def graphql_error(errors: Any) -> Exception:
    """The typed error for a GraphQL ``errors`` array (a list of objects, or Shopify's odd string)."""
    if not isinstance(errors, list):
        return ShopifyQueryError(f"GraphQL error: {errors}")
    items = [e for e in errors if isinstance(e, dict)]
    codes = {str((e.get("extensions") or {}).get("code")) for e in items}
    messages = "; ".join(str(e.get("message")) for e in items)
    if "THROTTLED" in codes:
        return ShopifyThrottled("THROTTLED")
    if "INTERNAL_SERVER_ERROR" in codes:
        return ShopifyServerError(f"INTERNAL_SERVER_ERROR: {messages}")
    if "ACCESS_DENIED" in codes:
        return ShopifyScopeError(f"ACCESS_DENIED — grant the missing access scope to the app: {messages}", items)
    return ShopifyQueryError(f"GraphQL errors ({', '.join(sorted(codes))}): {messages}", items)
