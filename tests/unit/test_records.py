from __future__ import annotations

import pytest

from shopify_elt.records import RecordError, dig, to_row
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
