"""``shopify_webhooks`` for one shop: the inbox merged into staging every two minutes, then core.

Built like the shop's other DAGs (``shopify_elt.dag_factory``: same defaults, tags, params and
core asset), in a module of its own so the webhook feature stays in one package.
"""

from __future__ import annotations

from datetime import timedelta

from airflow.sdk import DAG, CronTriggerTimetable, Param, get_current_context, task
from airflow.sdk.exceptions import AirflowSkipException

from shopify_elt import tasks
from shopify_elt.dag_factory import connection_params, core_asset, dag_defaults, default_args
from shopify_elt.shops import Shop
from shopify_elt.webhooks import tasks as webhook_tasks

WEBHOOKS = "shopify_webhooks"
SCHEDULE = "*/2 * * * *"
"""Every two minutes: a new order is in core within about that much (plus the run's own seconds)."""


def webhooks_dag(shop: Shop, doc_md: str) -> DAG:
    """prepare_warehouse → merge_deliveries → build_core (skipped when nothing was merged) → report."""
    with DAG(
        schedule=CronTriggerTimetable(SCHEDULE, timezone="UTC"),
        # Paused until the shop goes live (python -m shopify_elt.webhooks.register … --go-live):
        # before that its inbox stays empty and a run every two minutes would be noise.
        is_paused_upon_creation=True,
        default_args=default_args(retry_delay=timedelta(seconds=30)),
        dagrun_timeout=timedelta(minutes=15),
        params={
            **connection_params(shop),
            "retention_days": Param(
                7, type="number", minimum=1, description="Keep processed deliveries this long (dedupes late retries)"
            ),
        },
        **dag_defaults(shop, WEBHOOKS, doc_md, "webhooks"),
    ) as dag:

        @task
        def prepare_warehouse() -> None:
            """Create or evolve the warehouse schemas (the inbox included)."""
            tasks.prepare_warehouse(tasks.run_conf()["warehouse_conn_id"])

        @task(pool=shop.pool)
        def merge_deliveries() -> dict:
            """Read the records the pending deliveries name again from Shopify, by id, and stage them
            with the extraction's loader; the deliveries are marked in the same transaction."""
            retention = get_current_context()["params"]["retention_days"]
            return webhook_tasks.merge_deliveries(**tasks.run_conf(), retention_days=retention)

        @task(outlets=[core_asset(shop)])
        def build_core(merge_result: dict) -> dict:
            """Rebuild the orders the merge changed (the incremental core build); its success tells the
            reverse sync, through the shop's core asset. Skipped when nothing was merged."""
            if not merge_result["deliveries"]["merged"]:
                raise AirflowSkipException("no delivery merged: core is as it was")
            return tasks.build(**tasks.run_conf())

        @task(trigger_rule="none_failed")
        def report_webhooks(merge_result: dict, core_changed: dict | None) -> dict:
            """Store and print the run's report (deliveries, rows per stream and per path, latency)."""
            return webhook_tasks.report(
                **tasks.run_conf(),
                dag_id=shop.dag_id(WEBHOOKS),
                merge_result=merge_result,
                core_changed=core_changed,
            )

        merged = merge_deliveries()
        prepare_warehouse() >> merged
        report_webhooks(merged, build_core(merged))
    return dag
