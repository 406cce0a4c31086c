"""Access scopes of REST routes and Shopify's REST wording when one is missing.

A missing scope is ``403 {"errors": "[API] This action requires merchant approval for
read_orders scope."}`` (wording seen in client reports, e.g. kinngh/shopify-nextjs-prisma-app#33).
A ``write_`` scope implies its ``read_`` scope, as in ``resolvers/access.py``.
"""

from __future__ import annotations

from typing import Any


def granted(needed: str, scopes: tuple[str, ...]) -> bool:
    return bool({needed, needed.replace("read_", "write_", 1)} & set(scopes))


def denied(needed: str) -> tuple[int, dict[str, Any]]:
    return 403, {"errors": f"[API] This action requires merchant approval for {needed} scope."}
