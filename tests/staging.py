"""Staging a shop from a simulator as the hourly run does, for the tests of what comes after."""

from __future__ import annotations

from datetime import timedelta

from shopify_elt.extract import StreamExtractor
from shopify_elt.hooks.shopify import ShopifyHook
from shopify_elt.streams import STREAMS_BY_NAME

ORDER_STREAMS = (
    "orders", "order_shipping_lines", "order_discount_applications", "order_line_discount_allocations",
    "order_transactions", "order_tax_lines", "order_fulfillments",
)  # fmt: skip
"""An order and the lists of it the core build reads (line items ride with the orders)."""
CATALOGUE_STREAMS = ("locations", "products", "product_variants", "inventory_items", "inventory_levels")
CORE_STREAMS = (*CATALOGUE_STREAMS, "customers", *ORDER_STREAMS)
"""Every stream the core build reads."""


def stage(
    conn, shop: str, run_id: str, streams: tuple[str, ...] = CORE_STREAMS, conn_id: str = ShopifyHook.default_conn_name
) -> dict[str, dict[str, int]]:
    """Extract ``streams`` of the simulator behind ``conn_id`` into staging, tagged ``shop``;
    returns the load counts per stream."""
    extractor = StreamExtractor(ShopifyHook(conn_id), conn, shop, run_id, lag=timedelta(0))
    counts: dict[str, dict[str, int]] = {}
    for name in streams:
        counts.update(extractor.run(STREAMS_BY_NAME[name]))
    return counts
