"""The product and customer write mutations, as one table for the dispatcher."""

from __future__ import annotations

from typing import Any

from shopify_simulator.mutations import customers, products

MUTATIONS: dict[str, Any] = {
    "productSet": products.resolve_product_set,
    "productDelete": products.resolve_product_delete,
    "customerSet": customers.resolve_customer_set,
    "customerCreate": customers.resolve_customer_create,
    "customerUpdate": customers.resolve_customer_update,
    "customerDelete": customers.resolve_customer_delete,
}
