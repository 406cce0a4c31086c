"""The back office's customers to Shopify (Omnata's upsert), behind the ``push_customers`` switch.

``customerSet`` upserts: by email for a customer Shopify does not have yet, by its Shopify id
afterwards. Sent twice, it sets the same details on the same customer, so a write whose outcome
is unknown is simply sent again (the client may retry it too). The customer Shopify answers with
is linked to the back office's (``core.customer_links``), so the orders it places later go to the
back office's customer and the core build never makes a second one of it.
"""

from __future__ import annotations

from typing import Any

import psycopg

from shopify_elt.hooks.shopify import ShopifyHook
from shopify_elt.reverse import ledger
from shopify_elt.reverse.ledger import Outcome, Write
from shopify_elt.streams import load_document
from shopify_elt.warehouse import sql_file

CUSTOMER_SET = load_document("customer_set")


def plan_customers(conn: psycopg.Connection, shop: str, run_id: str) -> int:
    """Plan an upsert for every back-office customer whose details Shopify has not got yet."""
    with conn.cursor() as cur:
        cur.execute(sql_file("reverse/plan_customer_upserts.sql"), {"shop": shop})
        rows = cur.fetchall()
    planned = 0
    for customer_id, shopify_id, details in rows:
        identifier = {"id": shopify_id} if shopify_id else {"email": details["email"]}
        payload = {"input": details, "identifier": identifier}
        planned += ledger.plan(conn, shop, run_id, CustomerUpsert.kind, f"customer:{customer_id}", payload)
    return planned


class CustomerUpsert:
    """A back-office customer created or updated in Shopify."""

    kind = "customer_upsert"

    def send(self, hook: ShopifyHook, write: Write) -> Outcome:
        response = hook.graphql(CUSTOMER_SET, write.payload)
        answer = response.data["customerSet"]
        if answer.get("userErrors"):
            return Outcome(user_errors=answer["userErrors"], request_id=response.request_id)
        return Outcome(result={"customerId": answer["customer"]["id"]}, request_id=response.request_id)

    def find_applied(self, hook: ShopifyHook, write: Write) -> dict[str, Any] | None:
        return None  # an upsert sent again sets the same details on the same customer

    def settle(self, conn: psycopg.Connection, write: Write, result: dict[str, Any]) -> None:
        customer_id = int(write.subject.removeprefix("customer:"))
        conn.execute(
            "update core.customers set shopify_customer_id = %s where customer_id = %s",
            (result["customerId"], customer_id),
        )
        conn.execute(
            """insert into core.customer_links (shop, shopify_customer_id, customer_id) values (%s, %s, %s)
               on conflict (shop, shopify_customer_id) do update set customer_id = excluded.customer_id""",
            (write.shop, result["customerId"], customer_id),
        )


KINDS = (CustomerUpsert(),)


def push_customers(conn: psycopg.Connection, hook: ShopifyHook, shop: str, run_id: str) -> dict[str, int]:
    """Plan and deliver the customer upserts of one shop; returns the ledger's counts."""
    return ledger.deliver(conn, hook, shop, KINDS, planned=plan_customers(conn, shop, run_id)).as_dict()
