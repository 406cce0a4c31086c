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
from shopify_simulator.schema.versions import SUPPORTED_VERSIONS, resolve_version, schema_version

HERE = Path(__file__).resolve().parent
SERVED_VERSIONS = SUPPORTED_VERSIONS
__all__ = ["SERVED_VERSIONS", "load_schema", "resolve_version", "version_of"]


def _datetime(value: object) -> object:
    return iso(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _decimal(value: object) -> object:
    return money(value) if isinstance(value, Decimal | int) and not isinstance(value, bool) else value


def _unsigned(value: object) -> object:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


_VERSION_OF: dict[int, str] = {}


def version_of(schema: GraphQLSchema) -> str:
    """The API version a schema built by ``load_schema`` serves."""
    return _VERSION_OF[id(schema)]


SERIALIZERS = {"DateTime": _datetime, "Decimal": _decimal, "Money": _decimal, "UnsignedInt64": _unsigned}


@cache
def load_schema(version: str) -> GraphQLSchema:
    """Build (once per process and version) the executable schema of a served version.

    Versions sharing a captured schema still get schema objects of their own, so that a
    resolver can tell from ``info.schema`` which version it is answering (``version_of``).
    """
    schema = build_schema((HERE / f"admin-{schema_version(version)}.graphql").read_text())
    _VERSION_OF[id(schema)] = version
    for name, serialize in SERIALIZERS.items():
        scalar = schema.type_map.get(name)
        if isinstance(scalar, GraphQLScalarType):
            scalar.serialize = scalar.coerce_output_value = serialize  # 3.3 renamed it
    return schema
