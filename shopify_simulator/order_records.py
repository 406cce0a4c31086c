"""Compact records of the orders domain that cannot be derived from an Order.

Fulfillment orders, transactions, shipping lines, tax lines and discount applications
are *views* computed from the Order record (see ``order_math`` and the resolvers), so
a store of a million orders only pays for what really has its own state: fulfillments
(tracking numbers), refunds, draft orders, discounts and deletion events.
Money is int cents, times are epoch seconds.
"""

from __future__ import annotations

from dataclasses import dataclass

Tracking = tuple[str | None, str | None, str | None]  # (company, number, url)


@dataclass(slots=True)
class Fulfillment:
    id: int
    order_id: int
    location_id: int
    created_at: int
    updated_at: int
    lines: tuple[tuple[int, int], ...]  # (line item id, quantity)
    tracking: tuple[Tracking, ...] = ()
    status: str = "SUCCESS"  # FulfillmentStatus
    display_status: str = "FULFILLED"  # FulfillmentDisplayStatus
    sequence: int = 1  # the ".1" of "#1001.1"

    __typename = "Fulfillment"


@dataclass(slots=True)
class Refund:
    id: int
    order_id: int
    created_at: int
    note: str | None
    lines: tuple[tuple[int, int, str], ...]  # (line item id, quantity, RefundLineItemRestockType)
    shipping: int  # refunded shipping, cents
    amount: int  # total refunded (lines + their tax + shipping), cents

    __typename = "Refund"


@dataclass(slots=True)
class DraftOrder:
    id: int
    number: int
    status: str  # DraftOrderStatus
    customer_id: int | None
    email: str | None
    created_at: int
    updated_at: int
    lines: tuple[tuple[int, int], ...]  # (variant id, quantity)
    shipping: int = 0
    tags: tuple[str, ...] = ()
    completed_at: int | None = None
    order_id: int | None = None
    invoice_sent_at: int | None = None

    __typename = "DraftOrder"


@dataclass(slots=True)
class DiscountRecord:
    """One discount; ``kind`` is its GraphQL type (DiscountCodeBasic, DiscountAutomaticBasic …)."""

    id: int
    kind: str
    title: str
    code: str | None
    percentage: float | None  # None: free shipping / buy-x-get-y
    summary: str
    starts_at: int
    ends_at: int | None
    created_at: int
    updated_at: int
    usage: int = 0

    @property
    def __typename(self) -> str:  # read by graphql-core's default type resolver (name-mangled)
        return self.kind

    @property
    def node_type(self) -> str:
        return "DiscountCodeNode" if "Code" in self.kind else "DiscountAutomaticNode"

    @property
    def status(self) -> str:
        return "ACTIVE" if self.ends_at is None else "EXPIRED"


@dataclass(slots=True)
class BasicEvent:
    id: int
    action: str  # "destroy", "create" …
    subject_type: str  # EventSubjectType
    subject_gid: str
    created_at: int
    message: str = ""

    __typename = "BasicEvent"


SUBJECT_TYPES = {"Order": "ORDER", "Product": "PRODUCT", "Customer": "CUSTOMER", "DraftOrder": "DRAFT_ORDER"}
