"""Deferrable waiting for bulk operations: Airflow's triggerer polls, no worker slot is held.

A backfill window's bulk job can run for minutes or hours; a task that submits it can
``defer`` with this trigger and resume when Shopify reports a terminal status.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from airflow.triggers.base import BaseTrigger, TriggerEvent

from shopify_elt.bulk import TERMINAL, BulkExport
from shopify_elt.hooks.shopify import ShopifyHook


class BulkOperationTrigger(BaseTrigger):
    """
    Fire when a bulk operation reaches a terminal status (COMPLETED, FAILED, CANCELED, EXPIRED).

    :param shopify_conn_id: the shop's connection (read inside the triggerer, never serialized).
    :param operation_id: ``gid://shopify/BulkOperation/<n>``.
    :param poll_seconds: first pause between polls; it doubles up to ``max_poll_seconds``.
    """

    def __init__(
        self, shopify_conn_id: str, operation_id: str, poll_seconds: float = 5.0, max_poll_seconds: float = 60.0
    ) -> None:
        super().__init__()
        self.shopify_conn_id = shopify_conn_id
        self.operation_id = operation_id
        self.poll_seconds = poll_seconds
        self.max_poll_seconds = max_poll_seconds

    def serialize(self) -> tuple[str, dict[str, Any]]:
        return (
            "shopify_elt.triggers.BulkOperationTrigger",
            {
                "shopify_conn_id": self.shopify_conn_id,
                "operation_id": self.operation_id,
                "poll_seconds": self.poll_seconds,
                "max_poll_seconds": self.max_poll_seconds,
            },
        )

    async def run(self) -> AsyncIterator[TriggerEvent]:
        exporter = BulkExport(ShopifyHook(self.shopify_conn_id))
        pause = self.poll_seconds
        while True:
            status = await asyncio.to_thread(exporter.status, self.operation_id)
            if status["status"] in TERMINAL:
                yield TriggerEvent({"status": status["status"], "operation": status})
                return
            await asyncio.sleep(pause)
            pause = min(self.max_poll_seconds, pause * 2)
