"""Orders as a pure function of ``(seed, position)``: nothing per order is kept in memory.

``plan`` draws the *skeleton* of order number `n` (times, statuses, lines, fulfillment
and refund times) from ``Stream(seed, n, 0)``: everything the compact columns, the
search filters and committed inventory need, and cheap enough to run a million times
at build. ``render`` adds the details (addresses, discounts, tracking, notes …) from a
second stream ``Stream(seed, n, 1)`` and builds the records the resolvers read. Ids are
arithmetic in `n` (order, its lines, addresses, fulfillments, refunds), so any record
can be found from its id without an index.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from shopify_simulator import order_math
from shopify_simulator.order_records import Fulfillment, Refund
from shopify_simulator.prng import Stream
from shopify_simulator.seed_names import FIRST, GATEWAYS, LAST, address
from shopify_simulator.seed_orders import HOLD_REASONS, NOTES, tracking
from shopify_simulator.store import LineItem, Order

DAY = 86_400
ORDER_BASE = 6_512_345_670_000  # order n has id ORDER_BASE + 1 + n and number 1001 + n
LINE_BASE = 16_012_345_670_000  # line k of order n: LINE_BASE + n * LINE_SLOTS + k + 1
LINE_SLOTS = 64
ADDRESS_BASE = 11_112_345_670_000  # shipping / billing of order n: + 2n + 1 / + 2n + 2
FULFILLMENT_BASE = 8_036_708_200_000  # fulfillment s (1, 2) of order n: + 4n + s
REFUND_BASE = 1_004_512_300_000  # refund k (1 cancel, 2 partial) of order n: + 4n + k
CHILD_SLOTS = 4
BIG_ORDER_LINES = 60  # the middle order is large, so nested pagination gets exercised

KINDS, KIND_CUM = ("open", "closed", "cancelled"), (55, 90, 100)
FINANCIAL, FINANCIAL_CUM = ("PAID", "PENDING", "AUTHORIZED", None), (70, 85, 95, 100)
LINE_COUNTS, LINE_CUM = (1, 2, 3, 4), (40, 70, 90, 100)
QUANTITIES, QUANTITY_CUM = (1, 2, 3, 5), (60, 85, 95, 100)
SOURCES = ("web", "web", "pos", "shopify_draft_order")
CANCEL_REASONS = ("CUSTOMER", "INVENTORY", "DECLINED", "OTHER")

VariantFact = tuple[int, str | None, str, str | None, int]  # id, sku, product title, variant title, price
CustomerFact = tuple[int, str, str, str | None]  # id, first name, last name, email


@dataclass(frozen=True)
class Facts:
    """What order generation reads from the (materialised, bounded) catalog and customers."""

    seed: int
    count: int
    start: int
    anchor: int
    variants: tuple[VariantFact, ...]
    customers: tuple[CustomerFact, ...]
    locations: tuple[int, ...]  # active location ids

    def order_id(self, n: int) -> int:
        return ORDER_BASE + 1 + n


@dataclass(slots=True)
class Plan:
    """The skeleton of one order; `lines` are ``[variant index, quantity, current, unfulfilled]``."""

    n: int
    processed: int
    updated: int
    closed: int | None
    cancelled: bool
    customer: int  # index into Facts.customers, -1 for a guest checkout
    location: int  # index into Facts.locations
    financial: str | None
    fulfillment: str
    hold: str | None
    test: bool
    source: str
    wholesale: bool
    lines: list[list[int]]
    fulfillments: list[tuple[int, int, tuple[tuple[int, int], ...]]] = field(default_factory=list)
    cancel_refund: bool = False
    partial_refund: tuple[int, int] | None = None  # (created, line index)


@dataclass(slots=True)
class Bundle:
    """A rendered order with the records that belong to it (pinned together after a write)."""

    order: Order
    fulfillments: dict[int, Fulfillment]
    refunds: dict[int, Refund]


def _after(s: Stream, after: int, anchor: int, span: int) -> int:
    return s.randint(after, max(after, min(anchor - 60, after + span)))


def plan(f: Facts, n: int) -> Plan:
    s = Stream(f.seed, n, 0)
    last = f.anchor - 60
    span = max(1, last - f.start)
    slot = span // f.count if f.count else span
    processed = min(last, f.start + n * span // max(1, f.count) + s.below(max(1, slot)))
    customer = s.below(len(f.customers)) if f.customers and s.random() < 0.9 else -1
    kind = s.weighted(KINDS, KIND_CUM)
    big = f.count >= 2 and n == f.count // 2
    count = BIG_ORDER_LINES if big else s.weighted(LINE_COUNTS, LINE_CUM)
    financial = s.weighted(FINANCIAL, FINANCIAL_CUM)
    pre = "PARTIALLY_FULFILLED" if s.random() < 1 / 3 else "UNFULFILLED"
    closed, cancelled = None, kind == "cancelled"
    if kind == "closed":
        closed = s.randint(processed, last)
        financial, pre = "PAID", "FULFILLED"
    elif cancelled:
        closed = s.randint(processed, last)
        financial = "REFUNDED" if financial == "PAID" else "VOIDED"
    p = Plan(
        n, processed, s.randint(closed or processed, last), closed, cancelled, customer,
        s.below(len(f.locations)), financial, "UNFULFILLED", None, s.random() < 0.05, s.choice(SOURCES),
        s.random() < 0.05, [],
    )  # fmt: skip
    for vidx in s.distinct(count, len(f.variants)):
        quantity = s.weighted(QUANTITIES, QUANTITY_CUM)
        unfulfilled = 0
        if kind == "open":
            unfulfilled = quantity if pre == "UNFULFILLED" else s.randint(0, quantity)
        p.lines.append([vidx, quantity, 0 if cancelled else quantity, unfulfilled])
    if cancelled:
        p.cancel_refund = financial == "REFUNDED"
    else:
        _ship(s, f, p)
    p.fulfillment = _status(p)
    stamps = [p.updated] + [upd for _, upd, _ in p.fulfillments]
    if p.partial_refund is not None:
        stamps.append(p.partial_refund[0])
    p.updated = max(stamps)
    return p


def _ship(s: Stream, f: Facts, p: Plan) -> None:
    """Fulfillments of what was shipped (split in two half the time), holds, goodwill refunds."""
    shipped = [(i, line[1] - line[3]) for i, line in enumerate(p.lines) if line[1] > line[3]]
    if shipped:
        groups = [shipped]
        complete = not any(line[3] for line in p.lines)
        if complete and len(shipped) >= 2 and s.random() < 0.5:
            cut = s.randint(1, len(shipped) - 1)
            groups = [shipped[:cut], shipped[cut:]]
        created = p.processed
        for group in groups:
            created = _after(s, created, f.anchor, 3 * DAY)
            moving = f.anchor - created > 2 * DAY
            updated = _after(s, created, f.anchor, 5 * DAY) if moving else created
            p.fulfillments.append((created, updated, tuple(group)))
    if p.closed is None and not p.fulfillments and s.random() < 0.12:
        p.hold = s.choice(HOLD_REASONS)
    if p.financial == "PAID" and p.fulfillments and s.random() < 0.2 and sum(li[2] for li in p.lines) >= 2:
        first_shipped = shipped[0][0]
        last = max(created for created, _, _ in p.fulfillments)
        p.partial_refund = (_after(s, last, f.anchor, 10 * DAY), first_shipped)
        p.lines[first_shipped][2] -= 1
        p.financial = "PARTIALLY_REFUNDED"


def _status(p: Plan) -> str:
    """OrderDisplayFulfillmentStatus, as ``order_math.fulfillment_status`` derives it."""
    if p.hold is not None and not p.cancelled:
        return "ON_HOLD"
    if not p.fulfillments:
        return "UNFULFILLED"
    if not p.cancelled and any(line[3] for line in p.lines):
        return "PARTIALLY_FULFILLED"
    return "FULFILLED"


def render(f: Facts, n: int, p: Plan | None = None) -> Bundle:
    """The full records of order `n` (its skeleton plus details from the second stream)."""
    p = p or plan(f, n)
    d = Stream(f.seed, n, 1)
    oid = f.order_id(n)
    customer = f.customers[p.customer] if p.customer >= 0 else None
    first = customer[1] if customer else d.choice(FIRST)
    last = customer[2] if customer else d.choice(LAST)
    ship_to = address(d, ADDRESS_BASE + 2 * n + 1, first, last)
    bill_to = ship_to if d.random() < 0.8 else address(d, ADDRESS_BASE + 2 * n + 2, first, last)
    order = Order(
        id=oid, number=1001 + n, customer_id=customer[0] if customer else None,
        email=customer[3] if customer else None, phone=None, created_at=p.processed, updated_at=p.updated,
        processed_at=p.processed, cancelled_at=p.closed if p.cancelled else None,
        cancel_reason=d.choice(CANCEL_REASONS) if p.cancelled else None, closed_at=p.closed, test=p.test,
        financial_status=p.financial, fulfillment_status=p.fulfillment, currency_code="USD",
        source_name=p.source, tags=("wholesale",) if p.wholesale else (), gateways=(d.choice(GATEWAYS),),
        location_id=f.locations[p.location], shipping=d.choice((0, 0, 599, 1000)), tax=0,
        billing_address=bill_to, shipping_address=ship_to, hold_reason=p.hold,
    )  # fmt: skip
    for k, (vidx, quantity, current, unfulfilled) in enumerate(p.lines):
        vid, sku, product_title, variant_title, price = f.variants[vidx]
        discount = price // 10 if d.random() < 0.15 else 0
        line = LineItem(
            LINE_BASE + n * LINE_SLOTS + k + 1, oid, vid, sku, product_title, variant_title,
            quantity, current, unfulfilled, price, discount,
        )  # fmt: skip
        order.line_items.append(line)
        order.tax += order_math.line_tax(line)
    currency = order_math.COUNTRY_CURRENCY.get(ship_to.country_code)
    if currency and d.random() < 0.7:
        order.presentment_currency = currency
    if d.random() < 0.15:
        order.note = d.choice(NOTES)
    return Bundle(order, _fulfillments(d, f, p, order), _refunds(d, p, order))


def _fulfillments(d: Stream, f: Facts, p: Plan, order: Order) -> dict[int, Fulfillment]:
    made: dict[int, Fulfillment] = {}
    for sequence, (created, updated, group) in enumerate(p.fulfillments, start=1):
        age = f.anchor - created
        display = "DELIVERED" if age > 7 * DAY else "IN_TRANSIT" if age > 2 * DAY else "FULFILLED"
        count = 0 if d.random() < 0.1 else 2 if d.random() < 0.15 else 1
        lines = tuple((order.line_items[k].id, quantity) for k, quantity in group)
        fid = FULFILLMENT_BASE + CHILD_SLOTS * p.n + sequence
        made[fid] = Fulfillment(
            fid, order.id, order.location_id, created, updated, lines, tracking(d, count), "SUCCESS", display, sequence
        )
    order.fulfillment_ids = tuple(made)
    return made


def _refunds(d: Stream, p: Plan, order: Order) -> dict[int, Refund]:
    made: dict[int, Refund] = {}
    base = REFUND_BASE + CHILD_SLOTS * p.n
    if p.cancel_refund and order.cancelled_at is not None:
        lines = tuple((li.id, li.quantity, "CANCEL") for li in order.line_items)
        made[base + 1] = Refund(base + 1, order.id, order.cancelled_at, None, lines, order.shipping, order.total)
    if p.partial_refund is not None:
        created, k = p.partial_refund
        line = order.line_items[k]
        amount = line.unit_price - line.discount + order_math.line_tax(line, 1)
        note = d.choice(("Damaged in transit", "Goodwill", None))
        made[base + 2] = Refund(base + 2, order.id, created, note, ((line.id, 1, "NO_RESTOCK"),), 0, amount)
    order.refund_ids = tuple(made)
    return made
