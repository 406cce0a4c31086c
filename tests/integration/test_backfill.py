"""Bulk backfills of two years of orders against the simulator over HTTP into PostgreSQL.

The paginated extraction is the reference: a backfill must stage the same rows, row for row,
whatever happens to its bulk jobs (partial files, slow jobs, a run killed in the middle), and
must leave the hourly watermark alone.
"""

from __future__ import annotations

import uuid
from contextlib import closing
from datetime import UTC, datetime, timedelta

import pytest
import requests

from shopify_elt.backfill import Backfill, Span, plan_spans
from shopify_elt.bulk import BulkExport
from shopify_elt.ddl import ensure_schema
from shopify_elt.errors import ShopifyScopeError
from shopify_elt.extract import StreamExtractor
from shopify_elt.hooks.shopify import ShopifyHook
from shopify_elt.streams import STREAMS, STREAMS_BY_NAME
from shopify_elt.warehouse import connect
from tests.cleanup import forget_shops
from tests.conftest import private_simulator
from tests.shopify_view import all_nodes

pytestmark = pytest.mark.integration

ORDERS = STREAMS_BY_NAME["orders"]
ORDER_STREAMS = [s for s in STREAMS if s.name == "orders" or s.parent == "orders"]
HISTORY_DAYS = 730
PREFIX = f"bf{uuid.uuid4().hex[:6]}"
"""Every shop these tests stage starts with it, and is removed at the end of the module."""


@pytest.fixture(scope="module")
def history():
    """A store whose 160 orders were placed over two years."""
    with private_simulator("shopify_history", seed=11, orders=160, extra=["--history-days", str(HISTORY_DAYS)]) as sim:
        yield sim


@pytest.fixture(scope="module", autouse=True)
def _forget_shops(warehouse_url):
    yield
    with closing(connect()) as connection:
        forget_shops(connection, f"{PREFIX}-%")


@pytest.fixture()
def conn(warehouse_url, history):
    with closing(connect()) as connection:
        ensure_schema(connection)
        yield connection
        requests.delete(f"{history.base_url}/_simulator/faults", timeout=5)


@pytest.fixture(scope="module")
def reference(warehouse_url, history) -> dict[str, set[tuple]]:
    """The paginated extraction of every order stream: what a backfill must equal."""
    shop = f"{PREFIX}-paged"
    with closing(connect()) as connection:
        ensure_schema(connection)
        extractor = StreamExtractor(ShopifyHook("shopify_history"), connection, shop, "paged", lag=timedelta(0))
        for stream in ORDER_STREAMS:
            if stream.embedded_as is None:
                extractor.run(stream)
        return {s.name: rows(connection, s.table, shop) for s in ORDER_STREAMS}


def rows(conn, table: str, shop: str) -> set[tuple]:
    """Every staged row without its load metadata (shop, time and run)."""
    columns = [
        name
        for (name,) in conn.execute(
            "select column_name from information_schema.columns where table_schema = 'staging' and table_name = %s",
            (table,),
        ).fetchall()
        if name not in ("_shop", "_extracted_at", "_run_id")
    ]
    select = ", ".join(f'"{c}"::text' for c in columns)
    return set(conn.execute(f"select {select} from staging.{table} where _shop = %s", (shop,)).fetchall())


def backfill(conn, shop: str, **options) -> Backfill:
    hook = ShopifyHook("shopify_history")
    exporter = BulkExport(hook, poll_seconds=0.05, max_poll_seconds=0.2)
    return Backfill(hook, conn, shop, options.pop("run_id", "backfill"), exporter, **options)


def two_years() -> list[Span]:
    end = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1)
    return plan_spans(end - timedelta(days=HISTORY_DAYS + 2), end, days=120)


def arm(history, kind: str, **params) -> None:
    requests.post(f"{history.base_url}/_simulator/faults", json={"kind": kind, **params}, timeout=5).raise_for_status()


def test_a_two_year_backfill_equals_the_paginated_extraction_row_for_row(conn, history, reference):
    shop = f"{PREFIX}-bulk"
    runner = backfill(conn, shop)
    results = [runner.run(ORDERS, span) for span in two_years()]
    assert len(results) == 7
    assert {s.name: rows(conn, s.table, shop) for s in ORDER_STREAMS} == reference
    every_order = list(all_nodes(history, "orders", "id", first=100))
    assert len(reference["orders"]) == len(every_order) == 160
    assert all(reference[s.name] for s in ORDER_STREAMS), "every order stream has rows in the seeded history"
    assert sum(r.jobs for r in results) == 7 and not any(r.failed_jobs for r in results)
    # The hourly run's watermarks are not the backfill's business.
    assert conn.execute("select count(*) from ops.stream_state where shop = %s", (shop,)).fetchone()[0] == 0
    windows = conn.execute(
        "select status, count(*) from ops.backfill_windows where shop = %s group by status", (shop,)
    ).fetchall()
    assert windows == [("done", 7)]
    again = runner.run(ORDERS, two_years()[0])  # a re-run reads the window again and changes nothing
    assert all(c.inserted == c.updated == c.deleted == 0 for c in again.counts.values())


