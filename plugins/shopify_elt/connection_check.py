"""What the connection's Test button answers: shop reachable, token valid, scopes sufficient."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from shopify_elt.errors import ShopifyError
from shopify_elt.streams import STREAMS

if TYPE_CHECKING:
    from shopify_elt.hooks.shopify import ShopifyHook

SHOP_QUERY = "{ shop { name myshopifyDomain } currentAppInstallation { accessScopes { handle } } }"
REVERSE_SYNC_SCOPES = {"write_inventory": "push_inventory_levels"}


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

    def summary(self) -> str:
        if self.problem:
            return self.problem
        if self.missing:
            parts = [f"{scope} (needed by {', '.join(users)})" for scope, users in sorted(self.missing.items())]
            return f"Connected to {self.shop}, but the token lacks scopes: " + "; ".join(parts)
        return f"Connected to {self.shop} ({self.plan} plan); token has every scope the pipeline needs"


def check_connection(hook: ShopifyHook) -> CheckReport:
    try:
        data = hook.graphql(SHOP_QUERY).data
    except ShopifyError as error:
        return CheckReport(False, problem=f"{type(error).__name__}: {error}")
    granted = implied({s["handle"] for s in data["currentAppInstallation"]["accessScopes"]})
    missing = {scope: users for scope, users in required_scopes().items() if scope not in granted}
    return CheckReport(not missing, data["shop"]["myshopifyDomain"], hook.bucket.plan, missing)
