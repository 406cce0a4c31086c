"""Customers the back office creates reach Shopify as an upsert, behind the push_customers switch,
and stay the back office's when Shopify's copy comes back. Real PostgreSQL and the simulator."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path

import pytest

from shopify_elt.ddl import ensure_schema
from shopify_elt.hooks.shopify import ShopifyHook
from shopify_elt.reverse.customers import push_customers
from shopify_elt.transform import build_core
from shopify_elt.warehouse import connect
from tests.cleanup import forget_shops
from tests.conftest import private_simulator
from tests.mappings import copy_mappings, set_setting
from tests.staging import stage

pytestmark = pytest.mark.integration

CONN_ID = "shopify_customer_push"
SHOP = "customer-push.myshopify.com"
FIND = "query($q: String!) { customers(first: 5, query: $q) { nodes { id email firstName lastName } } }"


@pytest.fixture(scope="module")
def conn(warehouse_url):
    with private_simulator(CONN_ID, seed=31, orders=10), closing(connect()) as connection:
        ensure_schema(connection)
        stage(connection, SHOP, "stage", conn_id=CONN_ID)
        yield connection
        forget_shops(connection, SHOP)


@pytest.fixture()
def mappings(tmp_path: Path) -> Path:
    return copy_mappings(tmp_path)


def switch(mappings: Path, on: bool) -> None:
    set_setting(mappings, "push_customers", str(on).lower())


def create_in_back_office(conn, email: str, first: str, last: str) -> int:
    return conn.execute(
        """insert into core.customers (shop, customer_key, email, first_name, last_name, zip, origin)
           values (%s, %s, %s, %s, %s, '10115', 'back_office') returning customer_id""",
        (SHOP, f"back_office:{email}", email, first, last),
    ).fetchone()[0]


def in_shopify(email: str) -> list[dict]:
    return ShopifyHook(CONN_ID).graphql(FIND, {"q": f"email:{email}"}).data["customers"]["nodes"]


def push(conn, run_id: str) -> dict[str, int]:
    return push_customers(conn, ShopifyHook(CONN_ID), SHOP, run_id)


def test_a_back_office_customer_is_upserted_once_and_stays_the_back_offices(conn, mappings):
    customer = create_in_back_office(conn, "wholesale@example.com", "Greta", "Grossist")
    switch(mappings, False)
    build_core(conn, SHOP, "switch-off", mappings)
    assert push(conn, "off")["planned"] == 0, "nothing is sent while push_customers is off"

    switch(mappings, True)
    build_core(conn, SHOP, "switch-on", mappings)
    counts = push(conn, "on")
    assert counts["applied"] == 1 and counts["calls"] == 1 + 1  # a new client's throttle probe, the customerSet
    (created,) = in_shopify("wholesale@example.com")
    assert (created["firstName"], created["lastName"]) == ("Greta", "Grossist")
    assert push(conn, "again")["calls"] == 0

    conn.execute("update core.customers set last_name = 'Grosshandel' where customer_id = %s", (customer,))
    assert push(conn, "renamed")["applied"] == 1
    (updated,) = in_shopify("wholesale@example.com")
    assert updated["id"] == created["id"] and updated["lastName"] == "Grosshandel"

    # Shopify's copy comes back with the next sync: linked to the back office's customer, no second one.
    stage(conn, SHOP, "after-push", ("customers",), conn_id=CONN_ID)
    build_core(conn, SHOP, "after-push", mappings)
    rows = conn.execute(
        "select customer_id, origin, last_name from core.customers where shop = %s and lower(email) = %s",
        (SHOP, "wholesale@example.com"),
    ).fetchall()
    assert rows == [(customer, "back_office", "Grosshandel")]
    link = conn.execute(
        "select customer_id from core.customer_links where shop = %s and shopify_customer_id = %s",
        (SHOP, created["id"]),
    ).fetchone()
    assert link == (customer,)
    assert push(conn, "quiet")["calls"] == 0


def test_a_customer_shopify_refuses_stays_failed_with_its_reason(conn, mappings):
    switch(mappings, True)
    build_core(conn, SHOP, "refused", mappings)
    customer = create_in_back_office(conn, "not-an-email", "No", "Mail")
    assert push(conn, "refused")["failed"] == 1
    state, error = conn.execute(
        "select state, last_error from ops.shopify_writes where shop = %s and subject = %s",
        (SHOP, f"customer:{customer}"),
    ).fetchone()
    assert state == "failed" and "Email is invalid" in error
    assert push(conn, "refused-again")["calls"] == 0
