"""Compact per-order columns: what sorting, filtering and counting read without rendering.

One slot per generated order position `n` in ``array``/``bytearray`` storage (about 40
bytes an order), filled by one streaming pass over ``order_gen.plan``. ``Row`` reads a
position's columns through the attribute names of ``Order``, so the search matchers
and sort keys written for ``Order`` run on it unchanged; any other attribute falls back
to rendering the full order.
"""

from __future__ import annotations

from array import array
from typing import TYPE_CHECKING, Any

from shopify_simulator.order_gen import FINANCIAL, SOURCES, Plan

if TYPE_CHECKING:
    from shopify_simulator.order_table import OrderTable

FINANCIAL_CODES = (*FINANCIAL, "REFUNDED", "VOIDED", "PARTIALLY_REFUNDED")
FULFILLMENT_CODES = ("UNFULFILLED", "PARTIALLY_FULFILLED", "FULFILLED", "ON_HOLD")
SOURCE_CODES = tuple(dict.fromkeys(SOURCES))
CANCELLED, TEST, WHOLESALE = 1, 2, 4
NO_TIME = -1


class OrderColumns:
    """Column storage for `count` generated orders."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.processed = array("q", bytes(8 * count))
        self.updated = array("q", bytes(8 * count))
        self.closed = array("q", bytes(8 * count))
        self.customer = array("i", bytes(4 * count))
        self.flags = bytearray(count)
        self.financial = bytearray(count)
        self.fulfillment = bytearray(count)
        self.source = bytearray(count)
        self.location = bytearray(count)

    def put(self, p: Plan) -> None:
        n = p.n
        self.processed[n] = p.processed
        self.updated[n] = p.updated
        self.closed[n] = NO_TIME if p.closed is None else p.closed
        self.customer[n] = p.customer
        self.flags[n] = (CANCELLED if p.cancelled else 0) | (TEST if p.test else 0) | (WHOLESALE if p.wholesale else 0)
        self.financial[n] = FINANCIAL_CODES.index(p.financial)
        self.fulfillment[n] = FULFILLMENT_CODES.index(p.fulfillment)
        self.source[n] = SOURCE_CODES.index(p.source)
        self.location[n] = p.location

    def nbytes(self) -> int:
        arrays = (self.processed, self.updated, self.closed, self.customer)
        return sum(a.itemsize * len(a) for a in arrays) + 5 * self.count


class Row:
    """An untouched generated order seen through its columns (cheap to make and to match)."""

    __slots__ = ("_t", "_n")

    def __init__(self, table: OrderTable, n: int) -> None:
        self._t, self._n = table, n

    @property
    def id(self) -> int:
        return self._t.facts.order_id(self._n)

    @property
    def number(self) -> int:
        return 1001 + self._n

    @property
    def processed_at(self) -> int:
        return self._t.columns.processed[self._n]

    created_at = processed_at

    @property
    def updated_at(self) -> int:
        return self._t.columns.updated[self._n]

    @property
    def closed_at(self) -> int | None:
        value = self._t.columns.closed[self._n]
        return None if value == NO_TIME else value

    @property
    def cancelled_at(self) -> int | None:
        return self.closed_at if self._t.columns.flags[self._n] & CANCELLED else None

    @property
    def test(self) -> bool:
        return bool(self._t.columns.flags[self._n] & TEST)

    @property
    def tags(self) -> tuple[str, ...]:
        return ("wholesale",) if self._t.columns.flags[self._n] & WHOLESALE else ()

    @property
    def financial_status(self) -> str | None:
        return FINANCIAL_CODES[self._t.columns.financial[self._n]]

    @property
    def fulfillment_status(self) -> str:
        return FULFILLMENT_CODES[self._t.columns.fulfillment[self._n]]

    @property
    def source_name(self) -> str:
        return SOURCE_CODES[self._t.columns.source[self._n]]

    @property
    def location_id(self) -> int:
        return self._t.facts.locations[self._t.columns.location[self._n]]

    @property
    def customer_id(self) -> int | None:
        index = self._t.columns.customer[self._n]
        return None if index < 0 else self._t.facts.customers[index][0]

    @property
    def email(self) -> str | None:
        index = self._t.columns.customer[self._n]
        return None if index < 0 else self._t.facts.customers[index][3]

    @property
    def currency_code(self) -> str:
        return "USD"

    def __getattr__(self, name: str) -> Any:  # anything not in a column: render the order
        return getattr(self._t.bundle(self._n).order, name)
