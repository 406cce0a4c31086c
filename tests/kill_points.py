"""The points at which a run can die while it sends a write to Shopify, for the exactly-once tests
of the write ledger: each test plans a write, dies at one point, and checks that the rerun leaves
exactly one effect in Shopify."""

from __future__ import annotations

from shopify_elt.errors import ShopifyTransientError
from shopify_elt.hooks.shopify import ShopifyHook

KILL_POINTS = ("after planning", "before the request", "after Shopify applied it", "timeout after Shopify applied it")
"""After planning, the test only plans (nothing is sent); the others go through :func:`kill_at`."""


class Killed(BaseException):
    """The worker died here (as a SIGKILL would leave it: nothing after this point ran)."""


def kill_at(point: str, document: str, monkeypatch) -> None:
    """Make the next request of ``document`` (a mutation) die at ``point`` of its send."""
    real = ShopifyHook.graphql

    def graphql(self, sent, variables=None, **kwargs):
        if sent is not document:
            return real(self, sent, variables, **kwargs)
        monkeypatch.setattr(ShopifyHook, "graphql", real)  # only once
        if point == "before the request":
            raise Killed(point)
        answer = real(self, sent, variables, **kwargs)
        if point == "after Shopify applied it":
            raise Killed(point)
        if point == "timeout after Shopify applied it":
            raise ShopifyTransientError("timed out talking to the shop")
        return answer

    monkeypatch.setattr(ShopifyHook, "graphql", graphql)
