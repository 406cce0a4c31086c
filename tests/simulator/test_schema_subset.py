"""The carried schema subset must equal the real Shopify SDL wherever it says anything."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    build_schema,
)

from shopify_simulator.schema.loader import HERE
from shopify_simulator.schema.versions import CAPTURED_SCHEMAS

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "shopify-admin-schema"


def carried(version: str) -> GraphQLSchema:
    return build_schema((HERE / f"admin-{version}.graphql").read_text())


@pytest.fixture(scope="module", params=CAPTURED_SCHEMAS)
def schemas(request: pytest.FixtureRequest) -> tuple[GraphQLSchema, GraphQLSchema]:
    real_file = SHARED / request.param / "admin-schema.graphql"
    if not real_file.exists():
        pytest.skip(f"real Shopify SDL not available at {real_file} (../shared is absent)")
    return carried(request.param), build_schema(real_file.read_text(), assume_valid_sdl=True)


def test_subset_equals_real_schema(schemas: tuple[GraphQLSchema, GraphQLSchema]) -> None:
    subset, real = schemas
    assert subset.query_type.name == real.query_type.name
    assert subset.mutation_type.name == real.mutation_type.name
    for name, mine in subset.type_map.items():
        if name.startswith("__"):
            continue
        theirs = real.type_map.get(name)
        assert theirs is not None, f"type {name} is not in the real schema"
        assert type(mine) is type(theirs), name
        if isinstance(mine, GraphQLEnumType):
            assert list(mine.values) == list(theirs.values), name
            for value, definition in mine.values.items():
                assert definition.deprecation_reason == theirs.values[value].deprecation_reason
        if isinstance(mine, GraphQLObjectType | GraphQLInterfaceType):
            assert {i.name for i in mine.interfaces} <= {i.name for i in theirs.interfaces}, name
        if isinstance(mine, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
            for field_name, field in mine.fields.items():
                other = theirs.fields.get(field_name)
                assert other is not None, f"{name}.{field_name} is not real"
                assert str(field.type) == str(other.type), f"{name}.{field_name}"
                assert field.deprecation_reason == other.deprecation_reason, f"{name}.{field_name}"
                if isinstance(mine, GraphQLInputObjectType):
                    assert repr(field.default_value) == repr(other.default_value), f"{name}.{field_name}"
                    continue
                assert list(field.args) == [a for a in other.args if a in field.args], f"{name}.{field_name}"
                assert set(field.args) == set(other.args), f"{name}.{field_name} args"
                for arg_name, arg in field.args.items():
                    real_arg = other.args[arg_name]
                    assert str(arg.type) == str(real_arg.type), f"{name}.{field_name}({arg_name})"
                    assert repr(arg.default_value) == repr(real_arg.default_value), f"{name}.{field_name}({arg_name})"


def test_idempotent_directive_is_real_where_the_version_has_it(schemas: tuple[GraphQLSchema, GraphQLSchema]) -> None:
    subset, real = schemas
    mine, theirs = subset.get_directive("idempotent"), real.get_directive("idempotent")
    if theirs is None:  # versions before 2026-01 have no @idempotent
        assert mine is None
        return
    assert mine is not None
    assert list(mine.locations) == list(theirs.locations)
    assert {k: str(a.type) for k, a in mine.args.items()} == {k: str(a.type) for k, a in theirs.args.items()}


def test_subset_carries_no_descriptions() -> None:
    for version in CAPTURED_SCHEMAS:
        assert '"""' not in (HERE / f"admin-{version}.graphql").read_text()
