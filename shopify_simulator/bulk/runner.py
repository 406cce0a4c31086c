"""The worker thread of one bulk query: CREATED → RUNNING → COMPLETED (or FAILED / CANCELED).

Lines are streamed to the operation's file page by page and the counters published after
each page, so polls see ``objectCount``/``rootObjectCount`` grow as on Shopify. A pending
cancel is honoured between pages. An armed ``bulk_failed`` fault stops the write part way
(after ``lines`` lines, default half of the first page) and ends FAILED with the armed
``error_code`` (default INTERNAL_SERVER_ERROR), leaving the prefix as partial data. An armed
``bulk_slow`` keeps it RUNNING for ``seconds`` first (a cancel still ends it promptly).
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from graphql import parse

from shopify_simulator.bulk.execute import BulkContext, BulkExecutionError, pages
from shopify_simulator.bulk.flatten import Flattener, Line
from shopify_simulator.bulk.model import BulkOperation
from shopify_simulator.schema import load_schema

if TYPE_CHECKING:
    from shopify_simulator.bulk.manager import BulkOperations

log = logging.getLogger(__name__)


class InjectedFailure(Exception):
    """The armed ``bulk_failed`` fault fired."""


class Run:
    def __init__(self, manager: BulkOperations, operation: BulkOperation) -> None:
        self.manager, self.op = manager, operation
        fault = operation.fault or {}
        self.fail_after: int | None = int(fault["lines"]) if "lines" in fault else None
        self.failing = operation.fault is not None

    def __call__(self) -> None:
        manager, op = self.manager, self.op
        try:
            if self._wait(manager.start_delay):
                return
            manager.update(op, status="RUNNING")
            if op.stall_seconds and self._wait(op.stall_seconds):
                return
            self._stream()
            manager.finish(op, "COMPLETED")
        except _Canceled:
            manager.finish(op, "CANCELED")
        except InjectedFailure:
            manager.finish(op, "FAILED", (op.fault or {}).get("error_code") or "INTERNAL_SERVER_ERROR")
        except BulkExecutionError as exc:
            manager.finish(op, "FAILED", exc.code)
        except Exception:  # a simulator bug fails the operation as Shopify's internal errors do
            log.exception("bulk operation %s crashed", op.gid)
            manager.finish(op, "FAILED", "INTERNAL_SERVER_ERROR")

    def _wait(self, seconds: float) -> bool:
        """Sleep in short steps; True (and CANCELED) if a cancel arrived meanwhile."""
        deadline = time.monotonic() + seconds
        while True:
            if self.op.cancel_requested or self.manager.closed:
                self.manager.finish(self.op, "CANCELED")
                return True
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            time.sleep(min(left, 0.02))

    def _stream(self) -> None:
        manager, op = self.manager, self.op
        store, schema = manager.store, load_schema(op.version)
        flattener = Flattener(schema, parse(op.query))
        context = BulkContext(store)
        with manager.path(op).open("wb") as out:
            for page in pages(schema, op.query, context, manager.page_size, store.lock):
                if op.cancel_requested or manager.closed:
                    raise _Canceled
                lines = list(flattener.page(page.field, page.parent, page.value))
                if self.failing and self.fail_after is None:
                    self.fail_after = max(1, len(lines) // 2)
                self._write(out, lines)
                if manager.page_delay and self._wait_between_pages():
                    raise _Canceled
        if self.failing:
            raise InjectedFailure

    def _write(self, out: object, lines: list[Line]) -> None:
        objects = roots = size = 0
        stop = False
        for data, is_root in lines:
            if self.fail_after is not None and self.op.object_count + objects >= self.fail_after:
                stop = True
                break
            out.write(data)  # type: ignore[attr-defined]
            objects, roots, size = objects + 1, roots + int(is_root), size + len(data)
        out.flush()  # type: ignore[attr-defined]
        self.manager.count(self.op, objects, roots, size)
        if stop:
            raise InjectedFailure

    def _wait_between_pages(self) -> bool:
        deadline = time.monotonic() + self.manager.page_delay
        while time.monotonic() < deadline:
            if self.op.cancel_requested or self.manager.closed:
                return True
            time.sleep(0.02)
        return False


class _Canceled(Exception):
    pass
