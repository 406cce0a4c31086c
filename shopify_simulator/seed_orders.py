"""Seed the orders domain on top of ``seed.generate``: fulfillments, refunds, holds, drafts …

It runs on its own ``random.Random`` (derived from the seed) so that the base
generator's sequence, and so every existing seeded value, stays exactly as it was.
Shapes follow what real shops hold: split fulfillments with tracking, partial
refunds, orders on hold, fully refunded cancellations, foreign-currency orders.
Nothing here changes a line's unfulfilled quantity, so ``committed`` stays right.
"""

from __future__ import annotations

import random

from shopify_simulator import order_math
from shopify_simulator.order_records import SUBJECT_TYPES, BasicEvent, DiscountRecord, DraftOrder, Fulfillment, Refund
from shopify_simulator.store import Order, Store

DAY = 86_400
CARRIERS = {
    "UPS": "https://www.ups.com/WebTracking?loc=en_US&requester=ST&trackNums={}",
    "USPS": "https://tools.usps.com/go/TrackConfirmAction?tLabels={}",
    "FedEx": "https://www.fedex.com/fedextrack/?trknbr={}",
    "DHL Express": "https://www.dhl.com/en/express/tracking.html?AWB={}",
}
HOLD_REASONS = ("AWAITING_PAYMENT", "HIGH_RISK_OF_FRAUD", "INCORRECT_ADDRESS", "INVENTORY_OUT_OF_STOCK", "OTHER")
NOTES = ("Leave at the back door", "Gift wrap please", "Call before delivery")


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
    for order in sorted(store.orders.values(), key=lambda o: o.id):
        _order(store, rng, ids, order, anchor)
    _discounts(store, ids, anchor)
    _drafts(store, rng, ids, anchor)
    _deletions(store, rng, ids, anchor)


def tracking(rng: random.Random, count: int) -> tuple[tuple[str | None, str | None, str | None], ...]:
    company = rng.choice(sorted(CARRIERS))
    numbers = [f"1Z{rng.randint(10**13, 10**14 - 1)}" for _ in range(count)]
    return tuple((company, n, CARRIERS[company].format(n)) for n in numbers)


def _when(rng: random.Random, after: int, anchor: int, span: int) -> int:
    return rng.randint(after, max(after, min(anchor - 60, after + span)))


def _order(store: Store, rng: random.Random, ids: _Ids, order: Order, anchor: int) -> None:
    address = order.shipping_address
    currency = order_math.COUNTRY_CURRENCY.get(address.country_code if address else "")
    if currency and rng.random() < 0.7:
        order.presentment_currency = currency
    if rng.random() < 0.15:
        order.note = rng.choice(NOTES)
    if order.cancelled_at is not None:
        if order.financial_status == "REFUNDED":
            lines = tuple((li.id, li.quantity, "CANCEL") for li in order.line_items)
            refund = Refund(ids("Refund"), order.id, order.cancelled_at, None, lines, order.shipping, order.total)
            store.refunds[refund.id] = refund
            order.refund_ids = (refund.id,)
    else:
        _fulfillments(store, rng, ids, order, anchor)
        if order.closed_at is None and not order.fulfillment_ids and rng.random() < 0.12:
            order.hold_reason = rng.choice(HOLD_REASONS)
        if order.financial_status == "PAID" and order.fulfillment_ids and rng.random() < 0.2:
            _partial_refund(store, rng, ids, order, anchor)
    order.fulfillment_status = order_math.fulfillment_status(store, order)
    stamps = [order.updated_at]
    stamps += [store.fulfillments[f].updated_at for f in order.fulfillment_ids]
    stamps += [store.refunds[r].created_at for r in order.refund_ids]
    order.updated_at = max(stamps)


def _fulfillments(store: Store, rng: random.Random, ids: _Ids, order: Order, anchor: int) -> None:
    shipped = [(li.id, li.quantity - li.unfulfilled_quantity) for li in order.line_items]
    shipped = [(lid, q) for lid, q in shipped if q > 0]
    if not shipped:
        return
    complete = not any(li.unfulfilled_quantity for li in order.line_items)
    groups = [shipped]
    if complete and len(shipped) >= 2 and rng.random() < 0.5:  # a split shipment
        cut = rng.randint(1, len(shipped) - 1)
        groups = [shipped[:cut], shipped[cut:]]
    created = order.processed_at
    made: list[int] = []
    for sequence, group in enumerate(groups, start=1):
        created = _when(rng, created, anchor, 3 * DAY)
        age = anchor - created
        display = "DELIVERED" if age > 7 * DAY else "IN_TRANSIT" if age > 2 * DAY else "FULFILLED"
        updated = _when(rng, created, anchor, 5 * DAY) if display != "FULFILLED" else created
        count = 0 if rng.random() < 0.1 else 2 if rng.random() < 0.15 else 1
        fulfillment = Fulfillment(
            ids("Fulfillment"), order.id, order.location_id, created, updated, tuple(group),
            tracking(rng, count), "SUCCESS", display, sequence,
        )  # fmt: skip
        store.fulfillments[fulfillment.id] = fulfillment
        made.append(fulfillment.id)
    order.fulfillment_ids = tuple(made)


