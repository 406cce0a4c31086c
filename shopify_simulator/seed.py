"""Deterministic generation of a seeded shop (``--seed``, ``--orders``, ``--products`` …).

Locations, the catalog, customers and inventory are bounded in number, drawn from one
``random.Random(seed)`` and kept as records. Orders are not: each is a function of
``(seed, position)`` (``order_gen``) rendered on demand, and one streaming pass over
their skeletons fills the compact columns (``order_columns``) and makes inventory
consistent with them: ``committed`` equals the unfulfilled quantity of open orders
assigned to the location, and ``on_hand`` is the sum of its parts. Everything is laid
out relative to an anchor time, so the same seed yields the same shop.

Defaults scale with ``orders`` but are capped so a million-order store stays small:
products ``min(max(5, orders // 5), 5000)``, customers ``min(max(1, orders // 3), 25000)``,
three locations (the last one inactive).
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterable

from shopify_simulator.order_columns import OrderColumns
from shopify_simulator.order_gen import Facts, plan
from shopify_simulator.order_table import CustomerOrders, OrderTable
from shopify_simulator.seed_names import ADJECTIVES, FIRST, LAST, NOUNS, SIZES, VENDORS, address
from shopify_simulator.seed_orders import enrich
from shopify_simulator.store import (
    ON_HAND_PARTS,
    Address,
    Customer,
    InventoryItem,
    InventoryLevel,
    Location,
    Product,
    Shop,
    Store,
    Variant,
)

DAY = 86_400
SPAN_DAYS = 90
"""Default history: orders are processed over the last 90 days (``history_days`` widens it)."""
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
    products: int | None = None,
    customers: int | None = None,
    locations: int = 3,
    history_days: int = SPAN_DAYS,
) -> Store:
    """Build a complete, internally consistent store."""
    rng = random.Random(seed)
    ids = _Ids()
    anchor = anchor_time(now)
    start = anchor - max(1, history_days) * DAY
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
    gen.locations(max(1, locations))
    gen.catalog(default_products(orders) if products is None else max(1, products))
    gen.customers(default_customers(orders) if customers is None else max(1, customers))
    committed = gen.orders(seed, orders)
    gen.inventory(committed)
    enrich(store, seed, anchor)  # drafts, discounts, deletion events
    for sort_key, attribute in (("ID", "id"), ("UPDATED_AT", "updated_at")):  # warm the usual indexes
        store.index("orders", sort_key, lambda o, a=attribute: getattr(o, a))
    return store


def default_products(orders: int) -> int:
    return min(max(5, orders // 5), 5000)


def default_customers(orders: int) -> int:
    return min(max(1, orders // 3), 25_000)


class _Generator:
    def __init__(self, rng: random.Random, ids: _Ids, store: Store, start: int, anchor: int) -> None:
        self.rng, self.ids, self.store = rng, ids, store
        self.start, self.anchor = start, anchor

    def when(self, after: int | None = None) -> int:
        low = max(after or self.start, self.start)
        return self.rng.randint(low, max(low, self.anchor - 60))

    def address(self, first: str | None, last: str | None, foreign: bool | None = None) -> Address:
        return address(self.rng, self.ids("MailingAddress"), first, last, foreign)

    def locations(self, count: int) -> None:
        """`count` locations; with two or more the last is inactive (as in real shops)."""
        names = ["Main Warehouse", "Downtown Store"] + [f"Store {n}" for n in range(3, count)] + ["Old Depot"]
        names = names[:count] if count < 3 else names
        for position, name in enumerate(names):
            active = count == 1 or position < count - 1
            online = position == 0
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
            customer.address.model_name = "CustomerAddress"
            self.store.customers[customer.id] = customer
        self.address_books(random.Random(f"address-books:{self.rng.getstate()[1][:4]}"))  # not drawn from rng

    def address_books(self, rng: random.Random) -> None:
        """A third of the customers keep a second address (work, a relative …), drawn from their
        own stream so that everything seeded after them stays as it was."""
        for customer in self.store.customers.values():
            if rng.random() < 0.3:
                extra = address(rng, self.ids("MailingAddress"), customer.first_name, customer.last_name)
                extra.model_name = "CustomerAddress"
                customer.other_addresses.append(extra)

    def orders(self, seed: int, count: int) -> dict[tuple[int, int], int]:
        """Stream every order skeleton once: fill the columns, sum committed units.

        Returns committed quantities by (location id, inventory item id).
        """
        store = self.store
        variants = list(store.variants.values())
        customers = list(store.customers.values())
        facts = Facts(
            seed, count, self.start, self.anchor,
            tuple(
                (v.id, v.sku, store.products[v.product_id].title, None if v.title == "Default Title" else v.title,
                 v.price)
                for v in variants
            ),
            tuple((c.id, c.first_name, c.last_name, c.email) for c in customers),
            tuple(loc.id for loc in store.locations.values() if loc.is_active),
        )  # fmt: skip
        columns = OrderColumns(count)
        units = [0] * (len(facts.locations) * len(variants))
        width = len(variants)
        for n in range(count):
            p = plan(facts, n)
            columns.put(p)
            if p.closed is None:
                row = p.location * width
                for line in p.lines:
                    units[row + line[0]] += line[3]
        table = OrderTable(facts, columns)
        store.orders, store.fulfillments, store.refunds = table, table.fulfillments, table.refunds
        for index, customer in enumerate(customers):
            customer.order_ids = CustomerOrders(table, index)  # type: ignore[assignment]
        committed: dict[tuple[int, int], int] = {}
        for li, location_id in enumerate(facts.locations):
            for vi, variant in enumerate(variants):
                if units[li * width + vi]:
                    committed[(location_id, variant.inventory_item_id)] = units[li * width + vi]
        return committed

    def inventory(self, committed: dict[tuple[int, int], int]) -> None:
        """Levels at active locations; committed mirrors open orders' unfulfilled lines."""
        rng, store = self.rng, self.store
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
