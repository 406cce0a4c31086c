"""Every shop's DAGs, built from the shops file (``shopify_elt.shops``): the dags/ files only loop.

Per shop: ``shopify_sync`` (hourly, extract → checks → core build), ``shopify_reverse_sync``
(the writes to Shopify, after each core build and on a schedule of its own) and
``shopify_backfill`` (history through bulk operations). The default shop keeps these plain ids;
another shop's are suffixed ``__<name>``. What every DAG shares — task defaults, one run at a
time, tags — is set in :func:`default_args` and :func:`dag_defaults` only.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from airflow.sdk import (
    DAG,
    Asset,
    AssetOrTimeSchedule,
    CronDataIntervalTimetable,
    CronTriggerTimetable,
    Param,
    TaskGroup,
    get_current_context,
    task,
)
from airflow.sdk.exceptions import AirflowFailException

from shopify_elt import backfill_tasks, tasks
from shopify_elt.alerts import RunReportNotifier
from shopify_elt.backfill_tasks import BACKFILL_STREAMS
from shopify_elt.checks import DataQualityFailure
from shopify_elt.pools import BACKFILL_SLOTS, pool_slots
from shopify_elt.reconcile import ReconciliationMismatch
from shopify_elt.shops import Shop
from shopify_elt.streams import top_level_streams

SYNC, REVERSE_SYNC, BACKFILL = "shopify_sync", "shopify_reverse_sync", "shopify_backfill"
START_DATE = datetime(2026, 1, 1, tzinfo=UTC)


def default_args(**overrides: Any) -> dict[str, Any]:
    """Every task's defaults, in every DAG of every shop: the one place for retries and callbacks."""
    return {"owner": "data-engineering", "retries": 2, "retry_delay": timedelta(minutes=1), **overrides}


def dag_defaults(shop: Shop, kind: str, doc_md: str, tag: str, start_date: datetime = START_DATE) -> dict[str, Any]:
    """What every DAG shares: its id, one run at a time, no catch-up, tags naming the shop, alerts
    (a failed run, and a run that completed with problems, emailed with its report: see
    ``shopify_elt.alerts``), and its doc followed by the shop's wiring (connection, pool)."""
    return {
        "dag_id": shop.dag_id(kind),
        "on_failure_callback": [RunReportNotifier(when="failed")],  # other notifiers go beside it
        "on_success_callback": [RunReportNotifier(when="completed")],
        "start_date": start_date,
        "catchup": False,
        "max_active_runs": 1,
        "tags": ["shopify", "elt", tag, f"shop:{shop.name}"],
        "doc_md": doc_md + "\n" + shop_doc(shop),
    }


def shop_doc(shop: Shop) -> str:
    source = "from pool_slots" if shop.pool_slots else f"for plan {shop.plan}"
    return (
        f"#### Shop `{shop.name}` (include/shops.yaml)\n\n"
        f"Connection `{shop.conn_id}`, warehouse `{shop.warehouse_conn_id}`. Tasks that call Shopify's API run "
        f"in the pool `{shop.pool}` ({pool_slots(shop)} slots {source}), the backfill in `{shop.backfill_pool}` "
        f"({BACKFILL_SLOTS} slot); create them with `python -m shopify_elt.pools`. DAGs: `{shop.dag_id(SYNC)}`, "
        f"`{shop.dag_id(REVERSE_SYNC)}`, `{shop.dag_id(BACKFILL)}`; the core build updates the asset "
        f"`{shop.core_asset_name}`.\n"
    )


def core_asset(shop: Shop) -> Asset:
    """The shop's core schema as an asset: the sync's core build updates it, the reverse sync follows."""
    return Asset(name=shop.core_asset_name, group="shopify")


def staging_asset(shop: Shop) -> Asset:
    """The shop's staging tables as an asset: the extracts and backfills update it, the core build
    reads it (lineage in the UI: Shopify → staging → core → Shopify)."""
    return Asset(name=shop.staging_asset_name, group="shopify")


def connection_params(shop: Shop) -> dict[str, Param]:
    """The connection ids every DAG takes, defaulting to the shop's (a run may point elsewhere)."""
    return {
        "shopify_conn_id": Param(shop.conn_id, type="string", description="Connection of the shop"),
        "warehouse_conn_id": Param(shop.warehouse_conn_id, type="string", description="PostgreSQL warehouse"),
    }


def parent_streams() -> list[str]:
    """Top-level streams read on their own."""
    return [s.name for s in top_level_streams() if s.parent is None]


