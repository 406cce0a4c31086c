"""
### shopify_sync — the hourly Shopify → warehouse sync

Stages, each a task group in the grid: **extract → check_staging / transform → check_core**, then
the report and the checks that fail the run. The writes back to Shopify are not here: the core
build updates the shop's asset `shopify_core__<shop>`, and **shopify_reverse_sync** runs on it.

1. **prepare_warehouse** creates or evolves the `staging`, `core` and `ops` schemas (idempotent).
2. **extract** — **streams** (one mapped instance per top-level stream of the registry,
   `shopify_elt.streams`) reads each into `staging.shopify_<stream>`, incrementally from its
   watermark in `ops.stream_state` (minus an overlap, up to now minus a lag); order line items
   ride with their orders, Shopify's destroy events mark deleted orders, products and customers
   (rows are kept). **child_streams** then reads the streams read per parent row (inventory
   levels per location, an order's lists). **sweep_deletions** reads only the ids Shopify still
   has of customers, variants, inventory levels, locations and fulfillment orders, and marks
   staged rows whose id is gone (each stream at most every `sweep_every_hours`; 0 = every run).
3. **check_staging.reconcile_counts** compares Shopify's counts (`ordersCount` …) with staging
   plus rejects, for records created before the run began (minus the lag).
4. **transform.build_core** runs `include/sql/core/*.sql`: items, kits, locations, stock,
   customers, sales orders, lines, taxes, payments, shipments — only for the orders and
   customers that changed since the last build; records that cannot be imported go to
   `ops.rejects` with their reason. Its success updates the asset `shopify_core__<shop>`.
5. **check_core.data_quality_checks** runs `include/sql/checks/*.sql` (unique, not null,
   relationships, order totals, freshness), each a select of the offending rows; it records,
   never fails. The per-order checks look at the orders rebuilt or offending since the last run,
   and at the whole shop at most every `checks_whole_shop_every_hours` (the first run included).
6. **report_run** stores the run report (with the checks' results) in `ops.sync_runs` and prints
   it at the end of its log.
7. **check_reconciliation** then fails the run, with both numbers, if an exact count disagrees;
   **check_data_quality** fails it, with counts and sample rows, if a check found offending rows.

One run at a time (`max_active_runs=1`): a sync finishes before the next starts. The tasks that
call Shopify's API share the shop's Airflow pool, sized to its plan's API budget.

One DAG per shop of `include/shops.yaml`: `shopify_sync` for the shop `default`,
`shopify_sync__<name>` for the others (`shopify_elt.dag_factory`).
"""

from __future__ import annotations

from shopify_elt.dag_factory import SYNC, sync_dag
from shopify_elt.shops import load_shops

for _shop in load_shops():
    globals()[_shop.dag_id(SYNC)] = sync_dag(_shop, __doc__)
