"""Deletions are marked, never dropped: Shopify's destroy events (orders, products) and the
ids-only sweeps (customers, variants, levels, locations, fulfillment orders), over HTTP against a
private simulator and into the real PostgreSQL; then the core build ignores what is marked."""

from __future__ import annotations

import uuid
from contextlib import closing
from datetime import UTC, datetime, timedelta

import pytest
import requests

from shopify_elt.ddl import ensure_schema
from shopify_elt.errors import ShopifyServerError
from shopify_elt.extract import StreamExtractor
from shopify_elt.hooks.shopify import ShopifyHook
from shopify_elt.load import StagingWriter
from shopify_elt.retry import RetryPolicy
from shopify_elt.streams import STREAMS_BY_NAME, load_document
from shopify_elt.sweep import DeletionSweeper, swept_streams
from shopify_elt.transform import build_core
from shopify_elt.warehouse import connect, run_file
from tests.cleanup import forget_shops
from tests.conftest import private_simulator
from tests.shopify_view import available_by_level

pytestmark = pytest.mark.integration

SHOP = "deletions.myshopify.com"  # rows of these tests are tagged apart, and removed at the end
CONN_ID = "shopify_deletions"
CORE_STREAMS = (
    "locations", "products", "product_variants", "inventory_items", "inventory_levels", "customers",
    "orders", "fulfillment_orders", "deletion_events",
)  # fmt: skip


@pytest.fixture(scope="module")
def sim():
    """A simulator of its own: these tests delete records, which other modules count."""
    with private_simulator(CONN_ID, seed=5, orders=12) as process:
        yield process


@pytest.fixture(scope="module")
def conn(warehouse_url, sim):
    """Every stream the core build reads, extracted once, and core built: the state before deletions."""
    with closing(connect()) as connection:
        ensure_schema(connection)
        for name in CORE_STREAMS:
            extract(connection, name, "run-0")
        build_core(connection, SHOP, "run-0")
        yield connection
        forget_shops(connection, SHOP)


def extract(conn, stream: str, run: str) -> dict:
    extractor = StreamExtractor(ShopifyHook(CONN_ID), conn, SHOP, run, lag=timedelta(0))
    return extractor.run(STREAMS_BY_NAME[stream])


def sweeper(conn, hook: ShopifyHook | None = None, every: timedelta = timedelta(0)) -> DeletionSweeper:
    return DeletionSweeper(hook or ShopifyHook(CONN_ID), conn, SHOP, "run-sweep", every=every, page_size=2)


def marks(conn, table: str, column: str = "id", value: str | None = None) -> dict[str, datetime | None]:
    """id -> _deleted_at of the shop's rows in ``staging.<table>`` (optionally where column = value)."""
    where = "" if value is None else f" and {column} = %(value)s"
    rows = conn.execute(
        f"select id, _deleted_at from staging.{table} where _shop = %(shop)s{where}", {"shop": SHOP, "value": value}
    )
    return dict(rows.fetchall())


def number(gid: str) -> str:
    return gid.rsplit("/", 1)[-1]


def new_customer(conn, sim) -> str:
    """A customer without orders (Shopify deletes only those), created and extracted."""
    body = {"first_name": "Gone", "last_name": uuid.uuid4().hex[:6], "email": f"{uuid.uuid4().hex[:8]}@example.com"}
    created = requests.post(f"{sim.base_url}/_simulator/customers", json=body, timeout=10)
    created.raise_for_status()
    extract(conn, "customers", f"run-{uuid.uuid4().hex[:6]}")
    return created.json()["id"]


def delete(sim, kind: str, gid: str) -> None:
    requests.delete(f"{sim.base_url}/_simulator/{kind}/{number(gid)}", timeout=10).raise_for_status()


def live_order_with_fulfillment_orders(conn) -> str:
    return conn.execute(
        """select o.id from staging.shopify_orders as o
           where o._shop = %s and o._deleted_at is null
             and exists (select 1 from staging.shopify_order_line_items as li
                         where li._shop = o._shop and li._parent_id = o.id)
             and exists (select 1 from staging.shopify_fulfillment_orders as f
                         where f._shop = o._shop and f.order_id = o.id)
           order by o.id limit 1""",
        (SHOP,),
    ).fetchone()[0]


def live_product_with_variants(conn) -> str:
    return conn.execute(
        """select v.product_id from staging.shopify_product_variants as v
           where v._shop = %s and v._deleted_at is null group by v.product_id order by v.product_id limit 1""",
        (SHOP,),
    ).fetchone()[0]


