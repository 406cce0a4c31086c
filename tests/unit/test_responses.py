"""Shopify's answers (shapes from the notes and captures) mapped to the client's typed errors."""

from __future__ import annotations

import json
import random

import pytest
import requests

from shopify_elt.errors import (
    ShopifyAuthError,
    ShopifyQueryError,
    ShopifyScopeError,
    ShopifyServerError,
    ShopifyThrottled,
    ShopifyUnavailableError,
    ShopifyUserError,
)
from shopify_elt.responses import parse_graphql
from shopify_elt.retry import RetryPolicy

COST = {"requestedQueryCost": 752, "actualQueryCost": None,
        "throttleStatus": {"maximumAvailable": 1000.0, "currentlyAvailable": 666, "restoreRate": 50.0}}  # fmt: skip


def answer(status: int, body: object, headers: dict[str, str] | None = None) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = body.encode() if isinstance(body, str) else json.dumps(body).encode()
    response.headers.update(headers or {})
    return response


def error_of(response: requests.Response) -> Exception | None:
    try:
        _, _, error = parse_graphql(response)
    except Exception as raised:  # noqa: BLE001 - the HTTP-level errors are raised
        return raised
    return error


def test_throttled_body_keeps_its_throttle_status_for_pacing():
    body = {"errors": [{"message": "Throttled", "extensions": {"code": "THROTTLED"}}], "extensions": {"cost": COST}}
    cost, result, error = parse_graphql(answer(200, body))
    assert isinstance(error, ShopifyThrottled) and result is None
    assert cost["throttleStatus"]["currentlyAvailable"] == 666


@pytest.mark.parametrize(
    ("status", "body", "headers", "kind"),
    [
        (401, {"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"}, {},
         ShopifyAuthError),
        (423, {"errors": "This shop is unavailable"}, {}, ShopifyUnavailableError),
        (429, {"errors": "Exceeded 2 calls per second for api client."}, {"Retry-After": "2.0"}, ShopifyThrottled),
        (503, "<html>Service Unavailable</html>", {}, ShopifyServerError),
        (400, {"errors": {"query": "Required parameter missing or invalid"}}, {}, ShopifyQueryError),
    ],
)  # fmt: skip
def test_http_failures(status, body, headers, kind):
    error = error_of(answer(status, body, headers))
    assert type(error) is kind
    if status == 429:
        assert error.retry_after == 2.0


def test_access_denied_is_a_scope_error_naming_the_scope():
    body = {"errors": [{"message": "Access denied for orders field. Required access: `read_orders` access scope.",
                        "extensions": {"code": "ACCESS_DENIED"}, "path": ["orders"]}], "data": None}  # fmt: skip
    error = error_of(answer(200, body))
    assert isinstance(error, ShopifyScopeError) and "read_orders" in str(error)


def test_max_cost_exceeded_carries_shopifys_cost():
    body = {"errors": [{"message": "Query cost is 2003, which exceeds the single query max cost limit (1000).",
                        "extensions": {"code": "MAX_COST_EXCEEDED", "cost": 2003, "maxCost": 1000}}]}  # fmt: skip
    error = error_of(answer(200, body))
    assert isinstance(error, ShopifyQueryError) and error.max_cost_exceeded == 2003


def test_success_reports_the_served_version_and_deprecations():
    headers = {"X-Shopify-API-Version": "2026-07", "X-Shopify-API-Deprecated-Reason": "Shop.products"}
    _, result, error = parse_graphql(
        answer(200, {"data": {"shop": {"name": "x"}}, "extensions": {"cost": COST}}, headers)
    )
    assert error is None
    assert (result.api_version, result.deprecation, result.data) == (
        "2026-07",
        "Shop.products",
        {"shop": {"name": "x"}},
    )


def test_user_errors_are_readable():
    error = ShopifyUserError("inventorySetQuantities", [{"field": ["input", "reason"], "message": "bad reason"}])
    assert str(error) == "inventorySetQuantities refused: input.reason: bad reason"


def test_backoff_grows_with_jitter_and_honours_retry_after():
    policy = RetryPolicy(base_seconds=1, cap_seconds=8, rng=random.Random(1))
    delays = [policy.delay(attempt) for attempt in range(1, 7)]
    assert all(0.5 * min(8, 2 ** (n - 1)) <= d <= min(8, 2 ** (n - 1)) for n, d in enumerate(delays, start=1))
    assert policy.delay(3, retry_after=2.0) == 2.0
