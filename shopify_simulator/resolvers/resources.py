"""Per-resource facts: where records live, their sort keys and their search fields.

Search fields follow the documented ``query`` argument tables (SDL); sort keys the
schema's ``*SortKeys`` enums. A sort key the simulator does not model falls back to
``ID`` rather than failing, so a valid query always executes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from shopify_simulator import search
from shopify_simulator.store import (
    Customer,
    InventoryItem,
    InventoryLevel,
    Location,
    Order,
    Product,
    Store,
    Variant,
)

ORDER_FINANCIAL = {
    "paid": {"PAID"},
    "pending": {"PENDING"},
    "authorized": {"AUTHORIZED"},
    "partially_paid": {"PARTIALLY_PAID"},
    "partially_refunded": {"PARTIALLY_REFUNDED"},
    "refunded": {"REFUNDED"},
    "voided": {"VOIDED"},
    "expired": {"EXPIRED"},
}
ORDER_FULFILLMENT = {
    "shipped": {"FULFILLED"},
    "fulfilled": {"FULFILLED"},
    "partial": {"PARTIALLY_FULFILLED"},
    "unshipped": {"UNFULFILLED"},
    "unfulfilled": {"UNFULFILLED", "PARTIALLY_FULFILLED", "ON_HOLD", "IN_PROGRESS"},
    "on_hold": {"ON_HOLD"},
    "scheduled": {"SCHEDULED"},
    "request_declined": {"REQUEST_DECLINED"},
    "any": None,
}


@dataclass(frozen=True)
class Resource:
    attribute: str  # Store attribute holding the records
    sort_keys: dict[str, Callable[[Any], Any]]
    search_fields: dict[str, search.Matcher] = field(default_factory=dict)


def _order_status(order: Order, op: str, value: str) -> bool:
    value = value.lower()
    if value == "open":
        return order.closed_at is None and order.cancelled_at is None
    if value == "closed":
        return order.closed_at is not None and order.cancelled_at is None
    if value == "cancelled":
        return order.cancelled_at is not None
    if value == "not_closed":
        return order.closed_at is None
    return value == "any"


def _in_table(table: dict[str, set[str] | None], getter: Callable[[Any], str | None]) -> search.Matcher:
    def match(record: Any, op: str, value: str) -> bool:
        wanted = table.get(value.lower(), set())
        return wanted is None or getter(record) in wanted

    return match


def _product_status(product: Product, op: str, value: str) -> bool:
    return product.status.lower() in {v.strip().lower() for v in value.split(",")}


def _common(getter_updated: bool = True) -> dict[str, search.Matcher]:
    fields: dict[str, search.Matcher] = {
        "id": search.number(lambda r: r.id),
        "created_at": search.timestamp(lambda r: r.created_at),
    }
    if getter_updated:
        fields["updated_at"] = search.timestamp(lambda r: r.updated_at)
    return fields


def build_resources(store: Store) -> dict[str, Resource]:
    """Resource table bound to a store (some search fields look across records)."""

    def variant_skus(product: Product) -> list[str | None]:
        return [store.variants[v].sku for v in product.variant_ids]

    by_id = {"ID": lambda r: r.id}
    return {
        "orders": Resource(
            "orders",
            {
                **by_id,
                "PROCESSED_AT": lambda o: o.processed_at,
                "CREATED_AT": lambda o: o.created_at,
                "UPDATED_AT": lambda o: o.updated_at,
                "ORDER_NUMBER": lambda o: o.number,
            },
            {
                **_common(),
                "processed_at": search.timestamp(lambda o: o.processed_at),
                "status": _order_status,
                "sku": search.text(lambda o: [li.sku for li in o.line_items]),
                "test": search.boolean(lambda o: o.test),
                "financial_status": _in_table(ORDER_FINANCIAL, lambda o: o.financial_status),
                "fulfillment_status": _in_table(ORDER_FULFILLMENT, lambda o: o.fulfillment_status),
                "email": search.text(lambda o: o.email),
                "customer_id": search.number(lambda o: o.customer_id),
                "location_id": search.number(lambda o: o.location_id),
                "name": search.text(lambda o: [f"#{o.number}", str(o.number)]),
                "source_name": search.text(lambda o: o.source_name),
                "tag": search.text(lambda o: list(o.tags)),
            },
        ),
        "products": Resource(
            "products",
            {
                **by_id,
                "UPDATED_AT": lambda p: p.updated_at,
                "CREATED_AT": lambda p: p.created_at,
                "TITLE": lambda p: p.title,
                "VENDOR": lambda p: p.vendor,
                "PRODUCT_TYPE": lambda p: p.product_type,
            },
            {
                **_common(),
                "status": _product_status,
                "sku": search.text(variant_skus),
                "handle": search.text(lambda p: p.handle),
                "vendor": search.text(lambda p: p.vendor),
                "product_type": search.text(lambda p: p.product_type),
                "tag": search.text(lambda p: list(p.tags)),
                "title": search.text(lambda p: p.title),
            },
        ),
        "variants": Resource(
            "variants",
            {
                **by_id,
                "SKU": lambda v: v.sku or "",
                "TITLE": lambda v: v.title,
                "POSITION": lambda v: v.position,
            },
            {
                **_common(),
                "sku": search.text(lambda v: v.sku),
                "product_id": search.number(lambda v: v.product_id),
                "inventory_item_id": search.number(lambda v: v.inventory_item_id),
                "barcode": search.text(lambda v: v.barcode),
            },
        ),
        "inventory_items": Resource("inventory_items", by_id, {**_common(), "sku": search.text(lambda i: i.sku)}),
        "inventory_levels": Resource(
            "inventory_levels",
            by_id,
            {
                **_common(),
                "inventory_item_id": search.number(lambda lv: lv.item_id),
                "location_id": search.number(lambda lv: lv.location_id),
            },
        ),
        "customers": Resource(
            "customers",
            {
                **by_id,
                "UPDATED_AT": lambda c: c.updated_at,
                "CREATED_AT": lambda c: c.created_at,
                "NAME": lambda c: f"{c.first_name} {c.last_name}",
            },
            {
                **_common(),
                "email": search.text(lambda c: c.email),
                "tag": search.text(lambda c: list(c.tags)),
                "first_name": search.text(lambda c: c.first_name),
                "last_name": search.text(lambda c: c.last_name),
            },
        ),
        "locations": Resource(
            "locations",
            {**by_id, "NAME": lambda loc: loc.name},
            {
                **_common(),
                "name": search.text(lambda loc: loc.name),
                "active": search.boolean(lambda loc: loc.is_active),
            },
        ),
    }


RECORD_TYPES = {
    Order: "Order",
    Product: "Product",
    Variant: "ProductVariant",
    InventoryItem: "InventoryItem",
    InventoryLevel: "InventoryLevel",
    Customer: "Customer",
    Location: "Location",
}
