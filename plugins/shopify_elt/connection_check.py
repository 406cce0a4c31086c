"""What the connection's Test button answers, in one line: what is wrong, or that all is well.

Checked in order: the shop answers, the token is valid, the API version is served as asked
(Shopify silently "falls forward" from unsupported versions), the granted scopes cover every
stream and reverse-sync task (each missing scope named with what needs it), and the plan tier
read from ``throttleStatus``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from shopify_elt.errors import ShopifyAuthError, ShopifyError, ShopifyTransientError
from shopify_elt.retry import RetryPolicy
from shopify_elt.streams import STREAMS, load_document

if TYPE_CHECKING:
    from shopify_elt.hooks.shopify import ShopifyHook

CHECK_QUERY = load_document("connection_check")
REVERSE_SYNC_SCOPES = {
    "write_inventory": "push_inventory_levels",
    "write_merchant_managed_fulfillment_orders": "push_order_writes",  # fulfillments, tracking
    "write_orders": "push_order_writes",  # seller cancellations, order status tags
}
ADVISORY_SCOPES = {
    "read_all_orders": "backfills of orders older than 60 days",
    "write_customers": "push_customers (the back office's customers sent to Shopify)",
}


def required_scopes() -> dict[str, list[str]]:
    """Scope -> the streams and tasks that need it (from the registry)."""
    needs: dict[str, list[str]] = {}
    for stream in STREAMS:
        if stream.scope:
            needs.setdefault(stream.scope, []).append(stream.name)
    for scope, task in REVERSE_SYNC_SCOPES.items():
        needs.setdefault(scope, []).append(task)
    return needs


def implied(granted: set[str]) -> set[str]:
    """Shopify's write scopes include the read scope of the same resource."""
    return granted | {"read_" + s.removeprefix("write_") for s in granted if s.startswith("write_")}


@dataclass
class CheckReport:
    ok: bool
    shop: str = ""
    plan: str = ""
    missing: dict[str, list[str]] = field(default_factory=dict)
    problem: str = ""
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        if self.problem:
            return self.problem
        if self.missing:
            parts = [f"{scope} (needed by {', '.join(users)})" for scope, users in sorted(self.missing.items())]
            return f"Connected to {self.shop}, but the token lacks scopes: " + "; ".join(parts)
        line = f"Connected to {self.shop} ({self.plan} plan); token has every scope the pipeline needs"
        return "; ".join([line, *self.notes])


def check_connection(hook: ShopifyHook) -> CheckReport:
    """Run the checks with one attempt per request: a Test button must answer quickly."""
    hook.retry = RetryPolicy(max_retries=0, max_throttled=0)
    try:
        response = hook.graphql(CHECK_QUERY)
    except ShopifyAuthError as error:
        return CheckReport(False, problem=f"Token rejected: {error}")
    except ShopifyTransientError as error:
        return CheckReport(False, problem=f"Shop unreachable at {hook.settings.base_url}: {error}")
    except ShopifyError as error:
        return CheckReport(False, problem=f"{type(error).__name__}: {error}")
    asked = hook.settings.api_version
    if response.api_version and response.api_version != asked:
        return CheckReport(
            False,
            problem=f"API version {asked} is not supported by Shopify (it answered with {response.api_version}); "
            "set the connection's API version to a supported one",
        )
    data = response.data
    granted = implied({s["handle"] for s in data["currentAppInstallation"]["accessScopes"]})
    missing = {scope: users for scope, users in required_scopes().items() if scope not in granted}
    notes = [f"without {scope}, {what} fail" for scope, what in ADVISORY_SCOPES.items() if scope not in granted]
    if response.deprecation:
        notes.append(f"Shopify reports deprecated usage: {response.deprecation}")
    return CheckReport(not missing, data["shop"]["myshopifyDomain"], hook.bucket.plan, missing, notes=notes)


def main(argv: list[str] | None = None) -> int:
    """``python -m shopify_elt.connection_check [conn_id]``: the Test button from a shell (exit 1 if not OK)."""
    import argparse

    from shopify_elt.hooks.shopify import ShopifyHook

    parser = argparse.ArgumentParser(description="Check a Shopify connection: token, version, scopes, plan.")
    parser.add_argument("conn_id", nargs="?", default="shopify_default")
    args = parser.parse_args(argv)
    ok, message = ShopifyHook(args.conn_id).test_connection()
    print(("OK: " if ok else "FAILED: ") + message)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
