"""The registry's invariants, and every GraphQL document checked against Shopify's real schema."""

from __future__ import annotations

import pytest
from graphql import build_schema, parse, validate

from shopify_elt import DEFAULT_API_VERSION
from shopify_elt.ddl import staging_ddl
from shopify_elt.streams import PG_TYPES, QUERY_DIR, STREAMS, STREAMS_BY_NAME, load_document


@pytest.mark.parametrize("stream", STREAMS, ids=lambda s: s.name)
def test_stream_is_well_formed(stream):
    names = [c.name for c in stream.columns]
    assert len(names) == len(set(names)), "promoted columns must be unique"
    assert not {"id", "_shop", "_raw", "_parent_id"} & set(names)
    assert all(c.pg_type in PG_TYPES for c in stream.columns)
    assert stream.document.strip()
    if stream.parent:
        assert stream.parent in STREAMS_BY_NAME
        if stream.nested_in is None:  # one query per parent, or a continuation of the parent's page
            assert "$parentId" in stream.document
        else:
            assert f" {stream.nested_in}" in stream.document
    if stream.is_incremental:
        assert "$query" in stream.document
        if stream.nested_in is None:  # nested lists take their window from the parent
            cursor_column = "".join(f"_{c.lower()}" if c.isupper() else c for c in stream.cursor_field)
            assert cursor_column in names, "incremental streams promote their cursor (newest-wins merge)"
    assert stream.scope is None or stream.scope.startswith("read_")


@pytest.mark.parametrize("stream", STREAMS, ids=lambda s: s.name)
def test_staging_ddl_renders(stream):
    statements = staging_ddl(stream)
    assert statements


@pytest.fixture(scope="module")
def real_schema(shared_schema_dir):
    # assume_valid: Shopify's SDL breaks a deprecation rule graphql-core 3.3 enforces on schemas
    return build_schema(
        (shared_schema_dir / DEFAULT_API_VERSION / "admin-schema.graphql").read_text(), assume_valid=True
    )


@pytest.mark.parametrize("name", sorted(p.stem for p in QUERY_DIR.glob("*.graphql")))
def test_document_is_valid_against_shopifys_schema(real_schema, name):
    errors = validate(real_schema, parse(load_document(name)))
    assert not errors, [e.message for e in errors]


def test_deletions_reach_every_child_of_a_deleted_record():
    from shopify_elt.deletions import statements

    rendered = [(subject, statement.as_string(None)) for subject, statement in statements()]
    order_tables = {text.split()[2] for subject, text in rendered if subject == "ORDER"}
    children = {f"staging.shopify_{s.name}" for s in STREAMS if s.parent == "orders"}
    assert {"staging.shopify_orders", *children} <= {t.replace('"', "") for t in order_tables}
    assert any("shopify_product_variants" in text and "product_id" in text for _, text in rendered)
