"""The API versions the simulator serves, the captured schema behind each, and its contract.

Shopify serves each supported version under its own path; a request for an unsupported or
unknown version "falls forward" to the oldest supported one, and the answer's
``X-Shopify-API-Version`` header says which was served. A version without a captured schema
is served from the nearest captured one (its fields are the facts we have).
"""

from __future__ import annotations

from dataclasses import dataclass

SUPPORTED_VERSIONS: tuple[str, ...] = ("2025-07", "2025-10", "2026-01", "2026-04", "2026-07", "2026-10")
"""Oldest first, as Shopify supported them on 2026-11-24 (each for at least 12 months)."""

CAPTURED_SCHEMAS: tuple[str, ...] = ("2025-10", "2026-01", "2026-04", "2026-07")
"""Versions whose real SDL the simulator carries a subset of (``admin-<version>.graphql``)."""


def schema_version(version: str) -> str:
    """The captured schema serving ``version``: its own, else the nearest captured one."""
    if version in CAPTURED_SCHEMAS:
        return version
    return min(CAPTURED_SCHEMAS, key=lambda captured: (abs(_months(captured) - _months(version)), captured))


def resolve_version(requested: str) -> str:
    """The version that answers a request for ``requested`` (Shopify's fall-forward rule)."""
    return requested if requested in SUPPORTED_VERSIONS else SUPPORTED_VERSIONS[0]


def _months(version: str) -> int:
    year, month = version.split("-")
    return int(year) * 12 + int(month)


@dataclass(frozen=True)
class Contract:
    """Version-dependent rules of the write mutations (SHOPIFY_API_NOTES §5, §3)."""

    idempotent_required: bool
    change_from_quantity: bool  # the 2026-01+ compare-and-set argument exists
    change_from_required: bool  # 2026-04+: every quantity must carry it (null opts out)
    compare_quantity: bool  # the pre-2026-04 compareQuantity/ignoreCompareQuantity pair exists
    bulk_concurrency: int
    group_objects_default: bool


def contract(version: str) -> Contract:
    since_2026_01 = version >= "2026-01"
    since_2026_04 = version >= "2026-04"
    return Contract(
        idempotent_required=since_2026_04,
        change_from_quantity=since_2026_01,
        change_from_required=since_2026_04,
        compare_quantity=not since_2026_04,
        bulk_concurrency=5 if since_2026_01 else 1,
        group_objects_default=not since_2026_01,
    )
