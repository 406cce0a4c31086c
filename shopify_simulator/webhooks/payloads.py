"""Webhook payloads: the REST JSON of a resource, as the 2026-04 webhook reference samples show it.

Field names and types follow ``webhook-payloads-gadget-inc-2026-04`` (``products/update``,
``customers/update``) and the REST ``inventory_level`` examples: integer ids, ``admin_graphql_api_id``
gids, money as decimal strings (``"19.99"``), timestamps in the shop's zone with an offset
(``2021-12-31T19:00:00-05:00``), tags as one comma-joined string, lower-case enums.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from shopify_simulator.formatting import cents, gid, inventory_level_gid
from shopify_simulator.store import Address, Customer, InventoryLevel, Product, Store


def local_time(store: Store, epoch: int | None) -> str | None:
    """REST timestamps: the shop's time zone, seconds precision, numeric offset."""
    if epoch is None:
        return None
    return datetime.fromtimestamp(epoch, ZoneInfo(store.shop.iana_timezone)).isoformat()


def _price(amount: int | None) -> str | None:
    return None if amount is None else f"{cents(amount):.2f}"


def inventory_level(store: Store, level: InventoryLevel) -> dict[str, Any]:
    """``inventory_levels/update`` (and REST ``inventory_level``)."""
    location = store.locations[level.location_id]
    return {
        "inventory_item_id": level.item_id,
        "location_id": level.location_id,
        "available": level.quantities["available"],
        "updated_at": local_time(store, level.updated_at),
        "admin_graphql_api_id": inventory_level_gid(location.inventory_key, level.item_id),
    }


def product(store: Store, record: Product) -> dict[str, Any]:
    """``products/create`` / ``products/update``: full variants (the first 100) plus ``variant_gids``."""
    variants = [store.variants[v] for v in record.variant_ids]
    rendered = []
    for variant in variants[:100]:
        item = store.inventory_items.get(variant.inventory_item_id)
        quantity = sum(store.inventory_levels[lid].quantities["available"] for lid in item.level_ids) if item else 0
        rendered.append(
            {
                "admin_graphql_api_id": gid("ProductVariant", variant.id),
                "barcode": variant.barcode,
                "compare_at_price": _price(variant.compare_at_price),
                "created_at": local_time(store, variant.created_at),
                "id": variant.id,
                "inventory_policy": "deny",
                "position": variant.position,
                "price": _price(variant.price),
                "product_id": record.id,
                "sku": variant.sku,
                "taxable": True,
                "title": variant.title,
                "updated_at": local_time(store, variant.updated_at),
                "option1": variant.title,
                "option2": None,
                "option3": None,
                "image_id": None,
                "inventory_item_id": variant.inventory_item_id,
                "inventory_quantity": quantity,
                "old_inventory_quantity": quantity,
            }
        )
    by_update = sorted(variants, key=lambda v: v.updated_at, reverse=True)
    return {
        "admin_graphql_api_id": gid("Product", record.id),
        "body_html": "",
        "created_at": local_time(store, record.created_at),
        "handle": record.handle,
        "id": record.id,
        "product_type": record.product_type,
        "published_at": local_time(store, record.created_at) if record.status == "ACTIVE" else None,
        "template_suffix": None,
        "title": record.title,
        "updated_at": local_time(store, record.updated_at),
        "vendor": record.vendor,
        "status": record.status.lower(),
        "published_scope": "web",
        "tags": ", ".join(record.tags),
        "variants": rendered,
        "options": [],
        "images": [],
        "image": None,
        "media": [],
        "variant_gids": [
            {"admin_graphql_api_id": gid("ProductVariant", v.id), "updated_at": _utc_millis(v.updated_at)}
            for v in by_update
        ],
        "has_variants_that_requires_components": False,
        "category": None,
    }


def _utc_millis(epoch: int) -> str:
    """``variant_gids[].updated_at`` is UTC with milliseconds in the samples (``2022-01-01T00:00:00.000Z``)."""
    return datetime.fromtimestamp(epoch, ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def deleted(record_id: int) -> dict[str, Any]:
    """Deletion topics carry only the id (``products/delete``, ``orders/delete``)."""
    return {"id": record_id}


def _customer_address(record: Customer, a: Address, default: bool) -> dict[str, Any]:
    return {
        "id": a.id,
        "customer_id": record.id,
        "first_name": a.first_name,
        "last_name": a.last_name,
        "company": a.company,
        "address1": a.address1,
        "address2": a.address2,
        "city": a.city,
        "province": a.province,
        "country": a.country,
        "zip": a.zip,
        "phone": a.phone,
        "name": " ".join(p for p in (a.first_name, a.last_name) if p),
        "province_code": a.province_code,
        "country_code": a.country_code,
        "country_name": a.country,
        "default": default,
    }


def customer(store: Store, record: Customer) -> dict[str, Any]:
    """``customers/create`` / ``customers/update``."""
    addresses = [_customer_address(record, a, n == 0) for n, a in enumerate(record.addresses)]
    address = addresses[0] if addresses else None
    return {
        "id": record.id,
        "created_at": local_time(store, record.created_at),
        "updated_at": local_time(store, record.updated_at),
        "first_name": record.first_name,
        "last_name": record.last_name,
        "state": "disabled",
        "note": None,
        "verified_email": True,
        "multipass_identifier": None,
        "tax_exempt": False,
        "email": record.email,
        "phone": record.phone,
        "currency": store.shop.currency_code,
        "addresses": addresses,
        "tax_exemptions": [],
        "admin_graphql_api_id": gid("Customer", record.id),
        "default_address": address,
    }
