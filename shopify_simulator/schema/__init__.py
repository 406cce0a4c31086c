"""The schema subset the simulator serves, one carried SDL file per API version."""

from __future__ import annotations

from shopify_simulator.schema.loader import SERVED_VERSIONS, load_schema, resolve_version, version_of
from shopify_simulator.schema.versions import contract

__all__ = ["SERVED_VERSIONS", "contract", "load_schema", "resolve_version", "version_of"]
