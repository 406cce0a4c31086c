"""Alerts by email, through Airflow's notifier interface: a run that failed, and a run that completed
with problems (rejected rows, failed writes, failing checks, counts that disagree), each with the
run's report attached as HTML, as the seeds email the user "when an e-commerce job is completed and
if there are any errors".

Recipients: the notifier's ``to``, else ``SHOPIFY_ELT_ALERT_EMAILS`` or the Airflow Variable
``shopify_elt_alert_emails`` (comma-separated); none configured means no email, said in the log.
The mail goes through the SMTP connection ``smtp_default`` (Airflow's SMTP provider); any other
notifier (Slack, Teams …) can sit beside it in the DAG's callbacks.
"""

from __future__ import annotations

import html
import logging
import os
import tempfile
from collections.abc import Iterable
from contextlib import closing
from pathlib import Path
from typing import Any, Literal

from airflow.sdk.bases.notifier import BaseNotifier

from shopify_elt.summary import problems, stored_report, to_html

log = logging.getLogger(__name__)

RECIPIENTS_ENV = "SHOPIFY_ELT_ALERT_EMAILS"
RECIPIENTS_VARIABLE = "shopify_elt_alert_emails"


def recipients(configured: str | Iterable[str] | None) -> list[str]:
    """The addresses to alert: the notifier's own, else the environment's, else the Variable's."""
    if configured:
        given = [configured] if isinstance(configured, str) else list(configured)
    else:
        given = [os.environ.get(RECIPIENTS_ENV) or _variable(RECIPIENTS_VARIABLE) or ""]
    return [address.strip() for entry in given for address in entry.split(",") if address.strip()]


def _variable(key: str) -> str | None:
    try:
        from airflow.sdk import Variable

        return Variable.get(key, default=None)
    except Exception:  # no metadata database reachable (a script, a test): no Variable
        return None


class RunReportNotifier(BaseNotifier):
    """Email a DAG run's outcome with its report.

    :param when: ``failed`` alerts on every call (use it as ``on_failure_callback``);
        ``completed`` only when the stored report lists problems (``on_success_callback``).
    """

    template_fields = ()

    def __init__(
        self,
        *,
        when: Literal["failed", "completed"],
        to: str | Iterable[str] | None = None,
        smtp_conn_id: str = "smtp_default",
        from_email: str = "shopify-elt@localhost",
    ) -> None:
        super().__init__()
        self.when = when
        self.to = to
        self.smtp_conn_id = smtp_conn_id
        self.from_email = from_email

    def render_template_fields(self, context: dict[str, Any], jinja_env: Any = None) -> None:
        """Nothing to render (the recipients are plain addresses); and the DAG in a DAG callback's
        context may be a serialized one, which has no template environment to render with."""

    def notify(self, context: dict[str, Any]) -> None:
        to = recipients(self.to)
        dag_run = context["dag_run"]
        if not to:
            log.info("No alert recipients (%s or Variable %s): no email", RECIPIENTS_ENV, RECIPIENTS_VARIABLE)
            return
        params = context.get("params") or {}
        shop, report = self._report(dag_run.run_id, params, dag_run.dag_id)
        issues = problems(report) if report else []
        if self.when == "completed" and not issues:
            return
        outcome = "failed" if self.when == "failed" else "completed with problems"
        subject = f"[shopify-elt] {dag_run.dag_id} {outcome}: {shop or '?'} ({dag_run.run_id})"
        reason = context.get("reason") or context.get("exception")
        lines = [f"<p><b>{dag_run.dag_id}</b> run <code>{dag_run.run_id}</code> {outcome}.</p>"]
        if reason:
            lines.append(f"<p>Reason: {html.escape(str(reason))}</p>")
        lines += [f"<p>{html.escape(issue)}</p>" for issue in issues]
        if report is None:
            lines.append("<p>The run stored no report (it stopped before report_run).</p>")
        self._send(to, subject, "\n".join(lines), to_html(report) if report else None)

    def _report(
        self, run_id: str, params: dict[str, Any], dag_id: str | None = None
    ) -> tuple[str | None, dict[str, Any] | None]:
        """The shop and the report the run stored, if any (an alert is still sent without them)."""
        from shopify_elt.tasks import shop_of
        from shopify_elt.warehouse import WAREHOUSE_CONN_ID, connect

        try:
            shop = shop_of(params.get("shopify_conn_id", "shopify_default"))
            with closing(connect(params.get("warehouse_conn_id", WAREHOUSE_CONN_ID))) as conn:
                return shop, stored_report(conn, run_id, shop, dag_id)
        except Exception as error:  # the alert matters more than its attachment
            log.warning("Could not read the run's report for the alert: %s", error)
            return None, None

    def _send(self, to: list[str], subject: str, body: str, report_html: str | None) -> None:
        from airflow.providers.smtp.hooks.smtp import SmtpHook

        with tempfile.TemporaryDirectory() as folder:
            files = []
            if report_html is not None:
                attachment = Path(folder) / "report.html"
                attachment.write_text(report_html)
                files.append(str(attachment))
            with SmtpHook(smtp_conn_id=self.smtp_conn_id) as smtp:
                smtp.send_email_smtp(to=to, subject=subject, html_content=body, from_email=self.from_email, files=files)
        log.info("Alert sent to %s: %s", ", ".join(to), subject)
