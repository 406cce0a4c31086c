"""Deterministic generation of a seeded shop (``--seed``, ``--orders``).

Everything is drawn from one ``random.Random(seed)`` and laid out relative to an
anchor time, so the same seed yields the same shop. Inventory is made consistent
with the orders: ``committed`` equals the unfulfilled quantity of open orders
assigned to the location, and ``on_hand`` is the sum of its parts.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterable

from shopify_simulator.seed_orders import enrich
from shopify_simulator.store import (
    ON_HAND_PARTS,
    Address,
    Customer,
    InventoryItem,
    InventoryLevel,
    LineItem,
    Location,
    Order,
    Product,
    Shop,
    Store,
    Variant,
)

DAY = 86_400
SPAN_DAYS = 90
DEFAULT_SCOPES = (
    "read_all_orders",
    "read_customers",
    "write_customers",
    "read_discounts",
    "read_draft_orders",
    "read_fulfillments",
    "write_fulfillments",
    "read_inventory",
    "write_inventory",
    "read_locations",
    "read_merchant_managed_fulfillment_orders",
    "write_merchant_managed_fulfillment_orders",
    "read_orders",
    "write_orders",
    "read_products",
    "write_products",
)
FIRST = ("Ava", "Liam", "Noah", "Emma", "Mia", "Lucas", "Zoe", "Ethan", "Ivy", "Omar", "Lena", "Kai")
LAST = ("Smith", "Garcia", "Chen", "Patel", "Nguyen", "Okafor", "Rossi", "Muller", "Silva", "Kim")
ADJECTIVES = ("Classic", "Organic", "Vintage", "Everyday", "Premium", "Light", "Heavy", "Compact")
NOUNS = ("Mug", "Tee", "Hoodie", "Backpack", "Candle", "Notebook", "Bottle", "Scarf", "Cap", "Lamp")
VENDORS = ("Acme Goods", "Northwind", "Blue Heron", "Maple & Co")
SIZES = ("S", "M", "L")
US_PLACES = (
    ("New York", "New York", "NY", "10001"),
    ("Los Angeles", "California", "CA", "90012"),
    ("Austin", "Texas", "TX", "73301"),
    ("Seattle", "Washington", "WA", "98101"),
    ("Miami", "Florida", "FL", "33101"),
    ("Chicago", "Illinois", "IL", "60601"),
    ("Denver", "Colorado", "CO", "80202"),
    ("Portland", "Oregon", "OR", "97201"),
)
FOREIGN_PLACES = (
    ("Toronto", "Ontario", "ON", "M5H 2N2", "Canada", "CA"),
    ("London", None, None, "SW1A 1AA", "United Kingdom", "GB"),
    ("Berlin", None, None, "10115", "Germany", "DE"),
)
GATEWAYS = ("shopify_payments", "manual", "paypal")


class _Ids:
    """Realistic, type-distinct numeric ids (so a mixed-up type never resolves)."""

    def __init__(self) -> None:
        self._next = {
            "Location": 106_318_430_500,
            "InventoryKey": 143_273_001_200,
            "Product": 10_220_854_180_000,
            "ProductVariant": 51_364_592_870_000,
            "InventoryItem": 53_469_430_050_000,
            "Customer": 8_912_345_670_000,
            "Order": 6_512_345_670_000,
            "LineItem": 16_012_345_670_000,
            "MailingAddress": 11_012_345_670_000,
        }

    def __call__(self, kind: str) -> int:
        self._next[kind] += 1
        return self._next[kind]


def anchor_time(now: float | None = None) -> int:
    """Data is laid out before the start of the current hour, so it is stable within it."""
    current = int(time.time() if now is None else now)
    return current - current % 3600


def generate(
    seed: int,
    orders: int,
    shop_domain: str = "sim-store.myshopify.com",
    plan: str = "standard",
    scopes: Iterable[str] = DEFAULT_SCOPES,
    now: float | None = None,
) -> Store:
    """Build a complete, internally consistent store."""
    rng = random.Random(seed)
    ids = _Ids()
    anchor = anchor_time(now)
    start = anchor - SPAN_DAYS * DAY
    shop = Shop(
        id=71_234_567_890,
        name=shop_domain.split(".")[0].replace("-", " ").title(),
        email=f"owner@{shop_domain}",
        myshopify_domain=shop_domain,
        currency_code="USD",
        iana_timezone="America/New_York",
        created_at=start - 400 * DAY,
        updated_at=start,
        plan=plan,
    )
    store = Store(shop, scopes)
    gen = _Generator(rng, ids, store, start, anchor)
    gen.locations()
    gen.catalog(max(5, orders // 5))
    gen.customers(max(1, orders // 3))
    gen.orders(orders)
    gen.inventory()
    enrich(store, seed, anchor)  # fulfillments, refunds, holds, drafts, discounts, deletion events
    return store


class _Generator:
    def __init__(self, rng: random.Random, ids: _Ids, store: Store, start: int, anchor: int) -> None:
        self.rng, self.ids, self.store = rng, ids, store
        self.start, self.anchor = start, anchor

    def when(self, after: int | None = None) -> int:
        low = max(after or self.start, self.start)
        return self.rng.randint(low, max(low, self.anchor - 60))

    def address(self, first: str | None, last: str | None, foreign: bool | None = None) -> Address:
        rng = self.rng
        if foreign is None:
            foreign = rng.random() < 0.1
        street = f"{rng.randint(1, 9999)} {rng.choice(('Main', 'Oak', 'Pine', 'Elm', 'Lake'))} St"
        suite = f"Suite {rng.randint(1, 500)}" if rng.random() < 0.2 else None
        phone = f"+1{rng.randint(2000000000, 9899999999)}" if rng.random() < 0.6 else None
        if foreign:
            city, province, code, zip_, country, country_code = rng.choice(FOREIGN_PLACES)
        else:
            city, province, code, zip_ = rng.choice(US_PLACES)
            country, country_code = "United States", "US"
        company = "Initech LLC" if rng.random() < 0.1 else None
        return Address(
            self.ids("MailingAddress"), first, last, company, street, suite, city,
            province, code, zip_, country, country_code, phone,
        )  # fmt: skip

    def locations(self) -> None:
        specs = (("Main Warehouse", True, True), ("Downtown Store", True, False), ("Old Depot", False, False))
        for name, active, online in specs:
            created = self.start - 200 * DAY
            loc = Location(
                id=self.ids("Location"),
                inventory_key=self.ids("InventoryKey"),
                name=name,
                is_active=active,
                fulfills_online_orders=online,
                created_at=created,
                updated_at=created + 30 * DAY,
                address=self.address(None, None, foreign=False),
                deactivated_at=None if active else created + 30 * DAY,
            )
            self.store.locations[loc.id] = loc

    def catalog(self, count: int) -> None:
        rng, store = self.rng, self.store
        for p in range(count):
            title = f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} {p + 1}"
            created = self.when() - 30 * DAY
            product = Product(
                id=self.ids("Product"),
                title=title,
                handle=title.lower().replace(" ", "-"),
                status=rng.choices(("ACTIVE", "DRAFT", "ARCHIVED"), (85, 10, 5))[0],
                vendor=rng.choice(VENDORS),
                product_type=title.split()[1],
                tags=tuple(sorted(rng.sample(("sale", "new", "gift", "eco", "bestseller"), rng.randint(0, 2)))),
                created_at=created,
                updated_at=self.when(created),
            )
            store.products[product.id] = product
            sizes = SIZES[: rng.randint(1, 3)]
            price = rng.choice((999, 1499, 2000, 2450, 3500, 4999))
            for position, size in enumerate(sizes, start=1):
                self._variant(product, position, size if len(sizes) > 1 else "Default Title", price)

    def _variant(self, product: Product, position: int, title: str, price: int) -> None:
        rng, store = self.rng, self.store
        variant_id, item_id = self.ids("ProductVariant"), self.ids("InventoryItem")
        sku = f"SIM-{len(store.products):05d}-{position}"
        compare = price + 500 if rng.random() < 0.2 else None
        barcode = f"{rng.randint(10**11, 10**12 - 1)}" if rng.random() < 0.7 else None
        store.variants[variant_id] = Variant(
            variant_id, product.id, item_id, sku, title, barcode, price, compare, position,
            product.created_at, product.updated_at,
        )  # fmt: skip
        cost = price * rng.randint(30, 60) // 100 if rng.random() < 0.8 else None
        store.inventory_items[item_id] = InventoryItem(
            item_id, variant_id, sku, True, cost, product.created_at, product.updated_at
        )
        product.variant_ids.append(variant_id)

    def customers(self, count: int) -> None:
        rng = self.rng
        for n in range(count):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            created = self.when() - 60 * DAY
            email = f"{first}.{last}.{n}@example.com".lower() if rng.random() < 0.95 else None
            phone = f"+1{rng.randint(2000000000, 9899999999)}" if rng.random() < 0.4 else None
            tags = ("vip",) if rng.random() < 0.1 else ()
            customer = Customer(
                self.ids("Customer"), first, last, email, phone, tags, created, self.when(created),
                self.address(first, last),
            )  # fmt: skip
            self.store.customers[customer.id] = customer

    def orders(self, count: int) -> None:
        rng, store = self.rng, self.store
        customers = list(store.customers.values())
        variants = list(store.variants.values())
        active = [loc.id for loc in store.locations.values() if loc.is_active]
        processed_times = sorted(self.when() for _ in range(count))
        big_order = count // 2 if count >= 2 else -1
        for n, processed in enumerate(processed_times):
            customer = rng.choice(customers) if rng.random() < 0.9 else None
            kind = rng.choices(("open", "closed", "cancelled"), (55, 35, 10))[0]
            lines = 60 if n == big_order else rng.choices((1, 2, 3, 4), (40, 30, 20, 10))[0]
            order = self._order(n, processed, customer, kind, rng.choice(active))
            picks = rng.sample(variants, lines) if lines <= len(variants) else rng.choices(variants, k=lines)
            for variant in picks:
                order.line_items.append(self._line(order, variant, kind))
            store.orders[order.id] = order
            if customer is not None:
                customer.order_ids.append(order.id)

    def _order(self, n: int, processed: int, customer: Customer | None, kind: str, location_id: int) -> Order:
        rng = self.rng
        closed_at = cancelled_at = None
        cancel_reason = None
        financial = rng.choices(("PAID", "PENDING", "AUTHORIZED", None), (70, 15, 10, 5))[0]
        fulfillment = rng.choice(("UNFULFILLED", "UNFULFILLED", "PARTIALLY_FULFILLED"))
        if kind == "closed":
            closed_at = self.when(processed)
            financial, fulfillment = "PAID", "FULFILLED"
        elif kind == "cancelled":
            cancelled_at = closed_at = self.when(processed)
            cancel_reason = rng.choice(("CUSTOMER", "INVENTORY", "DECLINED", "OTHER"))
            financial = "REFUNDED" if financial == "PAID" else "VOIDED"
        updated = self.when(closed_at or processed)
        name_first = customer.first_name if customer else rng.choice(FIRST)
        name_last = customer.last_name if customer else rng.choice(LAST)
        shipping_addr = self.address(name_first, name_last)
        billing = shipping_addr if rng.random() < 0.8 else self.address(name_first, name_last)
        return Order(
            id=self.ids("Order"),
            number=1001 + n,
            customer_id=customer.id if customer else None,
            email=customer.email if customer else None,
            phone=None,
            created_at=processed,
            updated_at=updated,
            processed_at=processed,
            cancelled_at=cancelled_at,
            cancel_reason=cancel_reason,
            closed_at=closed_at,
            test=rng.random() < 0.05,
            financial_status=financial,
            fulfillment_status=fulfillment,
            currency_code="USD",
            source_name=rng.choice(("web", "web", "pos", "shopify_draft_order")),
            tags=("wholesale",) if rng.random() < 0.05 else (),
            gateways=(rng.choice(GATEWAYS),),
            location_id=location_id,
            shipping=rng.choice((0, 0, 599, 1000)),
            tax=0,
            billing_address=billing,
            shipping_address=shipping_addr,
        )

    def _line(self, order: Order, variant: Variant, kind: str) -> LineItem:
        rng, store = self.rng, self.store
        quantity = rng.choices((1, 2, 3, 5), (60, 25, 10, 5))[0]
        discount = variant.price // 10 if rng.random() < 0.15 else 0
        product = store.products[variant.product_id]
        unfulfilled = 0
        if kind == "open":
            unfulfilled = quantity if order.fulfillment_status == "UNFULFILLED" else rng.randint(0, quantity)
        current = 0 if kind == "cancelled" else quantity
        line = LineItem(
            self.ids("LineItem"), order.id, variant.id, variant.sku, product.title,
            None if variant.title == "Default Title" else variant.title,
            quantity, current, unfulfilled, variant.price, discount,
        )  # fmt: skip
        order.tax += (variant.price - discount) * quantity * 8 // 100
        return line

    def inventory(self) -> None:
        """Levels at active locations; committed mirrors open orders' unfulfilled lines."""
        rng, store = self.rng, self.store
        committed: dict[tuple[int, int], int] = {}
        for order in store.orders.values():
            if order.closed_at is None:
                for line in order.line_items:
                    item_id = store.variants[line.variant_id].inventory_item_id
                    key = (order.location_id, item_id)
                    committed[key] = committed.get(key, 0) + line.unfulfilled_quantity
        for item in store.inventory_items.values():
            for loc in store.locations.values():
                if not loc.is_active:
                    continue
                q = {name: 0 for name in ("incoming", "reserved", "damaged", "safety_stock", "quality_control")}
                q["available"] = rng.randint(0, 120)
                q["committed"] = committed.get((loc.id, item.id), 0)
                if rng.random() < 0.2:
                    q[rng.choice(("reserved", "damaged", "safety_stock", "quality_control"))] = rng.randint(1, 5)
                if rng.random() < 0.15:
                    q["incoming"] = rng.randint(10, 50)
                q["on_hand"] = sum(q[name] for name in ON_HAND_PARTS)
                level = InventoryLevel(
                    store.level_key(loc.id, item.id), item.id, loc.id, q, item.created_at, self.when(item.created_at),
                )  # fmt: skip
                level.available_updated_at = level.updated_at
                store.add_level(level)
