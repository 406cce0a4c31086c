"""Alerts by email: a failed run, and a run that completed with problems, each with its report
attached as HTML; a clean run sends nothing. Through Airflow's SMTP provider to a real SMTP server
on loopback, with the report stored in a real warehouse."""

from __future__ import annotations

import json
from contextlib import closing
from types import SimpleNamespace

import pytest

from shopify_elt.alerts import RECIPIENTS_ENV, RunReportNotifier
from shopify_elt.ddl import ensure_schema
from shopify_elt.report import save_report
from shopify_elt.tasks import shop_of
from shopify_elt.warehouse import connect
from tests.smtp_sink import SmtpSink

pytestmark = pytest.mark.integration

CLEAN = {
    "streams": {"orders": {"extracted": 3, "inserted": 3, "updated": 0, "deleted": 0, "rejected": 0}},
    "core": {"sales_orders": 3},
    "core_totals": {"sales_orders": 3},
    "inventory": {"planned": 0, "applied": 0, "conflict": 0, "failed": 0, "calls": 0},
    "order_writes": {"shipments": {"planned": 1, "applied": 1, "failed": 0, "calls": 1}},
    "rejects": {},
    "checks": {"sales_order_totals": {"offending": 0, "samples": []}},
    "reconciliation": {"orders": {"staged": 3, "rejected": 0, "shopify": 3, "precision": "EXACT", "matches": True}},
    "api": {"requests": 12, "points": 140},
}


@pytest.fixture()
def smtp(monkeypatch):
    with SmtpSink() as sink:
        extra = {"disable_tls": True, "disable_ssl": True}
        monkeypatch.setenv("AIRFLOW_CONN_SMTP_DEFAULT", json.dumps({"conn_type": "smtp", "host": "127.0.0.1",
                                                                   "port": sink.port, "extra": extra}))  # fmt: skip
        monkeypatch.setenv(RECIPIENTS_ENV, "ops@example.com, oncall@example.com")
        yield sink


@pytest.fixture()
def shop(warehouse_url, simulator):
    with closing(connect()) as conn:
        ensure_schema(conn)
    return shop_of("shopify_default")


def store(shop: str, run_id: str, **changes) -> None:
    with closing(connect()) as conn:
        save_report(conn, {**CLEAN, **changes, "run_id": run_id, "shop": shop}, "shopify_sync")


def context(run_id: str, **extra) -> dict:
    dag_run = SimpleNamespace(run_id=run_id, dag_id="shopify_sync")
    params = {"shopify_conn_id": "shopify_default", "warehouse_conn_id": "warehouse_default"}
    return {"dag_run": dag_run, "params": params, **extra}


def attachment(message) -> str:
    (part,) = [p for p in message.walk() if p.get_filename() == "report.html"]
    return part.get_payload(decode=True).decode()


def test_a_run_that_completed_with_problems_is_emailed_with_its_report(smtp, shop):
    store(shop, "alerts-problems", rejects={"core": 2}, order_writes={"shipments": {"planned": 1, "failed": 1}})
    RunReportNotifier(when="completed").notify(context("alerts-problems"))
    (message,) = smtp.messages
    assert message["To"] == "ops@example.com, oncall@example.com"
    assert message["Subject"] == f"[shopify-elt] shopify_sync completed with problems: {shop} (alerts-problems)"
    body = next(p for p in message.walk() if p.get_content_type() == "text/html" and not p.get_filename())
    text = body.get_payload(decode=True).decode()
    assert "2 rows rejected (ops.rejects)" in text and "1 shipments failed (ops.shopify_writes)" in text
    report = attachment(message)
    assert "<h2>Extracted to staging</h2>" in report and "<td>orders</td>" in report


def test_a_clean_run_sends_nothing_and_no_recipients_means_no_email(smtp, shop, monkeypatch):
    store(shop, "alerts-clean")
    RunReportNotifier(when="completed").notify(context("alerts-clean"))
    assert smtp.messages == []
    store(shop, "alerts-nobody", rejects={"extract": 1})
    monkeypatch.delenv(RECIPIENTS_ENV)
    RunReportNotifier(when="completed").notify(context("alerts-nobody"))
    assert smtp.messages == []


def test_a_failed_run_is_emailed_even_before_it_stored_a_report(smtp, shop):
    # Called as Airflow calls a DAG callback, whose context holds a serialized DAG (no templates).
    notifier = RunReportNotifier(when="failed", to="lead@example.com")
    notifier(context("alerts-failed", reason="task_failure", dag=SimpleNamespace(dag_id="shopify_sync")))
    (message,) = smtp.messages
    assert message["To"] == "lead@example.com"
    assert message["Subject"].startswith("[shopify-elt] shopify_sync failed:")
    text = next(p for p in message.walk() if p.get_content_type() == "text/html").get_payload(decode=True).decode()
    assert "Reason: task_failure" in text and "stored no report" in text
