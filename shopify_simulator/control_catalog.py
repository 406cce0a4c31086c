"""Control endpoints that change the catalog and stock the way a merchant would, outside the API.

* ``POST /_simulator/products`` – a product with variants, inventory items and levels
  (``{"title", "vendor"?, "product_type"?, "status"?, "tags"?, "variants": [{"sku", "title"?,
  "price"? (decimal string), "available"? (int: every active location; or {location id: n})}]}``);
  publishes ``products/create``.
* ``POST /_simulator/products/<id>/update`` – ``title/vendor/product_type/status/tags`` and
  ``variants: [{"id", "price"?, "sku"?}]``; bumps ``updatedAt``; publishes ``products/update``.
* ``DELETE /_simulator/products/<id>`` – removes it with its variants, items and levels,
  records a ``destroy`` event when the store keeps events; publishes ``products/delete``.
* ``POST /_simulator/customers`` (and ``/customers/<id>/update``) – publishes ``customers/*``.
* ``DELETE /_simulator/customers/<id>`` – removes a customer without orders (Shopify refuses the
  others: 422), records a ``destroy`` event and publishes ``customers/delete``, as
  ``customerDelete`` does.
* ``POST /_simulator/stock {"sku"|"inventory_item_id", "location_id"?, "available": n}`` – a
  sale or receipt made outside the API: ``available`` (and ``on_hand`` by the same delta)
  change, ``updatedAt`` moves, ``inventory_levels/update`` is published.
* ``GET /_simulator/stock`` – every level's quantities and every inventory adjustment group
  (reason, reference document, changes) in the order applied: what tests read to prove that a
  write applied exactly once (the Admin API has no query for adjustment history).

Ids may be given as numbers or gids.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from shopify_simulator import order_writes
from shopify_simulator.control_runtime import Answer, read_json
from shopify_simulator.formatting import gid, iso
from shopify_simulator.store import QUANTITY_NAMES, Customer, InventoryItem, InventoryLevel, Product, Store, Variant
from shopify_simulator.webhooks import publish

_PRODUCT = re.compile(r"^/_simulator/products/(?P<id>[^/]+)(?P<update>/update)?$")
_CUSTOMER = re.compile(r"^/_simulator/customers/(?P<id>[^/]+)(?P<update>/update)?$")


class BadRequest(ValueError):
    """A control request that cannot be applied (answered with 400/404)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def handle(engine: Any, method: str, route: str, body: bytes) -> Answer | None:
    store: Store = engine.store
    request = read_json(body) if method in ("POST", "DELETE") else {}
    if request is None:
        return 400, {"error": "body must be a JSON object"}
    try:
        with store.lock:
            return _route(store, method, route, request)
    except BadRequest as exc:
        return exc.status, {"error": str(exc)}


def _route(store: Store, method: str, route: str, request: dict[str, Any]) -> Answer | None:
    if method == "POST" and route == "/_simulator/products":
        return 200, create_product(store, request)
    if method == "POST" and route == "/_simulator/customers":
        return 200, create_customer(store, request)
    if method == "POST" and route == "/_simulator/stock":
        return 200, set_stock(store, request)
    if method == "GET" and route == "/_simulator/stock":
        return 200, stock_state(store)
    match = _PRODUCT.match(route)
    if match and method == "POST" and match["update"]:
        return 200, update_product(store, _number(match["id"], "Product"), request)
    if match and method == "DELETE" and not match["update"]:
        return 200, delete_product(store, _number(match["id"], "Product"))
    match = _CUSTOMER.match(route)
    if match and method == "POST" and match["update"]:
        return 200, update_customer(store, _number(match["id"], "Customer"), request)
    if match and method == "DELETE" and not match["update"]:
        return 200, delete_customer(store, _number(match["id"], "Customer"))
    return None


def _number(value: Any, type_name: str) -> int:
    text = str(value)
    prefix = f"gid://shopify/{type_name}/"
    if text.startswith(prefix):
        text = text[len(prefix) :].split("?", 1)[0]
    if not text.isdigit():
        raise BadRequest(f"not a {type_name} id: {value!r}")
    return int(text)


def _cents(value: Any, default: int | None) -> int | None:
    if value is None:
        return default
    try:
        return int(Decimal(str(value)) * 100)
    except InvalidOperation as exc:
        raise BadRequest(f"not a price: {value!r}") from exc


