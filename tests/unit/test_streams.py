"""The registry's invariants, and every GraphQL document checked against Shopify's real schema."""

from __future__ import annotations

import pytest
from graphql import build_schema, parse, validate

from shopify_elt import DEFAULT_API_VERSION
from shopify_elt.ddl import staging_ddl
from shopify_elt.streams import PG_TYPES, POSITION, QUERY_DIR, STREAMS, STREAMS_BY_NAME, load_document


@pytest.mark.parametrize("stream", STREAMS, ids=lambda s: s.name)
def test_stream_is_well_formed(stream):
    names = [c.name for c in stream.columns]
    assert len(names) == len(set(names)), "promoted columns must be unique"
    assert not {"id", "_shop", "_raw", "_parent_id", "_deleted_at"} & set(names)
    assert all(c.pg_type in PG_TYPES for c in stream.columns)
    assert stream.document.strip()
    if stream.parent:
        assert stream.parent in STREAMS_BY_NAME
        if stream.nested_in is None:  # one query per parent, or a continuation of the parent's page
            assert "$parentId" in stream.document
        else:
            assert all(f" {step}" in stream.document for step in stream.nested_path)
    if stream.is_incremental:
        assert "$query" in stream.document
        if stream.nested_in is None:  # nested lists take their window from the parent
            cursor_column = "".join(f"_{c.lower()}" if c.isupper() else c for c in stream.cursor_path[-1])
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


def test_deletions_mark_every_child_of_a_deleted_record_and_drop_nothing():
    from shopify_elt.deletions import statements

    rendered = [(subject, statement.as_string(None)) for subject, statement in statements()]
    assert all(text.startswith("update ") and "t._deleted_at is null" in text for _, text in rendered)
    order_tables = {text.split()[1].replace('"', "") for subject, text in rendered if subject == "ORDER"}
    children = {f"staging.shopify_{s.name}" for s in STREAMS if s.parent == "orders"}
    assert {"staging.shopify_orders", "staging.shopify_fulfillment_orders", *children} <= order_tables
    assert any("shopify_product_variants" in text and "product_id" in text for _, text in rendered)


def test_streams_without_deletion_events_have_a_sweep():
    swept = {s.name for s in STREAMS if s.sweep}
    assert {"customers", "product_variants", "inventory_levels", "locations", "fulfillment_orders"} <= swept


def _field(selections, name: str):
    return next(s for s in selections if (s.alias or s.name).value == name)


@pytest.mark.parametrize("stream", [s for s in STREAMS if s.sweep], ids=lambda s: s.name)
def test_sweep_reads_only_ids_where_the_stream_reads_its_records(stream):
    """Same connection path as the stream (and per parent alike), ids only, no window: every id."""
    (operation,) = parse(load_document(stream.sweep)).definitions
    variables = {v.variable.name.value for v in operation.variable_definitions}
    assert variables >= {"first", "after"} and "query" not in variables
    assert ("parentId" in variables) == ("$parentId" in stream.document)
    selection = operation
    for key in stream.path:
        selection = _field(selection.selection_set.selections, key)
    nodes = _field(selection.selection_set.selections, "nodes")
    assert [f.name.value for f in nodes.selection_set.selections] == ["id"]
    assert {f.name.value for f in _field(selection.selection_set.selections, "pageInfo").selection_set.selections} == {
        "hasNextPage",
        "endCursor",
    }


@pytest.mark.parametrize("stream", [s for s in STREAMS if s.key is not None], ids=lambda s: s.name)
def test_synthetic_keys_are_made_where_the_list_is_read(stream):
    """Records without an id are keyed from the list they sit in, so only a nested stream can key
    them, and the parts of the key are selected. A position is the index in a list, which a bulk
    file keeps inline as an array; a connection's nodes go to lines of their own, so a
    position-keyed stream in a bulk file must be a plain list (no ``node_types``)."""
    assert stream.nested_in is not None and stream.parent is not None
    for part in stream.key.parts:
        if part != POSITION:
            assert f" {part.split('.')[-1]}" in stream.document, part
    if stream.key.uses_position and stream.bulk:
        assert not stream.node_types


@pytest.mark.parametrize(
    "continuation", sorted({c for s in STREAMS for c in s.continuations}, key=lambda c: c.document), ids=str
)
def test_continuations_page_one_parent_from_a_cursor(continuation):
    document = parse(load_document(continuation.document))
    (operation,) = [d for d in document.definitions if d.kind == "operation_definition"]
    assert {v.variable.name.value for v in operation.variable_definitions} == {"parentId", "first", "after"}
    assert f" {continuation.field}(first: $first, after: $after)" in load_document(continuation.document)
