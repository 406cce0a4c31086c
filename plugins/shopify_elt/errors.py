"""Typed errors of the Shopify client, so callers retry only what retrying can fix.

Each message says what a data engineer should do about it; none ever contains the token.
"""

from __future__ import annotations

from typing import Any


class ShopifyError(Exception):
    """Base class of every error raised by the Shopify client."""


class ShopifyAuthError(ShopifyError):
    """The shop rejected the access token (HTTP 401/403): fix the connection, do not retry."""


class ShopifyUnavailableError(ShopifyError):
    """The shop is frozen, locked or gone (HTTP 402/404/423): retrying will not help soon."""


class ShopifyTransientError(ShopifyError):
    """A timeout or a dropped connection: safe to retry after a pause.

    :param retry_after: seconds Shopify asked us to wait (``Retry-After``), if it said.
    """

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ShopifyServerError(ShopifyTransientError):
    """HTTP 5xx or ``INTERNAL_SERVER_ERROR``: Shopify's side failed; retried with back-off."""


class ShopifyThrottled(ShopifyTransientError):
    """THROTTLED or HTTP 429 even though we paced ourselves (Shopify may lower limits at will)."""


class ShopifyQueryError(ShopifyError):
    """The GraphQL document or its variables were rejected (validation, cost limit, bad request).

    :param errors: the ``errors`` array of Shopify's answer, kept for the run report.
    """

    def __init__(self, message: str, errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or []

    @property
    def codes(self) -> set[str]:
        """The ``extensions.code`` values of the errors, e.g. ``{"MAX_COST_EXCEEDED"}``."""
        return {str((e.get("extensions") or {}).get("code")) for e in self.errors}

    @property
    def max_cost_exceeded(self) -> float | None:
        """The cost Shopify computed when it refused the query as too expensive, else ``None``."""
        for error in self.errors:
            extensions = error.get("extensions") or {}
            if extensions.get("code") == "MAX_COST_EXCEEDED":
                return float(extensions.get("cost") or 0) or None
        return None


class ShopifyScopeError(ShopifyQueryError):
    """``ACCESS_DENIED``: the app lacks an access scope; grant it in the app's configuration."""


class ShopifyUserError(ShopifyError):
    """A mutation answered with ``userErrors``: the input was refused, nothing to retry.

    :param user_errors: Shopify's ``userErrors`` (``field``, ``message`` and, where the type has
        it, ``code``).
    """

    def __init__(self, mutation: str, user_errors: list[dict[str, Any]]) -> None:
        messages = "; ".join(f"{'.'.join(map(str, e.get('field') or []))}: {e.get('message')}" for e in user_errors)
        super().__init__(f"{mutation} refused: {messages}")
        self.user_errors = user_errors
