"""One-line publishing of store changes for writers (mutations, the control plane).

Writers call these after a change; the bus hands the event to the webhook worker. The
event time is the store clock, so retries and ``X-Shopify-Triggered-At`` follow it.
"""

from __future__ import annotations

from shopify_simulator.events import StoreEvent
from shopify_simulator.formatting import gid, inventory_level_gid
from shopify_simulator.store import Customer, InventoryLevel, Product, Store
from shopify_simulator.webhooks import payloads


def level_updated(store: Store, level: InventoryLevel) -> None:
    location = store.locations[level.location_id]
    resource = inventory_level_gid(location.inventory_key, level.item_id)
    _publish(store, "inventory_levels/update", payloads.inventory_level(store, level), resource)


def product_changed(store: Store, topic: str, product: Product) -> None:
    """``products/create`` or ``products/update``."""
    _publish(store, topic, payloads.product(store, product), gid("Product", product.id))


def product_deleted(store: Store, product_id: int) -> None:
    _publish(store, "products/delete", payloads.deleted(product_id), gid("Product", product_id))


def customer_changed(store: Store, topic: str, customer: Customer) -> None:
    """``customers/create`` or ``customers/update``."""
    _publish(store, topic, payloads.customer(store, customer), gid("Customer", customer.id))


def customer_deleted(store: Store, customer_id: int) -> None:
    _publish(store, "customers/delete", payloads.deleted(customer_id), gid("Customer", customer_id))


def _publish(store: Store, topic: str, payload: dict, resource_gid: str) -> None:
    store.events.publish(StoreEvent(topic, payload, resource_gid, store.clock()))
