"""Bulk queries rendered from the registry: Shopify's bulk rules, Shopify's schema, every child accounted for."""

from __future__ import annotations

import re

import pytest
from graphql import build_schema, parse, validate

from shopify_elt import DEFAULT_API_VERSION
from shopify_elt.backfill import Span, plan_spans
from shopify_elt.backfill_tasks import BACKFILL_STREAMS
from shopify_elt.bulk_query import bulk_children, paged_children, paged_heads, render
from shopify_elt.streams import STREAMS, STREAMS_BY_NAME
from tests.conftest import ROOT

SEARCH = "created_at:>='2024-01-01T00:00:00Z' AND created_at:<'2024-02-01T00:00:00Z'"


@pytest.fixture(scope="module")
def real_schema(shared_schema_dir):
    return build_schema(
        (shared_schema_dir / DEFAULT_API_VERSION / "admin-schema.graphql").read_text(), assume_valid=True
    )


@pytest.mark.parametrize("name", BACKFILL_STREAMS)
def test_bulk_query_follows_shopifys_bulk_rules(name):
    text = render(STREAMS_BY_NAME[name], SEARCH)
    assert "nodes" not in text and "pageInfo" not in text and "$" not in text
    assert "first:" not in text and "after:" not in text
    assert "sortKey: CREATED_AT" in text and SEARCH in text
    assert len(text.encode()) < 65_535
    connections = text.count("edges {")
    assert connections <= 5, "Bulk queries cannot contain more than 5 connections."
    for head in paged_heads(STREAMS_BY_NAME[name]):  # the markers are plain lists: no connection in them
        assert re.search(rf"\b{head} {{\s*__typename\s*}}", text), head


@pytest.mark.parametrize("name", BACKFILL_STREAMS)
def test_bulk_query_is_valid_against_the_served_schema(name):
    schema_file = ROOT / "shopify_simulator" / "schema" / f"admin-{DEFAULT_API_VERSION}.graphql"
    schema = build_schema(schema_file.read_text(), assume_valid=True)
    errors = validate(schema, parse(render(STREAMS_BY_NAME[name], SEARCH)))
    assert not errors, [e.message for e in errors]


@pytest.mark.parametrize("name", BACKFILL_STREAMS)
def test_bulk_query_is_valid_against_shopifys_schema(real_schema, name):
    errors = validate(real_schema, parse(render(STREAMS_BY_NAME[name], SEARCH)))
    assert not errors, [e.message for e in errors]


def test_every_child_of_orders_is_carried_by_bulk_or_read_page_by_page():
    orders = STREAMS_BY_NAME["orders"]
    children = {s.name for s in STREAMS if s.parent == "orders"}
    carried = {s.name for s in bulk_children(orders)}
    paged = {s.name for s in paged_children(orders)}
    assert carried | paged == children and not carried & paged
    text = render(orders, SEARCH)
    for child in bulk_children(orders):
        field = child.embedded_as or child.nested_path[-1]
        is_connection = re.search(rf"\b{field}(\([^)]*\))? {{\s*edges", text)
        assert field in text
        assert bool(child.node_types) == bool(is_connection), f"{child.name}: connection lines are routed by type"


def test_spans_tile_the_range_and_halve():
    from datetime import UTC, datetime

    start, end = datetime(2024, 1, 1, tzinfo=UTC), datetime(2024, 3, 15, tzinfo=UTC)
    spans = plan_spans(start, end, days=30)
    assert spans[0].start == start and spans[-1].end == end
    assert all(a.end == b.start for a, b in zip(spans, spans[1:], strict=False))
    left, right = Span(start, end).halves()
    assert left.start == start and right.end == end and left.end == right.start
    with pytest.raises(ValueError):
        plan_spans(end, start, days=1)
