"""Orders domain reads: money adds up, statuses agree, search filters, counts, deletion events.

Every query here is validated by the simulator against the carried schema, which
``test_schema_subset`` proves equal to Shopify's real SDL wherever it says anything; so
an answer without errors means the query is valid against the real 2026-07 schema too.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from shopify_simulator.server import SimulatorServer

from .conftest import GraphQL

BAG = "{ shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } }"
MONEY = f"""
  id name closed cancelledAt cancelReason test displayFinancialStatus displayFulfillmentStatus
  presentmentCurrencyCode currencyCode discountCodes
  subtotalPriceSet {BAG} totalPriceSet {BAG} totalTaxSet {BAG} totalShippingPriceSet {BAG}
  totalDiscountsSet {BAG} currentTotalPriceSet {BAG} currentSubtotalPriceSet {BAG} currentTotalTaxSet {BAG}
  currentShippingPriceSet {BAG} totalRefundedSet {BAG} totalOutstandingSet {BAG} totalReceivedSet {BAG}
  lineItems(first: 5) {{ nodes {{ id quantity currentQuantity unfulfilledQuantity originalTotalSet {BAG}
    taxLines {{ title rate ratePercentage priceSet {BAG} channelLiable }}
    discountAllocations {{ allocatedAmountSet {BAG} discountApplication {{ __typename allocationMethod }} }} }}
    pageInfo {{ hasNextPage }} }}
  shippingLines(first: 5) {{ nodes {{ title code source carrierIdentifier originalPriceSet {BAG}
    discountedPriceSet {BAG} taxLines {{ title rate }} }} }}
  discountApplications(first: 5) {{ nodes {{ __typename allocationMethod targetSelection targetType
    value {{ __typename ... on PricingPercentageValue {{ percentage }} ... on MoneyV2 {{ amount currencyCode }} }}
    ... on DiscountCodeApplication {{ code }} ... on AutomaticDiscountApplication {{ title }}
    ... on ManualDiscountApplication {{ title }} }} }}
  transactions {{ id kind status gateway processedAt amountSet {BAG} parentTransaction {{ id }} }}
  refunds {{ id createdAt note totalRefundedSet {BAG}
    refundLineItems(first: 5) {{ nodes {{ quantity restockType subtotalSet {BAG} lineItem {{ id }} }} }} }}