def test_deleted_orders_and_products_are_marked_with_what_belongs_to_them(conn, sim):
    order_id, product_id = live_order_with_fulfillment_orders(conn), live_product_with_variants(conn)
    lines = marks(conn, "shopify_order_line_items", "_parent_id", order_id)
    variants = marks(conn, "shopify_product_variants", "product_id", product_id)
    assert lines and variants
    delete(sim, "orders", order_id)
    delete(sim, "products", product_id)

    counts = extract(conn, "deletion_events", "run-events")
    deleted_at = dict(
        conn.execute(
            "select subject_id, created_at from staging.shopify_deletion_events where _shop = %s", (SHOP,)
        ).fetchall()
    )
    owned = {
        ("shopify_orders", "id", order_id): 1,
        ("shopify_order_line_items", "_parent_id", order_id): len(lines),
        ("shopify_fulfillment_orders", "order_id", order_id): None,
        ("shopify_products", "id", product_id): 1,
        ("shopify_product_variants", "product_id", product_id): len(variants),
    }
    marked = 0
    for (table, column, subject), expected in owned.items():
        rows = marks(conn, table, column, subject)
        assert rows and (expected is None or len(rows) == expected), table  # kept, none dropped
        assert set(rows.values()) == {deleted_at[subject]}, table  # marked with Shopify's deletion time
        marked += len(rows)
    assert counts["deletion_events"]["deleted"] == marked

    snapshot = {key: marks(conn, *key) for key in owned}
    assert extract(conn, "deletion_events", "run-events-again")["deletion_events"]["deleted"] == 0
    extract(conn, "orders", "run-orders-again")  # the order is gone from Shopify: nothing comes back
    assert {key: marks(conn, *key) for key in owned} == snapshot


def test_a_customer_deleted_through_the_control_plane_is_marked_by_the_sweep_once(conn, sim):
    customer = new_customer(conn, sim)
    delete(sim, "customers", customer)
    assert marks(conn, "shopify_customers")[customer] is None

    first = sweeper(conn).run(STREAMS_BY_NAME["customers"])
    after_first = marks(conn, "shopify_customers")
    assert first["status"] == "swept" and first["marked"] == 1
    assert after_first[customer] is not None
    assert first["ids"] == sum(1 for moment in after_first.values() if moment is None)  # every other one is live

    second = sweeper(conn).run(STREAMS_BY_NAME["customers"])
    assert second == {**first, "marked": 0}
    assert marks(conn, "shopify_customers") == after_first


class _FailsAfterFirstPage(ShopifyHook):
    """The real client; after the sweep's first page the simulator answers HTTP 500 (armed over HTTP)."""

    def __init__(self, faults_url: str, document: str) -> None:
        super().__init__(CONN_ID, retry=RetryPolicy(max_retries=1, base_seconds=0.01, cap_seconds=0.02))
        self.faults_url, self.document, self.armed = faults_url, document, False

    def graphql(self, document, variables=None, **kwargs):
        response = super().graphql(document, variables, **kwargs)
        if document == self.document and not self.armed:
            requests.post(self.faults_url, json={"kind": "http_500", "count": 5}, timeout=5).raise_for_status()
            self.armed = True
        return response


def test_a_sweep_that_fails_midway_marks_nothing(conn, sim):
    customers = STREAMS_BY_NAME["customers"]
    customer = new_customer(conn, sim)
    delete(sim, "customers", customer)
    before = marks(conn, "shopify_customers")
    state = "select swept_at, last_run_id from ops.deletion_sweeps where shop = %s and stream = 'customers'"
    last_sweep = conn.execute(state, (SHOP,)).fetchone()

    faults = f"{sim.base_url}/_simulator/faults"
    hook = _FailsAfterFirstPage(faults, load_document(customers.sweep))
    try:
        with pytest.raises(ShopifyServerError):
            sweeper(conn, hook).run(customers)
    finally:
        requests.delete(faults, timeout=5)
    assert hook.armed and len(before) > 2, "the sweep read a first page of ids, then failed"
    assert marks(conn, "shopify_customers") == before
    assert conn.execute(state, (SHOP,)).fetchone() == last_sweep, "a failed sweep is due again"

    assert sweeper(conn).run(customers)["marked"] == 1
    assert marks(conn, "shopify_customers")[customer] is not None


def test_sweeps_mark_what_shopify_lacks_once_and_wait_their_turn(conn, sim):
    gone = "gid://shopify/InventoryLevel/1?inventory_item_id=1"  # a level Shopify no longer has
    location = conn.execute("select min(id) from staging.shopify_locations where _shop = %s", (SHOP,)).fetchone()[0]
    conn.execute(
        """insert into staging.shopify_inventory_levels
               (_shop, id, _parent_id, location_id, _raw, _extracted_at, _run_id)
           values (%s, %s, %s, %s, '{}', now() - interval '1 day', 'run-old')""",
        (SHOP, gone, location, location),
    )
    first = sweeper(conn).run_all()
    assert set(first) == {s.name for s in swept_streams()}
    assert all(result["status"] == "swept" for result in first.values()), first
    assert marks(conn, "shopify_inventory_levels")[gone] is not None
    live_levels = sum(1 for moment in marks(conn, "shopify_inventory_levels").values() if moment is None)
    assert live_levels == first["inventory_levels"]["ids"] == len(available_by_level(sim))

    snapshot = {s.name: marks(conn, s.table) for s in swept_streams()}
    again = sweeper(conn).run_all()
    assert {name: r["marked"] for name, r in again.items()} == dict.fromkeys(first, 0)
    assert {s.name: marks(conn, s.table) for s in swept_streams()} == snapshot

    hook = ShopifyHook(CONN_ID)
    later = sweeper(conn, hook, every=timedelta(hours=24)).run_all()
    assert {r["status"] for r in later.values()} == {"not_due"}
    assert hook.requests_sent == 0, "a sweep that is not due costs no API points"


