"""One bulk operation's state, and its GraphQL view.

The worker thread mutates an operation while pollers read it, so readers never see the
record itself: ``snapshot`` copies it (under the manager's lock) into the dict the
resolvers return. Counters stay ints until the ``UnsignedInt64`` scalar renders them as
JSON strings, timestamps stay epoch seconds until ``DateTime`` renders them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from shopify_simulator.formatting import gid

TERMINAL = frozenset({"COMPLETED", "FAILED", "CANCELED", "EXPIRED"})
URL_LIFETIME = 7 * 86_400  # "url and partialDataUrl values expire after seven days"


@dataclass
class BulkOperation:
    id: int
    type: str  # QUERY | MUTATION
    query: str
    created_at: int
    token: str  # opaque path segment of the download URL
    version: str  # API version of the run request: its schema executes the inner query
    group_objects: bool = False
    status: str = "CREATED"
    error_code: str | None = None
    completed_at: int | None = None
    object_count: int = 0
    root_object_count: int = 0
    file_size: int | None = None
    bytes_written: int = 0
    cancel_requested: bool = False
    fault: dict[str, Any] | None = field(default=None, repr=False)  # armed bulk_failed params
    stall_seconds: float = 0.0  # armed bulk_slow: RUNNING this long before the first line

    @property
    def gid(self) -> str:
        return gid("BulkOperation", self.id)

    @property
    def filename(self) -> str:
        return f"bulk-{self.id}.jsonl"

    def terminal(self) -> bool:
        return self.status in TERMINAL

    def expires_at(self) -> int | None:
        return None if self.completed_at is None else self.completed_at + URL_LIFETIME

    def shown_status(self, now: int) -> str:
        """COMPLETED turns EXPIRED once its URL has lapsed (BulkOperationStatus.EXPIRED)."""
        expires = self.expires_at()
        if self.status == "COMPLETED" and expires is not None and now >= expires:
            return "EXPIRED"
        return self.status

    def has_data(self) -> bool:
        return self.bytes_written > 0


def snapshot(operation: BulkOperation, now: int, url: str | None) -> dict[str, Any]:
    """The BulkOperation object as the resolvers hand it to graphql-core."""
    status = operation.shown_status(now)
    completed = operation.status == "COMPLETED" and url is not None
    failed = operation.status == "FAILED" and url is not None
    return {
        "__typename": "BulkOperation",  # lets the Node interface resolve the type
        "id": operation.gid,
        "status": status,
        "type": operation.type,
        "errorCode": operation.error_code,
        "createdAt": operation.created_at,
        "completedAt": operation.completed_at,
        "objectCount": operation.object_count,
        "rootObjectCount": operation.root_object_count,
        "fileSize": operation.file_size,
        "url": url if completed else None,
        "partialDataUrl": url if failed else None,
        "query": operation.query,
    }
