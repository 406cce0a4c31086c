"""
### shopify_reverse_sync — the warehouse's writes back to Shopify

Runs after every core build of its shop (Airflow asset `shopify_core__<shop>`, updated by
`shopify_sync`'s **transform.build_core**) **and**, in between, every `reverse_sync_every_minutes`
(15 by default, `include/shops.yaml`; 0 = after builds only), so the back office's changes
between hourly syncs reach Shopify within minutes.

1. **prepare_warehouse** creates or evolves the schemas (idempotent).
2. **push_inventory_levels** plans in `ops.inventory_pushes` the available-to-sell quantities
   that differ from Shopify's (with the formula as reason; `dry_run` stops there), then writes
   them with `inventorySetQuantities` (compare-and-set, idempotency key, batches of 250); a level
   someone sold in between is re-read and re-planned with our change on top, levels that cannot
   be pushed are quarantined with their reason.
3. **push_order_writes** sends, exactly once through the write ledger `ops.shopify_writes`, the
   back office's shipments as fulfillments with their tracking numbers (and later tracking
   changes), seller cancellations (`orderCancel`), each order's status as tags
   (`status_tag_prefix`) and the back office's customers (`push_customers`).
4. **report_reverse_sync** stores what was written in `ops.sync_runs` and prints it.

**Only this DAG writes to Shopify.** The sync no longer pushes at its end; it only updates the
asset. With `max_active_runs=1`, one shop's pushes never run twice at the same time: the run an
asset event or a tick brings during a run waits for it, then finds what is left. Both
writers are exactly-once safe anyway (`ops.inventory_pushes`, `ops.shopify_writes`), but two at
once would spend the shop's API budget twice on the same plan. The push tasks run in the shop's
pool, beside the sync's readers.

One DAG per shop of `include/shops.yaml`: `shopify_reverse_sync` for the shop `default`,
`shopify_reverse_sync__<name>` for the others (`shopify_elt.dag_factory`).
"""

from __future__ import annotations

from shopify_elt.dag_factory import REVERSE_SYNC, reverse_sync_dag
from shopify_elt.shops import load_shops

for _shop in load_shops():
    globals()[_shop.dag_id(REVERSE_SYNC)] = reverse_sync_dag(_shop, __doc__)
