"""Provider metadata: registers the ``shopify`` connection type with Airflow's UI.

Found through the ``apache_airflow_provider`` entry point in ``pyproject.toml``. Airflow 3.2+
builds the connection form from this declarative description (``conn-fields`` and
``ui-field-behaviour``), not from the hook's legacy classmethods.
"""

from __future__ import annotations

from typing import Any

from shopify_elt import DEFAULT_API_VERSION


def get_provider_info() -> dict[str, Any]:
    return {
        "package-name": "shopify-elt",
        "name": "Shopify ELT",
        "description": "Shopify Admin API connection for the Shopify <-> inventory/order pipeline.",
        "versions": ["0.1.0"],
        "connection-types": [
            {
                "hook-class-name": "shopify_elt.hooks.shopify.ShopifyHook",
                "hook-name": "Shopify",
                "connection-type": "shopify",
                "ui-field-behaviour": {
                    "hidden-fields": ["login", "schema", "port", "extra"],
                    "relabeling": {"host": "Shop domain", "password": "Admin API access token"},
                    "placeholders": {"host": "your-store.myshopify.com", "password": "shpat_…"},
                },
                "conn-fields": {
                    "api_version": {
                        "label": "API version",
                        "description": "Shopify Admin API version the pipeline's queries are written for.",
                        "schema": {"type": ["string", "null"], "default": DEFAULT_API_VERSION},
                    },
                    "plan": {
                        "label": "Plan tier",
                        "description": "standard, advanced, plus, enterprise, or detect (from throttleStatus).",
                        "schema": {
                            "type": ["string", "null"],
                            "enum": ["detect", "standard", "advanced", "plus", "enterprise", None],
                            "default": "detect",
                        },
                    },
                },
            }
        ],
    }
