"""
### shopify_backfill — history through Shopify's bulk operations

Reads every record **created** in a date range with GraphQL bulk operations (no page costs) and
merges it into staging through the same loader as the hourly `shopify_sync`, so the rows are
identical. It never moves the hourly watermarks.

* **Range**: the params `start_date`/`end_date` (UI form, end day included), or else the run's
  data interval — so `airflow backfill create --dag-id shopify_backfill --from-date … --to-date …`
  re-reads month by month (a manual run without
  dates reads the last complete month).
* **Windows**: the range is cut into `window_days` windows, one mapped task each. A bulk job that
  fails keeps its partial file and continues after it; one that fails without progress or runs
  longer than `job_timeout_minutes` is canceled and its window split in two. Progress commits
  with the rows (`ops.backfill_windows`), so a retried task resumes where it stopped.
* **Old orders** need the `read_all_orders` scope: without it the task fails and says so rather
  than silently loading only the last 60 days.

Paused on creation; one run at a time, one bulk window at a time, in the shop's pool of its own
(`shopify_<name>_backfill`), so a backfill never takes the hourly sync's slots.

One DAG per shop of `include/shops.yaml`: `shopify_backfill` for the shop `default`,
`shopify_backfill__<name>` for the others (`shopify_elt.dag_factory`).
"""

from __future__ import annotations

from shopify_elt.dag_factory import BACKFILL, backfill_dag
from shopify_elt.shops import load_shops

for _shop in load_shops():
    globals()[_shop.dag_id(BACKFILL)] = backfill_dag(_shop, __doc__)
