"""Seed the rest of the orders domain on top of ``seed.generate``: drafts, discounts, events.

Per-order shapes (split fulfillments with tracking, partial refunds, holds, fully
refunded cancellations, foreign-currency orders) are drawn by ``order_gen`` with the
order itself; this module adds the shop-wide records, on its own ``random.Random``.
Their numbers scale with the orders but are capped (``MAX_DRAFTS``, ``MAX_DELETIONS``)
so a million-order store does not hold a hundred thousand drafts.
"""

from __future__ import annotations

import random
from typing import Any

from shopify_simulator.order_records import SUBJECT_TYPES, BasicEvent, DiscountRecord, DraftOrder
from shopify_simulator.store import Order, Store

DAY = 86_400
CARRIERS = {
    "UPS": "https://www.ups.com/WebTracking?loc=en_US&requester=ST&trackNums={}",
    "USPS": "https://tools.usps.com/go/TrackConfirmAction?tLabels={}",
    "FedEx": "https://www.fedex.com/fedextrack/?trknbr={}",
    "DHL Express": "https://www.dhl.com/en/express/tracking.html?AWB={}",
}
CARRIER_NAMES = tuple(sorted(CARRIERS))
HOLD_REASONS = ("AWAITING_PAYMENT", "HIGH_RISK_OF_FRAUD", "INCORRECT_ADDRESS", "INVENTORY_OUT_OF_STOCK", "OTHER")
NOTES = ("Leave at the back door", "Gift wrap please", "Call before delivery")
MAX_DRAFTS = 2000
MAX_DELETIONS = 1000


class _Ids:
    def __init__(self) -> None:
        self._next = {
            "Fulfillment": 8_036_708_200_000,
            "Refund": 1_004_512_300_000,
            "DraftOrder": 1_275_457_000_000,
            "Discount": 1_057_371_200_000,
            "BasicEvent": 181_928_750_000_000,
        }

    def __call__(self, kind: str) -> int:
        self._next[kind] += 1
        return self._next[kind]


def enrich(store: Store, seed: int, anchor: int) -> None:
    rng = random.Random(seed * 1_000_003 + 17)
    ids = _Ids()
    _discounts(store, ids, anchor)
    _drafts(store, rng, ids, anchor)
    _deletions(store, rng, ids, anchor)


def tracking(rng: Any, count: int) -> tuple[tuple[str | None, str | None, str | None], ...]:
    """`count` tracking numbers of one carrier; `rng` is a ``random.Random`` or ``prng.Stream``."""
    company = rng.choice(CARRIER_NAMES)
    numbers = [f"1Z{rng.randint(10**13, 10**14 - 1)}" for _ in range(count)]
    return tuple((company, n, CARRIERS[company].format(n)) for n in numbers)


def _draft_sourced(store: Store, wanted: int) -> list[Order]:
    """The first `wanted` orders placed from a draft (read from the columns when there are some)."""
    rows = store.orders.rows() if hasattr(store.orders, "rows") else store.orders.values()
    found: list[Order] = []
    for row in rows:
        if row.source_name == "shopify_draft_order":
            found.append(store.orders[row.id])
            if len(found) == wanted:
                break
    return found


def _discounts(store: Store, ids: _Ids, anchor: int) -> None:
    start = anchor - 120 * DAY
    specs = (
        ("DiscountCodeBasic", "SAVE10", "SAVE10", 10.0, "10% off entire order", None),
        ("DiscountAutomaticBasic", "Spring Sale", None, 10.0, "10% off all products", None),
        ("DiscountCodeFreeShipping", "FREESHIP", "FREESHIP", None, "Free shipping on all products", None),
        ("DiscountCodeBxgy", "BOGO", "BOGO", None, "Buy 1 item, get 1 item free", None),
        ("DiscountCodeBasic", "WELCOME15", "WELCOME15", 15.0, "15% off entire order", anchor - 30 * DAY),
        ("DiscountAutomaticBxgy", "Buy 2, get 1 free", None, None, "Buy 2 items, get 1 item free", None),
    )
    for n, (kind, title, code, percentage, summary, ends) in enumerate(specs):
        created = start + n * DAY
        record = DiscountRecord(
            ids("Discount"), kind, title, code, percentage, summary, created, ends, created, ends or created, 7 * n
        )  # fmt: skip
        store.discounts[record.id] = record


def _drafts(store: Store, rng: random.Random, ids: _Ids, anchor: int) -> None:
    variants = sorted(store.variants)
    customers = sorted(store.customers)
    for n, order in enumerate(_draft_sourced(store, 8)):  # completed drafts became these orders
        lines = tuple((li.variant_id, li.quantity) for li in order.line_items if li.variant_id is not None)
        draft = DraftOrder(
            ids("DraftOrder"), n + 1, "COMPLETED", order.customer_id, order.email, order.created_at - 3600,
            order.created_at, lines, order.shipping, (), order.created_at, order.id, order.created_at - 1800,
        )  # fmt: skip
        store.draft_orders[draft.id] = draft
    for _n in range(min(MAX_DRAFTS, max(2, len(store.orders) // 10))):
        created = anchor - rng.randint(1, 40) * DAY
        status = rng.choice(("OPEN", "OPEN", "INVOICE_SENT"))
        customer_id = rng.choice(customers) if customers and rng.random() < 0.8 else None
        email = store.customers[customer_id].email if customer_id else None
        picks = rng.sample(variants, min(len(variants), rng.randint(1, 3)))
        draft = DraftOrder(
            ids("DraftOrder"), len(store.draft_orders) + 1, status, customer_id, email, created,
            min(anchor, created + rng.randint(0, 5) * DAY), tuple((v, rng.randint(1, 3)) for v in picks),
            rng.choice((0, 599)), ("b2b",) if rng.random() < 0.2 else (),
            invoice_sent_at=created + 600 if status == "INVOICE_SENT" else None,
        )  # fmt: skip
        store.draft_orders[draft.id] = draft


def _deletions(store: Store, rng: random.Random, ids: _Ids, anchor: int) -> None:
    """Destroy events of records deleted before the data was seeded (their ids are gone)."""
    bases = {"Order": 6_400_000_000_000, "Product": 10_100_000_000_000, "Customer": 8_800_000_000_000}
    kinds = ("Order", "Product", "Customer")
    count = min(MAX_DELETIONS, max(3, len(store.orders) // 20))
    stamps = sorted(anchor - rng.randint(1, 80 * DAY) for _ in range(count))
    for n, created in enumerate(stamps):
        kind = kinds[n % 3]
        subject = f"gid://shopify/{kind}/{bases[kind] + n}"
        event = BasicEvent(ids("BasicEvent"), "destroy", SUBJECT_TYPES[kind], subject, created)
        store.basic_events[event.id] = event