def core(conn, query: str, value: str) -> list[tuple]:
    return conn.execute(query, (SHOP, value)).fetchall()


LINES_OF_ORDER = """select count(*) from core.sales_order_lines join core.sales_orders using (sales_order_id)
    where shop = %s and shopify_order_id = %s"""


def test_core_ignores_deleted_rows_and_keeps_their_history(conn, sim):
    order_id, product_id = live_order_with_fulfillment_orders(conn), live_product_with_variants(conn)
    customer = new_customer(conn, sim)  # extracted, never built into core
    lines = core(conn, LINES_OF_ORDER, order_id)
    assert lines[0][0] > 0, "the order is in core before its deletion"
    for kind, gid in [("orders", order_id), ("products", product_id), ("customers", customer)]:
        delete(sim, kind, gid)
    extract(conn, "deletion_events", "run-core-events")
    sweeper(conn).run_all()

    changed = build_core(conn, SHOP, "run-core")
    assert changed["sales_orders"] >= 1 and changed["items"] >= 1
    order = core(conn, "select deleted_at from core.sales_orders where shop = %s and shopify_order_id = %s", order_id)
    assert order[0][0] is not None, "the sales order stays, marked"
    assert core(conn, LINES_OF_ORDER, order_id) == lines, "its lines stay as history"
    items = core(conn, "select deleted_at from core.items where shop = %s and shopify_product_id = %s", product_id)
    assert items and all(deleted_at is not None for (deleted_at,) in items), "items stay (lines point at them), marked"
    assert not core(conn, "select 1 from core.customers where shop = %s and shopify_customer_id = %s", customer)

    # Every core row built from a row marked deleted is marked; no other is.
    for table, staging, key in [
        ("customers", "shopify_customers", "shopify_customer_id"),
        ("items", "shopify_product_variants", "shopify_variant_id"),
        ("sales_orders", "shopify_orders", "shopify_order_id"),
        ("locations", "shopify_locations", "shopify_location_id"),
    ]:
        wrong = conn.execute(
            f"""select c.{key} from core.{table} as c join staging.{staging} as s on s._shop = c.shop and s.id = c.{key}
                where c.shop = %s and (c.deleted_at is null) <> (s._deleted_at is null)""",
            (SHOP,),
        ).fetchall()
        assert not wrong, table

    run_file(conn, "reverse/plan_inventory_pushes.sql", {"shop": SHOP, "run_id": "run-core-plan"})
    planned = conn.execute(
        """select count(*) from ops.inventory_pushes as p join core.items as i
             on i.shop = p.shop and i.shopify_inventory_item_id = p.inventory_item_id
           where p.run_id = 'run-core-plan' and i.deleted_at is not null""",
    ).fetchone()[0]
    assert planned == 0, "nothing is pushed for an item Shopify deleted"
    assert set(build_core(conn, SHOP, "run-core-again").values()) == {0}


def test_a_mark_is_cleared_only_by_a_read_after_it(warehouse_url):
    """The merge keeps a mark against a read that predates it, and clears it when the record comes back."""
    shop = "deletions-merge.myshopify.com"
    customers = STREAMS_BY_NAME["customers"]
    record = {"id": "gid://shopify/Customer/990001", "firstName": "Ada", "updatedAt": "2026-01-01T00:00:00Z"}

    def stage(version: dict) -> dict:
        with connection.transaction():
            writer = StagingWriter(connection, customers, shop, "run-merge")
            writer.add(version)
            writer.flush()
        return writer.counts.as_dict()

    def mark(moment: datetime) -> None:
        connection.execute("update staging.shopify_customers set _deleted_at = %s where _shop = %s", (moment, shop))

    def state() -> tuple:
        query = "select _raw ->> 'firstName', _deleted_at from staging.shopify_customers where _shop = %s"
        return connection.execute(query, (shop,)).fetchone()

    with closing(connect()) as connection:
        ensure_schema(connection)
        try:
            stage(record)
            later = datetime.now(UTC) + timedelta(hours=1)  # deleted after the next read began
            mark(later)
            assert stage({**record, "firstName": "Ada L.", "updatedAt": "2026-01-02T00:00:00Z"})["updated"] == 1
            assert state() == ("Ada L.", later), "history updated, the mark kept"
            assert stage({**record, "firstName": "Ada L.", "updatedAt": "2026-01-02T00:00:00Z"})["updated"] == 0
            mark(datetime.now(UTC) - timedelta(hours=1))  # deleted before this read: it came back
            assert stage({**record, "firstName": "Ada L.", "updatedAt": "2026-01-02T00:00:00Z"})["updated"] == 1
            assert state() == ("Ada L.", None)
        finally:
            forget_shops(connection, shop)