"""
ORDERS = f"""query($after: String, $q: String) {{ orders(first: 6, after: $after, query: $q) {{
  nodes {{ {MONEY} }} pageInfo {{ hasNextPage endCursor }} }} }}"""
FULFILLMENT = """query($after: String) { orders(first: 4, after: $after) { nodes {
  id displayFulfillmentStatus cancelledAt lineItems(first: 5) { nodes { id quantity unfulfilledQuantity } }
  fulfillments(first: 5) { id name status displayStatus createdAt updatedAt location { id }
    trackingInfo(first: 5) { company number url }
    fulfillmentLineItems(first: 10) { nodes { id quantity lineItem { id } } } }
  fulfillmentOrders(first: 5) { nodes { id status requestStatus createdAt updatedAt
    assignedLocation { name location { id } } supportedActions { action } fulfillmentHolds { reason reasonNotes }
    lineItems(first: 10) { nodes { id totalQuantity remainingQuantity inventoryItemId sku lineItem { id } } } } }
} pageInfo { hasNextPage endCursor } } }"""
EXTRAS = """{
  fulfillmentOrders(first: 50) { nodes { id status } }
  closedToo: fulfillmentOrders(first: 50, includeClosed: true) { nodes { id status } }
  draftOrders(first: 5) { nodes { id name status createdAt totalPriceSet { shopMoney { amount } }
    lineItems(first: 5) { nodes { title quantity sku variant { id } } } } }
  discountNodes(first: 10) { nodes { id discount { __typename
    ... on DiscountCodeBasic { title status startsAt endsAt summary }
    ... on DiscountAutomaticBasic { title status } ... on DiscountCodeFreeShipping { title } } } }
  events(first: 20, query: "action:destroy AND subject_type:ORDER", sortKey: ID, reverse: true) {
    nodes { __typename id action message createdAt ... on BasicEvent { subjectId subjectType } } }
  eventsCount(query: "action:destroy") { count precision }
  ordersCount { count precision } capped: ordersCount(limit: 5) { count precision }
  draftOrdersCount { count precision } customersCount { count precision }
  productVariantsCount { count precision } locationsCount { count precision }
}"""


def cents(bag: dict[str, Any], key: str = "shopMoney") -> int:
    return int(Decimal(bag[key]["amount"]) * 100)


def all_orders(gql: GraphQL, query: str, q: str | None = None) -> list[dict[str, Any]]:
    found, after = [], None
    while True:
        status, body = gql(query, {"after": after, "q": q} if "$q" in query else {"after": after})
        assert status == 200 and "errors" not in body, body
        page = body["data"]["orders"]
        found += page["nodes"]
        if not page["pageInfo"]["hasNextPage"]:
            return found
        after = page["pageInfo"]["endCursor"]


@pytest.fixture(scope="module")
def orders(gql: GraphQL) -> list[dict[str, Any]]:
    return all_orders(gql, ORDERS)


def test_money_adds_up(orders: list[dict[str, Any]]) -> None:
    """subtotal = lines − discounts; total = subtotal + shipping + tax; current* after refunds."""
    for o in orders:
        total = cents(o["subtotalPriceSet"]) + cents(o["totalShippingPriceSet"]) + cents(o["totalTaxSet"])
        assert total == cents(o["totalPriceSet"]), o["name"]
        if not o["lineItems"]["pageInfo"]["hasNextPage"]:  # all lines on the page
            lines = sum(cents(li["originalTotalSet"]) for li in o["lineItems"]["nodes"])
            assert lines - cents(o["totalDiscountsSet"]) == cents(o["subtotalPriceSet"]), o["name"]
            tax = sum(cents(t["priceSet"]) for li in o["lineItems"]["nodes"] for t in li["taxLines"])
            assert tax == cents(o["totalTaxSet"])
        shipping = sum(cents(s["originalPriceSet"]) for s in o["shippingLines"]["nodes"])
        assert shipping == cents(o["totalShippingPriceSet"])
        current = cents(o["currentSubtotalPriceSet"]) + cents(o["currentShippingPriceSet"])
        assert current + cents(o["currentTotalTaxSet"]) == cents(o["currentTotalPriceSet"])
        refunded = sum(cents(r["totalRefundedSet"]) for r in o["refunds"])
        assert refunded == cents(o["totalRefundedSet"])
        if o["cancelledAt"]:
            assert o["closed"] and o["cancelReason"] and cents(o["currentTotalPriceSet"]) == 0
            assert cents(o["totalOutstandingSet"]) == 0
        elif o["displayFinancialStatus"] in ("PAID", "PARTIALLY_REFUNDED"):
            assert cents(o["totalOutstandingSet"]) == 0
            assert cents(o["currentTotalPriceSet"]) == cents(o["totalPriceSet"]) - refunded
        for amount in (o["totalPriceSet"], o["subtotalPriceSet"]):
            assert amount["shopMoney"]["currencyCode"] == o["currencyCode"]
            assert amount["presentmentMoney"]["currencyCode"] == o["presentmentCurrencyCode"]


def test_transactions_match_financial_status(orders: list[dict[str, Any]]) -> None:
    for o in orders:
        kinds = [(t["kind"], t["status"]) for t in o["transactions"]]
        status = o["displayFinancialStatus"]
        if status is None:
            assert kinds == []
        elif status in ("PAID", "PARTIALLY_REFUNDED", "REFUNDED"):
            paid = [t for t in o["transactions"] if t["kind"] in ("SALE", "CAPTURE")]
            assert cents(paid[0]["amountSet"]) == cents(o["totalReceivedSet"]) == cents(o["totalPriceSet"])
            refunds = [t for t in o["transactions"] if t["kind"] == "REFUND"]
            assert len(refunds) == len(o["refunds"]) and all(t["parentTransaction"] for t in refunds)
        if status == "PARTIALLY_REFUNDED":
            assert 0 < cents(o["totalRefundedSet"]) < cents(o["totalPriceSet"])
        if status == "REFUNDED":
            assert cents(o["totalRefundedSet"]) == cents(o["totalPriceSet"])


def test_realistic_shapes_are_seeded(orders: list[dict[str, Any]]) -> None:
    statuses = {o["displayFinancialStatus"] for o in orders}
    assert {"PAID", "PARTIALLY_REFUNDED", "REFUNDED"} <= statuses
    assert any(o["test"] for o in orders)
    foreign = [o for o in orders if o["presentmentCurrencyCode"] != o["currencyCode"]]
    assert foreign, "some orders are paid in a second currency"
    assert any(
        o["totalPriceSet"]["presentmentMoney"]["amount"] != o["totalPriceSet"]["shopMoney"]["amount"] for o in foreign
    )
    applications = [a for o in orders for a in o["discountApplications"]["nodes"]]
    assert applications and all(a["value"]["__typename"] == "PricingPercentageValue" for a in applications)
    codes = [o for o in orders if o["discountCodes"]]
    assert all(o["discountApplications"]["nodes"][0]["code"] in o["discountCodes"] for o in codes)
    lines = [li for o in orders for li in o["lineItems"]["nodes"]]
    assert any(li["discountAllocations"] for li in lines)
    taxes = [t for li in lines for t in li["taxLines"]]
    assert taxes and all(t["rate"] == 0.08 and t["ratePercentage"] == 8.0 for t in taxes)


def test_fulfillment_statuses_agree(gql: GraphQL) -> None:
    seen: set[str] = set()
    for o in all_orders(gql, FULFILLMENT):
        status = o["displayFulfillmentStatus"]
        seen.add(status)
        (fo,) = o["fulfillmentOrders"]["nodes"]
        shipped: dict[str, int] = {}
        for f in o["fulfillments"]:
            assert f["status"] == "SUCCESS" and f["name"].startswith("#")
            for item in f["fulfillmentLineItems"]["nodes"]:
                shipped[item["lineItem"]["id"]] = shipped.get(item["lineItem"]["id"], 0) + item["quantity"]
        remaining = {n["lineItem"]["id"]: n["remainingQuantity"] for n in fo["lineItems"]["nodes"]}
        for li in o["lineItems"]["nodes"]:
            assert remaining[li["id"]] == li["unfulfilledQuantity"]
            if not o["cancelledAt"]:
                assert shipped.get(li["id"], 0) + li["unfulfilledQuantity"] == li["quantity"]
        if status == "UNFULFILLED":
            assert not o["fulfillments"]
        if status == "FULFILLED":
            assert fo["status"] == "CLOSED" and fo["supportedActions"] == []
        if status == "PARTIALLY_FULFILLED":
            assert fo["status"] == "IN_PROGRESS"
        if status == "ON_HOLD":
            assert fo["status"] == "ON_HOLD" and fo["fulfillmentHolds"][0]["reason"]
            assert fo["fulfillmentHolds"][0]["reasonNotes"]
        if o["cancelledAt"]:
            assert fo["status"] == "CLOSED" and fo["requestStatus"] == "UNSUBMITTED"
    assert {"UNFULFILLED", "PARTIALLY_FULFILLED", "FULFILLED", "ON_HOLD"} <= seen


def test_split_fulfillments_carry_tracking(server: SimulatorServer) -> None:
    store = server.store
    assert any(len(o.fulfillment_ids) > 1 for o in store.orders.values())
    assert any(len(f.tracking) > 1 for f in store.fulfillments.values())


@pytest.mark.parametrize(
    ("query", "check"),
    [
        ("status:cancelled", lambda o: o["cancelledAt"] is not None),
        ("status:closed", lambda o: o["closed"] and o["cancelledAt"] is None),
        ("status:open", lambda o: not o["closed"]),
        ("status:not_closed", lambda o: not o["closed"]),
        ("financial_status:partially_refunded", lambda o: o["displayFinancialStatus"] == "PARTIALLY_REFUNDED"),
        ("financial_status:refunded", lambda o: o["displayFinancialStatus"] == "REFUNDED"),
        ("fulfillment_status:on_hold", lambda o: o["displayFulfillmentStatus"] == "ON_HOLD"),
        ("fulfillment_status:shipped", lambda o: o["displayFulfillmentStatus"] == "FULFILLED"),
        ("fulfillment_status:partial", lambda o: o["displayFulfillmentStatus"] == "PARTIALLY_FULFILLED"),
    ],
)
def test_search_filters_agree_with_the_data(gql: GraphQL, orders: list[dict], query: str, check: Any) -> None:
    found = all_orders(gql, ORDERS, query)
    assert found and all(check(o) for o in found)
    assert len(found) == sum(1 for o in orders if check(o))


def test_counts_fulfillment_orders_drafts_discounts_and_events(gql: GraphQL, server: SimulatorServer) -> None:
    status, body = gql(EXTRAS)
    assert status == 200 and "errors" not in body, body
    data, store = body["data"], server.store
    assert data["ordersCount"] == {"count": len(store.orders), "precision": "EXACT"}
    assert data["capped"] == {"count": 5, "precision": "AT_LEAST"}
    assert data["customersCount"]["count"] == len(store.customers)
    assert data["productVariantsCount"]["count"] == len(store.variants)
    assert data["locationsCount"]["count"] == len(store.locations)
    assert data["draftOrdersCount"]["count"] == len(store.draft_orders)
    open_fos = data["fulfillmentOrders"]["nodes"]
    assert open_fos and all(fo["status"] != "CLOSED" for fo in open_fos)
    assert any(fo["status"] == "CLOSED" for fo in data["closedToo"]["nodes"])
    assert {d["status"] for d in data["draftOrders"]["nodes"]} <= {"OPEN", "INVOICE_SENT", "COMPLETED"}
    kinds = {n["discount"]["__typename"] for n in data["discountNodes"]["nodes"]}
    assert {"DiscountCodeBasic", "DiscountAutomaticBasic", "DiscountCodeFreeShipping"} <= kinds
    events = data["events"]["nodes"]
    assert events and all(e["action"] == "destroy" and e["subjectType"] == "ORDER" for e in events)
    assert [e["id"] for e in events] == sorted((e["id"] for e in events), reverse=True)
    assert all(e["__typename"] == "BasicEvent" and e["message"] == "" for e in events)
    assert data["eventsCount"]["count"] == len(store.basic_events)


def test_fulfillment_order_by_id_matches_the_order(gql: GraphQL) -> None:
    _, body = gql("{ orders(first: 1) { nodes { id fulfillmentOrders(first: 1) { nodes { id } } } } }")
    order = body["data"]["orders"]["nodes"][0]
    fo_id = order["fulfillmentOrders"]["nodes"][0]["id"]
    _, body = gql("query($id: ID!) { fulfillmentOrder(id: $id) { id orderId order { id } } }", {"id": fo_id})
    assert body["data"]["fulfillmentOrder"] == {"id": fo_id, "orderId": order["id"], "order": {"id": order["id"]}}
