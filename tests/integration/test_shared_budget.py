"""The shop's GraphQL bucket shared by its tasks (``ops.api_budget``): the reservation rules on a
real PostgreSQL, then several clients extracting at once from the simulator over HTTP, which
answers THROTTLED whenever they ask together for more than its bucket holds."""

from __future__ import annotations

import logging
import threading
import time
from contextlib import closing

import psycopg
import pytest
import requests

from shopify_elt.ddl import ensure_schema
from shopify_elt.hooks.shopify import ShopifyHook
from shopify_elt.shared_budget import SharedBudget, shop_client
from shopify_elt.streams import STREAMS_BY_NAME
from shopify_elt.throttle import ThrottleBucket
from shopify_elt.warehouse import connect
from tests.conftest import private_simulator

pytestmark = pytest.mark.integration

CONN_ID = "shopify_shared_budget"
SHOP = "shared-budget.myshopify.com"


@pytest.fixture(scope="module")
def schema(warehouse_url):
    with closing(connect()) as conn:
        ensure_schema(conn)
        yield conn
        conn.execute("delete from ops.api_budget")


def answer(available: float, actual: float | None = 10, maximum: float = 2000, rate: float = 100) -> dict:
    return {
        "actualQueryCost": actual,
        "throttleStatus": {"maximumAvailable": maximum, "currentlyAvailable": available, "restoreRate": rate},
    }


def level(conn: psycopg.Connection, shop: str) -> float:
    return conn.execute(
        """select least(maximum, available + extract(epoch from clock_timestamp() - observed_at) * restore_rate)
           from ops.api_budget where shop = %s""",
        (shop,),
    ).fetchone()[0]


def test_reservations_take_points_and_answers_give_back_what_was_not_charged(schema) -> None:
    shop, budget, bucket = f"a-{time.time_ns()}.myshopify.com", SharedBudget("warehouse_default"), ThrottleBucket()
    try:
        assert budget.reserve(shop, 500, bucket) == 0.0  # nobody has reported the bucket yet: nothing to share
        budget.settle(shop, 0.0, answer(available=1000))  # the first answer creates the shop's row
        assert level(schema, shop) == pytest.approx(1000, abs=5)

        assert budget.reserve(shop, 600, bucket) == 0.0  # taken
        assert level(schema, shop) == pytest.approx(400, abs=5)
        delay = budget.reserve(shop, 600, bucket)  # 200 missing at 100 points/s
        assert delay == pytest.approx(2.0, abs=0.1)
        assert level(schema, shop) == pytest.approx(400, abs=5)  # a refused reservation takes nothing

        budget.settle(shop, 600, answer(available=1500, actual=100))  # 500 not charged come back
        assert level(schema, shop) == pytest.approx(900, abs=5)
        budget.settle(shop, 0.0, answer(available=300, actual=None))  # someone else spent: Shopify's word wins
        assert level(schema, shop) == pytest.approx(300, abs=5)
    finally:
        budget.close()


def test_an_unreachable_database_leaves_the_client_to_its_own_pacing(caplog) -> None:
    def refuse(_conn_id: str) -> psycopg.Connection:
        raise psycopg.OperationalError("connection refused")

    budget = SharedBudget("warehouse_default", connector=refuse)
    with caplog.at_level(logging.WARNING, logger="shopify_elt.shared_budget"):
        assert budget.reserve(SHOP, 500, ThrottleBucket()) == 0.0
        budget.settle(SHOP, 500, answer(available=100))
        assert budget.reserve(SHOP, 500, ThrottleBucket()) == 0.0
    assert len([r for r in caplog.records if "out of reach" in r.message]) == 1


@pytest.fixture(scope="module")
def sim(schema):
    with private_simulator(CONN_ID, seed=17, orders=1500, shop_domain=SHOP) as process:
        yield process


def throttled(sim) -> int:
    return requests.get(f"{sim.base_url}/_simulator/stats", timeout=10).json()["throttled"]


def extract_for(seconds: float, hooks: list[ShopifyHook]) -> float:
    """Each hook pages through every order, again and again, in its own thread; returns the time taken."""
    stream, errors = STREAMS_BY_NAME["orders"], []

    def work(hook: ShopifyHook) -> None:
        deadline = time.monotonic() + seconds
        try:
            while time.monotonic() < deadline:
                for _page in hook.paginate(stream.document, dict(stream.extra_variables), stream.path):
                    if time.monotonic() >= deadline:
                        break
        except Exception as error:  # noqa: BLE001 - reported below, with the thread's hook
            errors.append(error)

    threads = [threading.Thread(target=work, args=(hook,)) for hook in hooks]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    return time.monotonic() - started


def test_tasks_extracting_at_once_share_the_bucket_without_throttled_answers(sim) -> None:
    """Four clients on the standard plan (2000 points, 100 restored per second) spend more than
    the bucket holds: each waits for the points the others took, and Shopify never refuses one."""
    before = throttled(sim)
    with (
        shop_client(CONN_ID, "warehouse_default") as a,
        shop_client(CONN_ID, "warehouse_default") as b,
        shop_client(CONN_ID, "warehouse_default") as c,
        shop_client(CONN_ID, "warehouse_default") as d,
    ):
        hooks = [a, b, c, d]
        elapsed = extract_for(8.0, hooks)
    spent = sum(h.bucket.points_spent for h in hooks)
    assert spent > 2000 + 100 * 4  # the bucket ran dry: the clients had to share it
    assert spent <= 2000 + 100 * (elapsed + 1)  # never more than Shopify restores
    assert sum(h.bucket.throttled_answers for h in hooks) == 0
    assert throttled(sim) == before
    assert sum(h.bucket.seconds_waited for h in hooks) > 0
