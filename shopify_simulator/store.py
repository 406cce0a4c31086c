"""The in-memory shop: compact records plus sorted indexes for cursor pagination.

Records are slotted dataclasses holding ints (epoch seconds, cents) rather than
rendered strings; rendering to Shopify's formats happens at the GraphQL scalar
boundary. Indexes are sorted sequences of ``(sort value, id)``, rebuilt lazily after
writes and searched with ``bisect`` by the paginator. A seeded store's ``orders`` (and
``fulfillments``/``refunds``) are not dicts but ``order_table`` mappings that generate
orders on demand; they bring their own column-backed indexes and rows, used through
``index``, ``rows`` and ``row_getter`` here.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Any

from shopify_simulator.events import EventBus
from shopify_simulator.faults import Faults
from shopify_simulator.order_records import BasicEvent, DiscountRecord, DraftOrder, Fulfillment, Refund

QUANTITY_NAMES = (
    "available",
    "on_hand",
    "committed",
    "incoming",
    "reserved",
    "damaged",
    "safety_stock",
    "quality_control",
)
# on_hand is the sum of these; `incoming` stands alone (Shopify inventory states).
ON_HAND_PARTS = ("available", "committed", "reserved", "damaged", "safety_stock", "quality_control")


@dataclass(slots=True)
class Address:
    id: int
    first_name: str | None
    last_name: str | None
    company: str | None
    address1: str
    address2: str | None
    city: str
    province: str | None
    province_code: str | None
    zip: str
    country: str
    country_code: str
    phone: str | None
    model_name: str | None = None  # "CustomerAddress" in a customer's address book: part of its gid


@dataclass(slots=True)
class Shop:
    id: int
    name: str
    email: str
    myshopify_domain: str
    currency_code: str
    iana_timezone: str
    created_at: int
    updated_at: int
    plan: str


@dataclass(slots=True)
class Location:
    id: int
    inventory_key: int  # the number InventoryLevel gids carry for this location
    name: str
    is_active: bool
    fulfills_online_orders: bool
    created_at: int
    updated_at: int
    address: Address
    deactivated_at: int | None = None


@dataclass(slots=True)
class Product:
    id: int
    title: str
    handle: str
    status: str
    vendor: str
    product_type: str
    tags: tuple[str, ...]
    created_at: int
    updated_at: int
    variant_ids: list[int] = field(default_factory=list)
    # (option id, name, values) as set by productSet; empty: the implicit "Title" option
    options: list[tuple[int, str, tuple[str, ...]]] = field(default_factory=list)


@dataclass(slots=True)
class Variant:
    id: int
    product_id: int
    inventory_item_id: int
    sku: str | None
    title: str
    barcode: str | None
    price: int  # cents
    compare_at_price: int | None
    position: int
    created_at: int
    updated_at: int
    option_values: tuple[str, ...] = ()  # one value per product option, in option order


@dataclass(slots=True)
class InventoryItem:
    id: int
    variant_id: int
    sku: str | None
    tracked: bool
    unit_cost: int | None  # cents
    created_at: int
    updated_at: int
    level_ids: list[int] = field(default_factory=list)


@dataclass(slots=True)
class InventoryLevel:
    id: int  # internal key: (location id, item id) packed; never rendered
    item_id: int
    location_id: int
    quantities: dict[str, int]
    created_at: int
    updated_at: int
    available_updated_at: int | None = None


@dataclass(slots=True)
class Customer:
    id: int
    first_name: str
    last_name: str
    email: str | None
    phone: str | None
    tags: tuple[str, ...]
    created_at: int
    updated_at: int
    address: Address | None  # the default address
    order_ids: list[int] = field(default_factory=list)
    other_addresses: list[Address] = field(default_factory=list)  # the rest of the address book

    @property
    def addresses(self) -> list[Address]:
        """The address book, default address first."""
        return ([self.address] if self.address else []) + self.other_addresses


@dataclass(slots=True)
class LineItem:
    id: int
    order_id: int
    variant_id: int | None
    sku: str | None
    title: str
    variant_title: str | None
    quantity: int
    current_quantity: int
    unfulfilled_quantity: int
    unit_price: int  # cents
    discount: int  # cents per unit


@dataclass(slots=True)
class Order:
    id: int
    number: int
    customer_id: int | None
    email: str | None
    phone: str | None
    created_at: int
    updated_at: int
    processed_at: int
    cancelled_at: int | None
    cancel_reason: str | None
    closed_at: int | None
    test: bool
    financial_status: str | None
    fulfillment_status: str
    currency_code: str
    source_name: str
    tags: tuple[str, ...]
    gateways: tuple[str, ...]
    location_id: int
    shipping: int  # cents
    tax: int  # cents
    billing_address: Address | None
    shipping_address: Address | None
    line_items: list[LineItem] = field(default_factory=list)
    # Orders domain (order_records / order_math): defaults are shared immutables, so cheap.
    note: str | None = None
    presentment_currency: str | None = None  # None: the customer paid in the shop currency
    hold_reason: str | None = None  # FulfillmentHoldReason while the fulfillment order is on hold
    fulfillment_ids: tuple[int, ...] = ()
    refund_ids: tuple[int, ...] = ()

    @property
    def subtotal(self) -> int:
        return sum((li.unit_price - li.discount) * li.quantity for li in self.line_items)

    @property
    def total(self) -> int:
        return self.subtotal + self.tax + self.shipping


@dataclass(slots=True)
class AdjustmentGroup:
    id: int
    created_at: int
    reason: str
    reference_document_uri: str | None
    changes: list[Change]


@dataclass(slots=True)
class Change:
    name: str
    delta: int
    item_id: int
    location_id: int
    ledger_document_uri: str | None = None


Index = list[tuple[object, int]]


class Store:
    """All records of one shop, keyed by numeric id, plus lazily built sort indexes."""

    def __init__(self, shop: Shop, scopes: Iterable[str], clock: Callable[[], float] = time.time) -> None:
        self.shop = shop
        self.scopes = tuple(scopes)
        self.clock = clock
        self.lock = threading.RLock()
        self.locations: dict[int, Location] = {}
        self.products: dict[int, Product] = {}
        self.variants: dict[int, Variant] = {}
        self.inventory_items: dict[int, InventoryItem] = {}
        self.inventory_levels: dict[int, InventoryLevel] = {}
        self.customers: dict[int, Customer] = {}
        self.orders: MutableMapping[int, Order] = {}  # an order_table.OrderTable once seeded
        self.adjustment_groups: dict[int, AdjustmentGroup] = {}
        self.fulfillments: MutableMapping[int, Fulfillment] = {}
        self.refunds: MutableMapping[int, Refund] = {}
        self.draft_orders: dict[int, DraftOrder] = {}
        self.discounts: dict[int, DiscountRecord] = {}
        self.basic_events: dict[int, BasicEvent] = {}  # `events` is the EventBus
        self.idempotency: dict[str, tuple[str, object]] = {}  # key -> (parameters, payload)
        self.events = EventBus()  # writes publish here; webhooks subscribe
        self.faults = Faults()  # armed by the control plane, taken by the code paths
        self.webhook_subscriptions: dict[int, Any] = {}  # webhooks.subscriptions.Subscription by id
        self._next_id = 90_000_000_000_000
        self._indexes: dict[tuple[str, str], Index] = {}

    def now(self) -> int:
        """Current time in whole seconds (Shopify timestamps carry no fraction)."""
        return int(self.clock())

    def next_id(self) -> int:
        self._next_id += 1
        return self._next_id

    def level_key(self, location_id: int, item_id: int) -> int:
        return location_id * 10**15 + item_id

    def level(self, location_id: int, item_id: int) -> InventoryLevel | None:
        return self.inventory_levels.get(self.level_key(location_id, item_id))

    def add_level(self, level: InventoryLevel) -> None:
        self.inventory_levels[level.id] = level
        self.inventory_items[level.item_id].level_ids.append(level.id)

    def index(self, resource: str, sort_key: str, key: Callable[[object], object]) -> Index:
        """Ascending ``(value, id)`` list for a resource and sort key, cached until a write."""
        builder = getattr(getattr(self, resource), "sorted_index", None)
        if builder is not None:  # generated orders: built from columns, cached by the table
            return builder(sort_key, key)
        cached = self._indexes.get((resource, sort_key))
        if cached is None:
            records: dict[int, object] = getattr(self, resource)
            cached = sorted((key(r), rid) for rid, r in records.items())
            self._indexes[(resource, sort_key)] = cached
        return cached

    def invalidate(self, resource: str) -> None:
        """Drop the indexes of a resource after one of its records changed."""
        for cache_key in [k for k in self._indexes if k[0] == resource]:
            del self._indexes[cache_key]
        drop = getattr(getattr(self, resource, None), "invalidate", None)
        if drop is not None:
            drop()

    def rows(self, resource: str) -> Iterator[object]:
        """Every record in a form search matchers can read (column rows for generated orders)."""
        records = getattr(self, resource)
        rows = getattr(records, "rows", None)
        return rows() if rows is not None else iter(records.values())

    def row_getter(self, resource: str) -> Callable[[int], object | None]:
        """Id -> matchable record (a cheap row for untouched generated orders)."""
        records = getattr(self, resource)
        return getattr(records, "row", records.get)

    def writing(self) -> AbstractContextManager:
        """Block in which every order read may be changed in place (pins it; see order_table)."""
        scope = getattr(self.orders, "writing", None)
        return scope() if scope is not None else nullcontext()

    def changed(self, order: Order) -> None:
        """Record that a write changed `order` in place (it must survive cache eviction)."""
        pin = getattr(self.orders, "pin", None)
        if pin is not None:
            pin(order)

    def next_order_number(self) -> int:
        numbers = getattr(self.orders, "next_number", None)
        if numbers is not None:
            return numbers()
        return max((o.number for o in self.orders.values()), default=1000) + 1

    def touch_orders(self, count: int) -> list[int]:
        """Bump updatedAt of the `count` least recently updated orders (control plane)."""
        with self.lock:
            oldest = [oid for _, oid in self.index("orders", "UPDATED_AT", lambda o: o.updated_at)[:count]]
            now = self.now()
            for oid in oldest:
                order = self.orders[oid]
                order.updated_at = now
                self.changed(order)
            self.invalidate("orders")
            return oldest
