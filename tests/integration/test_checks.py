"""Data-quality checks (``include/sql/checks``) on a store staged from the simulator over HTTP and
built into core on the real PostgreSQL: a clean store passes every check, and each corruption
is reported by exactly the check it breaks, with its reason."""

from __future__ import annotations

from contextlib import closing
from datetime import timedelta

import pytest

from shopify_elt.checks import DataQualityFailure, discover, raise_on_failures, run_checks
from shopify_elt.ddl import ensure_schema
from shopify_elt.extract import StreamExtractor
from shopify_elt.hooks.shopify import ShopifyHook
from shopify_elt.streams import STREAMS_BY_NAME
from shopify_elt.transform import build_core
from shopify_elt.warehouse import connect
from tests.cleanup import forget_shops
from tests.conftest import private_simulator

pytestmark = pytest.mark.integration

SHOP = "checks.myshopify.com"  # rows of these tests are tagged apart, and removed at the end
CONN_ID = "shopify_checks"
CORE_STREAMS = (
    "locations", "products", "product_variants", "inventory_items", "inventory_levels", "customers", "orders",
    "order_shipping_lines", "order_line_discount_allocations", "order_refunds",
)  # fmt: skip


@pytest.fixture(scope="module")
def conn(warehouse_url):
    """A private store (enough orders for discounted, cancelled and refunded ones), staged and built."""
    with private_simulator(CONN_ID, seed=11, orders=40), closing(connect()) as connection:
        ensure_schema(connection)
        for name in CORE_STREAMS:
            StreamExtractor(ShopifyHook(CONN_ID), connection, SHOP, "run-checks", lag=timedelta(0)).run(
                STREAMS_BY_NAME[name]
            )
        build_core(connection, SHOP, "run-checks")
        try:
            yield connection
        finally:
            forget(connection)


def forget(conn) -> None:
    """Remove the shop's staging, ops and core rows (the e2e tests count whole tables)."""
    forget_shops(conn, SHOP)
    conn.execute("delete from core.stock using core.items as i where i.item_id = stock.item_id and i.shop = %s", [SHOP])
    for table in ("sales_orders", "items", "customers", "locations"):
        conn.execute(f"delete from core.{table} where shop = %s", (SHOP,))
    conn.execute("delete from ops.inventory_pushes where shop = %s", (SHOP,))


def failing(conn) -> dict[str, dict]:
    return {name: r for name, r in run_checks(conn, SHOP).items() if r["offending"]}


def failing_scoped(conn) -> dict[str, dict]:
    return {name: r for name, r in run_checks(conn, SHOP, scoped=True).items() if r["offending"]}


def scalar(conn, query: str, *params):
    return conn.execute(query, (SHOP, *params)).fetchone()[0]


def test_the_checks_are_the_files():
    assert {
        "items_unique_sku",
        "sales_order_lines_relationships",
        "sales_order_totals",
        "sales_orders_unique_web_order_number",
        "staging_not_null_keys",
        "staging_order_totals",
        "stream_freshness",
    } <= set(discover())


def test_a_clean_store_passes_every_check_including_discounted_cancelled_and_refunded_orders(conn):
    assert scalar(conn, "select count(*) from core.sales_orders where shop = %s") > 20
    staged = "select count(*) from staging.shopify_orders where _shop = %s"
    assert scalar(conn, staged + " and cancelled_at is not null") > 0
    assert scalar(conn, staged + " and financial_status in ('PARTIALLY_REFUNDED', 'REFUNDED')") > 0
    assert scalar(conn, "select count(*) from staging.shopify_order_line_discount_allocations where _shop = %s") > 0
    returned = "select count(*) from staging.shopify_order_line_items where _shop = %s and current_quantity < quantity"
    assert scalar(conn, returned) > 0

    results = run_checks(conn, SHOP)

    assert set(results) == set(discover())
    assert failing(conn) == {}
    raise_on_failures(results)  # nothing to raise


def test_an_order_total_that_does_not_add_up_is_reported(conn):
    order = scalar(conn, "select shopify_order_id from core.sales_orders where shop = %s order by 1 limit 1")
    with conn.transaction(force_rollback=True):
        conn.execute(
            "update core.sales_orders set total = total + 5 where shop = %s and shopify_order_id = %s", (SHOP, order)
        )
        found = failing(conn)
    assert set(found) == {"sales_order_totals"}
    (sample,) = found["sales_order_totals"]["samples"]
    assert sample["shopify_order_id"] == order
    assert sample["problem"].startswith("total ") and " <> lines " in sample["problem"]
    assert float(sample["total"]) - float(sample["expected_total"]) == pytest.approx(5)


