"""The schema subset the simulator serves, one carried SDL file per API version."""

from __future__ import annotations

from shopify_simulator.schema.loader import SERVED_VERSIONS, load_schema, resolve_version

__all__ = ["SERVED_VERSIONS", "load_schema", "resolve_version"]
