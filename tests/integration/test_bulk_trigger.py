"""The deferrable bulk wait: its serialized contract, and a real poll against the simulator."""

from __future__ import annotations

import asyncio

import pytest

from shopify_elt.bulk import BulkExport
from shopify_elt.hooks.shopify import ShopifyHook
from shopify_elt.triggers import BulkOperationTrigger

pytestmark = pytest.mark.integration


def test_trigger_serializes_to_its_classpath_without_secrets():
    trigger = BulkOperationTrigger("shopify_default", "gid://shopify/BulkOperation/1", poll_seconds=2)
    classpath, kwargs = trigger.serialize()
    assert classpath == "shopify_elt.triggers.BulkOperationTrigger"
    assert kwargs == {
        "shopify_conn_id": "shopify_default",
        "operation_id": "gid://shopify/BulkOperation/1",
        "poll_seconds": 2,
        "max_poll_seconds": 60.0,
    }
    assert BulkOperationTrigger(**kwargs).serialize() == (classpath, kwargs)


def test_trigger_fires_when_the_job_completes(simulator):
    operation = BulkExport(ShopifyHook()).submit("{ products { edges { node { id } } } }")
    trigger = BulkOperationTrigger("shopify_default", operation, poll_seconds=0.05, max_poll_seconds=0.2)

    async def first_event():
        async for event in trigger.run():
            return event

    event = asyncio.run(asyncio.wait_for(first_event(), timeout=60))
    assert event.payload["status"] == "COMPLETED"
    assert event.payload["operation"]["id"] == operation and event.payload["operation"]["url"]
