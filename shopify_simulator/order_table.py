"""``store.orders`` as a read-mostly Mapping over generated orders plus an overlay of writes.

Generated orders are rendered on demand (``order_gen.render``) and kept in a small LRU
cache; an order changed by a write is *pinned*: its rendered records move into the
overlay and win over generation from then on. Writers pin explicitly (``pin``) and,
as a safety net, every order fetched inside ``writing()`` (GraphQL mutations, the
control plane) is pinned, so an in-place change can never be lost to cache eviction.
Sort indexes come from the columns (two int64 arrays an index), not from rendering.
"""

from __future__ import annotations

import threading
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterator, MutableMapping, Sequence
from contextlib import contextmanager
from typing import Any

from shopify_simulator.order_columns import OrderColumns, Row
from shopify_simulator.order_gen import CHILD_SLOTS, FULFILLMENT_BASE, ORDER_BASE, REFUND_BASE, Bundle, Facts, render
from shopify_simulator.store import Order

CACHE_SIZE = 4096
COLUMN_KEYS = {"ID": "id", "UPDATED_AT": "updated_at", "PROCESSED_AT": "processed_at", "CREATED_AT": "processed_at"}


class ColumnIndex(Sequence):
    """Ascending ``(value, id)`` pairs stored as two parallel arrays (what ``bisect`` needs)."""

    def __init__(self, values: Sequence[Any], ids: array) -> None:
        self.values, self.ids = values, ids

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return list(zip(self.values[i], self.ids[i], strict=True))
        return (self.values[i], self.ids[i])

    def __iter__(self) -> Iterator[tuple[Any, int]]:
        return zip(self.values, self.ids, strict=True)


