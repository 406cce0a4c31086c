"""The shop's bulk operations: creation with Shopify's concurrency rule, cancel, reads, files.

One manager per store (``shopify_simulator.bulk.operations``). Result files live in a
private temp directory removed on ``close``; download URLs point back at the simulator
(``base_url`` is set by the HTTP server once it knows its port). On every terminal status
the manager publishes ``bulk_operations/finish`` on the store's event bus with the
webhook's payload (lower-case ``status``/``type``, timestamps in the shop's zone).
"""

from __future__ import annotations

import secrets
import shutil
import tempfile
import threading
import weakref
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from shopify_simulator.bulk import urls
from shopify_simulator.bulk.model import BulkOperation, snapshot
from shopify_simulator.events import StoreEvent
from shopify_simulator.schema.versions import contract
from shopify_simulator.store import Store

IN_PROGRESS = "A bulk {kind} operation for this app and shop is already in progress: {ids}."


def concurrency_limit(version: str) -> int:
    """Non-terminal operations allowed per type: one before 2026-01, five from 2026-01 on."""
    return contract(version).bulk_concurrency


class BulkOperations:
    def __init__(self, store: Store, base_url: str = "http://127.0.0.1") -> None:
        self.store, self.base_url = store, base_url
        self.lock = threading.Lock()
        self.operations: dict[int, BulkOperation] = {}
        self.by_token: dict[str, BulkOperation] = {}
        self.secret = secrets.token_bytes(32)
        self.directory = Path(tempfile.mkdtemp(prefix="shopify-sim-bulk-"))
        self._cleanup = weakref.finalize(self, shutil.rmtree, self.directory, True)
        self.threads: list[threading.Thread] = []
        self.closed = False
        # Pacing knobs for tests and demos (seconds before RUNNING, between pages; roots per page).
        self.start_delay = 0.0
        self.page_delay = 0.0
        self.page_size = 250

    def path(self, operation: BulkOperation) -> Path:
        return self.directory / operation.filename

    # --- lifecycle -------------------------------------------------------------------

    def create(self, query: str, group_objects: bool, version: str) -> tuple[dict[str, Any] | None, list[dict]]:
        """Start a QUERY operation, or Shopify's OPERATION_IN_PROGRESS userError."""
        from shopify_simulator.bulk.runner import Run

        with self.lock:
            busy = [op for op in self._ordered() if op.type == "QUERY" and not op.terminal()]
            if len(busy) >= concurrency_limit(version):
                ids = ", ".join(op.gid for op in busy)
                message = IN_PROGRESS.format(kind="query", ids=ids)
                return None, [{"field": None, "message": message, "code": "OPERATION_IN_PROGRESS"}]
            with self.store.lock:
                number, created = self.store.next_id(), self.store.now()
            operation = BulkOperation(
                id=number,
                type="QUERY",
                query=query,
                created_at=created,
                token=secrets.token_hex(14),
                version=version,
                group_objects=group_objects,
                fault=self.store.faults.take("bulk_failed"),
                stall_seconds=_stall(self.store.faults.take("bulk_slow")),
            )
            self.operations[number] = operation
            self.by_token[operation.token] = operation
            view = self._view(operation)
            thread = threading.Thread(target=Run(self, operation), name=f"bulk-{number}", daemon=True)
            self.threads.append(thread)
        thread.start()
        return view, []

    def cancel(self, number: int) -> tuple[dict[str, Any] | None, list[dict]]:
        with self.lock:
            operation = self.operations.get(number)
            if operation is None:
                return None, [{"field": ["id"], "message": "Bulk operation does not exist"}]
            if operation.terminal():
                status = operation.shown_status(self.store.now()).lower()
                return self._view(operation), [
                    {"field": None, "message": f"A bulk operation cannot be canceled when it is {status}"}
                ]
            operation.cancel_requested = True
            operation.status = "CANCELING"
            return self._view(operation), []

    def update(self, operation: BulkOperation, **changes: Any) -> None:
        with self.lock:
            if operation.terminal() or operation.cancel_requested:
                return
            for name, value in changes.items():
                setattr(operation, name, value)

    def count(self, operation: BulkOperation, objects: int, roots: int, size: int) -> None:
        with self.lock:
            operation.object_count += objects
            operation.root_object_count += roots
            operation.bytes_written += size

    def finish(self, operation: BulkOperation, status: str, error_code: str | None = None) -> None:
        with self.lock:
            if operation.terminal():
                return
            operation.status, operation.error_code = status, error_code
            operation.completed_at = self.store.now()
            if status == "COMPLETED" and operation.has_data():
                operation.file_size = operation.bytes_written
        self.store.events.publish(self._finish_event(operation))

    def close(self) -> None:
        """Stop workers and delete the result files (the server calls this on stop)."""
        self.closed = True
        for thread in list(self.threads):
            thread.join(timeout=2)
        self._cleanup()

    # --- reads -----------------------------------------------------------------------

    def get(self, number: int) -> dict[str, Any] | None:
        with self.lock:
            operation = self.operations.get(number)
            return None if operation is None else self._view(operation)

    def current(self, kind: str) -> dict[str, Any] | None:
        with self.lock:
            matching = [op for op in self._ordered() if op.type == kind]
            return self._view(matching[-1]) if matching else None

    def all(self) -> list[dict[str, Any]]:
        with self.lock:
            return [self._view(op) for op in self._ordered()]

    def download(self, token: str, filename: str) -> tuple[BulkOperation, Path] | None:
        with self.lock:
            operation = self.by_token.get(token)
        if operation is None or operation.filename != filename or not operation.terminal():
            return None
        return operation, self.path(operation)

    # --- helpers ---------------------------------------------------------------------

    def _ordered(self) -> list[BulkOperation]:
        return sorted(self.operations.values(), key=lambda op: (op.created_at, op.id))

    def _view(self, operation: BulkOperation) -> dict[str, Any]:
        url = None
        expires = operation.expires_at()
        if operation.status in ("COMPLETED", "FAILED") and operation.has_data() and expires is not None:
            url = urls.build(self.base_url, self.secret, operation.token, operation.filename, expires)
        return snapshot(operation, self.store.now(), url)

    def _finish_event(self, operation: BulkOperation) -> StoreEvent:
        payload = {
            "admin_graphql_api_id": operation.gid,
            "completed_at": self._local(operation.completed_at),
            "created_at": self._local(operation.created_at),
            "error_code": operation.error_code.lower() if operation.error_code else None,
            "status": operation.status.lower(),
            "type": operation.type.lower(),
        }
        return StoreEvent("bulk_operations/finish", payload, operation.gid, float(self.store.clock()))

    def _local(self, epoch: int | None) -> str | None:
        """REST/webhook timestamps: the shop's zone with offset, e.g. 2024-01-01T07:34:56-05:00."""
        if epoch is None:
            return None
        try:
            zone = ZoneInfo(self.store.shop.iana_timezone)
        except (KeyError, ValueError):
            zone = ZoneInfo("UTC")
        return datetime.fromtimestamp(epoch, zone).isoformat()


def _stall(fault: dict[str, Any] | None) -> float:
    """Seconds an armed ``bulk_slow`` fault keeps the job RUNNING before it writes (none unarmed)."""
    return 0.0 if fault is None else float(fault.get("seconds", 60))