def test_an_order_level_discount_is_part_of_the_totals(conn):
    """A discount allocation the line prices do not carry lowers the expected total."""
    allocation = scalar(conn, "select id from staging.shopify_order_line_discount_allocations where _shop = %s limit 1")
    with conn.transaction(force_rollback=True):
        conn.execute(
            """update staging.shopify_order_line_discount_allocations set amount = amount + 1
               where _shop = %s and id = %s""",
            (SHOP, allocation),
        )
        found = failing(conn)
    assert set(found) == {"sales_order_totals", "staging_order_totals"}
    assert found["sales_order_totals"]["offending"] == found["staging_order_totals"]["offending"] == 1


def test_a_staged_total_that_does_not_add_up_is_reported(conn):
    order = scalar(conn, "select id from staging.shopify_orders where _shop = %s and cancelled_at is not null limit 1")
    with conn.transaction(force_rollback=True):
        conn.execute(
            "update staging.shopify_orders set total_price = total_price - 1 where _shop = %s and id = %s",
            (SHOP, order),
        )
        found = failing(conn)
    assert set(found) == {"staging_order_totals"}
    (sample,) = found["staging_order_totals"]["samples"]
    assert sample["shopify_order_id"] == order
    assert sample["problem"].startswith("total price ") and " - discounts " in sample["problem"]


def test_a_duplicated_sku_is_reported_on_every_variant_that_has_it(conn):
    first, second = conn.execute(
        """select id, sku from staging.shopify_product_variants
           where _shop = %s and _deleted_at is null order by id limit 2""",
        (SHOP,),
    ).fetchall()
    with conn.transaction(force_rollback=True):
        conn.execute(
            "update staging.shopify_product_variants set sku = %s where _shop = %s and id = %s",
            (first[1], SHOP, second[0]),
        )
        found = failing(conn)
    assert set(found) == {"items_unique_sku"}
    assert found["items_unique_sku"]["offending"] == 2
    assert {s["shopify_variant_id"] for s in found["items_unique_sku"]["samples"]} == {first[0], second[0]}
    assert found["items_unique_sku"]["samples"][0]["problem"] == f"SKU {first[1]} is on 2 live variants"


def test_an_orphaned_line_is_reported_in_staging_and_in_core(conn):
    line, order = conn.execute(
        """select li.id, li._parent_id from staging.shopify_order_line_items as li
           inner join core.sales_order_lines as sol on sol.shopify_line_item_id = li.id
           where li._shop = %s order by li.id limit 1""",
        (SHOP,),
    ).fetchone()
    with conn.transaction(force_rollback=True):
        conn.execute(
            """update staging.shopify_order_line_items set _parent_id = 'gid://shopify/Order/0'
               where _shop = %s and id = %s""",
            (SHOP, line),
        )
        found = failing(conn)
    # The core line's order no longer lists it and the staged line points at no order; the
    # order's staged lines (and maybe their discounts) no longer add up to its totals either.
    assert set(found) >= {"sales_order_lines_relationships", "staging_order_totals"}
    assert set(found) <= {"sales_order_lines_relationships", "staging_order_totals", "sales_order_totals"}
    problems = {(s["shopify_order_id"], s["problem"]) for s in found["sales_order_lines_relationships"]["samples"]}
    assert problems == {
        ("gid://shopify/Order/0", "staged line item has no staged order"),
        (order, "sales order line is not a line item of its order in staging"),
    }


def test_a_missing_key_is_reported(conn):
    order = scalar(conn, "select id from staging.shopify_orders where _shop = %s order by id limit 1")
    with conn.transaction(force_rollback=True):
        conn.execute(
            "update staging.shopify_orders set currency_code = null where _shop = %s and id = %s", (SHOP, order)
        )
        found = failing(conn)
    assert set(found) == {"staging_not_null_keys"}
    assert found["staging_not_null_keys"]["samples"] == [
        {"stream": "orders", "id": order, "shopify_order_id": order, "problem": "order has no currency"}
    ]


def test_a_duplicated_web_order_number_is_reported(conn):
    first, second = conn.execute(
        "select shopify_order_id, web_order_number from core.sales_orders where shop = %s order by 1 limit 2", (SHOP,)
    ).fetchall()
    with conn.transaction(force_rollback=True):
        conn.execute(
            "update core.sales_orders set web_order_number = %s where shop = %s and shopify_order_id = %s",
            (first[1], SHOP, second[0]),
        )
        found = failing(conn)
    assert set(found) == {"sales_orders_unique_web_order_number"}
    assert found["sales_orders_unique_web_order_number"]["offending"] == 2


def test_failing_checks_raise_one_error_with_counts_and_samples(conn):
    first = "select shopify_order_id from core.sales_orders where shop = %s order by sales_order_id limit 1"
    order = scalar(conn, first)
    with conn.transaction(force_rollback=True):
        conn.execute("update core.sales_orders set total = 0 where shop = %s", (SHOP,))
        results = run_checks(conn, SHOP)
    with pytest.raises(DataQualityFailure) as raised:
        raise_on_failures(results)
    message = str(raised.value)
    count = results["sales_order_totals"]["offending"]
    assert message.startswith("1 data-quality check(s) failed:\nsales_order_totals: ")
    assert f"{count} offending row(s): total 0.00 <> lines " in message
    assert f"shopify_order_id={order}" in message
    assert f"… and {count - 5} more" in message


