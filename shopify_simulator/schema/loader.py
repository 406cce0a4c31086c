"""Load the carried schema subset and teach its custom scalars Shopify's wire formats.

Only the small carried file is parsed at run time (milliseconds), never the 3.8 MB
real SDL. Resolvers return plain Python values (epoch ints, Decimals, ints for
UnsignedInt64) and the scalars render them exactly as Shopify does.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from pathlib import Path

from graphql import GraphQLScalarType, GraphQLSchema, build_schema

from shopify_simulator.formatting import iso, money

HERE = Path(__file__).resolve().parent
# Oldest first: an unknown or unsupported version falls forward to SERVED_VERSIONS[0].
SERVED_VERSIONS: tuple[str, ...] = ("2026-07",)


def resolve_version(requested: str) -> str:
    """The version that serves a request for `requested` (Shopify's fall-forward rule)."""
    return requested if requested in SERVED_VERSIONS else SERVED_VERSIONS[0]


def _datetime(value: object) -> object:
    return iso(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _decimal(value: object) -> object:
    return money(value) if isinstance(value, Decimal | int) and not isinstance(value, bool) else value


def _unsigned(value: object) -> object:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


SERIALIZERS = {"DateTime": _datetime, "Decimal": _decimal, "Money": _decimal, "UnsignedInt64": _unsigned}


@cache
def load_schema(version: str) -> GraphQLSchema:
    """Build (once per process) the executable schema of a served version."""
    schema = build_schema((HERE / f"admin-{version}.graphql").read_text())
    for name, serialize in SERIALIZERS.items():
        scalar = schema.type_map.get(name)
        if isinstance(scalar, GraphQLScalarType):
            scalar.serialize = scalar.coerce_output_value = serialize  # 3.3 renamed it
    return schema