def child_stream_names() -> list[str]:
    """Top-level streams read per parent row, after their parent."""
    return [s.name for s in top_level_streams() if s.parent is not None]


# ---------------------------------------------------------------------------------- shopify_sync
def sync_dag(shop: Shop, doc_md: str) -> DAG:
    """Extract → check_staging / transform → check_core, then the report and the failing checks."""
    with DAG(
        schedule=shop.sync_schedule,
        max_consecutive_failed_dag_runs=5,
        default_args=default_args(),
        dagrun_timeout=timedelta(minutes=55),
        params={
            **connection_params(shop),
            "overlap_minutes": Param(5, type="number", minimum=0, description="Re-read this much before the watermark"),
            "lag_seconds": Param(30, type="number", minimum=0, description="Leave out the most recent seconds"),
            "page_size": Param(250, type="integer", minimum=1, maximum=250, description="Largest page requested"),
            "sweep_every_hours": Param(
                24, type="number", minimum=0, description="Sweep each stream's ids at most this often (0 = every run)"
            ),
            "checks_whole_shop_every_hours": Param(
                24,
                type="number",
                minimum=0,
                description="Run the per-order checks over the whole shop at most this often; other runs check "
                "the orders rebuilt or offending since the last run (0 = every run)",
            ),
        },
        **dag_defaults(shop, SYNC, doc_md, "sync"),
    ) as dag:

        @task
        def prepare_warehouse() -> None:
            """Create or evolve the warehouse schemas."""
            tasks.prepare_warehouse(tasks.run_conf()["warehouse_conn_id"])

        @task(map_index_template="{{ stream_name }}", pool=shop.pool, outlets=[staging_asset(shop)])
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

        @task(pool=shop.pool)
        def sweep_deletions() -> dict:
            """Mark staged rows whose id Shopify no longer lists (streams without destroy events)."""
            params = get_current_context()["params"]
            return tasks.sweep_deletions(
                **tasks.run_conf(), every_hours=params["sweep_every_hours"], page_size=params["page_size"]
            )

        @task(pool=shop.pool)
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

        @task(inlets=[staging_asset(shop)], outlets=[core_asset(shop)])
        def build_core() -> dict:
            """Build the core schema from staging (one transaction); its success tells the reverse
            sync, through the shop's core asset, that there may be something to write back."""
            return tasks.build(**tasks.run_conf())

        @task
        def data_quality_checks() -> dict:
            """Run the data-quality checks on core and staging; per check, rows offending and samples."""
            every = get_current_context()["params"]["checks_whole_shop_every_hours"]
            return tasks.data_quality_checks(**tasks.run_conf(), whole_shop_every_hours=every)

        @task
        def check_data_quality(results: dict) -> None:
            """Fail the run, listing each failing check with its count and sample rows (the report is
            stored first). The same data would fail the same way, so the failure is final."""
            try:
                tasks.check_data_quality(results)
            except DataQualityFailure as failure:
                raise AirflowFailException(str(failure)) from failure

        @task
        def report_run(
            stream_results: list[dict],
            child_stream_results: list[dict],
            core_changed: dict,
            reconciliation: dict,
            sweep_result: dict,
            checks: dict,
        ) -> dict:
            """Store and print the run report."""
            return tasks.report(
                **tasks.run_conf(),
                dag_id=shop.dag_id(SYNC),
                extract_results=[*stream_results, *child_stream_results],
                core_changed=core_changed,
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
        extract >> [check_staging, transform]
        transform >> check_core
        reported = report_run(streams, child_streams, core, reconciled, swept, checked)
        reported >> check_reconciliation(reconciled)
        reported >> check_data_quality(checked)
    return dag


# -------------------------------------------------------------------------- shopify_reverse_sync
def reverse_sync_dag(shop: Shop, doc_md: str) -> DAG:
    """The writes to Shopify: after every core build of the shop (its asset) or on the clock."""
    asset = core_asset(shop)
    cron = shop.reverse_sync_schedule
    schedule: Any = (
        AssetOrTimeSchedule(timetable=CronTriggerTimetable(cron, timezone="UTC"), assets=[asset]) if cron else [asset]
    )
    with DAG(
        schedule=schedule,
        default_args=default_args(),
        dagrun_timeout=timedelta(minutes=55),
        params={
            **connection_params(shop),
            "dry_run": Param(False, type="boolean", description="Plan the writes to Shopify but send nothing"),
        },
        **dag_defaults(shop, REVERSE_SYNC, doc_md, "reverse-sync"),
    ) as dag:

        @task
        def prepare_warehouse() -> None:
            """Create or evolve the warehouse schemas (a fresh warehouse may see this DAG first)."""
            tasks.prepare_warehouse(tasks.run_conf()["warehouse_conn_id"])

        @task(pool=shop.pool, inlets=[core_asset(shop)])
        def push_inventory_levels() -> dict:
            """Push available-to-sell quantities that differ from Shopify's."""
            return tasks.push_inventory(**tasks.run_conf(), dry_run=get_current_context()["params"]["dry_run"])

        @task(pool=shop.pool, inlets=[core_asset(shop)])
        def push_order_writes() -> dict:
            """Send the back office's order writes to Shopify exactly once (through the write ledger,
            ops.shopify_writes): shipments as fulfillments with their tracking numbers, seller
            cancellations, order status tags and customers."""
            return tasks.push_order_writes(**tasks.run_conf(), dry_run=get_current_context()["params"]["dry_run"])

        @task
        def report_reverse_sync(push_result: dict, writes_result: dict) -> dict:
            """Store and print what was written to Shopify."""
            return tasks.report_reverse_sync(
                **tasks.run_conf(),
                dag_id=shop.dag_id(REVERSE_SYNC),
                push_result=push_result,
                writes_result=writes_result,
            )

        prepared = prepare_warehouse()
        pushed, written = push_inventory_levels(), push_order_writes()
        prepared >> [pushed, written]
        report_reverse_sync(pushed, written)
    return dag


# ------------------------------------------------------------------------------ shopify_backfill
def backfill_dag(shop: Shop, doc_md: str) -> DAG:
    """History by creation date through bulk operations, one window at a time, in its own pool."""
    with DAG(
        # Data intervals (not Airflow 3's default cron *trigger*): each run owns one month of history.
        schedule=CronDataIntervalTimetable("@monthly", timezone="UTC"),
        is_paused_upon_creation=True,
        default_args=default_args(retry_delay=timedelta(minutes=2)),
        params={
            **connection_params(shop),
            "start_date": Param(
                None, type=["null", "string"], format="date", description="First day (empty: the run's data interval)"
            ),
            "end_date": Param(None, type=["null", "string"], format="date", description="Last day, included"),
            "streams": Param(
                ["orders"],
                type="array",
                items={"type": "string", "enum": list(BACKFILL_STREAMS)},
                description="Streams to backfill (orders bring their lines, transactions, refunds …)",
            ),
            "window_days": Param(30, type="number", exclusiveMinimum=0, description="Days per bulk job at first"),
            "job_timeout_minutes": Param(60, type="number", exclusiveMinimum=0, description="Split a slower job"),
        },
        **dag_defaults(shop, BACKFILL, doc_md, "backfill", start_date=datetime(2024, 1, 1, tzinfo=UTC)),
    ) as dag:

        @task
        def prepare_warehouse() -> None:
            """Create or evolve the warehouse schemas."""
            tasks.prepare_warehouse(tasks.run_conf()["warehouse_conn_id"])

        @task
        def plan_windows() -> list[dict[str, str]]:
            """The windows to read: the params' dates if given, else the run's data interval."""
            context = get_current_context()
            params = context["params"]
            if params["start_date"]:
                start = datetime.fromisoformat(params["start_date"]).replace(tzinfo=UTC)
                last_day = params["end_date"] or datetime.now(UTC).date().isoformat()
                end = datetime.fromisoformat(last_day).replace(tzinfo=UTC) + timedelta(days=1)
            else:
                start, end = context["data_interval_start"], context["data_interval_end"]
                if not start or start >= end:
                    raise ValueError("this run has no data interval: give start_date (and end_date) in the params")
            return backfill_tasks.plan_jobs(params["streams"], start, end, params["window_days"])

        @task(max_active_tis_per_dagrun=1, pool=shop.backfill_pool, outlets=[staging_asset(shop)])
        def backfill_window(job: dict[str, str]) -> dict:
            """One stream's window through bulk operations."""
            minutes = get_current_context()["params"]["job_timeout_minutes"]
            return backfill_tasks.backfill_window(job, **tasks.run_conf(), job_timeout_minutes=minutes)

        @task
        def report_backfill(results: list[dict]) -> dict:
            """Store and print what the windows loaded."""
            return backfill_tasks.report(list(results), **tasks.run_conf(), dag_id=shop.dag_id(BACKFILL))

        planned = plan_windows()
        prepare_warehouse() >> planned
        report_backfill(backfill_window.expand(job=planned))
    return dag
