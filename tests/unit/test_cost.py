from __future__ import annotations

import pytest

from shopify_elt.cost import estimate_cost
from shopify_elt.streams import STREAMS


def test_scalars_are_free_and_objects_cost_one():
    assert estimate_cost("{ shop { name id } }") == 1


def test_connection_is_two_plus_first_times_node():
    document = "query($first: Int!) { products(first: $first) { nodes { id title } pageInfo { hasNextPage } } }"
    assert estimate_cost(document, {"first": 10}) == 2 + 10 * 1  # pageInfo is part of the 2


def test_nested_connections_multiply():
    document = "{ orders(first: 5) { edges { node { id lineItems(first: 10) { nodes { id variant { id } } } } } } }"
    # each order: 1 (node) + lineItems (2 + 10 × (1 + 1 variant))
    assert estimate_cost(document) == 2 + 5 * (1 + 2 + 10 * 2)


def test_mutations_start_at_ten():
    document = 'mutation { tagsAdd(id: "gid://shopify/Order/1", tags: ["x"]) { userErrors { message } } }'
    assert estimate_cost(document) >= 10


@pytest.mark.parametrize("stream", [s for s in STREAMS if s.is_connection], ids=lambda s: s.name)
def test_every_stream_page_fits_under_the_single_query_limit(stream):
    from shopify_elt.hooks.shopify import ShopifyHook
    from shopify_elt.throttle import ThrottleBucket

    hook = ShopifyHook("no_connection_needed")  # page sizing reads no connection
    hook.bucket = ThrottleBucket(maximum=2000, available=2000)
    first = hook.fit_page_size(stream.document, dict(stream.extra_variables), stream.page_size)
    assert estimate_cost(stream.document, {**stream.extra_variables, "first": first}) <= 1000
