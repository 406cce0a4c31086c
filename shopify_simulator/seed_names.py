"""Names, places and the address maker shared by the catalog seeder and the order generator."""

from __future__ import annotations

from typing import Any

from shopify_simulator.store import Address

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
STREETS = ("Main", "Oak", "Pine", "Elm", "Lake")


def address(rng: Any, address_id: int, first: str | None, last: str | None, foreign: bool | None = None) -> Address:
    """A plausible mailing address; `rng` is a ``random.Random`` or a ``prng.Stream``."""
    if foreign is None:
        foreign = rng.random() < 0.1
    street = f"{rng.randint(1, 9999)} {rng.choice(STREETS)} St"
    suite = f"Suite {rng.randint(1, 500)}" if rng.random() < 0.2 else None
    phone = f"+1{rng.randint(2000000000, 9899999999)}" if rng.random() < 0.6 else None
    if foreign:
        city, province, code, zip_, country, country_code = rng.choice(FOREIGN_PLACES)
    else:
        city, province, code, zip_ = rng.choice(US_PLACES)
        country, country_code = "United States", "US"
    company = "Initech LLC" if rng.random() < 0.1 else None
    return Address(
        address_id, first, last, company, street, suite, city, province, code, zip_, country, country_code, phone
    )
