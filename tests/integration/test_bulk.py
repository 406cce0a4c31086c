"""Bulk operations through the client against the simulator: records, failures, cut files."""

from __future__ import annotations

import pytest
import requests

from shopify_elt.bulk import BulkExport, BulkOperationFailed, read_jsonl
from shopify_elt.errors import ShopifyServerError, ShopifyUserError
from shopify_elt.hooks.shopify import ShopifyHook
from tests.shopify_view import all_nodes

pytestmark = pytest.mark.integration

PRODUCTS = "{ products { edges { node { id title variants { edges { node { id sku } } } } } } }"


@pytest.fixture()
def export(simulator):
    exporter = BulkExport(ShopifyHook(), poll_seconds=0.05, max_poll_seconds=0.2)
    yield exporter
    requests.delete(f"{simulator.base_url}/_simulator/faults", timeout=5)


def arm(simulator, kind: str, **params) -> None:
    response = requests.post(f"{simulator.base_url}/_simulator/faults", json={"kind": kind, **params}, timeout=5)
    response.raise_for_status()


def test_bulk_records_equal_paginated_reads(export, simulator):
    records = list(export.run(PRODUCTS))
    products = {r["id"] for r in records if "__parentId" not in r}
    variants = {r["id"]: r["__parentId"] for r in records if "__parentId" in r}
    expected = list(all_nodes(simulator, "products", "id variants(first: 10) { nodes { id } }", first=20))
    assert products == {p["id"] for p in expected}
    assert variants == {v["id"]: p["id"] for p in expected for v in p["variants"]["nodes"]}


def test_an_invalid_bulk_query_is_a_user_error(export):
    with pytest.raises(ShopifyUserError, match="Bulk queries must contain at least one connection"):
        export.submit("{ shop { name } }")


def test_a_failed_job_keeps_its_partial_lines(export, simulator):
    arm(simulator, "bulk_failed", lines=3)
    with pytest.raises(BulkOperationFailed) as failure:
        list(export.run(PRODUCTS))
    assert failure.value.partial_url
    partial = list(read_jsonl(failure.value.partial_url, partial=True))
    assert 0 < len(partial) <= 3


def test_a_cut_download_is_an_error_not_data(export, simulator):
    arm(simulator, "bulk_truncated")
    with pytest.raises(ShopifyServerError, match="truncated or corrupt"):
        list(export.run(PRODUCTS))
