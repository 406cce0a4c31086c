"""One GraphQL bucket for all the tasks of a shop, kept in the warehouse (``ops.api_budget``).

Shopify keeps a single leaky bucket per app and shop. A client that paces itself from the
``throttleStatus`` of its own answers cannot see what the other tasks of the same shop are
spending meanwhile: with four extract tasks at once, each waits for points the others take, and
Shopify answers THROTTLED (``bench/pacing.py --workers 4`` measured 15 in 20 seconds on the
standard plan). Here each client takes a query's requested cost from the shared level before
sending it, and settles after the answer: the points Shopify did not charge come back, and the
level is never above what Shopify just reported.

The database is a means, not a dependency: if it cannot be reached, the client paces from its
own answers as before (and says so once).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import psycopg

from shopify_elt.hooks.shopify import ShopifyHook
from shopify_elt.throttle import ThrottleBucket
from shopify_elt.warehouse import connect, sql_file

log = logging.getLogger(__name__)


class SharedBudget:
    """The ``ops.api_budget`` row of one shop, on a connection of its own (autocommit)."""

    def __init__(self, warehouse_conn_id: str, connector: Callable[[str], psycopg.Connection] = connect) -> None:
        self.warehouse_conn_id = warehouse_conn_id
        self._connector = connector
        self._conn: psycopg.Connection | None = None
        self._failed = False

    def reserve(self, shop: str, cost: float, bucket: ThrottleBucket) -> float:
        """Take ``cost`` points for a query about to be sent: 0.0 when taken, else the seconds to
        wait before asking again. Before anybody has reported the bucket there is nothing to
        take from (the first answer creates the row)."""
        cost = min(cost, bucket.maximum)
        row = self._run("budget/reserve.sql", {"shop": shop, "cost": cost})
        if row is None:
            return 0.0
        level, restore_rate, reserved = row
        return 0.0 if reserved else max(0.0, (cost - float(level)) / float(restore_rate))

    def settle(self, shop: str, reserved: float, cost: dict[str, Any] | None) -> None:
        """Record an answer's ``extensions.cost`` for a query that took ``reserved`` points."""
        status = (cost or {}).get("throttleStatus") or {}
        if "currentlyAvailable" not in status:
            return
        actual = float((cost or {}).get("actualQueryCost") or 0.0)
        self._run(
            "budget/settle.sql",
            {
                "shop": shop,
                "maximum": float(status["maximumAvailable"]),
                "restore_rate": float(status["restoreRate"]),
                "reported": float(status["currentlyAvailable"]),
                "refund": max(0.0, reserved - actual),
                "reserved": reserved,
            },
            fetch=False,
        )

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _run(self, statement: str, params: dict[str, Any], *, fetch: bool = True) -> tuple | None:
        if self._failed:
            return None
        try:
            if self._conn is None or self._conn.closed:
                self._conn = self._connector(self.warehouse_conn_id)
                self._conn.autocommit = True
            with self._conn.cursor() as cur:
                cur.execute(sql_file(statement), params)
                return cur.fetchone() if fetch else None
        except psycopg.Error as error:
            self._failed = True
            log.warning("the shop's shared API budget is out of reach (%s): pacing from this task's answers", error)
            return None


@contextmanager
def shop_client(shopify_conn_id: str, warehouse_conn_id: str) -> Iterator[ShopifyHook]:
    """A client of the shop that shares the shop's API budget with its other tasks."""
    budget = SharedBudget(warehouse_conn_id)
    try:
        yield ShopifyHook(shopify_conn_id, shared_budget=budget)
    finally:
        budget.close()
