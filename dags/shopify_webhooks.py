"""
### shopify_webhooks — Shopify's webhook deliveries into staging and core, every two minutes

The receiver (`python -m shopify_elt.webhooks.receiver`) verifies each delivery's HMAC and stores
it in `ops.webhook_inbox`, once per `X-Shopify-Webhook-Id`. This DAG turns the inbox into rows:

1. **prepare_warehouse** creates or evolves the schemas (idempotent).
2. **merge_deliveries** reads the records the pending deliveries name — orders (`orders/create`,
   `orders/updated`, `orders/cancelled`) with all their lists, products with their variants and
   inventory items (`products/update`), inventory levels (`inventory_levels/update`) — again from
   Shopify by id, with the registry's own queries, and stages them with the extraction's loader.
   What a delivery says is never trusted for data: whichever delivery arrives last, the rows are
   Shopify's current state, and an older `updatedAt` never overwrites a newer row. Deliveries are
   marked processed in the transaction that commits their rows; a failed run leaves them pending.
3. **build_core** rebuilds only the orders that changed (the incremental core build) and updates
   the shop's core asset, so **shopify_reverse_sync** follows; skipped when nothing was merged.
4. **report_webhooks** stores the report in `ops.sync_runs` and prints it: deliveries received,
   duplicates, merged; rows per stream; rows each path (webhooks, hourly sync) brought in 24 h.

The hourly **shopify_sync** remains the safety net: a delivery that never arrived is caught by its
next poll. Paused on creation: unpause it when the shop goes live
(`python -m shopify_elt.webhooks.register --conn-id shopify_<name> --callback-url https://… --go-live`).
One run at a time; `merge_deliveries` runs in the shop's Airflow pool (it reads Shopify's API).

One DAG per shop of `include/shops.yaml`: `shopify_webhooks` for the shop `default`,
`shopify_webhooks__<name>` for the others.
"""

from __future__ import annotations

from shopify_elt.shops import load_shops
from shopify_elt.webhooks.dag import WEBHOOKS, webhooks_dag

for _shop in load_shops():
    globals()[_shop.dag_id(WEBHOOKS)] = webhooks_dag(_shop, __doc__)
