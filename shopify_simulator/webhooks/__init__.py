"""Webhooks: Admin API subscriptions, REST-shaped payloads and a delivery worker with Shopify's retry rules."""

from __future__ import annotations

from shopify_simulator.webhooks.delivery import DEFAULT_SECRET, WebhookSettings, WebhookWorker

__all__ = ["DEFAULT_SECRET", "WebhookSettings", "WebhookWorker"]