def test_a_stream_that_stopped_advancing_is_named_with_how_long_ago(conn):
    with conn.transaction(force_rollback=True):
        conn.execute(
            "update ops.stream_state set watermark = now() - interval '5 hours' where shop = %s and stream = 'orders'",
            (SHOP,),
        )
        found = failing(conn)
        assert set(found) == {"stream_freshness"}
        (sample,) = found["stream_freshness"]["samples"]
        assert sample["stream"] == "orders"
        assert sample["problem"] == "orders has not advanced for 5.0 h (freshness_hours is 3)"

        conn.execute("update core.settings set value = '6' where setting = 'freshness_hours'")
        assert failing(conn) == {}, "within a longer freshness_hours"


def queued(conn) -> set[str]:
    return {r[0] for r in conn.execute("select shopify_order_id from ops.check_queue where shop = %s", (SHOP,))}


def test_scoped_checks_see_the_orders_rebuilt_and_report_an_offender_until_it_is_fixed(conn):
    run_checks(conn, SHOP)  # a whole-shop pass over a clean store empties the queue
    assert queued(conn) == set()
    order = scalar(conn, "select shopify_order_id from core.sales_orders where shop = %s order by 1 limit 1")
    bump = "update core.sales_orders set total = total + %s where shop = %s and shopify_order_id = %s"
    conn.execute(bump, (5, SHOP, order))  # a change no build made: nothing queues it
    try:
        scoped = run_checks(conn, SHOP, scoped=True)
        assert scoped["sales_order_totals"] == {"offending": 0, "samples": [], "scope": "queued orders"}
        whole = run_checks(conn, SHOP)
        assert whole["sales_order_totals"]["offending"] == 1 and whole["sales_order_totals"]["scope"] == "whole shop"
        assert queued(conn) == {order}, "the whole-shop pass queues what it found"
        for _ in range(2):  # reported every run until fixed
            again = run_checks(conn, SHOP, scoped=True)["sales_order_totals"]
            assert again["offending"] == 1 and again["samples"][0]["shopify_order_id"] == order
    finally:
        conn.execute(bump, (-5, SHOP, order))
    assert run_checks(conn, SHOP, scoped=True)["sales_order_totals"]["offending"] == 0
    assert queued(conn) == set(), "a fixed order leaves the queue"


def test_an_order_a_build_rebuilt_is_checked_by_the_next_scoped_run(conn):
    run_checks(conn, SHOP)
    order = scalar(conn, "select id from staging.shopify_orders where _shop = %s and cancelled_at is null limit 1")
    shift = "update staging.shopify_orders set total_price = total_price + %s where _shop = %s and id = %s"
    conn.execute(shift, (1, SHOP, order))
    try:
        build_core(conn, SHOP, "run-checks-changed")
        assert order in queued(conn), "the build queued the order it rebuilt"
        found = {name: r for name, r in run_checks(conn, SHOP, scoped=True).items() if r["offending"]}
        assert "staging_order_totals" in found
        assert {s["shopify_order_id"] for s in found["staging_order_totals"]["samples"]} == {order}
    finally:
        conn.execute(shift, (-1, SHOP, order))
        build_core(conn, SHOP, "run-checks-restored")
    assert failing_scoped(conn) == {}
    assert queued(conn) == set()


def test_the_whole_shop_is_checked_first_and_then_at_most_every_interval(conn):
    from shopify_elt.checks import plan_pass, record_whole_pass

    conn.execute("delete from ops.check_passes where shop = %s", (SHOP,))
    assert not plan_pass(conn, SHOP, timedelta(hours=24)).scoped
    record_whole_pass(conn, SHOP, "run-checks-pass")
    assert plan_pass(conn, SHOP, timedelta(hours=24)).scoped
    assert not plan_pass(conn, SHOP, timedelta(0)).scoped, "0: every run looks at the whole shop"
    conn.execute("update ops.check_passes set whole_shop_at = now() - interval '25 hours' where shop = %s", (SHOP,))
    assert not plan_pass(conn, SHOP, timedelta(hours=24)).scoped


def test_a_scoped_run_still_reports_rows_that_belong_to_no_order(conn):
    variant = scalar(conn, "select id from staging.shopify_product_variants where _shop = %s order by id limit 1")
    with conn.transaction(force_rollback=True):
        conn.execute(
            "update staging.shopify_product_variants set product_id = null where _shop = %s and id = %s",
            (SHOP, variant),
        )
        found = failing_scoped(conn)
    assert set(found) == {"staging_not_null_keys"}
    (sample,) = found["staging_not_null_keys"]["samples"]
    assert (sample["id"], sample["shopify_order_id"]) == (variant, None)
