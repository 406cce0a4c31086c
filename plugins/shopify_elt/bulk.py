"""GraphQL bulk operations: submit a query, wait for Shopify to finish it, stream the JSONL.

Bulk operations are how history is read: one job, no page cost, a file of one JSON object per
line (nested connection nodes on their own lines with ``__parentId``). The file is read as a
stream, line by line, so memory stays flat whatever the store's size. A job that FAILS after
writing part of its file still yields that part (``partialDataUrl``), and says so.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import requests

from shopify_elt.errors import ShopifyError, ShopifyServerError, ShopifyUserError
from shopify_elt.hooks.shopify import ShopifyHook
from shopify_elt.streams import load_document

log = logging.getLogger(__name__)

RUN_QUERY = load_document("bulk_run_query")
POLL = load_document("bulk_operation")
CANCEL = load_document("bulk_cancel")
TERMINAL = frozenset({"COMPLETED", "FAILED", "CANCELED", "EXPIRED"})


class BulkOperationFailed(ShopifyError):
    """The job ended FAILED, CANCELED or EXPIRED; ``partial_url`` holds what it wrote, if anything."""

    def __init__(self, status: dict[str, Any]) -> None:
        ended = f"{status['status']} (errorCode {status.get('errorCode')})"
        super().__init__(f"bulk operation {status['id']} ended {ended}")
        self.status = status
        self.partial_url: str | None = status.get("partialDataUrl")


class BulkOperationSlow(ShopifyError):
    """The job did not finish within the time allowed; the caller cancels it or waits longer."""

    def __init__(self, operation_id: str, status: str, timeout_seconds: float) -> None:
        super().__init__(f"bulk operation {operation_id} still {status} after {timeout_seconds:g}s")
        self.operation_id = operation_id


@dataclass
class BulkExport:
    """One shop's bulk reads through ``hook``.

    :param poll_seconds: first pause between polls; it doubles up to ``max_poll_seconds``.
    """

    hook: ShopifyHook
    poll_seconds: float = 1.0
    max_poll_seconds: float = 30.0
    sleep: Callable[[float], None] = time.sleep

    def submit(self, query: str, group_objects: bool = False) -> str:
        """Start a bulk query; returns the operation's id.

        ``group_objects`` asks Shopify to write each node's children right after it (slower for
        Shopify, but a reader can then finish a record as soon as the next one starts).
        """
        variables = {"query": query, "groupObjects": group_objects}
        payload = self.hook.graphql(RUN_QUERY, variables).data["bulkOperationRunQuery"]
        if payload["userErrors"]:
            raise ShopifyUserError("bulkOperationRunQuery", payload["userErrors"])
        return payload["bulkOperation"]["id"]

    def status(self, operation_id: str) -> dict[str, Any]:
        return self.hook.graphql(POLL, {"id": operation_id}).data["bulkOperation"]

    def wait(self, operation_id: str, timeout_seconds: float = 6 * 3600) -> dict[str, Any]:
        """Poll until the job is terminal; returns its final status (raises if it did not complete)."""
        deadline = time.monotonic() + timeout_seconds
        pause = self.poll_seconds
        while True:
            status = self.status(operation_id)
            if status["status"] in TERMINAL:
                break
            if time.monotonic() > deadline:
                raise BulkOperationSlow(operation_id, status["status"], timeout_seconds)
            self.sleep(pause)
            pause = min(self.max_poll_seconds, pause * 2)
        if status["status"] != "COMPLETED":
            raise BulkOperationFailed(status)
        log.info("bulk operation %s completed: %s objects", operation_id, status["objectCount"])
        return status

    def cancel(self, operation_id: str) -> None:
        """Ask Shopify to stop a job (it goes CANCELING, then CANCELED); a finished job is left as it is."""
        payload = self.hook.graphql(CANCEL, {"id": operation_id}).data["bulkOperationCancel"]
        if payload["userErrors"]:
            log.warning("bulk operation %s not canceled: %s", operation_id, payload["userErrors"])

    def run(self, query: str) -> Iterator[dict[str, Any]]:
        """Submit, wait, and stream the records of a bulk query (nothing when the result is empty)."""
        status = self.wait(self.submit(query))
        if status["url"]:
            yield from read_jsonl(status["url"])


def read_jsonl(url: str, *, partial: bool = False, chunk_bytes: int = 1 << 16) -> Iterator[dict[str, Any]]:
    """Stream a JSONL result line by line.

    A line cut off mid-object is an error in a complete result (the download broke: retry it),
    but expected at the end of a failed job's ``partialDataUrl`` (``partial=True``): there the
    complete lines are kept and the cut one is dropped, so the caller can resume after them.
    The URL is signed storage, so no access token is sent with it.
    """
    with requests.get(url, stream=True, timeout=(5, 300)) as response:
        if response.status_code != 200:
            raise ShopifyServerError(f"bulk result download answered HTTP {response.status_code}")
        pending: dict[str, Any] | None = None
        for number, line in enumerate(response.iter_lines(chunk_size=chunk_bytes), start=1):
            if not line:
                continue
            if pending is not None:
                yield pending
            try:
                pending = json.loads(line)
            except json.JSONDecodeError:
                if partial:
                    log.warning("partial bulk result ends with a cut line (%d); keeping the lines before it", number)
                    return
                raise ShopifyServerError(f"bulk result is truncated or corrupt at line {number}") from None
        if pending is not None:
            yield pending
