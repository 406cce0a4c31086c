"""THROTTLED answers have a budget of their own, larger than real failures', with a random part in
each wait; a non-idempotent write is never resent after a failure whose outcome is unknown."""

from __future__ import annotations

import pytest

from shopify_elt.errors import ShopifyServerError, ShopifyThrottled
from shopify_elt.hooks.shopify import ShopifyHook
from shopify_elt.responses import GraphQLResponse
from shopify_elt.retry import RetryPolicy


@pytest.fixture()
def hook(monkeypatch):
    monkeypatch.setenv("AIRFLOW_CONN_SHOPIFY_RETRIES", "shopify://:shpat_x@retries.myshopify.com?plan=standard")
    hook = ShopifyHook("shopify_retries", retry=RetryPolicy(max_retries=2, max_throttled=10, base_seconds=0.5))
    hook.waits = []
    hook._sleep = hook.waits.append
    return hook


def failing(hook, errors: list[Exception]):
    def post(document, variables):
        if errors:
            raise errors.pop(0)
        return GraphQLResponse({"shop": {"name": "x"}})

    hook._post = post


def test_throttled_answers_are_ridden_out_beyond_the_retries_of_failures(hook):
    failing(hook, [ShopifyThrottled("THROTTLED") for _ in range(8)])
    assert hook.graphql("{ shop { name } }").data == {"shop": {"name": "x"}}
    assert hook.bucket.throttled_answers == 8
    assert len(hook.waits) == 8 and all(wait >= 1.0 for wait in hook.waits)
    assert len(set(hook.waits)) > 1, "the waits carry a random part, so tasks sharing a bucket stop colliding"


def test_a_throttle_storm_beyond_the_budget_is_raised(hook):
    failing(hook, [ShopifyThrottled("THROTTLED") for _ in range(11)])
    with pytest.raises(ShopifyThrottled):
        hook.graphql("{ shop { name } }")


def test_failures_keep_their_own_smaller_budget_and_writes_are_not_resent(hook):
    failing(hook, [ShopifyServerError("HTTP 502") for _ in range(3)])
    with pytest.raises(ShopifyServerError):
        hook.graphql("{ shop { name } }")
    failing(hook, [ShopifyServerError("HTTP 502")])
    with pytest.raises(ShopifyServerError):
        hook.graphql("mutation { x }", retry_transient=False)
    failing(hook, [ShopifyThrottled("THROTTLED")])  # refused before anything happened: resent
    assert hook.graphql("mutation { x }", retry_transient=False).data
