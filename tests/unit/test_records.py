from __future__ import annotations

import pytest

from shopify_elt.records import RecordError, TruncatedList, dig, nested_items, record_key, to_row
from shopify_elt.streams import STREAMS_BY_NAME

ORDER = {
    "id": "gid://shopify/Order/1",
    "name": "#1001",
    "updatedAt": "2026-06-16T08:06:19Z",
    "processedAt": "2026-06-16T08:06:19Z",
    "test": False,
    "totalPriceSet": {"shopMoney": {"amount": "20.0", "currencyCode": "USD"}},
    "customer": None,
}


def test_promotes_columns_and_keeps_missing_ones_null():
    row = to_row(STREAMS_BY_NAME["orders"], ORDER)
    assert row["id"] == "gid://shopify/Order/1"
    assert row["total_price"] == "20.0"
    assert row["customer_id"] is None
    assert row["updated_at"] == "2026-06-16T08:06:19+00:00"


def test_picks_list_elements_by_name():
    record = {"quantities": [{"name": "available", "quantity": 3}, {"name": "on_hand", "quantity": 9}]}
    assert dig(record, ("quantities[name=on_hand]", "quantity")) == 9
    assert dig(record, ("quantities[name=incoming]", "quantity")) is None


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"id": None}, "missing or malformed id"),
        ({"id": "12"}, "missing or malformed id"),
        ({"updatedAt": None}, "missing cursor field"),
        ({"updatedAt": "yesterday"}, "not a valid timestamptz"),
        ({"processedAt": "2026-06-16T08:06:19"}, "not a valid timestamptz"),
        ({"totalPriceSet": {"shopMoney": {"amount": "NaN"}}}, "total_price"),
        ({"test": "no"}, "is_test"),
    ],
)
def test_malformed_records_are_refused_with_a_reason(change, reason):
    with pytest.raises(RecordError, match=reason):
        to_row(STREAMS_BY_NAME["orders"], {**ORDER, **change})


def test_integer_columns_refuse_fractions():
    line = {"id": "gid://shopify/LineItem/1", "quantity": 1.5}
    with pytest.raises(RecordError, match="quantity"):
        to_row(STREAMS_BY_NAME["order_line_items"], line, "gid://shopify/Order/1")


def test_a_truncated_nested_connection_is_refused_not_staged_incomplete():
    refund = {
        "id": "gid://shopify/Refund/1",
        "refundLineItems": {"pageInfo": {"hasNextPage": True}, "nodes": [{"quantity": 1}]},
    }
    with pytest.raises(RecordError, match="nested connection refundLineItems has more than one page"):
        to_row(STREAMS_BY_NAME["order_refunds"], refund, "gid://shopify/Order/1")


ORDER_WITH_LISTS = {
    "id": "gid://shopify/Order/1",
    "taxLines": [{"title": "State Tax", "rate": 0.06}, {"title": "State Tax", "rate": 0.06}],
    "lineItems": {
        "pageInfo": {"hasNextPage": False},
        "nodes": [
            {"id": "gid://shopify/LineItem/7", "taxLines": [{"title": "A"}, {"title": "B"}]},
            {"id": "gid://shopify/LineItem/8", "taxLines": []},
            {"id": "gid://shopify/LineItem/9", "taxLines": [{"title": "C"}]},
        ],
    },
}


def test_nested_items_walk_lists_of_lists_with_their_owner_and_position():
    found = nested_items(ORDER_WITH_LISTS, ("lineItems", "taxLines"))
    assert [(owner, index, item["title"]) for owner, index, item in found] == [
        ("gid://shopify/LineItem/7", 0, "A"),
        ("gid://shopify/LineItem/7", 1, "B"),
        ("gid://shopify/LineItem/9", 0, "C"),
    ]
    assert [owner for owner, _, _ in nested_items(ORDER_WITH_LISTS, ("taxLines",))] == ["gid://shopify/Order/1"] * 2


def test_nested_items_refuse_a_connection_with_another_page():
    order = {"id": "gid://shopify/Order/1", "lineItems": {"pageInfo": {"hasNextPage": True}, "nodes": []}}
    with pytest.raises(TruncatedList, match="lineItems"):
        nested_items(order, ("lineItems", "taxLines"))


def test_identical_tax_lines_keep_two_keys_by_position():
    """Title and rate may repeat within one list: keyed by them, two rows would merge into one."""
    stream = STREAMS_BY_NAME["order_tax_lines"]
    rows = [
        to_row(stream, {**item, "__parentId": owner, "__index": index}, "gid://shopify/Order/1")
        for owner, index, item in nested_items(ORDER_WITH_LISTS, stream.nested_path)
    ]
    assert [r["id"] for r in rows] == ["gid://shopify/Order/1#taxLines[0]", "gid://shopify/Order/1#taxLines[1]"]
    assert rows[0]["title"] == rows[1]["title"] == "State Tax" and rows[0]["rate"] == "0.06"


def test_a_line_items_tax_line_belongs_to_the_order_and_names_its_line():
    stream = STREAMS_BY_NAME["order_line_tax_lines"]
    record = {"title": "B", "__parentId": "gid://shopify/LineItem/7", "__index": 1}
    row = to_row(stream, record, "gid://shopify/Order/1")
    assert (row["id"], row["_parent_id"], row["line_item_id"]) == (
        "gid://shopify/LineItem/7#taxLines[1]",
        "gid://shopify/Order/1",
        "gid://shopify/LineItem/7",
    )


def test_a_discount_application_is_keyed_by_its_index_and_needs_it():
    stream = STREAMS_BY_NAME["order_discount_applications"]
    application = {"__typename": "DiscountCodeApplication", "index": 2, "code": "SAVE10", "value": {"percentage": 10.0}}
    row = to_row(stream, application, "gid://shopify/Order/1")
    assert (row["id"], row["index"], row["value_percentage"]) == ("gid://shopify/Order/1#discountApplications[2]", 2,
                                                                  "10.0")  # fmt: skip
    with pytest.raises(RecordError, match="no key"):
        to_row(stream, {**application, "index": None}, "gid://shopify/Order/1")
    assert record_key(stream, {**application, "index": None}, "gid://shopify/Order/1") is None


def test_a_cursor_inside_the_node_is_found():
    stream = STREAMS_BY_NAME["discounts"]
    node = {"id": "gid://shopify/DiscountCodeNode/1", "discount": {"__typename": "DiscountCodeBasic"}}
    with pytest.raises(RecordError, match="missing cursor field discount.updatedAt"):
        to_row(stream, node)
    node["discount"]["updatedAt"] = "2026-06-16T08:06:19Z"
    assert to_row(stream, node)["updated_at"] == "2026-06-16T08:06:19+00:00"
