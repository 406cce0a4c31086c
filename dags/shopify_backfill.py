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

Paused on creation; one run at a time, one bulk window at a time.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from airflow.sdk import Param, dag, get_current_context, task
from airflow.timetables.interval import CronDataIntervalTimetable

from shopify_elt import backfill_tasks, tasks
from shopify_elt.backfill_tasks import BACKFILL_STREAMS


@dag(
    dag_id="shopify_backfill",
    # Data intervals (not Airflow 3's default cron *trigger*): each run owns one month of history.
    schedule=CronDataIntervalTimetable("@monthly", timezone="UTC"),
    start_date=datetime(2024, 1, 1),
    catchup=False,
    is_paused_upon_creation=True,
    max_active_runs=1,
    default_args={"owner": "data-engineering", "retries": 2, "retry_delay": timedelta(minutes=2)},
    tags=["shopify", "elt", "backfill"],
    doc_md=__doc__,
    params={
        "shopify_conn_id": Param("shopify_default", type="string", description="Connection of the shop"),
        "warehouse_conn_id": Param("warehouse_default", type="string", description="PostgreSQL warehouse"),
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
)
def shopify_backfill():
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

    @task(max_active_tis_per_dagrun=1)
    def backfill_window(job: dict[str, str]) -> dict:
        """One stream's window through bulk operations."""
        minutes = get_current_context()["params"]["job_timeout_minutes"]
        return backfill_tasks.backfill_window(job, **tasks.run_conf(), job_timeout_minutes=minutes)

    @task
    def report_backfill(results: list[dict]) -> dict:
        """Store and print what the windows loaded."""
        return backfill_tasks.report(list(results), **tasks.run_conf())

    planned = plan_windows()
    prepare_warehouse() >> planned
    report_backfill(backfill_window.expand(job=planned))


shopify_backfill()
