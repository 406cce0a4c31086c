"""GraphQL bulk operations: ``bulkOperationRunQuery`` and friends, with JSONL results on disk.

Modules, one job each: ``validate`` (Shopify's inner-query rules), ``execute`` (run the inner
query page by page with the ordinary resolvers), ``flatten`` (JSONL lines), ``runner`` (the
worker thread), ``manager`` (per-shop registry, concurrency, files, finish events),
``urls``/``download`` (signed result links served by the simulator) and ``resolvers``
(the root fields). The manager hangs off the store (attribute ``_bulk_operations``, set by
``operations(store)``) so the store itself needs no knowledge of bulk operations, and the
two are collected together.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from shopify_simulator.bulk.manager import BulkOperations
    from shopify_simulator.store import Store

_LOCK = threading.Lock()


def operations(store: Store) -> BulkOperations:
    """The bulk operations of a store, created on first use."""
    from shopify_simulator.bulk.manager import BulkOperations

    with _LOCK:
        manager: BulkOperations | None = getattr(store, "_bulk_operations", None)
        if manager is None:
            manager = BulkOperations(store)
            store._bulk_operations = manager  # type: ignore[attr-defined]
        return manager
