"""Typed errors of the Shopify client, so callers retry only what retrying can fix."""

from __future__ import annotations

from typing import Any


class ShopifyError(Exception):
    """Base class of every error raised by the Shopify client."""


class ShopifyAuthError(ShopifyError):
    """The shop rejected the access token (HTTP 401/403): fix the connection, do not retry."""


class ShopifyUnavailableError(ShopifyError):
    """The shop is frozen, locked or gone (HTTP 402/404/423): retrying will not help soon."""


class ShopifyTransientError(ShopifyError):
    """A 5xx, a timeout or a dropped connection: safe to retry after a pause."""


class ShopifyThrottledError(ShopifyTransientError):
    """Shopify answered THROTTLED or HTTP 429 even though we paced ourselves."""


class ShopifyQueryError(ShopifyError):
    """The GraphQL document or its variables were rejected (validation, access, cost limit).

    :param errors: the ``errors`` array of Shopify's answer, kept for the run report.
    """

    def __init__(self, message: str, errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or []

    @property
    def codes(self) -> set[str]:
        """The ``extensions.code`` values of the errors, e.g. ``{"ACCESS_DENIED"}``."""
        return {str((e.get("extensions") or {}).get("code")) for e in self.errors}

    @property
    def max_cost_exceeded(self) -> float | None:
        """The cost Shopify computed when it refused the query as too expensive, else ``None``."""
        for error in self.errors:
            extensions = error.get("extensions") or {}
            if extensions.get("code") == "MAX_COST_EXCEEDED":
                return float(extensions.get("cost") or 0) or None
        return None
