"""
### shopify_sync — the hourly Shopify ⇄ warehouse sync

Stages, each a task group in the grid: **extract → check_staging / transform → check_core →
reverse_sync**, then the report and the checks that fail the run.

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
   `ops.rejects` with their reason.
5. **check_core.data_quality_checks** runs `include/sql/checks/*.sql` (unique, not null,
   relationships, order totals), each a select of the offending rows; it records, never fails.
6. **reverse_sync** — **push_inventory_levels** plans in `ops.inventory_pushes` the
   available-to-sell quantities that differ from Shopify's (with the formula as reason;
   `dry_run` stops there), then writes them with `inventorySetQuantities` (compare-and-set,
   idempotency key, batches of 250); a level someone sold in between is re-read and re-planned
   with our change on top, levels that cannot be pushed are quarantined with their reason.
   **push_order_writes** sends, exactly once through the write ledger `ops.shopify_writes`, the
   back office's shipments as fulfillments with their tracking numbers (and later tracking
   changes), seller cancellations (`orderCancel`), each order's status as tags
   (`status_tag_prefix`) and the back office's customers (`push_customers`).
7. **report_run** stores the run report (with the checks' results) in `ops.sync_runs` and prints
   it at the end of its log.
8. **check_reconciliation** then fails the run, with both numbers, if an exact count disagrees;
   **check_data_quality** fails it, with counts and sample rows, if a check found offending rows.

One run at a time (`max_active_runs=1`): a sync finishes before the next starts.
Connections: `shopify_default` (type *shopify*) and `warehouse_default` (PostgreSQL).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.sdk import Param, TaskGroup, dag, get_current_context, task
from airflow.sdk.exceptions import AirflowFailException

from shopify_elt import tasks
from shopify_elt.checks import DataQualityFailure
from shopify_elt.reconcile import ReconciliationMismatch
from shopify_elt.streams import top_level_streams


@dag(
    dag_id="shopify_sync",
    schedule="@hourly",
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    max_consecutive_failed_dag_runs=5,
    default_args={"owner": "data-engineering", "retries": 2, "retry_delay": timedelta(minutes=1)},
    dagrun_timeout=timedelta(minutes=55),
    tags=["shopify", "elt", "reverse-sync"],
    doc_md=__doc__,
    params={
        "shopify_conn_id": Param("shopify_default", type="string", description="Connection of the shop"),
        "warehouse_conn_id": Param("warehouse_default", type="string", description="PostgreSQL warehouse"),
        "overlap_minutes": Param(5, type="number", minimum=0, description="Re-read this much before the watermark"),
        "lag_seconds": Param(30, type="number", minimum=0, description="Leave out the most recent seconds"),
        "page_size": Param(250, type="integer", minimum=1, maximum=250, description="Largest page requested"),
        "dry_run": Param(False, type="boolean", description="Plan the writes to Shopify but send nothing"),
        "sweep_every_hours": Param(
            24, type="number", minimum=0, description="Sweep each stream's ids at most this often (0 = every run)"
        ),
    },
)
def shopify_sync():
    @task
    def prepare_warehouse() -> None:
        """Create or evolve the warehouse schemas."""
        tasks.prepare_warehouse(tasks.run_conf()["warehouse_conn_id"])

    @task(map_index_template="{{ stream_name }}")
    def extract_stream(stream_name: str) -> dict:
        """Extract one stream into staging; returns its load counts and API usage."""
        context = get_current_context()
        context["stream_name"] = stream_name  # names the mapped instance in the grid
        params = context["params"]
        return tasks.extract(
            stream_name,
            **tasks.run_conf(),
            overlap_minutes=params["overlap_minutes"],
            lag_seconds=params["lag_seconds"],
            page_size=params["page_size"],
        )

    @task
    def sweep_deletions() -> dict:
        """Mark staged rows whose id Shopify no longer lists (streams without destroy events)."""
        params = get_current_context()["params"]
        return tasks.sweep_deletions(
            **tasks.run_conf(), every_hours=params["sweep_every_hours"], page_size=params["page_size"]
        )

    @task
    def reconcile_counts() -> dict:
        """Compare Shopify's counts (ordersCount …) with staging plus rejects, for records
        created before the run began (minus the lag): those every extract has seen."""
        context = get_current_context()
        cutoff = context["dag_run"].start_date - timedelta(seconds=context["params"]["lag_seconds"])
        return tasks.reconcile_counts(**tasks.run_conf(), created_before=cutoff)

    @task
    def check_reconciliation(reconciliation: dict) -> None:
        """Fail the run, with both numbers, when an exact count disagrees (the report is stored
        first). Retrying would compare the same numbers again, so the failure is final."""
        try:
            tasks.check_reconciliation(reconciliation)
        except ReconciliationMismatch as mismatch:
            raise AirflowFailException(str(mismatch)) from mismatch

    @task
    def build_core() -> dict:
        """Build the core schema from staging (one transaction)."""
        return tasks.build(**tasks.run_conf())

    @task
    def data_quality_checks() -> dict:
        """Run the data-quality checks on core and staging; per check, rows offending and samples."""
        return tasks.data_quality_checks(**tasks.run_conf())

    @task
    def check_data_quality(results: dict) -> None:
        """Fail the run, listing each failing check with its count and sample rows (the report is
        stored first). The same data would fail the same way, so the failure is final."""
        try:
            tasks.check_data_quality(results)
        except DataQualityFailure as failure:
            raise AirflowFailException(str(failure)) from failure

    @task
    def push_inventory_levels() -> dict:
        """Push available-to-sell quantities that differ from Shopify's."""
        return tasks.push_inventory(**tasks.run_conf(), dry_run=get_current_context()["params"]["dry_run"])

    @task
    def push_order_writes() -> dict:
        """Send the back office's order writes to Shopify exactly once (through the write ledger,
        ops.shopify_writes): shipments as fulfillments with their tracking numbers, seller
        cancellations, and order status tags."""
        return tasks.push_order_writes(**tasks.run_conf(), dry_run=get_current_context()["params"]["dry_run"])

    @task
    def report_run(
        stream_results: list[dict],
        child_stream_results: list[dict],
        core_changed: dict,
        push_result: dict,
        writes_result: dict,
        reconciliation: dict,
        sweep_result: dict,
        checks: dict,
    ) -> dict:
        """Store and print the run report."""
        return tasks.report(
            **tasks.run_conf(),
            dag_id="shopify_sync",
            extract_results=[*stream_results, *child_stream_results],
            core_changed=core_changed,
            push_result=push_result,
            writes_result=writes_result,
            reconciliation=reconciliation,
            sweep_result=sweep_result,
            checks=checks,
        )

    prepared = prepare_warehouse()
    with TaskGroup("extract", tooltip="Shopify's streams into staging, then deletions marked") as extract:
        # Top-level streams, one mapped instance each; then the streams read per parent row
        # (inventory levels per location, an order's lists per order), once the parents are in.
        streams = extract_stream.override(task_id="streams").expand(stream_name=parent_streams())
        child_streams = extract_stream.override(task_id="child_streams").expand(stream_name=child_stream_names())
        swept = sweep_deletions()
        prepared >> streams >> child_streams >> swept
    with TaskGroup("check_staging", tooltip="Staged counts against Shopify's") as check_staging:
        reconciled = reconcile_counts()
    with TaskGroup("transform", tooltip="The core schema built from staging") as transform:
        core = build_core()
    with TaskGroup("check_core", tooltip="Data-quality checks of core and staging") as check_core:
        checked = data_quality_checks()
    with TaskGroup("reverse_sync", tooltip="Inventory, shipments and order writes to Shopify") as reverse_sync:
        pushed = push_inventory_levels()
        written = push_order_writes()
    extract >> [check_staging, transform]
    transform >> check_core >> reverse_sync
    reported = report_run(streams, child_streams, core, pushed, written, reconciled, swept, checked)
    reported >> check_reconciliation(reconciled)
    reported >> check_data_quality(checked)


def parent_streams() -> list[str]:
    """Top-level streams read on their own."""
    return [s.name for s in top_level_streams() if s.parent is None]


def child_stream_names() -> list[str]:
    """Top-level streams read per parent row, after their parent."""
    return [s.name for s in top_level_streams() if s.parent is not None]


shopify_sync()