class OrderTable(MutableMapping[int, Order]):
    """Orders by id, in id order: generated positions first, then orders created later."""

    def __init__(self, facts: Facts, columns: OrderColumns) -> None:
        self.facts, self.columns = facts, columns
        self.pinned: dict[int, Bundle] = {}  # position -> bundle changed by a write
        self.extra: dict[int, Order] = {}  # orders created after seeding, by id
        self.deleted: set[int] = set()  # positions
        self._cache: OrderedDict[int, Bundle] = OrderedDict()
        self._indexes: dict[str, ColumnIndex] = {}
        self._by_customer: tuple[array, array] | None = None
        self._local = threading.local()
        self.fulfillments = ChildTable(self, "fulfillments")
        self.refunds = ChildTable(self, "refunds")

    # --- positions and bundles ---------------------------------------------------------

    def position(self, order_id: Any) -> int | None:
        if not isinstance(order_id, int):
            return None
        n = order_id - ORDER_BASE - 1
        return n if 0 <= n < self.columns.count else None

    def bundle(self, n: int) -> Bundle:
        found = self.pinned.get(n)
        if found is not None:
            return found
        found = self._cache.get(n)
        if found is None:
            found = render(self.facts, n)
            self._cache[n] = found
            if len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(n)
        if getattr(self._local, "depth", 0):
            self.pinned[n] = found
        return found

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Pin every order this thread fetches until the block ends (a write may change it)."""
        self._local.depth = getattr(self._local, "depth", 0) + 1
        try:
            yield
        finally:
            self._local.depth -= 1

    def pin(self, order: Order) -> None:
        """Keep `order` (changed in place by a write) instead of regenerating it."""
        n = self.position(order.id)
        if n is None or n in self.deleted:
            return
        current = self.pinned.get(n) or self._cache.get(n) or render(self.facts, n)
        current.order = order
        self.pinned[n] = current
        self._indexes.clear()

    # --- Mapping -----------------------------------------------------------------------

    def __getitem__(self, order_id: int) -> Order:
        n = self.position(order_id)
        if n is None:
            return self.extra[order_id]
        if n in self.deleted:
            raise KeyError(order_id)
        return self.bundle(n).order

    def __contains__(self, order_id: object) -> bool:
        n = self.position(order_id)
        return order_id in self.extra if n is None else n not in self.deleted

    def __iter__(self) -> Iterator[int]:
        base = ORDER_BASE + 1
        for n in range(self.columns.count):
            if n not in self.deleted:
                yield base + n
        yield from sorted(self.extra)

    def __len__(self) -> int:
        return self.columns.count - len(self.deleted) + len(self.extra)

    def __setitem__(self, order_id: int, order: Order) -> None:
        n = self.position(order_id)
        if n is None:
            self.extra[order_id] = order
        else:
            self.deleted.discard(n)
            self.pin(order)
        self._indexes.clear()

    def __delitem__(self, order_id: int) -> None:
        n = self.position(order_id)
        if n is None:
            del self.extra[order_id]
        else:
            if n in self.deleted:
                raise KeyError(order_id)
            self.deleted.add(n)
            self.pinned.pop(n, None)
            self._cache.pop(n, None)
        self._indexes.clear()

    def next_number(self) -> int:
        return max([1000 + self.columns.count] + [o.number for o in self.extra.values()]) + 1

    # --- rows, indexes, customers ------------------------------------------------------

    def positions(self) -> Iterator[int]:
        return (
            (n for n in range(self.columns.count) if n not in self.deleted)
            if self.deleted
            else iter(range(self.columns.count))
        )

    def row(self, order_id: int) -> Any:
        """What filters read: the pinned/extra Order, or a column-backed ``Row``."""
        n = self.position(order_id)
        if n is None:
            return self.extra.get(order_id)
        if n in self.deleted:
            return None
        pinned = self.pinned.get(n)
        return pinned.order if pinned is not None else Row(self, n)

    def rows(self) -> Iterator[Any]:
        for n in self.positions():
            pinned = self.pinned.get(n)
            yield pinned.order if pinned is not None else Row(self, n)
        for oid in sorted(self.extra):
            yield self.extra[oid]

    def invalidate(self) -> None:
        self._indexes.clear()

    def sorted_index(self, sort_key: str, key: Callable[[Any], Any]) -> ColumnIndex:
        """Ascending ``(key, id)`` over all orders, from columns where the key is one."""
        cached = self._indexes.get(sort_key)
        if cached is not None:
            return cached
        base = ORDER_BASE + 1
        column = COLUMN_KEYS.get(sort_key)
        ids = array("q", (base + n for n in self.positions()))
        values: Any
        if column == "id":
            values = array("q", ids)
        elif column is not None:
            source = self.columns.updated if column == "updated_at" else self.columns.processed
            patched = array("q", source)
            for n, b in self.pinned.items():
                patched[n] = getattr(b.order, column)
            values = patched if not self.deleted else array("q", (patched[n] for n in self.positions()))
        else:
            values = [key(self.row(oid)) for oid in ids]
        extra = sorted(self.extra)
        ids.extend(extra)
        values = _typed(values, [key(self.extra[oid]) for oid in extra])
        order = sorted(range(len(ids)), key=values.__getitem__)  # stable: ties stay in id order
        ranked = array("q", map(values.__getitem__, order)) if isinstance(values, array) else [values[i] for i in order]
        index = ColumnIndex(ranked, array("q", map(ids.__getitem__, order)))
        self._indexes[sort_key] = index
        return index

    def customer_orders(self, customer_index: int) -> Sequence[int]:
        """Positions of the generated orders of a customer (a CSR index built on first use)."""
        if self._by_customer is None:
            owners = self.columns.customer
            counts = [0] * (len(self.facts.customers) + 1)
            for c in owners:
                counts[c + 1] += 1
            starts = array("q", [0]) * len(counts)
            for i in range(1, len(counts)):
                starts[i] = starts[i - 1] + counts[i - 1]
            fill = array("q", starts)
            flat = array("i", bytes(4 * len(owners)))
            for n, c in enumerate(owners):
                if c >= 0:
                    flat[fill[c]] = n
                    fill[c] += 1
            self._by_customer = (starts, flat)
        starts, flat = self._by_customer
        return flat[starts[customer_index] : starts[customer_index + 1]]


def _typed(values: Any, extra: list[Any]) -> Any:
    """`values` + `extra` as an int64 array when every value is an int (compact), else a list."""
    if all(isinstance(v, int) for v in extra):
        if isinstance(values, array):
            values.extend(extra)
            return values
        if all(isinstance(v, int) for v in values):
            return array("q", values + extra)
    return list(values) + extra


class ChildTable(MutableMapping):
    """``store.fulfillments`` / ``store.refunds``: generated ones decoded from their ids."""

    def __init__(self, table: OrderTable, attribute: str) -> None:
        self.table, self.attribute = table, attribute
        self.base = FULFILLMENT_BASE if attribute == "fulfillments" else REFUND_BASE
        self.overlay: dict[int, Any] = {}

    def _owner(self, child_id: Any) -> int | None:
        if not isinstance(child_id, int):
            return None
        n = (child_id - self.base - 1) // CHILD_SLOTS
        ok = 0 <= n < self.table.columns.count and n not in self.table.deleted
        return n if ok and child_id > self.base else None

    def __getitem__(self, child_id: int) -> Any:
        if child_id in self.overlay:
            return self.overlay[child_id]
        n = self._owner(child_id)
        if n is None:
            raise KeyError(child_id)
        return getattr(self.table.bundle(n), self.attribute)[child_id]

    def __setitem__(self, child_id: int, value: Any) -> None:
        n = self._owner(child_id)
        if n is not None:
            getattr(self.table.bundle(n), self.attribute)[child_id] = value
        else:
            self.overlay[child_id] = value

    def __delitem__(self, child_id: int) -> None:
        if child_id in self.overlay:
            del self.overlay[child_id]
        else:
            n = self._owner(child_id)
            if n is None:
                raise KeyError(child_id)
            del getattr(self.table.bundle(n), self.attribute)[child_id]

    def __iter__(self) -> Iterator[int]:
        for n in self.table.positions():
            yield from getattr(self.table.bundle(n), self.attribute)
        yield from self.overlay

    def __len__(self) -> int:
        return sum(1 for _ in self)


class CustomerOrders:
    """``Customer.order_ids`` read from the order columns, plus later additions/removals."""

    __slots__ = ("table", "index", "added", "removed")

    def __init__(self, table: OrderTable, index: int) -> None:
        self.table, self.index = table, index
        self.added: list[int] = []
        self.removed: set[int] = set()

    def __iter__(self) -> Iterator[int]:
        base = ORDER_BASE + 1
        for n in self.table.customer_orders(self.index):
            if base + n not in self.removed:
                yield base + n
        yield from self.added

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __bool__(self) -> bool:
        return next(iter(self), None) is not None

    def __contains__(self, order_id: object) -> bool:
        return any(oid == order_id for oid in self)

    def append(self, order_id: int) -> None:
        self.added.append(order_id)

    def remove(self, order_id: int) -> None:
        if order_id in self.added:
            self.added.remove(order_id)
        elif order_id in self:
            self.removed.add(order_id)
        else:
            raise ValueError(order_id)
