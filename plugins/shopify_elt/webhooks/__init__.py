"""Near-real-time orders: Shopify's webhooks feed staging between the hourly syncs.

Three parts, each of which may fail without losing a delivery:

1. **The receiver** (``receiver.py``, an ASGI app under uvicorn) checks ``X-Shopify-Hmac-Sha256``
   over the raw body in constant time (401 and nothing stored otherwise), and stores the delivery
   in ``ops.webhook_inbox`` keyed by ``X-Shopify-Webhook-Id`` — Shopify keeps that id on every
   retry, so retries and duplicate sends are stored once. It answers 200 only once the row is
   committed, and 503 when the database cannot take it, so Shopify retries: never 200 without a
   row. It does nothing else, so it answers well within Shopify's 5 s.
2. **The merge** (``merge.py``, DAG ``shopify_webhooks``) reads the records the pending deliveries
   name — orders, products, inventory levels — *again, by id, from Shopify's Admin API*, with the
   registry's own GraphQL documents, and stages them with the extraction's own code
   (``StreamExtractor``: the same loader, the same newest-wins merge, the same child-set
   replacement). Webhook payloads are REST-shaped and staging holds the GraphQL shape, so
   translating payloads would be a second, drifting loader; reading by id needs none, and makes
   ordering a non-issue: whichever delivery comes last, the read is Shopify's current state, and
   the loader never lets an older ``updatedAt`` overwrite a newer row. Deliveries are marked
   processed in the transaction that commits their rows; a failed merge leaves them pending.
   The incremental core build then rebuilds only the orders that changed.
3. **Registration** (``register.py``) subscribes the topics below with ``webhookSubscriptionCreate``,
   only when asked to go live (``--go-live``).

The hourly sync stays the safety net: a delivery that never arrives is caught by the next poll.
"""

from __future__ import annotations

TOPICS = ("orders/create", "orders/updated", "orders/cancelled", "products/update", "inventory_levels/update")
"""The topics subscribed and merged (``X-Shopify-Topic`` names; GraphQL enum ``ORDERS_CREATE`` …)."""

WEBHOOK_PATH = "/webhooks/shopify"
"""Where the receiver listens; the callback URL given to Shopify ends with it."""