def _partial_refund(store: Store, rng: random.Random, ids: _Ids, order: Order, anchor: int) -> None:
    """Refund one shipped unit of one line (no restock): a typical goodwill refund."""
    if sum(li.current_quantity for li in order.line_items) < 2:
        return  # refunding the only unit would be a full refund
    done = order_math.fulfilled_quantities(store, order)
    line = next((li for li in order.line_items if done.get(li.id, 0) > 0 and li.current_quantity > 0), None)
    if line is None:
        return
    last = max(store.fulfillments[f].created_at for f in order.fulfillment_ids)
    amount = line.unit_price - line.discount + order_math.line_tax(line, 1)
    note = rng.choice(("Damaged in transit", "Goodwill", None))
    refund = Refund(
        ids("Refund"), order.id, _when(rng, last, anchor, 10 * DAY), note, ((line.id, 1, "NO_RESTOCK"),), 0, amount
    )
    store.refunds[refund.id] = refund
    order.refund_ids = (*order.refund_ids, refund.id)
    line.current_quantity -= 1
    order.financial_status = "PARTIALLY_REFUNDED"


def _discounts(store: Store, ids: _Ids, anchor: int) -> None:
    start = anchor - 120 * DAY
    specs = (
        ("DiscountCodeBasic", "SAVE10", "SAVE10", 10.0, "10% off entire order", None),
        ("DiscountAutomaticBasic", "Spring Sale", None, 10.0, "10% off all products", None),
        ("DiscountCodeFreeShipping", "FREESHIP", "FREESHIP", None, "Free shipping on all products", None),
        ("DiscountCodeBxgy", "BOGO", "BOGO", None, "Buy 1 item, get 1 item free", None),
        ("DiscountCodeBasic", "WELCOME15", "WELCOME15", 15.0, "15% off entire order", anchor - 30 * DAY),
    )
    for n, (kind, title, code, percentage, summary, ends) in enumerate(specs):
        created = start + n * DAY
        record = DiscountRecord(
            ids("Discount"), kind, title, code, percentage, summary, created, ends, created, ends or created, 7 * n
        )  # fmt: skip
        store.discounts[record.id] = record


def _drafts(store: Store, rng: random.Random, ids: _Ids, anchor: int) -> None:
    variants = sorted(store.variants)
    from_drafts = [
        o for o in sorted(store.orders.values(), key=lambda o: o.id) if o.source_name == "shopify_draft_order"
    ]
    customers = sorted(store.customers)
    for n, order in enumerate(from_drafts[:8]):  # completed drafts became these orders
        lines = tuple((li.variant_id, li.quantity) for li in order.line_items if li.variant_id is not None)
        draft = DraftOrder(
            ids("DraftOrder"), n + 1, "COMPLETED", order.customer_id, order.email, order.created_at - 3600,
            order.created_at, lines, order.shipping, (), order.created_at, order.id, order.created_at - 1800,
        )  # fmt: skip
        store.draft_orders[draft.id] = draft
    for _n in range(max(2, len(store.orders) // 10)):
        created = anchor - rng.randint(1, 40) * DAY
        status = rng.choice(("OPEN", "OPEN", "INVOICE_SENT"))
        customer_id = rng.choice(customers) if customers and rng.random() < 0.8 else None
        email = store.customers[customer_id].email if customer_id else None
        picks = rng.sample(variants, min(len(variants), rng.randint(1, 3)))
        draft = DraftOrder(
            ids("DraftOrder"), len(store.draft_orders) + 1, status, customer_id, email, created,
            created + rng.randint(0, 5) * DAY, tuple((v, rng.randint(1, 3)) for v in picks),
            rng.choice((0, 599)), ("b2b",) if rng.random() < 0.2 else (),
            invoice_sent_at=created + 600 if status == "INVOICE_SENT" else None,
        )  # fmt: skip
        store.draft_orders[draft.id] = draft


def _deletions(store: Store, rng: random.Random, ids: _Ids, anchor: int) -> None:
    """Destroy events of records deleted before the data was seeded (their ids are gone)."""
    bases = {"Order": 6_400_000_000_000, "Product": 10_100_000_000_000, "Customer": 8_800_000_000_000}
    kinds = ("Order", "Product", "Customer")
    count = max(3, len(store.orders) // 20)
    stamps = sorted(anchor - rng.randint(1, 80 * DAY) for _ in range(count))
    for n, created in enumerate(stamps):
        kind = kinds[n % 3]
        subject = f"gid://shopify/{kind}/{bases[kind] + n}"
        event = BasicEvent(ids("BasicEvent"), "destroy", SUBJECT_TYPES[kind], subject, created)
        store.basic_events[event.id] = event
