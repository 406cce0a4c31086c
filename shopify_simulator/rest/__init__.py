"""The REST Admin API (legacy, still used by older pipelines): routes, call-limit bucket, Link pagination.

Kept apart from the GraphQL engine: REST has its own leaky bucket (requests, not cost
points), its own error envelopes (``{"errors": "Not Found"}``) and cursor pagination in
the ``Link`` header. Payloads reuse the REST shapes the webhooks already render.

Link URLs: Shopify writes ``https://{shop}.myshopify.com/admin/api/{v}/…``; clients follow
the URL literally, so the simulator writes ``http://`` + the ``Host`` header the request came
with (the simulator's own address), never the shop domain it cannot serve.
"""

from __future__ import annotations

from shopify_simulator.rest.api import PATH, RestApi

__all__ = ["PATH", "RestApi"]