def test_a_failed_job_keeps_its_partial_file_and_the_next_job_continues_after_it(conn, history, reference):
    shop = f"{PREFIX}-partial"
    arm(history, "bulk_failed", lines=40)
    whole = Span(two_years()[0].start, two_years()[-1].end)
    result = backfill(conn, shop).run(ORDERS, whole)
    assert result.failed_jobs == 1 and result.jobs == 2
    assert {s.name: rows(conn, s.table, shop) for s in ORDER_STREAMS} == reference


def test_a_slow_job_is_canceled_and_its_window_split(conn, history, reference):
    shop = f"{PREFIX}-slow"
    arm(history, "bulk_slow", seconds=30)
    whole = Span(two_years()[0].start, two_years()[-1].end)
    result = backfill(conn, shop, job_timeout=timedelta(seconds=1)).run(ORDERS, whole)
    assert result.failed_jobs == 1 and result.jobs == 3  # the slow one, then its two halves
    assert {s.name: rows(conn, s.table, shop) for s in ORDER_STREAMS} == reference
    statuses = [op["status"] for op in all_nodes(history, "bulkOperations", "status", first=50)]
    assert "CANCELED" in statuses


def test_a_killed_run_resumes_after_its_last_commit_and_ends_identical(conn, history, reference, monkeypatch):
    shop = f"{PREFIX}-killed"
    arm(history, "bulk_failed", lines=60)  # the first job commits its partial file, then the worker "dies"
    whole = Span(two_years()[0].start, two_years()[-1].end)
    real_job = Backfill._job
    calls = []

    def dies_on_second_job(self, stream, span):
        calls.append(span)
        if len(calls) == 2:
            raise SystemExit("worker killed")
        return real_job(self, stream, span)

    monkeypatch.setattr(Backfill, "_job", dies_on_second_job)
    with pytest.raises(SystemExit):
        backfill(conn, shop, run_id="attempt-1").run(ORDERS, whole)
    monkeypatch.setattr(Backfill, "_job", real_job)
    status, loaded_until = conn.execute(
        "select status, loaded_until from ops.backfill_windows where shop = %s", (shop,)
    ).fetchone()
    assert status == "running" and whole.start < loaded_until < whole.end
    resumed = backfill(conn, shop, run_id="attempt-2").run(ORDERS, whole)
    assert resumed.resumed_from == loaded_until and resumed.jobs == 1
    assert {s.name: rows(conn, s.table, shop) for s in ORDER_STREAMS} == reference


def test_old_orders_without_read_all_orders_are_refused_with_the_reason(warehouse_url):
    from shopify_simulator.seed import DEFAULT_SCOPES

    scopes = ",".join(s for s in DEFAULT_SCOPES if s != "read_all_orders")
    extra = ["--history-days", "365", "--scopes", scopes]
    with private_simulator("shopify_history", seed=3, orders=40, extra=extra), closing(connect()) as conn:
        ensure_schema(conn)
        shop = f"{PREFIX}-scopes"
        now = datetime.now(UTC)
        with pytest.raises(ShopifyScopeError, match="read_all_orders"):
            backfill(conn, shop).run(ORDERS, Span(now - timedelta(days=365), now))
        recent = backfill(conn, shop).run(ORDERS, Span(now - timedelta(days=30), now + timedelta(hours=1)))
        assert recent.counts["orders"].inserted > 0


@pytest.mark.parametrize("name", ["customers", "products"])
def test_customers_and_products_backfill_equals_their_paginated_extraction(conn, history, name):
    streams = [s for s in STREAMS if s.name == name or s.parent == name]
    paged, bulk = f"{PREFIX}-paged-{name}", f"{PREFIX}-bulk-{name}"
    extractor = StreamExtractor(ShopifyHook("shopify_history"), conn, paged, "paged", lag=timedelta(0))
    for stream in streams:
        if stream.embedded_as is None:
            extractor.run(stream)
    span = Span(datetime(2000, 1, 1, tzinfo=UTC), datetime.now(UTC) + timedelta(hours=1))
    backfill(conn, bulk).run(STREAMS_BY_NAME[name], span)
    for stream in streams:
        expected = rows(conn, stream.table, paged)
        assert expected, f"the seeded store has {stream.name}"
        assert rows(conn, stream.table, bulk) == expected, stream.name
