"""Shopify's wire formats for ids, timestamps and money.

Kept in one place because the pipeline parses exactly these strings: a gid with the
wrong type name, a timestamp with fractional seconds or "20.00" instead of "20.0"
must never leave the simulator.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal

GID_PREFIX = "gid://shopify/"
_GID = re.compile(r"^gid://shopify/(?P<type>[A-Za-z]+)/(?P<id>\d+)(?:\?(?P<query>.*))?$")


def gid(type_name: str, number: int) -> str:
    """Global id of an object, e.g. ``gid://shopify/Order/5123``."""
    return f"{GID_PREFIX}{type_name}/{number}"


def parse_gid(value: object, type_name: str) -> int | None:
    """Numeric id of a gid of the given type, or None when it is not one."""
    match = _GID.match(value) if isinstance(value, str) else None
    if match is None or match["type"] != type_name:
        return None
    return int(match["id"])


def inventory_level_gid(level_id: int, item_id: int) -> str:
    """InventoryLevel ids carry the item as a query string (real captures)."""
    return f"{GID_PREFIX}InventoryLevel/{level_id}?inventory_item_id={item_id}"


def parse_inventory_level_gid(value: object) -> tuple[int, int] | None:
    """(level id, item id) of an InventoryLevel gid, or None."""
    match = _GID.match(value) if isinstance(value, str) else None
    if match is None or match["type"] != "InventoryLevel" or not match["query"]:
        return None
    key, _, item = match["query"].partition("=")
    if key != "inventory_item_id" or not item.isdigit():
        return None
    return int(match["id"]), int(item)


def iso(epoch: int) -> str:
    """UTC timestamp as Shopify renders DateTime: no fraction, ``Z`` suffix."""
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def money(amount: Decimal | int | float | str) -> str:
    """Decimal as Shopify renders it: ``20.0``, ``14.99``, ``0.0`` (never ``20.00``)."""
    value = Decimal(str(amount)).quantize(Decimal("0.01"))
    text = f"{value:f}"
    if text.endswith("0"):
        text = text[:-1]
    return text


def cents(value: int) -> Decimal:
    """Integer cents as a Decimal amount."""
    return Decimal(value).scaleb(-2)