def _tags(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = value.split(",")
    return tuple(sorted(t.strip() for t in value or () if t.strip()))


def create_product(store: Store, request: dict[str, Any]) -> dict[str, Any]:
    title = request.get("title")
    if not isinstance(title, str) or not title.strip():
        raise BadRequest("title is required")
    now = store.now()
    product = Product(
        id=store.next_id(),
        title=title,
        handle=request.get("handle") or re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-"),
        status=str(request.get("status", "ACTIVE")).upper(),
        vendor=request.get("vendor", "Simulator"),
        product_type=request.get("product_type", ""),
        tags=_tags(request.get("tags")),
        created_at=now,
        updated_at=now,
    )
    store.products[product.id] = product
    specs = request.get("variants") or [{}]
    created = [_add_variant(store, product, position, spec, now) for position, spec in enumerate(specs, start=1)]
    for resource in ("products", "variants", "inventory_items", "inventory_levels"):
        store.invalidate(resource)
    publish.product_changed(store, "products/create", product)
    return {
        "id": gid("Product", product.id),
        "variants": [
            {
                "id": gid("ProductVariant", v.id),
                "inventoryItemId": gid("InventoryItem", v.inventory_item_id),
                "sku": v.sku,
            }
            for v in created
        ],
    }


def _add_variant(store: Store, product: Product, position: int, spec: dict[str, Any], now: int) -> Variant:
    variant_id, item_id = store.next_id(), store.next_id()
    sku = spec.get("sku")
    variant = Variant(
        variant_id, product.id, item_id, sku, spec.get("title", "Default Title"), spec.get("barcode"),
        _cents(spec.get("price"), 0) or 0, _cents(spec.get("compare_at_price"), None), position, now, now,
    )  # fmt: skip
    store.variants[variant_id] = variant
    store.inventory_items[item_id] = InventoryItem(item_id, variant_id, sku, True, None, now, now)
    product.variant_ids.append(variant_id)
    available = spec.get("available", 0)
    if isinstance(available, dict):
        stock = {_number(k, "Location"): int(v) for k, v in available.items()}
    else:
        stock = {loc.id: int(available) for loc in store.locations.values() if loc.is_active}
    for location_id, quantity in stock.items():
        if location_id not in store.locations:
            raise BadRequest(f"unknown location {location_id}", 404)
        quantities = dict.fromkeys(QUANTITY_NAMES, 0)
        quantities["available"] = quantities["on_hand"] = quantity
        level = InventoryLevel(store.level_key(location_id, item_id), item_id, location_id, quantities, now, now, now)
        store.add_level(level)
    return variant


def _product(store: Store, product_id: int) -> Product:
    product = store.products.get(product_id)
    if product is None:
        raise BadRequest(f"no product {product_id}", 404)
    return product


def update_product(store: Store, product_id: int, request: dict[str, Any]) -> dict[str, Any]:
    product = _product(store, product_id)
    now = store.now()
    for key in ("title", "vendor", "product_type", "handle"):
        if key in request:
            setattr(product, key, request[key])
    if "status" in request:
        product.status = str(request["status"]).upper()
    if "tags" in request:
        product.tags = _tags(request["tags"])
    for spec in request.get("variants") or ():
        variant = store.variants.get(_number(spec.get("id"), "ProductVariant"))
        if variant is None or variant.product_id != product.id:
            raise BadRequest(f"no variant {spec.get('id')} on product {product_id}", 404)
        variant.price = _cents(spec.get("price"), variant.price) or 0
        if "sku" in spec:
            variant.sku = store.inventory_items[variant.inventory_item_id].sku = spec["sku"]
        variant.updated_at = now
    product.updated_at = now
    store.invalidate("products")
    store.invalidate("variants")
    publish.product_changed(store, "products/update", product)
    return {"id": gid("Product", product.id), "updatedAt": now}


def delete_product(store: Store, product_id: int) -> dict[str, Any]:
    product = _product(store, product_id)
    for variant_id in product.variant_ids:
        variant = store.variants.pop(variant_id)
        item = store.inventory_items.pop(variant.inventory_item_id)
        for level_id in item.level_ids:
            store.inventory_levels.pop(level_id, None)
    del store.products[product_id]
    for resource in ("products", "variants", "inventory_items", "inventory_levels"):
        store.invalidate(resource)
    _record_destroy(store, product)
    publish.product_deleted(store, product_id)
    return {"deletedProductId": gid("Product", product_id)}


def _record_destroy(store: Store, product: Product) -> None:
    """A ``destroy`` BasicEvent, when the orders domain keeps an events list (``store.basic_events``)."""
    events = getattr(store, "basic_events", None)
    if events is None:
        return
    try:
        from shopify_simulator.order_records import BasicEvent
    except ImportError:  # pragma: no cover - the orders domain is not installed
        return
    subject = gid("Product", product.id)
    event = BasicEvent(store.next_id(), "destroy", "PRODUCT", subject, store.now(), f"{product.title} was deleted.")
    events[event.id] = event
    store.invalidate("basic_events")


def create_customer(store: Store, request: dict[str, Any]) -> dict[str, Any]:
    now = store.now()
    customer = Customer(
        store.next_id(), request.get("first_name", ""), request.get("last_name", ""), request.get("email"),
        request.get("phone"), _tags(request.get("tags")), now, now, None,
    )  # fmt: skip
    store.customers[customer.id] = customer
    store.invalidate("customers")
    publish.customer_changed(store, "customers/create", customer)
    return {"id": gid("Customer", customer.id)}


def update_customer(store: Store, customer_id: int, request: dict[str, Any]) -> dict[str, Any]:
    customer = store.customers.get(customer_id)
    if customer is None:
        raise BadRequest(f"no customer {customer_id}", 404)
    for key in ("first_name", "last_name", "email", "phone"):
        if key in request:
            setattr(customer, key, request[key])
    if "tags" in request:
        customer.tags = _tags(request["tags"])
    customer.updated_at = store.now()
    store.invalidate("customers")
    publish.customer_changed(store, "customers/update", customer)
    return {"id": gid("Customer", customer.id), "updatedAt": customer.updated_at}


def delete_customer(store: Store, customer_id: int) -> dict[str, Any]:
    customer = store.customers.get(customer_id)
    if customer is None:
        raise BadRequest(f"no customer {customer_id}", 404)
    if customer.order_ids:
        raise BadRequest(f"customer {customer_id} has orders; Shopify does not delete such customers", 422)
    del store.customers[customer_id]
    store.invalidate("customers")
    order_writes.record_destroy(store, "Customer", customer_id)
    publish.customer_deleted(store, customer_id)
    return {"deletedCustomerId": gid("Customer", customer_id)}


def set_stock(store: Store, request: dict[str, Any]) -> dict[str, Any]:
    item = _item(store, request)
    if "location_id" in request:
        location_id = _number(request["location_id"], "Location")
    else:
        location_id = min(store.locations)  # the primary location
    level = store.level(location_id, item.id)
    if level is None:
        raise BadRequest(f"inventory item {item.id} is not stocked at location {location_id}", 404)
    try:
        available = int(request["available"])
    except (KeyError, TypeError, ValueError) as exc:
        raise BadRequest('"available" (an integer) is required') from exc
    delta = available - level.quantities["available"]
    level.quantities["available"] = available
    level.quantities["on_hand"] += delta
    level.updated_at = level.available_updated_at = store.now()
    store.invalidate("inventory_levels")
    publish.level_updated(store, level)
    return {
        "inventoryItemId": gid("InventoryItem", item.id),
        "locationId": gid("Location", location_id),
        "available": available,
        "delta": delta,
    }


def stock_state(store: Store) -> dict[str, Any]:
    levels = [
        {
            "inventoryItemId": gid("InventoryItem", level.item_id),
            "locationId": gid("Location", level.location_id),
            "sku": store.inventory_items[level.item_id].sku,
            "quantities": dict(level.quantities),
        }
        for level in store.inventory_levels.values()
    ]
    groups = [
        {
            "id": gid("InventoryAdjustmentGroup", group.id),
            "createdAt": iso(group.created_at),
            "reason": group.reason,
            "referenceDocumentUri": group.reference_document_uri,
            "changes": [
                {
                    "name": c.name,
                    "delta": c.delta,
                    "inventoryItemId": gid("InventoryItem", c.item_id),
                    "locationId": gid("Location", c.location_id),
                }
                for c in group.changes
            ],
        }
        for group in sorted(store.adjustment_groups.values(), key=lambda g: g.id)
    ]
    return {"levels": levels, "adjustmentGroups": groups}


def _item(store: Store, request: dict[str, Any]) -> InventoryItem:
    if "inventory_item_id" in request:
        item = store.inventory_items.get(_number(request["inventory_item_id"], "InventoryItem"))
    elif "sku" in request:
        item = next((i for i in store.inventory_items.values() if i.sku == request["sku"]), None)
    else:
        raise BadRequest('give "sku" or "inventory_item_id"')
    if item is None:
        raise BadRequest("no such inventory item", 404)
    return item
