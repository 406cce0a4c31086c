"""Shopify <-> inventory/order-management ELT on Apache Airflow.

The package lives in ``plugins/`` so that Airflow puts it on ``sys.path`` for DAGs, and is also
installed (``pip install -e .``) so that its provider entry point registers the ``shopify``
connection type in the Airflow UI.
"""

from __future__ import annotations

DEFAULT_API_VERSION = "2026-07"
"""The Shopify Admin API version every query is written and validated against."""
